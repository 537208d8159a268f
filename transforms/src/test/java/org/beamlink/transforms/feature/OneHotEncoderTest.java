package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.CategoricalTestSupport.assertRoundTrips;
import static org.beamlink.transforms.feature.CategoricalTestSupport.doubles;
import static org.beamlink.transforms.feature.CategoricalTestSupport.ints;
import static org.beamlink.transforms.feature.CategoricalTestSupport.reference;
import static org.beamlink.transforms.feature.CategoricalTestSupport.strings;
import static org.beamlink.transforms.linear.LinearTestSupport.rootMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.feature.OneHotEncoderModel;
import org.beamlink.models.feature.SkippingBound;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.clustering.TestData;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.junit.jupiter.api.Test;

/**
 * OneHotEncoder against scikit-learn 1.2.1's {@code OneHotEncoder} on Iris species (STRING) and
 * digits pixel {@code f20} (DOUBLE, 17 values): categories, and the encoding of every row with
 * {@code drop=None} (= dropLast false) and {@code drop=[last category]} (= Spark's dropLast true),
 * from {@code categorical_reference.py}. Encodings are 0/1, so they are compared exactly.
 */
class OneHotEncoderTest {
  private static final Schema COLOR =
      Schema.builder().addNullableField("color", Schema.FieldType.STRING).build();

  private static Row color(String c) {
    return Row.withSchema(COLOR).addValue(c).build();
  }

  private static OneHotEncoderModel colorModel(boolean dropLast, HandleInvalid handleInvalid) {
    return OneHotEncoderModel.of(
        List.of("color"), List.of("vec"), List.of(List.of("blue", "red")), dropLast, handleInvalid);
  }

  private static Vector encode(Transformer.Bound bound, Row row) {
    return bound.apply(row).getLogicalTypeValue("vec", Vector.class);
  }

  /** The encodings of {@code rows}' column {@code col} against sklearn's active slots. */
  private static void assertEncodes(
      OneHotEncoderModel model, List<Row> rows, JsonNode sklearnCase) {
    Transformer.Bound bound = model.bind(rows.get(0).getSchema());
    int[] active = ints(sklearnCase.get("active"));
    int width = sklearnCase.get("width").asInt();
    for (int i = 0; i < rows.size(); i++) {
      Vector v = encode(bound, rows.get(i));
      assertTrue(v instanceof SparseVector, "sparse output");
      assertEquals(width, v.size());
      double[] expected = new double[width];
      if (active[i] >= 0) {
        expected[active[i]] = 1.0;
      }
      assertArrayEquals(expected, v.toArray(), "row " + i);
    }
  }

  @Test
  void encodesIrisSpeciesAsSklearn() {
    JsonNode ref = reference("onehot_iris_species");
    List<String> categories = strings(ref.get("drop_none").get("categories"));
    for (boolean dropLast : new boolean[] {false, true}) {
      OneHotEncoderModel m =
          OneHotEncoderModel.of(
              List.of("species"),
              List.of("vec"),
              List.of(categories),
              dropLast,
              HandleInvalid.ERROR);
      assertEncodes(m, TestData.iris(), ref.get(dropLast ? "drop_last" : "drop_none"));
    }
  }

  @Test
  void encodesDigitsPixelValuesAsSklearn() {
    JsonNode ref = reference("onehot_digits_f20");
    List<String> categories = new ArrayList<>();
    for (double c : doubles(ref.get("drop_none").get("categories"))) {
      categories.add(Double.toString(c));
    }
    List<Row> digits = LinearTestSupport.csv("digits.csv", Schema.FieldType.INT32);
    for (boolean dropLast : new boolean[] {false, true}) {
      OneHotEncoderModel m =
          OneHotEncoderModel.of(
              List.of("f20"), List.of("vec"), List.of(categories), dropLast, HandleInvalid.ERROR);
      assertEncodes(m, digits, ref.get(dropLast ? "drop_last" : "drop_none"));
    }
  }

