package org.beamlink.transforms.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.optim.OptimMethod;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.classification.LogisticRegression;
import org.beamlink.transforms.evaluation.RandomSplit;
import org.beamlink.transforms.feature.StandardScaler;
import org.beamlink.transforms.feature.VectorAssembler;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.beamlink.transforms.pipeline.Kept;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.regression.LinearRegression;
import org.junit.jupiter.api.Test;

/**
 * {@link CrossValidation} against scikit-learn 1.2.1's {@code GridSearchCV} with the folds given
 * explicitly ({@code PredefinedSplit}: row i in fold i % 3), numbers from {@code
 * src/test/resources/tuning/tuning_reference.py}: scaler + logistic regression on breast cancer
 * (AUC) and ridge regression on diabetes (MSE), every candidate's per-fold metric, mean, standard
 * deviation and rank, and the same winner; Direct and Flink. Then the bad inputs.
 *
 * <p>Solvers: both sides solve exactly, so that the comparison is of the search and not of two
 * optimizers' stopping points: Newton here (stopped at a gradient within 1e-10 of the loss) and
 * scikit-learn's newton-cholesky (tol 1e-12) for logistic regression; the normal equations here and
 * a Cholesky solve there for ridge. Tolerance 1e-6 (the issue's): AUC depends only on the order of
 * the scores, which models this close do not change; MSE is compared relative to its size (about
 * 3000) at 1e-9, as the two solves agree to rounding.
 */
class CrossValidationTest {
  private static final int FOLDS = 3;

  static JsonNode reference(String name) {
    try (InputStream in =
        CrossValidationTest.class.getResourceAsStream("/tuning/tuning_reference.json")) {
      return new ObjectMapper().readTree(in).get(name);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first {@code n} rows of a linear test data set, with a column fold = i % 3. */
  static List<Row> withFolds(String file, int n, Schema.FieldType labelType) {
    List<Row> rows = LinearTestSupport.csv(file, labelType);
    Schema schema = Schema.builder().addFields(rows.get(0).getSchema().getFields()).build();
    Schema withFold = Schema.builder().addFields(schema.getFields()).addInt32Field("fold").build();
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          Row.withSchema(withFold).addValues(rows.get(i).getValues()).addValue(i % FOLDS).build());
    }
    return out;
  }

  static LinearFit logreg() {
    return LogisticRegression.fit()
        .withVectorCol("features")
        .withLabelCol("label")
        .withStandardization(false)
        .withOptimMethod(OptimMethod.NEWTON)
        .withTol(1e-10)
        .withMaxIter(50)
        .withProbabilityCol("probability");
  }

  static StandardScaler.Fit scaler() {
    return StandardScaler.fit().withInputCol("raw").withOutputCol("features").withMean(true);
  }

  /** Compares the table's rows with the reference's candidates; {@code sign} maps our metric. */
  static void assertTable(List<Row> table, JsonNode ref, double sign, double tol, String what) {
    table.sort(Comparator.comparingInt(r -> r.getInt32("candidate")));
    JsonNode l2 = ref.get("l2");
    assertEquals(l2.size(), table.size(), what);
    for (int c = 0; c < table.size(); c++) {
      Row row = table.get(c);
      String at = what + ", candidate " + c;
      assertEquals(l2.get(c).asDouble(), row.getDouble(paramCol(row)), 0.0, at);
      for (int s = 0; s < FOLDS; s++) {
        double expected = ref.get("split_scores").get(c).get(s).asDouble();
        assertEquals(expected, sign * row.getDouble("fold" + s), tol, at + ", fold " + s);
      }
      assertEquals(ref.get("mean").get(c).asDouble(), sign * row.getDouble("mean"), tol, at);
      assertEquals(ref.get("std").get(c).asDouble(), row.getDouble("std"), tol, at);
      assertEquals(ref.get("rank").get(c).asInt(), row.getInt32("rank").intValue(), at);
    }
  }

  private static String paramCol(Row row) {
    return row.getSchema().hasField("logreg.l2") ? "logreg.l2" : "ridge.l2";
  }

