package org.beamlink.transforms.regression;

import static org.beamlink.transforms.linear.LinearTestSupport.collinearReference;
import static org.beamlink.transforms.linear.LinearTestSupport.csv;
import static org.beamlink.transforms.linear.LinearTestSupport.doubles;
import static org.beamlink.transforms.linear.LinearTestSupport.featureNames;
import static org.beamlink.transforms.linear.LinearTestSupport.keep;
import static org.beamlink.transforms.linear.LinearTestSupport.maxRelativeError;
import static org.beamlink.transforms.linear.LinearTestSupport.model;
import static org.beamlink.transforms.linear.LinearTestSupport.reference;
import static org.beamlink.transforms.linear.LinearTestSupport.rootMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.StopReason;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.optim.HuberLoss;
import org.beamlink.models.optim.OptimMethod;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.linear.CollinearData;
import org.beamlink.transforms.linear.LinearFit;
import org.junit.jupiter.api.Test;

class LinearRegressionTest {
  private static final Schema XY =
      Schema.builder().addDoubleField("a").addDoubleField("b").addDoubleField("y").build();

  private static Row xy(double a, double b, double y) {
    return Row.withSchema(XY).addValues(a, b, y).build();
  }

  /** The four rows: OLS predicts 16.814789 at (7, 9) and 6.773943 at (3, 3). */
  @BoundedRunnerTest
  void olsOnFourRowsPredictsTheReferenceValues(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Row> rows =
        p.apply(
            Create.of(xy(7, 9, 16.8), xy(3, 3, 6.7), xy(2, 4, 6.9), xy(3, 4, 8.0))
                .withRowSchema(XY));
    PCollection<LinearModel> model =
        rows.apply(
            LinearRegression.fit()
                .withLabelCol("y")
                .withFeatureCols("a", "b")
                .withStandardization(false)
                .withTol(0.0)
                .withMaxIter(200));
    keep(model, "ols4-" + runner);
    PCollection<Row> scored = rows.apply(LinearRegression.predict(model));
    PAssert.that(scored)
        .satisfies(
            out -> {
              for (Row r : out) {
                if (r.getDouble("a") == 7.0) {
                  assertEquals(16.814789, r.getDouble("prediction"), 1e-4);
                }
                if (r.getDouble("a") == 3.0 && r.getDouble("b") == 3.0) {
                  assertEquals(6.773943, r.getDouble("prediction"), 1e-4);
                }
              }
              return null;
            });
    runner.run(p);
    LinearModel m = model("ols4-" + runner);
    assertEquals(LinearModelType.REGRESSION, m.type());
    assertTrue(m.provenance().lossCurve().length > 1);
  }

