package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.PcaChiSqReference.doubles;
import static org.beamlink.transforms.feature.PcaChiSqReference.ints;
import static org.beamlink.transforms.feature.PcaChiSqReference.keep;
import static org.beamlink.transforms.feature.PcaChiSqReference.kept;
import static org.beamlink.transforms.feature.PcaChiSqReference.reference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.ChiSqSelectorModel;
import org.beamlink.models.feature.ChiSqSelectorModel.SelectorType;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.junit.jupiter.api.Test;

/**
 * ChiSqSelector against scikit-learn's {@code chi2} and its selectors ({@code SelectKBest}, {@code
 * SelectPercentile}, {@code SelectFpr}, {@code SelectFdr}, {@code SelectFwe}): reference numbers
 * from {@code src/test/resources/feature/pca_chisq_reference.py} (scikit-learn 1.2.1, scipy
 * 1.10.1).
 *
 * <p>Scores are compared to 1e-9 relative: both sides sum the same non-negative values per class,
 * so they differ only in summation order (about 1e-15 relative). P-values to 1e-9 relative: scipy's
 * {@code chdtrc} and commons-math3's regularized gamma Q are both accurate to ~1e-14 relative, down
 * to the 1e-300 tails of digits; below the smallest normal double (2.2e-308) scipy gives 0 where
 * commons-math3 keeps a subnormal, so the bound adds that. Selected feature sets must be equal.
 */
class ChiSqSelectorTest {
  private static final double TOL = 1e-9;

  /** Per-class counts and sums of data set {@code name}, in label order, computed in plain Java. */
  private static ChiSqSelectorModel fromData(String name, SelectorType type, double param) {
    List<Row> rows = PcaChiSqReference.vectorRows(name);
    TreeMap<String, double[]> sums = new TreeMap<>();
    TreeMap<String, Long> counts = new TreeMap<>();
    for (Row r : rows) {
      double[] x = r.getLogicalTypeValue("features", Vector.class).toArray();
      String label = String.valueOf((Object) r.getValue("label"));
      double[] s = sums.computeIfAbsent(label, l -> new double[x.length]);
      for (int j = 0; j < x.length; j++) {
        s[j] += x[j];
      }
      counts.merge(label, 1L, Long::sum);
    }
    long[] c = counts.values().stream().mapToLong(Long::longValue).toArray();
    double[][] s = sums.values().toArray(new double[0][]);
    return ChiSqSelectorModel.fromClassSums("features", "selected", type, param, c, s);
  }

