package org.beamlink.transforms.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.optim.OptimMethod;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.evaluation.RandomSplit;
import org.beamlink.transforms.evaluation.RegressionEvaluation;
import org.beamlink.transforms.evaluation.RegressionMetrics;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.beamlink.transforms.pipeline.Kept;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.regression.LinearRegression;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainValidationSplit}: every candidate's metric is the one of the same candidate fitted on
 * {@link RandomSplit}'s training part and evaluated on its validation part by hand, in the same
 * job, on Direct and Flink; std 0 with one split; bad ratios.
 */
class TrainValidationSplitTest {
  @BoundedRunnerTest
  void eachCandidateIsScoredOnRandomSplitsValidationPart(TestRunner runner) {
    List<Row> rows = LinearTestSupport.csv("diabetes.csv", Schema.FieldType.DOUBLE);
    Schema schema = rows.get(0).getSchema();
    LinearFit ridge =
        LinearRegression.fit()
            .withFeatureCols(LinearTestSupport.featureNames(10))
            .withLabelCol("label")
            .withStandardization(false)
            .withOptimMethod(OptimMethod.NORMAL);
    ParamGrid grid =
        ParamGrid.over(MlPipeline.of(ridge)).add("l2", ridge, LinearFit::withL2, 1e-5, 1e-3, 1e-1);

    Pipeline p = runner.create();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(schema));
    TuningResult result =
        input.apply(
            TrainValidationSplit.of(grid, TuningMetric.mse("label", "prediction"))
                .withTrainRatio(0.7)
                .withSeed(11));
    String key = "tvs-" + runner;
    Kept.keep(result.table(), key);
    PCollectionList<Row> parts = input.apply(RandomSplit.of(0.7, 0.3).withSeed(11));
    for (Candidate c : grid.candidates()) {
      PCollection<RegressionMetrics> metrics =
          parts
              .get(1)
              .apply(
                  "By hand " + c.index(),
                  MlPipeline.transform(parts.get(0).apply("Fit " + c.index(), c.pipeline().fit())))
              .apply("Evaluate " + c.index(), RegressionEvaluation.of("label", "prediction"));
      Kept.keep(metrics, key + "-" + c.index());
    }
    runner.run(p);

    List<Row> table = Kept.get(key);
    table.sort(Comparator.comparingInt(r -> r.getInt32("candidate")));
    assertEquals(3, table.size());
    for (Row row : table) {
      RegressionMetrics byHand =
          Kept.<RegressionMetrics>get(key + "-" + row.getInt32("candidate")).get(0);
      // The same rows, model and evaluation: equal up to the order of the evaluation's sums.
      assertEquals(byHand.mse(), row.getDouble("fold0"), 1e-9 * byHand.mse());
      assertEquals(row.getDouble("fold0"), row.getDouble("mean"), 0.0);
      assertEquals(0.0, row.getDouble("std"), 0.0);
      assertEquals("mse", row.getString("metric"));
    }
  }

  @Test
  void rejectsATrainRatioOutsideZeroToOne() {
    LinearFit ridge = LinearRegression.fit().withFeatureCols("f0").withLabelCol("label");
    ParamGrid grid = ParamGrid.over(MlPipeline.of(ridge)).add("l2", ridge, LinearFit::withL2, 0.1);
    TrainValidationSplit split =
        TrainValidationSplit.of(grid, TuningMetric.mse("label", "prediction"));
    assertEquals(
        "Expected trainRatio in (0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> split.withTrainRatio(1.0)).getMessage());
  }
}