  /**
   * linear_reference.json cases ridge_diabetes ({@code Ridge(alpha=1)}: l2 = 1/n), lasso_diabetes
   * ({@code Lasso(alpha=0.1)}: l1 = 0.1), elasticnet_diabetes ({@code ElasticNet(alpha=0.1,
   * l1_ratio=0.5)}: l1 = l2 = 0.05), ols_diabetes and huber_diabetes (scipy's L-BFGS-B on our Huber
   * objective with delta 40), all without standardization, in one pipeline.
   */
  @Test
  void diabetesMatchesSklearnForEveryPenalty() {
    List<Row> data = csv("diabetes.csv", Schema.FieldType.DOUBLE);
    int n = data.size();
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(data).withRowSchema(data.get(0).getSchema()));
    LinearFit base =
        LinearRegression.fit()
            .withLabelCol("label")
            .withFeatureCols(featureNames(10))
            .withStandardization(false)
            .withTol(1e-14)
            .withMaxIter(3000);
    keep(rows.apply("Ridge", base.withL2(1.0 / n)), "ridge_diabetes");
    keep(rows.apply("Lasso", base.withL1(0.1)), "lasso_diabetes");
    keep(
        rows.apply("Elastic net", base.withRegParam(0.1).withElasticNetParam(0.5)),
        "elasticnet_diabetes");
    keep(rows.apply("OLS", base), "ols_diabetes");
    keep(rows.apply("Huber", base.withLoss(new HuberLoss(40.0))), "huber_diabetes");
    TestRunner.DIRECT.run(p);
    for (String name :
        List.of(
            "ridge_diabetes",
            "lasso_diabetes",
            "elasticnet_diabetes",
            "ols_diabetes",
            "huber_diabetes")) {
      LinearModel m = model(name);
      JsonNode ref = reference(name);
      if (ref.has("exact_piecewise_solution")) {
        // scipy's L-BFGS-B stops at gradient 7e-7 on the Huber objective; the script also solves
        // it exactly on the set of rows beyond delta, and that solution is the reference.
        ref = ref.get("exact_piecewise_solution");
      }
      double[] coef = doubles(ref.get("coefficients"));
      double err = maxRelativeError(m.coefficients(), coef, 1.0);
      assertTrue(err < 1e-4, name + ": coefficients off by " + err + ": " + m);
      assertEquals(ref.get("intercept").asDouble(), m.intercepts()[0], 1e-4, name);
      double f = ref.get("F").asDouble();
      assertEquals(f, m.provenance().finalLoss(), 1e-7 * Math.max(1, Math.abs(f)), name);
      if (ref.has("zero_coefficients")) {
        for (JsonNode j : ref.get("zero_coefficients")) {
          assertEquals(
              0.0, m.coefficients()[j.asInt()], name + ": coefficient " + j + " must be 0");
        }
      }
    }
  }

  /**
   * Ridge on diabetes for 15 L-BFGS iterations (named: AUTO solves least squares exactly), on the
   * DirectRunner and on Flink at parallelism 2, with 2 partitions each: the same model to 1e-9
   * (blocks may hold different rows on each runner, so sums differ in their last bits).
   */
  @Test
  void sameModelOnDirectAndFlink() {
    List<Row> data = csv("diabetes.csv", Schema.FieldType.DOUBLE);
    for (TestRunner runner : List.of(TestRunner.DIRECT, TestRunner.FLINK_BATCH)) {
      Pipeline p = runner.create("--parallelism=2");
      keep(
          p.apply(Create.of(data).withRowSchema(data.get(0).getSchema()))
              .apply(
                  LinearRegression.fit()
                      .withLabelCol("label")
                      .withFeatureCols(featureNames(10))
                      .withL2(1.0 / data.size())
                      .withOptimMethod(OptimMethod.LBFGS)
                      .withMaxIter(15)
                      .withTol(0.0)
                      .withNumTasks(2)),
          "ridge15-" + runner);
      runner.run(p);
    }
    LinearModel direct = model("ridge15-" + TestRunner.DIRECT);
    LinearModel flink = model("ridge15-" + TestRunner.FLINK_BATCH);
    assertEquals(15, direct.provenance().iterations());
    assertTrue(maxRelativeError(flink.coefficients(), direct.coefficients(), 1.0) < 1e-9);
    assertEquals(direct.intercepts()[0], flink.intercepts()[0], 1e-9 * 152);
  }

  private static final int N = 20_000;

  /** Fails unless every value is within {@code tol} of the reference, relative to max(|ref|, 1). */
  private static void assertClose(double[] expected, double[] actual, double tol, String what) {
    double err = maxRelativeError(actual, expected, 1.0);
    assertTrue(err < tol, what + ": off by " + err + " (relative), " + Arrays.toString(actual));
  }

  private static void assertMatches(LinearModel m, JsonNode ref, double tol, String what) {
    assertClose(doubles(ref.get("coefficients")), m.coefficients(), tol, what);
    double b = ref.get("intercept").asDouble();
    assertEquals(b, m.intercepts()[0], tol * Math.max(1, Math.abs(b)), what);
  }

  private static PCollection<Row> collinear(Pipeline p, int n) {
    return p.apply(Create.of(CollinearData.rows(n)).withRowSchema(CollinearData.SCHEMA));
  }

  private static LinearFit collinearFit(int d) {
    return LinearRegression.fit()
        .withLabelCol("label")
        .withFeatureCols(CollinearData.features(d))
        .withStandardization(false);
  }

  /** CollinearData draws the numbers collinear_reference.py draws, to the last bit. */
  @Test
  void collinearDataAreTheReferenceScriptsData() {
    JsonNode first = collinearReference("data").get("first_rows");
    for (int i = 0; i < 3; i++) {
      double[] row = CollinearData.row(i);
      assertArrayEquals(
          doubles(first.get(i).get("features")), Arrays.copyOf(row, 10), 0.0, "row " + i);
      assertEquals(first.get(i).get("label").asDouble(), row[10], 0.0);
      assertEquals(first.get(i).get("weight").asDouble(), row[11], 0.0);
    }
  }

  /**
   * Issue 18's test: on 20,000 collinear rows (correlation condition number 1.6e6), OLS ({@code
   * LinearRegression}), ridge ({@code Ridge(alpha=1)}: l2 = 1/n) and standardized ridge ({@code
   * Ridge(alpha=10)} on X / s: l2 = 10/n with standardization) equal scikit-learn's coefficients
   * and a direct solve of the normal equations (collinear_reference.json) to 1e-8 relative: the
   * normal equations lose about condition number x 1e-16 = 2e-10. AUTO picks the exact solver: one
   * iteration, stop reason EXACT, the loss equal to the reference's F to 1e-12.
   */
  @BoundedRunnerTest
  void collinearOlsAndRidgeEqualSklearnAndTheNormalEquations(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Row> rows = collinear(p, N);
    LinearFit fit = collinearFit(10);
    keep(rows.apply("OLS", fit), "ols-" + runner);
    keep(rows.apply("Ridge", fit.withL2(1.0 / N)), "ridge-" + runner);
    keep(
        rows.apply("Ridge std", fit.withStandardization(true).withL2(10.0 / N)),
        "ridge_std-" + runner);
    runner.run(p);
    for (String name : List.of("ols", "ridge", "ridge_std")) {
      LinearModel m = model(name + "-" + runner);
      JsonNode ref = collinearReference(name);
      assertMatches(m, ref, 1e-8, name + " vs scikit-learn");
      assertMatches(m, ref.get("normal_equations"), 1e-8, name + " vs the normal equations");
      double f = ref.get("F").asDouble();
      assertEquals(f, m.provenance().finalLoss(), 1e-12 * f, name);
      assertEquals(1, m.provenance().iterations(), name);
      assertEquals(StopReason.EXACT, m.provenance().stopReason(), name);
      assertTrue(m.provenance().gradientNorm() < 1e-9, name + ": " + m.provenance());
      assertTrue(m.provenance().convergenceWarning().isEmpty(), name);
    }
  }

  /** Weighted OLS equals scikit-learn's {@code sample_weight} fit to 1e-8 (case ols_weighted). */
  @Test
  void collinearWeightedOlsEqualsSklearn() {
    Pipeline p = TestRunner.DIRECT.create();
    keep(collinear(p, N).apply(collinearFit(10).withWeightCol("weight")), "ols_weighted");
    TestRunner.DIRECT.run(p);
    assertMatches(model("ols_weighted"), collinearReference("ols_weighted"), 1e-8, "weighted");
  }

  /**
   * Elastic net (l1 = l2 = 0.005, scikit-learn's {@code ElasticNet(alpha=0.01, l1_ratio=0.5)}):
   * AUTO runs OWL-QN on the normal equations, as Spark, without passes over the data. The same
   * zeros exactly, the loss to 1e-10, the coefficients to 1e-4: OWL-QN's line search compares
   * values of the loss, which rounding fixes to about 1e-15, and along the direction of curvature
   * 1e-6 that leaves the coefficients uncertain by sqrt(1e-15 / 1e-6) ~ 3e-5 (measured 1.3e-5);
   * scikit-learn's coordinate descent needs no loss values.
   */
  @Test
  void collinearElasticNetEqualsSklearn() {
    Pipeline p = TestRunner.DIRECT.create();
    keep(
        collinear(p, N)
            .apply(collinearFit(10).withL1(0.005).withL2(0.005).withTol(1e-14).withMaxIter(5000)),
        "elasticnet");
    TestRunner.DIRECT.run(p);
    LinearModel m = model("elasticnet");
    JsonNode ref = collinearReference("elasticnet");
    assertMatches(m, ref, 1e-4, "elastic net");
    for (JsonNode j : ref.get("zero_coefficients")) {
      assertEquals(0.0, m.coefficients()[j.asInt()], "coefficient " + j);
    }
    double f = ref.get("F").asDouble();
    assertEquals(f, m.provenance().finalLoss(), 1e-10 * f);
    assertTrue(m.provenance().iterations() > 1, "OWL-QN iterations on the normal equations");
    assertEquals(m.provenance().iterations() + 1, m.provenance().lossCurve().length);
  }

  /**
   * The same rows as sparse vectors (the one-hot zeros left out): sparse blocks, the size known
   * only at run time, AUTO still picks the normal equations, and the model is the dense one.
   */
  @Test
  void collinearSparseVectorsGiveTheDenseModel() {
    Pipeline p = TestRunner.DIRECT.create();
    keep(
        p.apply(Create.of(CollinearData.sparseRows(N)).withRowSchema(CollinearData.VECTOR_SCHEMA))
            .apply(
                LinearRegression.fit()
                    .withLabelCol("label")
                    .withVectorCol("features")
                    .withStandardization(false)),
        "ols-sparse");
    TestRunner.DIRECT.run(p);
    LinearModel m = model("ols-sparse");
    assertEquals(StopReason.EXACT, m.provenance().stopReason());
    assertMatches(m, collinearReference("ols"), 1e-8, "sparse");
  }

  /**
   * Bad input, as Spark: a constant column gets coefficient 0 and leaves the others as they were
   * (case constant_column); a duplicated column makes X^T X singular and the model is the
   * minimum-norm one, x5's coefficient halved between its copies as in scikit-learn (case
   * duplicate_column); 8 rows and 10 features give the minimum-norm solution in the standardized
   * coefficients (case wide), or with ridge the unique one (case wide_ridge). Tolerances: 1e-8, and
   * 1e-6 on the pseudo-inverse solutions, whose dropped direction is resolved to about 1e-12 /
   * pivot.
   */
  @Test
  void constantAndDuplicatedColumnsAndFewerRowsThanFeaturesGiveDefinedModels() {
    int m = 2000;
    double[][] constant = new double[m][];
    double[][] duplicate = new double[m][];
    for (int i = 0; i < m; i++) {
      constant[i] = new double[] {2.5};
      duplicate[i] = new double[] {CollinearData.row(i)[5]};
    }
    Pipeline p = TestRunner.DIRECT.create();
    List<Row> withConstant = CollinearData.rowsWith(m, constant);
    List<Row> withDuplicate = CollinearData.rowsWith(m, duplicate);
    keep(
        p.apply("Constant", Create.of(withConstant).withRowSchema(withConstant.get(0).getSchema()))
            .apply("Fit constant", collinearFit(11)),
        "constant_column");
    keep(
        p.apply(
                "Duplicate",
                Create.of(withDuplicate).withRowSchema(withDuplicate.get(0).getSchema()))
            .apply("Fit duplicate", collinearFit(11)),
        "duplicate_column");
    PCollection<Row> wide = collinear(p, 8);
    keep(wide.apply("Wide", collinearFit(10)), "wide");
    keep(wide.apply("Wide ridge", collinearFit(10).withL2(1.0 / 8)), "wide_ridge");
    TestRunner.DIRECT.run(p);
    assertMatches(model("constant_column"), collinearReference("constant_column"), 1e-8, "const");
    assertEquals(0.0, model("constant_column").coefficients()[10]);
    assertEquals(StopReason.EXACT, model("constant_column").provenance().stopReason());
    for (String name : List.of("duplicate_column", "wide")) {
      LinearModel singular = model(name);
      assertMatches(singular, collinearReference(name), 1e-6, name);
      assertEquals(StopReason.EXACT_MINIMUM_NORM, singular.provenance().stopReason(), name);
      double f = collinearReference(name).get("F").asDouble();
      assertEquals(f, singular.provenance().finalLoss(), 1e-9 * Math.max(f, 1e-3), name);
    }
    assertMatches(model("wide_ridge"), collinearReference("wide_ridge"), 1e-8, "wide ridge");
    assertEquals(StopReason.EXACT, model("wide_ridge").provenance().stopReason());
  }

  @Test
  void normalEquationsRejectOtherLossesAndTooManyFeatures() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.empty(CollinearData.SCHEMA));
    IllegalArgumentException huber =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(
                    collinearFit(10)
                        .withLoss(new HuberLoss(1.0))
                        .withOptimMethod(OptimMethod.NORMAL)));
    assertTrue(huber.getMessage().contains("least squares"), huber.getMessage());
    Schema.Builder wide = Schema.builder();
    for (int j = 0; j < 4097; j++) {
      wide.addDoubleField("f" + j);
    }
    Schema schema = wide.addDoubleField("label").build();
    IllegalArgumentException tooMany =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                p.apply("Wide", Create.empty(schema))
                    .apply(
                        LinearRegression.fit()
                            .withLabelCol("label")
                            .withFeatureCols(CollinearData.features(4097))
                            .withOptimMethod(OptimMethod.NORMAL)));
    assertTrue(tooMany.getMessage().contains("4096"), tooMany.getMessage());
    assertTrue(tooMany.getMessage().contains("4097"), tooMany.getMessage());
  }

  @Test
  void rejectsNaNLabelAndNegativeWeight() {
    Schema schema =
        Schema.builder().addDoubleField("a").addDoubleField("y").addDoubleField("w").build();
    for (Row bad :
        List.of(
            Row.withSchema(schema).addValues(1.0, Double.NaN, 1.0).build(),
            Row.withSchema(schema).addValues(1.0, 2.0, -1.0).build(),
            Row.withSchema(schema).addValues(Double.POSITIVE_INFINITY, 2.0, 1.0).build())) {
      Pipeline p = TestRunner.DIRECT.create();
      p.apply(
              Create.of(Row.withSchema(schema).addValues(0.0, 1.0, 1.0).build(), bad)
                  .withRowSchema(schema))
          .apply(LinearRegression.fit().withLabelCol("y").withFeatureCols("a").withWeightCol("w"));
      Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
      String message = rootMessage(e);
      assertTrue(message.contains("row"), message);
    }
  }

  @Test
  void rejectsEmptyInput() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.empty(XY))
        .apply(LinearRegression.fit().withLabelCol("y").withFeatureCols("a", "b"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertTrue(rootMessage(e).contains("the input is empty"), rootMessage(e));
  }
}