  private static void assertRelative(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      if (Double.isNaN(expected[i])) {
        assertTrue(Double.isNaN(actual[i]), what + " [" + i + "] should be NaN: " + actual[i]);
      } else {
        double bound = TOL * Math.abs(expected[i]) + Double.MIN_NORMAL;
        assertEquals(expected[i], actual[i], bound, what + " [" + i + "]");
      }
    }
  }

  private static void assertMatchesReference(String name) {
    JsonNode ref = reference("chisq", name);
    ChiSqSelectorModel kBest = fromData(name, SelectorType.NUM_TOP_FEATURES, ref.get("k").asInt());
    assertRelative(doubles(ref.get("scores")), kBest.scores(), name + " scores");
    assertRelative(doubles(ref.get("pvalues")), kBest.pValues(), name + " p-values");
    assertArrayEquals(ints(ref.get("kbest")), kBest.selectedFeatures(), name + " SelectKBest");
    double percentile = ref.get("percentile").asDouble() / 100;
    assertArrayEquals(
        ints(ref.get("select_percentile")),
        fromData(name, SelectorType.PERCENTILE, percentile).selectedFeatures(),
        name + " SelectPercentile");
    double alpha = ref.get("alpha").asDouble();
    assertArrayEquals(
        ints(ref.get("fpr")),
        fromData(name, SelectorType.FPR, alpha).selectedFeatures(),
        name + " SelectFpr");
    assertArrayEquals(
        ints(ref.get("fdr")),
        fromData(name, SelectorType.FDR, alpha).selectedFeatures(),
        name + " SelectFdr");
    assertArrayEquals(
        ints(ref.get("fwe")),
        fromData(name, SelectorType.FWE, alpha).selectedFeatures(),
        name + " SelectFwe");
  }

  @Test
  void scoresAndEverySelectorMatchSklearnOnIrisAndDigits() {
    assertMatchesReference("iris");
    assertMatchesReference("digits");
  }

  /** Digits' 10% keeps 7 of 64 features, as numpy's interpolated percentile does in sklearn. */
  @BoundedRunnerTest
  void fitMatchesSklearnSelectPercentileOnDigits(TestRunner runner) {
    Pipeline p = runner.create();
    JsonNode ref = reference("chisq", "digits");
    PCollection<Row> digits =
        p.apply(
            Create.of(PcaChiSqReference.vectorRows("digits"))
                .withRowSchema(PcaChiSqReference.schema("digits")));
    keep(
        digits.apply(
            ChiSqSelector.fit()
                .withSelectorType(SelectorType.PERCENTILE)
                .withPercentile(ref.get("percentile").asDouble() / 100)),
        "chisq-digits-" + runner);
    runner.run(p);
    ChiSqSelectorModel model = kept("chisq-digits-" + runner);
    assertArrayEquals(ints(ref.get("select_percentile")), model.selectedFeatures());
    assertRelative(doubles(ref.get("scores")), model.scores(), "scores");
  }

  @Test
  void fitsStringLabelsAndAppendsTheSelectedFeatures() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> iris =
        p.apply(
            Create.of(PcaChiSqReference.vectorRows("iris"))
                .withRowSchema(PcaChiSqReference.schema("iris")));
    PCollection<ChiSqSelectorModel> model =
        iris.apply(ChiSqSelector.fit().withNumTopFeatures(2).withLabelCol("label"));
    keep(model, "chisq-iris");
    PAssert.that(iris.apply(ChiSqSelector.transform(model)))
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                Vector x = r.getLogicalTypeValue("features", Vector.class);
                Vector selected = r.getLogicalTypeValue("selected", Vector.class);
                assertEquals(Vector.dense(x.get(2), x.get(3)), selected);
              }
              assertEquals(150, n);
              return null;
            });
    TestRunner.DIRECT.run(p);
    assertArrayEquals(
        ints(reference("chisq", "iris").get("kbest")),
        PcaChiSqReference.<ChiSqSelectorModel>kept("chisq-iris").selectedFeatures());
  }

  @Test
  void sparseInputFitsTheSameModelAndStaysSparse() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> sparse =
        p.apply(
            Create.of(PcaChiSqReference.sparseVectorRows("digits"))
                .withRowSchema(PcaChiSqReference.schema("digits")));
    PCollection<ChiSqSelectorModel> model =
        sparse.apply(ChiSqSelector.fit().withNumTopFeatures(20));
    keep(model, "chisq-sparse");
    PAssert.that(sparse.apply(ChiSqSelector.transform(model)))
        .satisfies(
            rows -> {
              for (Row r : rows) {
                assertInstanceOf(
                    SparseVector.class, r.getLogicalTypeValue("selected", Vector.class));
              }
              return null;
            });
    TestRunner.DIRECT.run(p);
    JsonNode ref = reference("chisq", "digits");
    ChiSqSelectorModel m = kept("chisq-sparse");
    assertArrayEquals(ints(ref.get("kbest")), m.selectedFeatures());
    assertRelative(doubles(ref.get("scores")), m.scores(), "scores");
  }

  @Test
  void selectFromKeepsIndexOrderForDenseAndSparse() {
    ChiSqSelectorModel m =
        ChiSqSelectorModel.of(
            "features",
            "selected",
            SelectorType.NUM_TOP_FEATURES,
            2,
            new double[] {1, 5, 0, 4},
            new double[] {0.5, 0.01, 1, 0.02},
            new int[] {1, 3});
    assertEquals(Vector.dense(2, 4), m.selectFrom(Vector.dense(1, 2, 3, 4)));
    assertEquals(
        Vector.sparse(2, new int[] {1}, new double[] {4}),
        m.selectFrom(Vector.sparse(4, new int[] {0, 3}, new double[] {1, 4})));
  }

  @Test
  void equalScoresRankTheLowerIndexFirstAndNaNLast() {
    double[] scores = {2, Double.NaN, 3, 2, 2};
    double[] p = {0.1, Double.NaN, 0.05, 0.1, 0.1};
    assertArrayEquals(
        new int[] {0, 2}, ChiSqSelectorModel.select(SelectorType.NUM_TOP_FEATURES, 2, scores, p));
    assertArrayEquals(
        new int[] {0, 2, 3, 4},
        ChiSqSelectorModel.select(SelectorType.NUM_TOP_FEATURES, 4, scores, p));
    assertArrayEquals(
        new int[] {0, 1, 2, 3, 4},
        ChiSqSelectorModel.select(SelectorType.NUM_TOP_FEATURES, 50, scores, p));
  }

  @Test
  void coderRoundTripsTheModelAlsoThroughTheRegistry() throws IOException {
    ChiSqSelectorModel model = fromData("digits", SelectorType.FDR, 0.05);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ChiSqSelectorModel.Coder.of().encode(model, bytes);
    assertEquals(
        model, ChiSqSelectorModel.Coder.of().decode(new ByteArrayInputStream(bytes.toByteArray())));
    TransformerCoder<ChiSqSelectorModel> coder =
        TransformerCoder.of(ChiSqSelectorModel.class, null);
    ByteArrayOutputStream registered = new ByteArrayOutputStream();
    coder.encode(model, registered);
    assertEquals(model, coder.decode(new ByteArrayInputStream(registered.toByteArray())));
  }

  @Test
  void rejectsBadColumnsAndParametersAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply(
            Create.of(PcaChiSqReference.vectorRows("iris"))
                .withRowSchema(PcaChiSqReference.schema("iris")));
    IllegalArgumentException noLabel =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply("No label", ChiSqSelector.fit().withLabelCol("species")));
    assertTrue(noLabel.getMessage().contains("'species' not found"), noLabel.getMessage());
    IllegalArgumentException vectorLabel =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(
                    "Vector label",
                    ChiSqSelector.fit().withLabelCol("features").withOutputCol("s")));
    assertTrue(
        vectorLabel.getMessage().contains("expected a string, boolean or number"),
        vectorLabel.getMessage());
    IllegalArgumentException noInput =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply("No input", ChiSqSelector.fit().withInputCol("counts")));
    assertTrue(noInput.getMessage().contains("'counts' not found"), noInput.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ChiSqSelector.fit().withNumTopFeatures(0));
    assertThrows(IllegalArgumentException.class, () -> ChiSqSelector.fit().withPercentile(1.5));
    assertThrows(IllegalArgumentException.class, () -> ChiSqSelector.fit().withFpr(-0.1));
  }

  @Test
  void rejectsNegativeFeaturesASingleClassAndEmptyInput() {
    Schema schema = PcaChiSqReference.schema("digits");
    Pipeline negative = TestRunner.DIRECT.create();
    negative
        .apply(
            Create.of(
                    Row.withSchema(schema).addValues(Vector.dense(1, 2), 0).build(),
                    Row.withSchema(schema).addValues(Vector.dense(3, -2), 1).build())
                .withRowSchema(schema))
        .apply(ChiSqSelector.fit());
    String message =
        LinearTestSupport.rootMessage(
            assertThrows(Exception.class, () -> TestRunner.DIRECT.run(negative)));
    assertTrue(message.contains("negative value -2.0 at index 1"), message);

    Pipeline single = TestRunner.DIRECT.create();
    single
        .apply(
            Create.of(
                    Row.withSchema(schema).addValues(Vector.dense(1, 2), 4).build(),
                    Row.withSchema(schema).addValues(Vector.dense(3, 2), 4).build())
                .withRowSchema(schema))
        .apply(ChiSqSelector.fit());
    message =
        LinearTestSupport.rootMessage(
            assertThrows(Exception.class, () -> TestRunner.DIRECT.run(single)));
    assertTrue(message.contains("at least 2 distinct labels in column 'label'"), message);

    Pipeline empty = TestRunner.DIRECT.create();
    empty.apply(Create.empty(schema)).apply(ChiSqSelector.fit());
    message =
        LinearTestSupport.rootMessage(
            assertThrows(Exception.class, () -> TestRunner.DIRECT.run(empty)));
    assertTrue(message.contains("no rows to fit on"), message);
  }

  @Test
  void rejectsVectorOfWrongSizeWhenMapping() {
    ChiSqSelectorModel model = fromData("iris", SelectorType.NUM_TOP_FEATURES, 2);
    Schema schema = PcaChiSqReference.schema("iris");
    Row row = Row.withSchema(schema).addValues(Vector.dense(1, 2), "setosa").build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> model.bind(schema).apply(row));
    assertTrue(e.getMessage().contains("size 2 but 4 was expected"), e.getMessage());
  }
}
