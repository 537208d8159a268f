package org.beamlink.transforms.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Pipelines of {@link BinaryClassificationEvaluation}: Alink's documented example, scikit-learn's
 * numbers on breast_cancer predictions (evaluation_reference.json) on the DirectRunner and
 * FlinkRunner, windowed and cumulative streams, and bad input.
 */
class BinaryClassificationEvaluationTest {
  /** Sums of a few hundred terms in another order than numpy's: a few ulps. */
  private static final double TOL = 1e-12;

  private static final Schema DETAIL_SCHEMA =
      Schema.builder()
          .addStringField("label")
          .addMapField("detail", FieldType.STRING, FieldType.DOUBLE)
          .build();

  private static final Schema SCORE_SCHEMA =
      Schema.builder().addInt32Field("label").addDoubleField("score").build();

  private static Row detailRow(String label, double p1) {
    return Row.withSchema(DETAIL_SCHEMA).addValues(label, Map.of("1", p1, "0", 1.0 - p1)).build();
  }

  private static Row scoreRow(int label, double score) {
    return Row.withSchema(SCORE_SCHEMA).addValues(label, score).build();
  }

  /** Alink's rows: (label, P(label "1")). */
  private static List<Row> alinkRows() {
    return List.of(
        detailRow("1", 0.9),
        detailRow("1", 0.8),
        detailRow("1", 0.7),
        detailRow("0", 0.75),
        detailRow("0", 0.6));
  }

