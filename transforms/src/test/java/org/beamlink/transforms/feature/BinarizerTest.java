package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.ScalerTestSupport.IRIS_VECTORS;
import static org.beamlink.transforms.feature.ScalerTestSupport.assertRoundTrips;
import static org.beamlink.transforms.feature.ScalerTestSupport.doubles;
import static org.beamlink.transforms.feature.ScalerTestSupport.irisVectors;
import static org.beamlink.transforms.feature.ScalerTestSupport.reference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.BinarizerMapper;
import org.beamlink.models.linalg.DenseVector;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * Binarizer against scalers_reference.json section "binarizer" (scikit-learn {@code
 * Binarizer(threshold=3.0)}): 0/1 values, compared exactly.
 */
class BinarizerTest {
  private static final Schema MIXED =
      Schema.builder()
          .addInt32Field("n")
          .addDoubleField("x")
          .addField("v", VectorLogicalType.FIELD_TYPE)
          .build();

  private static Row mixed(int n, double x, Vector v) {
    return Row.withSchema(MIXED).addValues(n, x, v).build();
  }

  @Test
  void binarizesIrisLikeSklearn() {
    JsonNode ref = reference("binarizer");
    Transformer.Bound bound =
        BinarizerMapper.of(List.of("features"), List.of("bin"), ref.get("threshold").asDouble())
            .bind(IRIS_VECTORS);
    List<Row> iris = irisVectors();
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(
          doubles(ref.get("first5").get(i)),
          bound.apply(iris.get(i)).getLogicalTypeValue("bin", Vector.class).toArray(),
          0.0);
    }
  }

  @Test
  void binarizesNumbersAndVectorsKeepingSparsityForNonNegativeThresholds() {
    Transformer.Bound bound =
        BinarizerMapper.of(List.of("n", "x", "v"), List.of("nb", "xb", "vb"), 1.0).bind(MIXED);
    Row out = bound.apply(mixed(2, 1.0, Vector.sparse(3, new int[] {0, 2}, new double[] {1, 5})));
    assertEquals(1.0, out.getDouble("nb"));
    assertEquals(0.0, out.getDouble("xb"), "1.0 is not above the threshold 1.0");
    Vector vb = out.getLogicalTypeValue("vb", Vector.class);
    assertInstanceOf(SparseVector.class, vb);
    assertArrayEquals(new double[] {0, 0, 1}, vb.toArray(), 0.0);
    assertEquals(1, vb.numNonzeros());

    Vector negative =
        BinarizerMapper.of(List.of("v"), List.of("vb"), -0.5)
            .bind(MIXED)
            .apply(mixed(0, 0, Vector.sparse(3, new int[] {1}, new double[] {-1})))
            .getLogicalTypeValue("vb", Vector.class);
    assertInstanceOf(DenseVector.class, negative);
    assertArrayEquals(new double[] {1, 0, 1}, negative.toArray(), 0.0);
  }

  @Test
  void rejectsNaNNamingColumnAndRow() {
    Transformer.Bound bound = BinarizerMapper.of(List.of("x"), List.of("xb"), 0).bind(MIXED);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> bound.apply(mixed(1, Double.NaN, Vector.dense(1))));
    assertTrue(e.getMessage().contains("column 'x' has value NaN in row"), e.getMessage());
  }

  @Test
  void runsInAPipelineAndChecksColumnsAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    PAssert.that(
            p.apply(Create.of(mixed(3, -1.0, Vector.dense(0.5, 2))).withRowSchema(MIXED))
                .apply(Binarizer.of("x", "v").withOutputCols("xb", "vb").withThreshold(0.5)))
        .satisfies(
            rows -> {
              Row r = rows.iterator().next();
              assertEquals(0.0, r.getDouble("xb"));
              assertArrayEquals(
                  new double[] {0, 1}, r.getLogicalTypeValue("vb", Vector.class).toArray(), 0.0);
              return null;
            });
    TestRunner.DIRECT.run(p);
    Pipeline bad = TestRunner.DIRECT.create();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> bad.apply(Create.empty(MIXED)).apply(Binarizer.of("nope").withOutputCols("b")));
    assertTrue(e.getMessage().contains("'nope' not found"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Binarizer.of("x").withOutputCols("a", "b"));
    assertThrows(IllegalArgumentException.class, () -> Binarizer.of());
  }

  @Test
  void rejectsMissingOutputColumnsAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.apply(Create.empty(MIXED)).apply(Binarizer.of("x").withThreshold(0.5)));
    assertEquals("Binarizer needs withOutputCols(..)", e.getMessage());
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        BinarizerMapper.Coder.of(), BinarizerMapper.of(List.of("a", "b"), List.of("c", "d"), 2.5));
  }
}
