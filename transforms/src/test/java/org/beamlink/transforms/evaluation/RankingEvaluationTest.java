package org.beamlink.transforms.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class RankingEvaluationTest {
  private static final Schema SCHEMA =
      Schema.builder()
          .addInt64Field("user")
          .addArrayField("relevant", Schema.FieldType.INT64)
          .addArrayField("recommended", Schema.FieldType.INT64)
          .build();

  /** Sums of a few fractions and logarithms over three queries: equal up to rounding. */
  private static final double TOLERANCE = 1e-12;

  /**
   * Spark's own example (mllib RankingMetricsSuite, "MAP, NDCG, Recall with integer type"): three
   * queries, the third with no relevant items. Values at each k from
   * src/test/resources/evaluation/ranking_reference.py, which writes Spark's definitions out
   * plainly and checks Spark's documented MAP 0.355026, NDCG@5 0.328788 and NDCG@10 0.487913.
   */
  private static List<Row> sparkExample() {
    return List.of(
        row(1, List.of(1L, 2L, 3L, 4L, 5L), List.of(1L, 6L, 2L, 7L, 8L, 3L, 9L, 10L, 4L, 5L)),
        row(2, List.of(1L, 2L, 3L), List.of(4L, 1L, 5L, 6L, 2L, 7L, 3L, 8L, 9L, 10L)),
        row(3, List.of(), List.of(1L, 2L, 3L, 4L, 5L)));
  }

  private static Row row(long user, List<Long> relevant, List<Long> recommended) {
    return Row.withSchema(SCHEMA).addValues(user, relevant, recommended).build();
  }

  /** {k, precision, recall, ndcg, map@k, hit rate} from ranking_reference.py. */
  private static final double[][] REFERENCE = {
    {
      1,
      0.3333333333333333,
      0.06666666666666667,
      0.3333333333333333,
      0.3333333333333333,
      0.3333333333333333
    },
    {4, 0.25, 0.24444444444444446, 0.29388399531800585, 0.19444444444444442, 0.6666666666666666},
    {
      5,
      0.26666666666666666,
      0.35555555555555557,
      0.3287880038045473,
      0.2111111111111111,
      0.6666666666666666
    },
    {
      10,
      0.26666666666666666,
      0.6666666666666666,
      0.48791274569166343,
      0.35502645502645497,
      0.6666666666666666
    },
    {
      15,
      0.17777777777777778,
      0.6666666666666666,
      0.48791274569166343,
      0.35502645502645497,
      0.6666666666666666
    }
  };

  private static final double SPARK_MAP = 0.35502645502645497;

  @BoundedRunnerTest
  void matchesSparksDefinitionsOnSparksExample(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(Create.of(sparkExample()).withRowSchema(SCHEMA));
    for (double[] ref : REFERENCE) {
      int k = (int) ref[0];
      PAssert.thatSingleton(
              rows.apply("k=" + k, RankingEvaluation.of("relevant", "recommended").withK(k)))
          .satisfies(
              m -> {
                assertEquals(3, m.count());
                assertEquals(1, m.emptyQueries());
                assertEquals(ref[1], m.precisionAtK(), TOLERANCE, "precision@" + k);
                assertEquals(ref[2], m.recallAtK(), TOLERANCE, "recall@" + k);
                assertEquals(ref[3], m.ndcgAtK(), TOLERANCE, "ndcg@" + k);
                assertEquals(ref[4], m.meanAveragePrecisionAtK(), TOLERANCE, "map@" + k);
                assertEquals(ref[5], m.hitRateAtK(), TOLERANCE, "hit rate@" + k);
                assertEquals(SPARK_MAP, m.meanAveragePrecision(), TOLERANCE, "MAP");
                return null;
              });
    }
    runner.run(p);
  }

  /** Each window of a stream is evaluated on its own queries. */
  @UnboundedRunnerTest
  void evaluatesEachFixedWindowOfAStream(TestRunner runner) {
    List<Row> rows = sparkExample();
    List<TimestampedValue<Row>> events = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      events.add(TimestampedValue.of(rows.get(i), new Instant(i == 0 ? 1000 : 11_000 + i)));
    }
    TestStream<Row> stream =
        TestStream.create(SCHEMA)
            .addElements(events.get(0))
            .advanceWatermarkTo(new Instant(10_000))
            .addElements(events.get(1), events.get(2))
            .advanceWatermarkToInfinity();
    Pipeline p = runner.create();
    PCollection<Row> metrics =
        p.apply(stream)
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
            .apply(RankingEvaluation.of("relevant", "recommended").withK(2))
            .apply(MetricsRows.of(RankingMetrics.schema()));
    PAssert.that(metrics)
        .satisfies(
            all -> {
              int n = 0;
              for (Row r : all) {
                n++;
                boolean first = r.getDateTime(MetricsRows.WINDOW_START).getMillis() == 0;
                // First window: [1, 6] against {1..5}: precision 1/2. Second: [4, 1] against
                // {1, 2, 3} gives 1/2 and the empty query 0, so 1/4.
                assertEquals(first ? 1 : 2, r.getInt64("count"));
                assertEquals(first ? 0.5 : 0.25, r.getDouble("precisionAtK"), TOLERANCE);
              }
              assertEquals(2, n);
              return null;
            });
    runner.run(p);
  }

  @Test
  void badInputFailsWithClearMessages() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(sparkExample()).withRowSchema(SCHEMA));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(RankingEvaluation.of("truth", "recommended")));
    assertEquals(
        "Label column 'truth' not found; the input has columns [user, relevant, recommended]",
        missing.getMessage());
    IllegalArgumentException notArray =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(RankingEvaluation.of("user", "recommended")));
    assertTrue(notArray.getMessage().contains("expected an array of items"), notArray.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RankingEvaluation.of("a", "b").withK(0));

    Schema nullable =
        Schema.builder()
            .addNullableField("relevant", Schema.FieldType.array(Schema.FieldType.INT64))
            .addArrayField("recommended", Schema.FieldType.INT64)
            .build();
    Pipeline q = TestRunner.DIRECT.create();
    q.apply(
            Create.of(Row.withSchema(nullable).addValues(null, List.of(1L)).build())
                .withRowSchema(nullable))
        .apply(RankingEvaluation.of("relevant", "recommended"));
    Throwable e = assertThrows(Throwable.class, () -> TestRunner.DIRECT.run(q));
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" | ");
    }
    assertTrue(
        all.toString()
            .contains(
                "Column 'relevant' is null; expected an array of items, in row {relevant: null"),
        all.toString());

    Pipeline empty = TestRunner.DIRECT.create();
    empty
        .apply(Create.of(new ArrayList<Row>()).withRowSchema(SCHEMA))
        .apply(RankingEvaluation.of("relevant", "recommended"));
    Throwable none = assertThrows(Throwable.class, () -> TestRunner.DIRECT.run(empty));
    StringBuilder msgs = new StringBuilder();
    for (Throwable t = none; t != null; t = t.getCause()) {
      msgs.append(t.getMessage()).append(" | ");
    }
    assertTrue(msgs.toString().contains("RankingEvaluation: no rows to evaluate"), msgs.toString());
  }
}