  /**
   * Alink's documented EvalBinaryClassBatchOp example, with string labels and a detail map as Alink
   * takes them: AUC 0.8333333333333334, KS 0.6666666666666666, PRC 0.9027777777777777, accuracy 0.6
   * and macro precision 0.8 (Alink's printed numbers, to 1e-15: the last printed digit).
   *
   * <p>Macro precision: at threshold 0.5 every row is predicted "1", so class "0" is never
   * predicted. Alink's 0.8 is the mean of 0.6 (class "1") and 1.0 for the never-predicted class,
   * which is scikit-learn's {@code precision_score(average="macro", zero_division=1)} (0.8 in
   * evaluation_reference.json); with the default {@code zero_division=0} it is 0.3.
   */
  @Test
  void reproducesAlinkDocumentedExample() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<BinaryMetrics> metrics =
        p.apply(Create.of(alinkRows()).withRowSchema(DETAIL_SCHEMA))
            .apply(BinaryClassificationEvaluation.ofDetail("label", "detail"));
    JsonNode sklearn = EvaluationReference.get("alink");
    double zeroDivision0 = sklearn.get("macroPrecisionZeroDivision0").asDouble();
    double zeroDivision1 = sklearn.get("macroPrecisionZeroDivision1").asDouble();
    PAssert.thatSingleton(metrics)
        .satisfies(
            m -> {
              assertEquals(0.8333333333333334, m.auc(), 1e-15);
              assertEquals(0.6666666666666666, m.ks(), 1e-15);
              assertEquals(0.9027777777777777, m.areaUnderPrAlink(), 1e-15);
              assertEquals(0.6, m.accuracy(), 1e-15);
              assertEquals(0.8, m.asMultiClass().withZeroDivision(1.0).macroPrecision(), 1e-15);
              assertEquals(zeroDivision1, m.asMultiClass().withZeroDivision(1.0).macroPrecision());
              assertEquals(zeroDivision0, m.asMultiClass().macroPrecision(), 1e-15);
              assertEquals("1", m.positiveLabel());
              assertEquals("0", m.negativeLabel());
              assertEquals(5, m.count());
              return null;
            });
    PAssert.thatSingleton(metrics.apply(MetricsRows.of(BinaryMetrics.schema())))
        .satisfies(
            row -> {
              assertEquals(0.6, row.getDouble("accuracy"), 1e-15);
              assertNull(row.getDateTime(MetricsRows.WINDOW_START));
              assertNull(row.getDateTime(MetricsRows.WINDOW_END));
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  private static List<Row> breastCancerRows(String name) {
    JsonNode ref = EvaluationReference.get(name);
    int[] labels = EvaluationReference.ints(ref.get("labels"));
    double[] scores = EvaluationReference.doubles(ref.get("scores"));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      rows.add(scoreRow(labels[i], scores[i]));
    }
    return rows;
  }

  private static void assertMatchesSklearn(String name, BinaryMetrics m) {
    JsonNode ref = EvaluationReference.get(name);
    assertEquals(ref.get("auc").asDouble(), m.auc(), TOL);
    assertEquals(ref.get("averagePrecision").asDouble(), m.averagePrecision(), TOL);
    assertEquals(ref.get("areaUnderPrSpark").asDouble(), m.areaUnderPr(), TOL);
    assertEquals(ref.get("ks").asDouble(), m.ks(), TOL);
    assertEquals(ref.get("logLoss").asDouble(), m.logLoss(), TOL);
    assertEquals(ref.get("accuracy").asDouble(), m.accuracy(), TOL);
    assertEquals(ref.get("precision").asDouble(), m.precision(), TOL);
    assertEquals(ref.get("recall").asDouble(), m.recall(), TOL);
    assertEquals(ref.get("f1").asDouble(), m.f1(), TOL);
    long[][] cm = EvaluationReference.matrix(ref.get("confusionMatrix"));
    assertEquals(
        java.util.Arrays.deepToString(cm), java.util.Arrays.deepToString(m.confusionMatrix()));
    double[] fpr = EvaluationReference.doubles(ref.get("rocFpr"));
    double[] tpr = EvaluationReference.doubles(ref.get("rocTpr"));
    List<Row> curve = m.curveRows();
    assertEquals(fpr.length, curve.size());
    for (int i = 0; i < fpr.length; i++) {
      assertEquals(fpr[i], curve.get(i).getDouble("falsePositiveRate"), TOL);
      assertEquals(tpr[i], curve.get(i).getDouble("recall"), TOL);
    }
  }

  /**
   * The bounded, distributed exact path on breast_cancer predictions, against scikit-learn to
   * 1e-12, on the DirectRunner and on FlinkRunner batch at parallelism 2; the AUC is exact integer
   * arithmetic, so it equals the in-memory computation bit for bit on both.
   */
  @BoundedRunnerTest
  void matchesSklearnOnBreastCancer(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<BinaryMetrics> metrics =
        p.apply(Create.of(breastCancerRows("breastCancer")).withRowSchema(SCORE_SCHEMA))
            .apply(
                BinaryClassificationEvaluation.of("label", "score")
                    .withSortBuckets(16)
                    .withMinBucketSize(1)
                    .withCurvePoints(10_000));
    JsonNode ref = EvaluationReference.get("breastCancer");
    double inMemoryAuc =
        BinaryRanking.compute(
                BinaryRankingTest.counts(
                    EvaluationReference.ints(ref.get("labels")),
                    EvaluationReference.doubles(ref.get("scores"))),
                "1",
                "0",
                0.5,
                10_000)
            .auc();
    PAssert.thatSingleton(metrics)
        .satisfies(
            m -> {
              assertMatchesSklearn("breastCancer", m);
              assertEquals(inMemoryAuc, m.auc(), 0.0);
              return null;
            });
    runner.run(p);
  }

  /** Scores rounded to one decimal (11 distinct scores, many ties) against scikit-learn. */
  @Test
  void matchesSklearnWithTiedScores() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<BinaryMetrics> metrics =
        p.apply(Create.of(breastCancerRows("breastCancerTies")).withRowSchema(SCORE_SCHEMA))
            .apply(
                BinaryClassificationEvaluation.of("label", "score")
                    .withSortBuckets(4)
                    .withMinBucketSize(1));
    PAssert.thatSingleton(metrics)
        .satisfies(
            m -> {
              assertMatchesSklearn("breastCancerTies", m);
              assertEquals(11, m.distinctScores());
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  /**
   * A vector detail in LinearScorer's form (probabilities in label order "0", "1") gives the same
   * metrics as the score column; log loss to 1e-12 (scikit-learn clips p before forming 1 - p, this
   * clips both: identical away from 0 and 1).
   */
  @Test
  void readsVectorDetailInTheGivenLabelOrder() {
    Schema schema =
        Schema.builder()
            .addInt32Field("label")
            .addField("detail", VectorLogicalType.FIELD_TYPE)
            .build();
    List<Row> rows = new ArrayList<>();
    for (Row r : breastCancerRows("breastCancer")) {
      double s = r.getDouble("score");
      rows.add(
          Row.withSchema(schema).addValues(r.getInt32("label"), Vector.dense(1 - s, s)).build());
    }
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<BinaryMetrics> metrics =
        p.apply(Create.of(rows).withRowSchema(schema))
            .apply(
                BinaryClassificationEvaluation.ofDetail("label", "detail")
                    .withDetailLabels("0", "1")
                    .withCurvePoints(10_000));
    PAssert.thatSingleton(metrics)
        .satisfies(
            m -> {
              assertMatchesSklearn("breastCancer", m);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  /** Bucket boundaries thin out to keep at least minBucketSize distinct scores per bucket. */
  @Test
  void cutsFewerBucketsForFewDistinctScores() {
    List<Double> quantiles = List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8);
    assertEquals(
        List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7),
        java.util.Arrays.stream(BucketedBinaryEvaluation.cuts(quantiles, 1000, 1))
            .boxed()
            .toList());
    assertEquals(
        List.of(0.2, 0.4, 0.6),
        java.util.Arrays.stream(BucketedBinaryEvaluation.cuts(quantiles, 1000, 250))
            .boxed()
            .toList());
    assertEquals(0, BucketedBinaryEvaluation.cuts(quantiles, 1000, 5000).length);
    assertEquals(0, BucketedBinaryEvaluation.cuts(List.of(), 0, 1).length);
  }

  @Test
  void allEqualScoresGiveAucOneHalf() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<BinaryMetrics> metrics =
        p.apply(
                Create.of(scoreRow(1, 0.4), scoreRow(0, 0.4), scoreRow(0, 0.4), scoreRow(1, 0.4))
                    .withRowSchema(SCORE_SCHEMA))
            .apply(BinaryClassificationEvaluation.of("label", "score"));
    PAssert.thatSingleton(metrics)
        .satisfies(
            m -> {
              assertEquals(0.5, m.auc(), 0.0);
              assertEquals(0.5, m.averagePrecision(), 0.0);
              assertEquals(1, m.distinctScores());
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  private static String failure(
      List<Row> rows, Schema schema, BinaryClassificationEvaluation eval) {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(rows).withRowSchema(schema)).apply(eval);
    return EvaluationReference.rootMessage(
        assertThrows(RuntimeException.class, () -> TestRunner.DIRECT.run(p)));
  }

  @Test
  void rejectsNaNScoreNamingColumnValueAndRow() {
    String message =
        failure(
            List.of(scoreRow(1, 0.3), scoreRow(0, Double.NaN)),
            SCORE_SCHEMA,
            BinaryClassificationEvaluation.of("label", "score"));
    assertTrue(message.contains("'score'") && message.contains("NaN"), message);
    assertTrue(message.contains("in row"), message);
  }

  @Test
  void rejectsSingleClassOnBoundedInput() {
    String message =
        failure(
            List.of(scoreRow(1, 0.3), scoreRow(1, 0.6)),
            SCORE_SCHEMA,
            BinaryClassificationEvaluation.of("label", "score"));
    assertTrue(message.contains("only one class in label column 'label'"), message);
  }

  @Test
  void rejectsEmptyBoundedInput() {
    String message =
        failure(List.of(), SCORE_SCHEMA, BinaryClassificationEvaluation.of("label", "score"));
    assertEquals("BinaryClassificationEvaluation: no rows to evaluate", message);
  }

  @Test
  void rejectsLabelNotAmongTheDetailLabels() {
    String message =
        failure(
            List.of(detailRow("1", 0.9), detailRow("2", 0.2)),
            DETAIL_SCHEMA,
            BinaryClassificationEvaluation.ofDetail("label", "detail"));
    assertTrue(message.contains("Label column 'label' has value '2'"), message);
    assertTrue(message.contains("'detail'") && message.contains("in row"), message);
  }

  @Test
  void rejectsMoreThanTwoLabelsWithAScoreColumn() {
    String message =
        failure(
            List.of(scoreRow(1, 0.9), scoreRow(0, 0.2), scoreRow(2, 0.5)),
            SCORE_SCHEMA,
            BinaryClassificationEvaluation.of("label", "score"));
    assertTrue(message.contains("more than two labels [0, 1, 2]"), message);
  }

  @Test
  void rejectsMissingAndMistypedColumnsAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.empty(SCORE_SCHEMA));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(BinaryClassificationEvaluation.of("label", "probability")));
    assertTrue(missing.getMessage().contains("Score column 'probability'"), missing.getMessage());
    IllegalArgumentException vector =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(BinaryClassificationEvaluation.ofDetail("label", "score")));
    assertTrue(vector.getMessage().contains("'score' has type"), vector.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> BinaryClassificationEvaluation.of("label", "score").withCurvePoints(1));
    assertThrows(
        IllegalArgumentException.class,
        () -> BinaryClassificationEvaluation.of("label", "score").withThreshold(Double.NaN));
  }

  private static TimestampedValue<Row> at(Row row, long millis) {
    return TimestampedValue.of(row, new Instant(millis));
  }

  /** Rows of a second batch: AUC 0.25 on their own. */
  private static List<Row> secondBatch() {
    return List.of(
        detailRow("1", 0.2), detailRow("0", 0.9), detailRow("1", 0.6), detailRow("0", 0.4));
  }

  /** Two fixed windows of a stream: each window's own metrics, with the window's bounds. */
  @UnboundedRunnerTest
  void evaluatesEachFixedWindowOfAStream(TestRunner runner) {
    Pipeline p = runner.create();
    TestStream.Builder<Row> stream = TestStream.create(DETAIL_SCHEMA);
    List<TimestampedValue<Row>> first = new ArrayList<>();
    for (Row r : alinkRows()) {
      first.add(at(r, 1000));
    }
    List<TimestampedValue<Row>> second = new ArrayList<>();
    for (Row r : secondBatch()) {
      second.add(at(r, 11_000));
    }
    TestStream<Row> events =
        stream
            .addElements(
                first.get(0), first.subList(1, first.size()).toArray(TimestampedValue[]::new))
            .advanceWatermarkTo(new Instant(10_000))
            .addElements(
                second.get(0), second.subList(1, second.size()).toArray(TimestampedValue[]::new))
            .advanceWatermarkToInfinity();
    PCollection<Row> rows =
        p.apply(events)
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
            .apply(BinaryClassificationEvaluation.ofDetail("label", "detail"))
            .apply(MetricsRows.of(BinaryMetrics.schema()));
    PAssert.that(rows)
        .satisfies(
            all -> {
              int n = 0;
              for (Row r : all) {
                n++;
                long start = r.getDateTime(MetricsRows.WINDOW_START).getMillis();
                assertEquals(start + 10_000, r.getDateTime(MetricsRows.WINDOW_END).getMillis());
                if (start == 0) {
                  assertEquals(5, r.getInt64("count"));
                  assertEquals(0.8333333333333334, r.getDouble("auc"), 1e-15);
                } else {
                  assertEquals(10_000, start);
                  assertEquals(4, r.getInt64("count"));
                  assertEquals(0.25, r.getDouble("auc"), 1e-15);
                }
              }
              assertEquals(2, n);
              return null;
            });
    runner.run(p);
  }

  /**
   * Cumulative mode: an early pane over the first five rows after processing time passes, then the
   * final pane over all nine (positives 0.9, 0.8, 0.7, 0.2, 0.6 against negatives 0.75, 0.6, 0.9,
   * 0.4: 10 of 20 pairs ordered, ties counted half, AUC 0.5). DirectRunner only: FlinkRunner
   * rejects TestStream's processing time.
   */
  @Test
  void cumulativeModeEmitsTheRunningResult() {
    Pipeline p = TestRunner.DIRECT.create();
    List<TimestampedValue<Row>> first = new ArrayList<>();
    for (Row r : alinkRows()) {
      first.add(at(r, 1000));
    }
    List<TimestampedValue<Row>> second = new ArrayList<>();
    for (Row r : secondBatch()) {
      second.add(at(r, 61_000));
    }
    TestStream<Row> events =
        TestStream.create(DETAIL_SCHEMA)
            .addElements(
                first.get(0), first.subList(1, first.size()).toArray(TimestampedValue[]::new))
            .advanceProcessingTime(Duration.standardSeconds(30))
            .addElements(
                second.get(0), second.subList(1, second.size()).toArray(TimestampedValue[]::new))
            .advanceWatermarkToInfinity();
    PCollection<BinaryMetrics> metrics =
        p.apply(events)
            .apply(
                BinaryClassificationEvaluation.ofDetail("label", "detail")
                    .cumulative(Duration.standardSeconds(10)));
    PAssert.that(metrics)
        .satisfies(
            all -> {
              List<Long> counts = new ArrayList<>();
              for (BinaryMetrics m : all) {
                counts.add(m.count());
                if (m.count() == 5) {
                  assertEquals(0.8333333333333334, m.auc(), 1e-15);
                } else {
                  assertEquals(9, m.count());
                  assertEquals(0.5, m.auc(), 1e-15);
                }
              }
              counts.sort(null);
              assertEquals(List.of(5L, 9L), counts);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  /**
   * A window of a stream with one class gives NaN ranking metrics instead of stopping the stream.
   */
  @Test
  void windowWithOneClassGivesNaNAuc() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<BinaryMetrics> metrics =
        p.apply(
                Create.timestamped(at(scoreRow(1, 0.3), 0), at(scoreRow(1, 0.7), 0))
                    .withCoder(org.apache.beam.sdk.coders.RowCoder.of(SCORE_SCHEMA)))
            .setRowSchema(SCORE_SCHEMA)
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
            .apply(BinaryClassificationEvaluation.of("label", "score"));
    PAssert.thatSingleton(metrics)
        .satisfies(
            m -> {
              assertTrue(Double.isNaN(m.auc()));
              assertEquals(0.5, m.recall(), 0.0);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void curvesBecomeRowsWithWindowFields() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> curve =
        p.apply(Create.of(alinkRows()).withRowSchema(DETAIL_SCHEMA))
            .apply(BinaryClassificationEvaluation.ofDetail("label", "detail"))
            .apply(BinaryClassificationEvaluation.curves());
    PAssert.that(curve)
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                if (r.getDouble("threshold") == 0.75) {
                  // 0.9, 0.8 and 0.75 predicted positive: 2 of 3 positives, 1 of 2 negatives.
                  assertEquals(2.0 / 3, r.getDouble("recall"), 1e-15);
                  assertEquals(0.5, r.getDouble("falsePositiveRate"), 1e-15);
                  assertEquals(0.6, r.getDouble("positiveRate"), 1e-15);
                  assertEquals((2.0 / 3) / 0.6, r.getDouble("lift"), 1e-15);
                }
                assertNull(r.getDateTime(MetricsRows.WINDOW_START));
              }
              assertEquals(5, n);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }
}
