package org.beamlink.transforms.tuning;

import static org.beamlink.transforms.tuning.CrossValidationTest.assertTable;
import static org.beamlink.transforms.tuning.CrossValidationTest.reference;
import static org.beamlink.transforms.tuning.CrossValidationTest.scaler;
import static org.beamlink.transforms.tuning.CrossValidationTest.withFolds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.beamlink.transforms.feature.VectorAssembler;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.beamlink.transforms.pipeline.Kept;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.regression.LinearRegression;
import org.junit.jupiter.api.Test;

/**
 * The one-loop path of a search ({@link OneLoop}: every candidate x fold of a linear model, and
 * every refit, trained in one loop of the iteration shim) against the branch path (each fit a
 * branch of the pipeline, {@code withOneLoop(false)}) and scikit-learn 1.2.1's {@code GridSearchCV}
 * (the committed references of {@code src/test/resources/tuning/tuning_reference.py}, folds row i %
 * 3).
 *
 * <p>Logistic regression with {@code standardization} on penalizes the coefficients of the features
 * scaled by the training rows' sample standard deviation: the same model as a scaler (with mean,
 * ddof 1) fitted on the fold followed by logistic regression without standardization, which is the
 * reference's pipeline; so the one-loop path (no scaler to fit per fold) reproduces its AUCs.
 * Tolerances are {@link CrossValidationTest}'s: 1e-6 for AUC, 1e-9 relative for MSE. The one loop
 * sums the same rows in another order (its blocks are packed per fold), so it agrees with the
 * branches to rounding, not bit for bit.
 */
class OneLoopTest {
  private static final int FOLDS = 3;

  private static LinearFit standardizedLogreg() {
    return LogisticRegression.fit()
        .withVectorCol("features")
        .withLabelCol("label")
        .withOptimMethod(OptimMethod.NEWTON)
        .withTol(1e-10)
        .withMaxIter(50)
        .withProbabilityCol("probability");
  }

  private static LinearFit ridge() {
    return LinearRegression.fit()
        .withFeatureCols(LinearTestSupport.featureNames(10))
        .withLabelCol("label")
        .withStandardization(false)
        .withOptimMethod(OptimMethod.NORMAL);
  }

  private static List<Double> l2s(JsonNode ref) {
    List<Double> l2s = new ArrayList<>();
    ref.get("l2").forEach(v -> l2s.add(v.asDouble()));
    return l2s;
  }

  /** Every fold value and mean of {@code actual} within {@code tol} of {@code expected}'s. */
  private static void assertSameFolds(
      List<Row> expected, List<Row> actual, int folds, double tol, String what) {
    expected.sort(Comparator.comparingInt(r -> r.getInt32("candidate")));
    actual.sort(Comparator.comparingInt(r -> r.getInt32("candidate")));
    assertEquals(expected.size(), actual.size(), what);
    for (int c = 0; c < expected.size(); c++) {
      for (int s = 0; s < folds; s++) {
        String col = "fold" + s;
        assertEquals(
            expected.get(c).getDouble(col),
            actual.get(c).getDouble(col),
            tol,
            what + ", candidate " + c + ", " + col);
      }
      assertEquals(
          expected.get(c).getInt32("rank"), actual.get(c).getInt32("rank"), what + " rank " + c);
    }
  }