  /**
   * sklearn's drop='first' drops the first category, which no setting here does: it equals the
   * dropLast=false encoding without slot 0 (recorded so the difference from Spark's dropLast is
   * explicit).
   */
  @Test
  void sklearnDropFirstIsDropLastFalseWithoutSlotZero() {
    JsonNode ref = reference("onehot_iris_species");
    int[] full = ints(ref.get("drop_none").get("active"));
    int[] first = ints(ref.get("drop_first").get("active"));
    for (int i = 0; i < full.length; i++) {
      assertEquals(full[i] == 0 ? -1 : full[i] - 1, first[i]);
    }
  }

  /** Categories learned by a fit on both runners equal sklearn's categories_. */
  @BoundedRunnerTest
  void fitLearnsSklearnCategories(TestRunner runner) {
    List<String> species =
        strings(reference("onehot_iris_species").get("drop_none").get("categories"));
    double[] pixels = doubles(reference("onehot_digits_f20").get("drop_none").get("categories"));
    List<Row> digits = LinearTestSupport.csv("digits.csv", Schema.FieldType.INT32);
    Pipeline p = runner.create();
    PCollection<OneHotEncoderModel> irisModel =
        p.apply("Iris", Create.of(TestData.iris()).withRowSchema(TestData.IRIS))
            .apply(
                "Fit iris",
                OneHotEncoder.fit().withInputCols("species").withOutputCols("speciesVec"));
    PCollection<OneHotEncoderModel> digitsModel =
        p.apply("Digits", Create.of(digits).withRowSchema(digits.get(0).getSchema()))
            .apply(
                "Fit digits",
                OneHotEncoder.fit()
                    .withInputCols("f20", "label")
                    .withOutputCols("f20Vec", "labelVec"));
    PAssert.thatSingleton("iris categories", irisModel)
        .satisfies(
            m -> {
              assertEquals(List.of(species), m.categories());
              assertTrue(m.dropLast());
              return null;
            });
    PAssert.thatSingleton("digits categories", digitsModel)
        .satisfies(
            m -> {
              double[] learned =
                  m.categories().get(0).stream().mapToDouble(Double::parseDouble).toArray();
              assertArrayEquals(pixels, learned);
              // INT32 labels sort numerically, not as strings ("10" would follow "1")
              assertEquals(
                  List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), m.categories().get(1));
              return null;
            });
    runner.run(p);
  }

  /** Numeric categories sort by value, as sklearn: 2 < 10 < 100. */
  @Test
  void sortsNumericCategoriesNumerically() {
    assertEquals(
        List.of("-1.5", "2.0", "10.0", "100.0"),
        OneHotEncoderModel.sortCategories(List.of("100.0", "2.0", "-1.5", "10.0"), true));
    assertEquals(
        List.of("B", "a", "b"), OneHotEncoderModel.sortCategories(List.of("b", "a", "B"), false));
  }

  @Test
  void rejectsUnseenValuesNamingColumnAndValue() {
    Transformer.Bound bound = colorModel(true, HandleInvalid.ERROR).bind(COLOR);
    String message =
        assertThrows(IllegalArgumentException.class, () -> bound.apply(color("green")))
            .getMessage();
    assertTrue(message.contains("'color'") && message.contains("'green'"), message);
    assertThrows(IllegalArgumentException.class, () -> bound.apply(color(null)));
  }

  /** keep adds a slot after the categories (Spark); dropLast then drops that slot. */
  @Test
  void keepAddsAnInvalidSlotAsSpark() {
    Transformer.Bound noDrop = colorModel(false, HandleInvalid.KEEP).bind(COLOR);
    assertEquals(Vector.sparse(3, new int[] {2}, new double[] {1}), encode(noDrop, color("green")));
    assertEquals(Vector.sparse(3, new int[] {2}, new double[] {1}), encode(noDrop, color(null)));
    assertEquals(Vector.sparse(3, new int[] {1}, new double[] {1}), encode(noDrop, color("red")));
    Transformer.Bound drop = colorModel(true, HandleInvalid.KEEP).bind(COLOR);
    assertEquals(Vector.zeros(2), encode(drop, color("green")));
    assertEquals(Vector.sparse(2, new int[] {1}, new double[] {1}), encode(drop, color("red")));
  }

  /** ignore encodes an unseen value as all zeros: sklearn's handle_unknown='ignore'. */
  @Test
  void ignoreEncodesUnseenAsSklearnDoes() {
    JsonNode ref = reference("onehot_iris_species").get("drop_none");
    OneHotEncoderModel m =
        OneHotEncoderModel.of(
            List.of("species"),
            List.of("vec"),
            List.of(strings(ref.get("categories"))),
            false,
            HandleInvalid.IGNORE);
    Row unknown = Row.withSchema(TestData.IRIS).addValues(1.0, 1.0, 1.0, 1.0, "unknown").build();
    assertArrayEquals(
        doubles(ref.get("unseen_encoding")), encode(m.bind(TestData.IRIS), unknown).toArray());
  }

  @Test
  void skipDropsOnlyThroughApplyOrSkip() {
    SkippingBound bound = colorModel(true, HandleInvalid.SKIP).bind(COLOR);
    assertNull(bound.applyOrSkip(color("green")));
    assertThrows(IllegalArgumentException.class, () -> bound.apply(color("green")));
  }

  @Test
  void skipDropsInvalidRowsInTheTransform() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<OneHotEncoderModel> model =
        p.apply("Train", Create.of(color("red"), color("blue"), color(null)).withRowSchema(COLOR))
            .apply(
                OneHotEncoder.fit()
                    .withInputCols("color")
                    .withOutputCols("vec")
                    .withDropLast(false)
                    .withHandleInvalid(HandleInvalid.SKIP));
    PCollection<Row> out =
        p.apply("Score", Create.of(color("red"), color("green"), color(null)).withRowSchema(COLOR))
            .apply(OneHotEncoder.transform(model));
    PAssert.that(out)
        .satisfies(
            rows -> {
              List<Row> kept = new ArrayList<>();
              rows.forEach(kept::add);
              assertEquals(1, kept.size());
              assertEquals(
                  Vector.sparse(2, new int[] {1}, new double[] {1}),
                  kept.get(0).getLogicalTypeValue("vec", Vector.class));
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void rejectsBadParametersAndColumns() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(color("red")).withRowSchema(COLOR));
    assertThrows(
        IllegalArgumentException.class,
        () -> rows.apply(OneHotEncoder.fit().withInputCols("colour").withOutputCols("v")));
    assertThrows(
        IllegalArgumentException.class,
        () -> rows.apply(OneHotEncoder.fit().withInputCols("color")));
    Schema vectors =
        Schema.builder()
            .addField("v", org.beamlink.models.linalg.VectorLogicalType.FIELD_TYPE)
            .build();
    assertThrows(
        IllegalArgumentException.class,
        () -> OneHotEncoderModel.mapping(List.of("v"), List.of("o")).outputSchema(vectors));
  }

  @Test
  void failsOnEmptyInputAndOnAColumnOfNullsOnly() {
    Pipeline empty = TestRunner.DIRECT.create();
    empty
        .apply(Create.empty(COLOR).withRowSchema(COLOR))
        .apply(OneHotEncoder.fit().withInputCols("color").withOutputCols("v"));
    assertEquals(
        "OneHotEncoder: no rows to fit on",
        rootMessage(assertThrows(Exception.class, () -> TestRunner.DIRECT.run(empty))));
    Pipeline nulls = TestRunner.DIRECT.create();
    nulls
        .apply(Create.of(color(null)).withRowSchema(COLOR))
        .apply(OneHotEncoder.fit().withInputCols("color").withOutputCols("v"));
    String message = rootMessage(assertThrows(Exception.class, () -> TestRunner.DIRECT.run(nulls)));
    assertTrue(message.contains("'color' has only nulls"), message);
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        colorModel(true, HandleInvalid.IGNORE),
        OneHotEncoderModel.Coder.of(),
        "one-hot-encoder-model");
  }
}
