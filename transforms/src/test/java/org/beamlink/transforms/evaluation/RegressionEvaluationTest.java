package org.beamlink.transforms.evaluation;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.beamlink.transforms.stats.Moments;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class RegressionEvaluationTest {
  static final Schema SCHEMA =
      Schema.builder().addDoubleField("label").addDoubleField("prediction").build();

  private static final Schema TEXT =
      Schema.builder().addDoubleField("label").addStringField("prediction").build();

  static Row row(double label, double prediction) {
    return Row.withSchema(SCHEMA).addValues(label, prediction).build();
  }

  /**
   * Every metric against scikit-learn's for {@code part} of the diabetes predictions: relative
   * 1e-12, as the sums run in another order (the metrics are of size 1 to 3000).
   */
  static void assertMatchesSklearn(RegressionMetrics m, String part) {
    JsonNode ref = RegressionClusteringReference.get("regression", part);
    assertEquals(ref.get("count").asLong(), m.count());
    assertClose(ref.get("mse").asDouble(), m.mse(), part + " mse");
    assertClose(ref.get("rmse").asDouble(), m.rmse(), part + " rmse");
    assertClose(ref.get("mae").asDouble(), m.mae(), part + " mae");
    assertClose(ref.get("r2").asDouble(), m.r2(), part + " r2");
    assertClose(
        ref.get("explained_variance").asDouble(), m.explainedVariance(), part + " explained");
    assertClose(ref.get("mape").asDouble(), m.mape(), part + " mape");
  }

  private static void assertClose(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-12 * Math.abs(expected), what);
  }

  @BoundedRunnerTest
  void matchesSklearnOnDiabetesPredictions(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<RegressionMetrics> metrics =
        p.apply(
                Create.of(RegressionClusteringReference.diabetesPredictions())
                    .withRowSchema(SCHEMA))
            .apply(RegressionEvaluation.of("label", "prediction"));
    PAssert.thatSingleton(metrics)
        .satisfies(
            m -> {
              assertMatchesSklearn(m, "all");
              return null;
            });
    runner.run(p);
  }

  @Test
  void mergingPartialsInAnyGroupingMatchesSklearn() {
    RegressionEvaluation.ErrorsFn fn =
        new RegressionEvaluation.ErrorsFn("label", 0, "prediction", 1);
    List<Row> rows = RegressionClusteringReference.diabetesPredictions();
    List<Moments> a = fn.createAccumulator();
    List<Moments> b = fn.createAccumulator();
    for (int i = 0; i < rows.size(); i++) {
      fn.addInput(i % 5 == 0 ? a : b, rows.get(i));
    }
    assertMatchesSklearn(
        fn.extractOutput(fn.mergeAccumulators(List.of(b, fn.createAccumulator(), a))), "all");
  }

  /**
   * Two fixed windows of a stream, the first 221 rows then the other 221: each window's metrics
   * match scikit-learn's on that half, with the window's bounds in the rows.
   */
  @UnboundedRunnerTest
  void evaluatesEachFixedWindowOfAStream(TestRunner runner) {
    List<Row> rows = RegressionClusteringReference.diabetesPredictions();
    List<TimestampedValue<Row>> first = new ArrayList<>();
    List<TimestampedValue<Row>> second = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (i < 221) {
        first.add(TimestampedValue.of(rows.get(i), new Instant(1000 + i)));
      } else {
        second.add(TimestampedValue.of(rows.get(i), new Instant(11_000 + i)));
      }
    }
    TestStream<Row> events =
        TestStream.create(SCHEMA)
            .addElements(
                first.get(0), first.subList(1, first.size()).toArray(TimestampedValue[]::new))
            .advanceWatermarkTo(new Instant(10_000))
            .addElements(
                second.get(0), second.subList(1, second.size()).toArray(TimestampedValue[]::new))
            .advanceWatermarkToInfinity();
    Pipeline p = runner.create();
    PCollection<Row> metrics =
        p.apply(events)
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
            .apply(RegressionEvaluation.of("label", "prediction"))
            .apply(MetricsRows.of(RegressionMetrics.schema()));
    PAssert.that(metrics)
        .satisfies(
            all -> {
              int n = 0;
              for (Row r : all) {
                n++;
                long start = r.getDateTime(MetricsRows.WINDOW_START).getMillis();
                assertEquals(start + 10_000, r.getDateTime(MetricsRows.WINDOW_END).getMillis());
                String part = start == 0 ? "first_half" : "second_half";
                JsonNode ref = RegressionClusteringReference.get("regression", part);
                assertEquals(221, r.getInt64("count"));
                assertClose(ref.get("rmse").asDouble(), r.getDouble("rmse"), part + " rmse");
                assertClose(ref.get("r2").asDouble(), r.getDouble("r2"), part + " r2");
                assertClose(ref.get("mape").asDouble(), r.getDouble("mape"), part + " mape");
              }
              assertEquals(2, n);
              return null;
            });
    runner.run(p);
  }

  /**
   * Cumulative mode: an early pane over the first 221 rows once processing time passes, then the
   * final pane over all 442, which matches scikit-learn on all rows. DirectRunner only: FlinkRunner
   * rejects TestStream's processing time.
   */
  @Test
  void cumulativeModeEmitsTheRunningResult() {
    List<Row> rows = RegressionClusteringReference.diabetesPredictions();
    List<TimestampedValue<Row>> stamped = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      stamped.add(TimestampedValue.of(rows.get(i), new Instant(i < 221 ? 1000 : 61_000)));
    }
    TestStream<Row> events =
        TestStream.create(SCHEMA)
            .addElements(stamped.get(0), stamped.subList(1, 221).toArray(TimestampedValue[]::new))
            .advanceProcessingTime(Duration.standardSeconds(30))
            .addElements(
                stamped.get(221), stamped.subList(222, 442).toArray(TimestampedValue[]::new))
            .advanceWatermarkToInfinity();
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<RegressionMetrics> metrics =
        p.apply(events)
            .apply(
                RegressionEvaluation.of("label", "prediction")
                    .cumulative(Duration.standardSeconds(10)));
    PAssert.that(metrics)
        .satisfies(
            all -> {
              List<Long> counts = new ArrayList<>();
              for (RegressionMetrics m : all) {
                counts.add(m.count());
                if (m.count() == 442) {
                  assertMatchesSklearn(m, "all");
                } else {
                  assertMatchesSklearn(m, "first_half");
                }
              }
              counts.sort(null);
              assertEquals(List.of(221L, 442L), counts);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  /**
   * scikit-learn's force_finite edge cases (regression_clustering_reference.json "constant_label"):
   * constant labels score 1 when predicted perfectly, 0 otherwise; a label of 0 divides by the
   * machine epsilon in MAPE; one row has NaN R2.
   */
  @Test
  void followsSklearnOnConstantLabelsZeroLabelsAndOneRow() {
    JsonNode ref = RegressionClusteringReference.get("regression", "constant_label");
    assertEquals(ref.get("perfect_r2").asDouble(), metrics(row(3, 3), row(3, 3), row(3, 3)).r2());
    RegressionMetrics imperfect = metrics(row(3, 2), row(3, 3), row(3, 4));
    assertEquals(ref.get("imperfect_r2").asDouble(), imperfect.r2());
    assertEquals(ref.get("imperfect_explained_variance").asDouble(), imperfect.explainedVariance());
    assertEquals(ref.get("zero_label_mape").asDouble(), metrics(row(0, 1), row(2, 1)).mape());
    RegressionMetrics one = metrics(row(2, 1));
    assertTrue(Double.isNaN(one.r2()));
    assertEquals(1.0, one.mse());
  }

  private static RegressionMetrics metrics(Row... rows) {
    RegressionEvaluation.ErrorsFn fn =
        new RegressionEvaluation.ErrorsFn("label", 0, "prediction", 1);
    List<Moments> acc = fn.createAccumulator();
    for (Row r : rows) {
      fn.addInput(acc, r);
    }
    return fn.extractOutput(acc);
  }

  @Test
  void rejectsANaNPredictionNamingColumnAndRow() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> metrics(row(1, Double.NaN)));
    assertThat(e.getMessage(), containsString("Column 'prediction' has value NaN in row"));
  }

  @Test
  void failsOnEmptyInputAndOnBadColumnsWhenBuilt() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.empty(SCHEMA)).apply(RegressionEvaluation.of("label", "prediction"));
    RuntimeException e = assertThrows(RuntimeException.class, () -> TestRunner.DIRECT.run(p));
    assertEquals("RegressionEvaluation: no rows to evaluate", LinearTestSupport.rootMessage(e));

    Pipeline q = TestRunner.DIRECT.create();
    PCollection<Row> text = q.apply(Create.empty(TEXT));
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> text.apply("A", RegressionEvaluation.of("label", "prediction")));
    assertThat(bad.getMessage(), containsString("Prediction column 'prediction' has type STRING"));
    bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> text.apply("B", RegressionEvaluation.of("y", "prediction")));
    assertThat(bad.getMessage(), containsString("Label column 'y' not found"));
  }

  @Test
  void metricsRoundTripThroughTheCoderAndPrintAReport() throws Exception {
    RegressionMetrics m = RegressionMetrics.of(3, 2.0, 2.0, 0.0, 0.5, 0.5, 1.0, 0.75);
    assertEquals(m, CoderUtils.clone(RegressionMetrics.Coder.of(), m));
    assertEquals(0.75, m.r2(), 1e-15);
    assertEquals(0.25, m.mape(), 1e-15);
    assertEquals(
        String.join(
            "\n",
            "Regression: 3 rows",
            "",
            "metric                    value",
            "mse                0.1666666667",
            "rmse               0.4082482905",
            "mae                0.3333333333",
            "r2                         0.75",
            "explainedVariance          0.75",
            "mape                       0.25",
            "labelMean                     2",
            "predictionMean                2",
            ""),
        m.report());
    Row row = m.toRow();
    assertEquals(RegressionMetrics.schema(), row.getSchema());
    assertEquals(3L, row.getInt64("count"));
  }
}