  /**
   * VectorAssembler + logistic regression (standardized, Newton) on breast cancer, four L2 values:
   * the one loop's every fold AUC, mean, std and rank equal GridSearchCV's (scaler + logistic
   * regression) to 1e-6 and the branch path's, and the best models agree. On the DirectRunner only:
   * the ridge case below runs the one loop on both runners, and this one's 32 branch fits cost 21 s
   * of CI on the FlinkRunner.
   */
  @Test
  void logisticOneLoopMatchesScikitLearnAndBranchesOnBreastCancer() {
    TestRunner runner = TestRunner.DIRECT;
    JsonNode ref = reference("breast_cancer_logreg_auc");
    List<Row> rows = withFolds("breast_cancer.csv", 567, Schema.FieldType.INT32);
    LinearFit logreg = standardizedLogreg();
    MlPipeline pipeline =
        MlPipeline.of(
            VectorAssembler.of(LinearTestSupport.featureNames(30)).withOutputCol("features"),
            logreg);
    ParamGrid grid = ParamGrid.over(pipeline).add("logreg.l2", logreg, LinearFit::withL2, l2s(ref));
    CrossValidation cv =
        CrossValidation.of(grid, TuningMetric.auc("label", "probability"))
            .withFolds(FOLDS)
            .withFoldCol("fold");

    Pipeline p = runner.create();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()));
    TuningResult one = input.apply("One loop", cv);
    TuningResult branches = input.apply("Branches", cv.withOneLoop(false));
    assertTrue(one.oneLoop());
    assertFalse(branches.oneLoop());
    String key = "one-logreg-" + runner;
    Kept.keep(one.table(), key + "-one");
    Kept.keep(branches.table(), key + "-branches");
    Kept.keep(one.bestModel(), key + "-one-best");
    Kept.keep(branches.bestModel(), key + "-branches-best");
    runner.run(p);

    List<Row> oneTable = Kept.get(key + "-one");
    assertTable(oneTable, ref, 1.0, 1e-6, "one loop, breast cancer on " + runner);
    assertSameFolds(
        Kept.get(key + "-branches"), oneTable, FOLDS, 1e-6, "one loop vs branches on " + runner);
    LinearModel oneBest =
        (LinearModel) Kept.<PipelineModel>get(key + "-one-best").get(0).stages().get(1);
    LinearModel branchBest =
        (LinearModel) Kept.<PipelineModel>get(key + "-branches-best").get(0).stages().get(1);
    assertEquals(
        Double.toString(l2s(ref).get(ref.get("best_index").asInt())),
        oneBest.provenance().parameters().get("l2"));
    assertTrue(
        LinearTestSupport.maxRelativeError(oneBest.coefficients(), branchBest.coefficients(), 1e-6)
            < 1e-8,
        "the one loop's refit is the branch path's refit");
  }

  /**
   * Ridge (normal equations) on diabetes, four L2 values: the one loop's MSEs equal GridSearchCV's
   * to 1e-9 relative and the branch path's, and the same candidate wins.
   */
  @BoundedRunnerTest
  void ridgeOneLoopMatchesScikitLearnAndBranchesOnDiabetes(TestRunner runner) {
    JsonNode ref = reference("diabetes_ridge_mse");
    List<Row> rows = withFolds("diabetes.csv", 441, Schema.FieldType.DOUBLE);
    LinearFit ridge = ridge();
    ParamGrid grid =
        ParamGrid.over(MlPipeline.of(ridge)).add("ridge.l2", ridge, LinearFit::withL2, l2s(ref));
    CrossValidation cv =
        CrossValidation.of(grid, TuningMetric.mse("label", "prediction")).withFoldCol("fold");

    Pipeline p = runner.create();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()));
    TuningResult one = input.apply("One loop", cv);
    TuningResult branches = input.apply("Branches", cv.withOneLoop(false));
    assertTrue(one.oneLoop());
    String key = "one-ridge-" + runner;
    Kept.keep(one.table(), key + "-one");
    Kept.keep(branches.table(), key + "-branches");
    Kept.keep(one.bestModel(), key + "-best");
    runner.run(p);

    List<Row> oneTable = Kept.get(key + "-one");
    // MSE near 3000: 1e-9 relative is about 3e-6 absolute.
    assertTable(oneTable, ref, -1.0, 3e-6, "one loop, diabetes on " + runner);
    assertSameFolds(
        Kept.get(key + "-branches"), oneTable, FOLDS, 3e-6, "one loop vs branches on " + runner);
    LinearModel best = (LinearModel) Kept.<PipelineModel>get(key + "-best").get(0).stages().get(0);
    assertEquals(
        Double.toString(l2s(ref).get(ref.get("best_index").asInt())),
        best.provenance().parameters().get("l2"));
  }

  /**
   * A grid over L2 and the elastic-net mix (L-BFGS for the pure-L2 candidates, OWL-QN for the
   * others, each model its own minimizer in the one loop) on hashed folds: every fold's AUC equals
   * the branch path's to 1e-6.
   */
  @Test
  void elasticNetGridOneLoopMatchesBranches() {
    List<Row> rows = LinearTestSupport.csv("breast_cancer.csv", Schema.FieldType.INT32);
    LinearFit logreg =
        LogisticRegression.fit()
            .withVectorCol("features")
            .withLabelCol("label")
            .withTol(1e-9)
            .withMaxIter(300)
            .withProbabilityCol("probability");
    MlPipeline pipeline =
        MlPipeline.of(
            VectorAssembler.of(LinearTestSupport.featureNames(30)).withOutputCol("features"),
            logreg);
    ParamGrid grid =
        ParamGrid.over(pipeline)
            .add("regParam", logreg, LinearFit::withRegParam, 1e-3, 1e-2)
            .add("elasticNetParam", logreg, LinearFit::withElasticNetParam, 0.0, 0.5, 1.0);
    CrossValidation cv =
        CrossValidation.of(grid, TuningMetric.auc("label", "probability")).withSeed(3);

    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()));
    TuningResult one = input.apply("One loop", cv);
    assertTrue(one.oneLoop());
    Kept.keep(one.table(), "one-enet-one");
    Kept.keep(input.apply("Branches", cv.withOneLoop(false)).table(), "one-enet-branches");
    TestRunner.DIRECT.run(p);

    List<Row> oneTable = Kept.get("one-enet-one");
    assertEquals(6, oneTable.size());
    assertSameFolds(Kept.get("one-enet-branches"), oneTable, FOLDS, 1e-6, "elastic net");
  }

  /** A train-validation split of ridge candidates: one loop and branches give the same table. */
  @Test
  void trainValidationSplitOneLoopMatchesBranches() {
    List<Row> rows = LinearTestSupport.csv("diabetes.csv", Schema.FieldType.DOUBLE);
    LinearFit ridge = ridge();
    ParamGrid grid =
        ParamGrid.over(MlPipeline.of(ridge)).add("ridge.l2", ridge, LinearFit::withL2, 1e-3, 1e-1);
    TrainValidationSplit split =
        TrainValidationSplit.of(grid, TuningMetric.mse("label", "prediction")).withSeed(7);

    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()));
    TuningResult one = input.apply("One loop", split);
    assertTrue(one.oneLoop());
    Kept.keep(one.table(), "one-tvs-one");
    Kept.keep(input.apply("Branches", split.withOneLoop(false)).table(), "one-tvs-branches");
    TestRunner.DIRECT.run(p);

    assertSameFolds(
        Kept.get("one-tvs-branches"), Kept.get("one-tvs-one"), 1, 1e-6, "train-validation split");
  }

  /**
   * The one loop is taken for plain transforms around one linear fit whose candidates share their
   * data, and not for a scaler fitted per fold, a grid that changes the fit's columns, or when it
   * is turned off.
   */
  @Test
  void oneLoopOnlyWhereEveryFitSharesTheData() {
    List<Row> rows = withFolds("breast_cancer.csv", 60, Schema.FieldType.INT32);
    LinearFit logreg = standardizedLogreg();
    VectorAssembler assembler =
        VectorAssembler.of(LinearTestSupport.featureNames(30)).withOutputCol("features");
    MlPipeline plain = MlPipeline.of(assembler, logreg);
    VectorAssembler rawAssembler =
        VectorAssembler.of(LinearTestSupport.featureNames(30)).withOutputCol("raw");
    LinearFit scaled = CrossValidationTest.logreg();
    MlPipeline withScaler = MlPipeline.of(rawAssembler, scaler(), scaled);
    TuningMetric<?> auc = TuningMetric.auc("label", "probability");
    ParamSearch l2 = ParamGrid.over(plain).add("l2", logreg, LinearFit::withL2, 0.1, 1.0);
    ParamSearch blocks =
        ParamGrid.over(plain)
            .add("l2", logreg, LinearFit::withL2, 0.1)
            .add("blockSize", logreg, LinearFit::withBlockSize, 4096, 100);
    ParamSearch scalerGrid =
        ParamGrid.over(withScaler).add("l2", scaled, LinearFit::withL2, 0.1, 1.0);

    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()));
    assertTrue(input.apply("Plain", CrossValidation.of(l2, auc)).oneLoop());
    assertTrue(input.apply("Split", TrainValidationSplit.of(l2, auc)).oneLoop());
    assertFalse(input.apply("Off", CrossValidation.of(l2, auc).withOneLoop(false)).oneLoop());
    assertFalse(input.apply("Scaler", CrossValidation.of(scalerGrid, auc)).oneLoop());
    assertFalse(input.apply("Blocks", CrossValidation.of(blocks, auc)).oneLoop());
  }
}