  /**
   * Scaler + logistic regression on breast cancer, four L2 values: every fold's AUC, the mean,
   * standard deviation and rank equal GridSearchCV's to 1e-6, candidate 2 wins, and the best model
   * is that candidate's pipeline fitted on all 567 rows (equal to a separate fit in the same job).
   */
  @BoundedRunnerTest
  void logisticGridMatchesScikitLearnOnBreastCancer(TestRunner runner) {
    JsonNode ref = reference("breast_cancer_logreg_auc");
    List<Row> rows = withFolds("breast_cancer.csv", 567, Schema.FieldType.INT32);
    StandardScaler.Fit scaler = scaler();
    LinearFit logreg = logreg();
    MlPipeline pipeline =
        MlPipeline.of(
            VectorAssembler.of(LinearTestSupport.featureNames(30)).withOutputCol("raw"),
            scaler,
            logreg);
    List<Double> l2s = new ArrayList<>();
    ref.get("l2").forEach(v -> l2s.add(v.asDouble()));
    ParamGrid grid = ParamGrid.over(pipeline).add("logreg.l2", logreg, LinearFit::withL2, l2s);

    Pipeline p = runner.create();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()));
    TuningResult result =
        input.apply(
            CrossValidation.of(grid, TuningMetric.auc("label", "probability"))
                .withFolds(FOLDS)
                .withFoldCol("fold"));
    String key = "cv-logreg-" + runner;
    Kept.keep(result.table(), key + "-table");
    Kept.keep(result.bestModel(), key + "-best");
    Candidate winner = grid.candidates().get(ref.get("best_index").asInt());
    Kept.keep(input.apply("Winner on all rows", winner.pipeline().fit()), key + "-winner");
    runner.run(p);

    assertTable(Kept.get(key + "-table"), ref, 1.0, 1e-6, "breast cancer on " + runner);
    List<PipelineModel> best = Kept.get(key + "-best");
    assertEquals(1, best.size());
    LinearModel bestLogreg = (LinearModel) best.get(0).stages().get(2);
    LinearModel winnerLogreg =
        (LinearModel) Kept.<PipelineModel>get(key + "-winner").get(0).stages().get(2);
    assertTrue(
        LinearTestSupport.maxRelativeError(
                bestLogreg.coefficients(), winnerLogreg.coefficients(), 1e-6)
            < 1e-9,
        "best model is the winner refitted on all rows");
  }

  /**
   * Ridge (linear regression with L2, normal equations) on diabetes, four L2 values ranked by MSE,
   * smaller better: equal to GridSearchCV's neg_mean_squared_error (negated) to 1e-9 relative, and
   * candidate 1 (an interior value) wins.
   */
  @BoundedRunnerTest
  void ridgeGridMatchesScikitLearnOnDiabetes(TestRunner runner) {
    JsonNode ref = reference("diabetes_ridge_mse");
    List<Row> rows = withFolds("diabetes.csv", 441, Schema.FieldType.DOUBLE);
    LinearFit ridge =
        LinearRegression.fit()
            .withFeatureCols(LinearTestSupport.featureNames(10))
            .withLabelCol("label")
            .withStandardization(false)
            .withOptimMethod(OptimMethod.NORMAL);
    MlPipeline pipeline = MlPipeline.of(ridge);
    List<Double> l2s = new ArrayList<>();
    ref.get("l2").forEach(v -> l2s.add(v.asDouble()));
    ParamGrid grid = ParamGrid.over(pipeline).add("ridge.l2", ridge, LinearFit::withL2, l2s);

    Pipeline p = runner.create();
    TuningResult result =
        p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()))
            .apply(
                CrossValidation.of(grid, TuningMetric.mse("label", "prediction"))
                    .withFoldCol("fold"));
    String key = "cv-ridge-" + runner;
    Kept.keep(result.table(), key);
    Kept.keep(result.bestModel(), key + "-best");
    runner.run(p);

    List<Row> table = Kept.get(key);
    // MSE near 3000: 1e-9 relative is about 3e-6 absolute.
    assertTable(table, ref, -1.0, 3e-6, "diabetes on " + runner);
    List<PipelineModel> best = Kept.get(key + "-best");
    assertEquals(1, best.size());
    LinearModel model = (LinearModel) best.get(0).stages().get(0);
    assertEquals(
        Double.toString(l2s.get(ref.get("best_index").asInt())),
        model.provenance().parameters().get("l2"));
  }

  @Test
  void rejectsAnEmptyGrid() {
    MlPipeline pipeline = MlPipeline.of(logreg());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> {
              Pipeline p = TestRunner.DIRECT.create();
              List<Row> rows = withFolds("breast_cancer.csv", 30, Schema.FieldType.INT32);
              p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()))
                  .apply(
                      CrossValidation.of(
                          ParamGrid.over(pipeline), TuningMetric.auc("label", "probability")));
            });
    assertTrue(e.getMessage().contains("The parameter grid is empty"), e.getMessage());
  }

  @Test
  void rejectsAParameterOfAStageNotInThePipeline() {
    LinearFit inPipeline = logreg();
    LinearFit other = logreg().withL1(0.0);
    MlPipeline pipeline = MlPipeline.of(scaler(), inPipeline);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ParamGrid.over(pipeline).add("logreg.l2", other, LinearFit::withL2, 0.1, 1.0));
    assertTrue(e.getMessage().contains("Parameter logreg.l2 sets a stage"), e.getMessage());
    assertTrue(e.getMessage().contains("not one of the pipeline's 2 stages"), e.getMessage());
  }

  @Test
  void rejectsAValueTheStageRejects() {
    LinearFit logreg = logreg();
    MlPipeline pipeline = MlPipeline.of(logreg);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ParamGrid.over(pipeline).add("logreg.l2", logreg, LinearFit::withL2, 0.1, -1.0));
    assertEquals(
        "Grid: parameter logreg.l2 = -1.0 rejected: Expected l2 >= 0 and finite, got -1.0",
        e.getMessage());
  }

  @Test
  void rejectsFewerThanTwoFolds() {
    LinearFit logreg = logreg();
    ParamGrid grid =
        ParamGrid.over(MlPipeline.of(logreg)).add("logreg.l2", logreg, LinearFit::withL2, 0.1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CrossValidation.of(grid, TuningMetric.auc("label", "probability")).withFolds(1));
    assertEquals("Expected folds >= 2, got 1", e.getMessage());
  }

  /**
   * A fold whose validation rows are all of one class fails the job before any model is scored,
   * naming the fold, the label, the row count and the metric.
   */
  @Test
  void failsOnAFoldWithOneClassForABinaryMetric() {
    List<Row> rows = withFolds("breast_cancer.csv", 120, Schema.FieldType.INT32);
    Schema schema = rows.get(0).getSchema();
    List<Row> moved = new ArrayList<>();
    for (Row r : rows) {
      // Every row of label 0 goes to fold 0 or 2; fold 1 keeps only label 1.
      int fold = r.getInt32("fold");
      int label = r.getInt32("label");
      int newFold = fold == 1 && label == 0 ? 2 : fold;
      moved.add(Row.fromRow(r).withFieldValue("fold", newFold).build());
    }
    long onesInFold1 = moved.stream().filter(r -> r.getInt32("fold") == 1).count();
    LinearFit logreg = logreg();
    MlPipeline pipeline =
        MlPipeline.of(
            VectorAssembler.of(LinearTestSupport.featureNames(30)).withOutputCol("raw"),
            scaler(),
            logreg);
    ParamGrid grid = ParamGrid.over(pipeline).add("logreg.l2", logreg, LinearFit::withL2, 0.1);
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(moved).withRowSchema(schema))
        .apply(
            CrossValidation.of(grid, TuningMetric.auc("label", "probability")).withFoldCol("fold"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertEquals(
        "fold 1 of 3 has only the label 1 in column 'label' ("
            + onesInFold1
            + " rows); the binary metric auc needs both classes in every validation fold",
        LinearTestSupport.rootMessage(e));
  }

  @Test
  void failsOnAFoldOutOfRange() {
    List<Row> rows = withFolds("diabetes.csv", 30, Schema.FieldType.DOUBLE);
    Schema schema = rows.get(0).getSchema();
    List<Row> bad = new ArrayList<>(rows);
    bad.set(7, Row.fromRow(rows.get(7)).withFieldValue("fold", 3).build());
    LinearFit ridge =
        LinearRegression.fit()
            .withFeatureCols(LinearTestSupport.featureNames(10))
            .withLabelCol("label");
    ParamGrid grid =
        ParamGrid.over(MlPipeline.of(ridge)).add("ridge.l2", ridge, LinearFit::withL2, 0.1);
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(bad).withRowSchema(schema))
        .apply(
            CrossValidation.of(grid, TuningMetric.mse("label", "prediction")).withFoldCol("fold"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    String message = LinearTestSupport.rootMessage(e);
    assertTrue(message.startsWith("Fold column 'fold' holds 3 in row "), message);
    assertTrue(message.endsWith("; expected a fold in 0..2"), message);
  }

  @Test
  void rejectsAFoldColumnThatIsNotAnInteger() {
    List<Row> rows = withFolds("diabetes.csv", 30, Schema.FieldType.DOUBLE);
    LinearFit ridge =
        LinearRegression.fit()
            .withFeatureCols(LinearTestSupport.featureNames(10))
            .withLabelCol("label");
    ParamGrid grid =
        ParamGrid.over(MlPipeline.of(ridge)).add("ridge.l2", ridge, LinearFit::withL2, 0.1);
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                input.apply(
                    CrossValidation.of(grid, TuningMetric.mse("label", "prediction"))
                        .withFoldCol("f0")));
    assertEquals("Fold column 'f0' has type DOUBLE; expected an integer type", e.getMessage());
  }

  /**
   * Without a fold column a row's fold is RandomSplit's with k equal weights and the seed: the
   * table equals the one made with those folds given as a column.
   */
  @Test
  void hashedFoldsAreRandomSplitsWithEqualWeights() {
    List<Row> plain = LinearTestSupport.csv("diabetes.csv", Schema.FieldType.DOUBLE);
    Schema schema = plain.get(0).getSchema();
    Schema withFold = Schema.builder().addFields(schema.getFields()).addInt32Field("fold").build();
    RandomSplit split = RandomSplit.of(1, 1, 1).withSeed(5);
    List<Row> folded = new ArrayList<>();
    for (Row r : plain) {
      folded.add(
          Row.withSchema(withFold).addValues(r.getValues()).addValue(split.partOf(r)).build());
    }
    LinearFit ridge =
        LinearRegression.fit()
            .withFeatureCols(LinearTestSupport.featureNames(10))
            .withLabelCol("label")
            .withOptimMethod(OptimMethod.NORMAL);
    ParamGrid grid =
        ParamGrid.over(MlPipeline.of(ridge)).add("ridge.l2", ridge, LinearFit::withL2, 1e-4, 1e-2);
    Pipeline p = TestRunner.DIRECT.create();
    Kept.keep(
        p.apply("Plain", Create.of(plain).withRowSchema(schema))
            .apply(
                "Hashed",
                CrossValidation.of(grid, TuningMetric.r2("label", "prediction")).withSeed(5))
            .table(),
        "cv-hashed");
    Kept.keep(
        p.apply("Folded", Create.of(folded).withRowSchema(withFold))
            .apply(
                "Given",
                CrossValidation.of(grid, TuningMetric.r2("label", "prediction"))
                    .withFoldCol("fold"))
            .table(),
        "cv-given");
    TestRunner.DIRECT.run(p);
    List<Row> hashed = Kept.get("cv-hashed");
    List<Row> given = Kept.get("cv-given");
    hashed.sort(Comparator.comparingInt(r -> r.getInt32("candidate")));
    given.sort(Comparator.comparingInt(r -> r.getInt32("candidate")));
    assertEquals(2, hashed.size());
    for (int c = 0; c < 2; c++) {
      for (String col : List.of("fold0", "fold1", "fold2", "mean")) {
        assertEquals(given.get(c).getDouble(col), hashed.get(c).getDouble(col), 1e-12, col);
      }
    }
  }
}
