package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.CategoricalTestSupport.assertRoundTrips;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.feature.IndexToStringMapper;
import org.beamlink.models.feature.StringIndexerModel;
import org.beamlink.models.feature.StringOrderType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/** IndexToString: the inverse of a StringIndexerModel, and bad indices. */
class IndexToStringTest {
  private static final Schema SCHEMA =
      Schema.builder().addNullableField("i", Schema.FieldType.DOUBLE).build();

  private static Row index(Double i) {
    return Row.withSchema(SCHEMA).addValue(i).build();
  }

  @Test
  void invertsAStringIndexerModel() {
    StringIndexerModel indexer =
        StringIndexerModel.of(
            List.of("color"),
            List.of("i"),
            List.of(List.of("red", "blue", "green")),
            StringOrderType.FREQUENCY_DESC,
            HandleInvalid.ERROR);
    Transformer.Bound bound =
        IndexToString.of("i")
            .withOutputCol("color")
            .withLabelsOf(indexer, "color")
            .transformer()
            .bind(SCHEMA);
    assertEquals("green", bound.apply(index(2.0)).getString("color"));
    assertEquals("red", bound.apply(index(0.0)).getString("color"));
  }

  @Test
  void rejectsOutOfRangeFractionalNaNAndNullIndicesNamingColumnAndValue() {
    Transformer.Bound bound = IndexToStringMapper.of("i", "s", List.of("a", "b")).bind(SCHEMA);
    for (Double bad : new Double[] {2.0, -1.0, 0.5, Double.NaN, null}) {
      String message =
          assertThrows(IllegalArgumentException.class, () -> bound.apply(index(bad))).getMessage();
      assertTrue(message.contains("'i' has value " + bad), message);
    }
  }

  @Test
  void rejectsMissingParametersAndNonNumericColumns() {
    String noLabels =
        assertThrows(
                IllegalArgumentException.class,
                () -> IndexToString.of("i").withOutputCol("s").transformer())
            .getMessage();
    assertEquals("IndexToString needs withLabels(..)", noLabels);
    assertThrows(IllegalArgumentException.class, () -> IndexToString.of("i").withLabels(List.of()));
    assertThrows(IllegalArgumentException.class, () -> IndexToString.of(""));
    Schema s = Schema.builder().addStringField("i").build();
    assertThrows(
        IllegalArgumentException.class,
        () -> IndexToStringMapper.of("i", "s", List.of("a")).outputSchema(s));
  }

  @Test
  void rejectsMissingOutputColumnAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                p.apply(Create.empty(SCHEMA))
                    .apply(IndexToString.of("i").withLabels(List.of("x", "y"))));
    assertEquals("IndexToString needs withOutputCol(..)", e.getMessage());
  }

  @Test
  void mapsIndicesInAPipeline() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> out =
        p.apply(Create.of(index(1.0), index(0.0)).withRowSchema(SCHEMA))
            .apply(IndexToString.of("i").withOutputCol("s").withLabels(List.of("x", "y")));
    PAssert.that(out)
        .satisfies(
            rows -> {
              for (Row r : rows) {
                assertEquals(r.getDouble("i") == 0.0 ? "x" : "y", r.getString("s"));
              }
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        IndexToStringMapper.of("i", "s", List.of("a", "b")),
        IndexToStringMapper.Coder.of(),
        "index-to-string");
  }
}
