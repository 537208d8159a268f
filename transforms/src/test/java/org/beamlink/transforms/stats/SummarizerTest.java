package org.beamlink.transforms.stats;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.clustering.TestData;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.junit.jupiter.api.Test;

class SummarizerTest {
  /** Sums and means of a few small numbers: exact up to rounding of the last bits. */
  private static final double EXACT = 1e-12;

  private static final Schema SCHEMA =
      Schema.builder()
          .addNullableField("x", FieldType.DOUBLE)
          .addInt64Field("y")
          .addStringField("name")
          .addNullableField("features", VectorLogicalType.FIELD_TYPE)
          .build();

  private static Row row(Double x, long y, Vector features) {
    return Row.withSchema(SCHEMA).addValues(x, y, "n", features).build();
  }

  /**
   * x: 1, 2, 3, 4, null, NaN. y: -1, 0, 0, 5, 2, 7. features (size 3): dense, sparse, null, sparse
   * with a NaN, dense zeros, sparse with nothing stored.
   */
  private static final List<Row> ROWS =
      List.of(
          row(1.0, -1, Vector.dense(1, 0, 2)),
          row(2.0, 0, Vector.sparse(3, new int[] {2}, new double[] {4})),
          row(3.0, 0, null),
          row(4.0, 5, Vector.sparse(3, new int[] {0, 1}, new double[] {-1, Double.NaN})),
          row(null, 2, Vector.dense(0, 0, 0)),
          row(Double.NaN, 7, Vector.sparse(3, new int[] {}, new double[] {})));

  /**
   * Expected values computed by hand and checked with numpy 2.4 ({@code a.mean()}, {@code
   * a.var(ddof=1)}, {@code np.sqrt((a*a).sum())}) on the non-missing values, implicit zeros of
   * sparse vectors included.
   */
  static void assertColumn(
      ColumnSummary c,
      long count,
      long missing,
      double mean,
      double variance,
      double min,
      double max,
      double sum,
      double l1,
      double l2,
      long nonzeros) {
    String name = c.column();
    assertEquals(count, c.count(), name + " count");
    assertEquals(missing, c.missing(), name + " missing");
    assertEquals(mean, c.mean(), EXACT, name + " mean");
    assertEquals(variance, c.variance(), EXACT, name + " variance");
    assertEquals(Math.sqrt(variance), c.stddev(), EXACT, name + " stddev");
    assertEquals(min, c.min(), 0.0, name + " min");
    assertEquals(max, c.max(), 0.0, name + " max");
    assertEquals(sum, c.sum(), EXACT, name + " sum");
    assertEquals(l1, c.normL1(), EXACT, name + " normL1");
    assertEquals(l2, c.normL2(), EXACT, name + " normL2");
    assertEquals(nonzeros, c.numNonzeros(), name + " numNonzeros");
  }

  static void assertHandComputed(Summary s) {
    assertEquals(6, s.rows());
    assertEquals(
        List.of("x", "y", "features[0]", "features[1]", "features[2]"),
        s.columns().stream().map(ColumnSummary::column).toList());
    assertColumn(s.column("x"), 4, 2, 2.5, 5.0 / 3, 1, 4, 10, 10, Math.sqrt(30), 4);
    assertColumn(s.column("y"), 6, 0, 13.0 / 6, 61.0 / 6, -1, 7, 13, 15, Math.sqrt(79), 4);
    assertColumn(s.column("features[0]"), 5, 1, 0, 0.5, -1, 1, 0, 2, Math.sqrt(2), 2);
    assertColumn(s.column("features[1]"), 4, 2, 0, 0, 0, 0, 0, 0, 0, 0);
    assertColumn(s.column("features[2]"), 5, 1, 1.2, 3.2, 0, 4, 6, 6, Math.sqrt(20), 2);
  }

  @BoundedRunnerTest
  void summarizesNumbersAndVectorCoordinatesWithNullsAndNaNs(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Summary> summary =
        p.apply(Create.of(ROWS).withRowSchema(SCHEMA)).apply(Summarizer.globally());
    PAssert.thatSingleton(summary)
        .satisfies(
            s -> {
              assertHandComputed(s);
              return null;
            });
    runner.run(p);
  }

  @BoundedRunnerTest
  void summarizesAnEmptyInputAsCountZeroWithNaNMeans(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Summary> summary =
        p.apply(Create.empty(SCHEMA)).apply(Summarizer.globally().withColumns("y", "features"));
    PAssert.thatSingleton(summary)
        .satisfies(
            s -> {
              assertEquals(0, s.rows());
              assertEquals(1, s.columns().size(), "a vector column of unknown size has none");
              ColumnSummary y = s.column("y");
              assertEquals(0, y.count());
              assertEquals(0, y.missing());
              assertTrue(Double.isNaN(y.mean()));
              assertTrue(Double.isNaN(y.variance()));
              assertTrue(Double.isNaN(y.min()));
              assertTrue(Double.isNaN(y.max()));
              assertEquals(0.0, y.sum());
              assertEquals(0.0, y.normL2());
              return null;
            });
    runner.run(p);
  }

  @BoundedRunnerTest
  void summarizesIrisLikeNumpy(TestRunner runner) {
    String iris = getClass().getResource("/clustering/iris.csv").getPath();
    Pipeline p = runner.create("--parallelism=2");
    PCollection<Summary> summary = p.apply(ReadCsv.from(iris)).apply(Summarizer.globally());
    PAssert.thatSingleton(summary)
        .satisfies(
            s -> {
              // numpy 2.4 on the same file: x.mean(), x.var(ddof=1), x.min(), x.max(), x.sum(),
              // np.sqrt((x**2).sum()); agreement to 1e-12 (summation order differs).
              assertEquals(150, s.rows());
              assertColumn(
                  s.column("sepal_length"),
                  150,
                  0,
                  5.843333333333334,
                  0.6856935123042507,
                  4.3,
                  7.9,
                  876.5,
                  876.5,
                  72.27620631992247,
                  150);
              assertColumn(
                  s.column("petal_width"),
                  150,
                  0,
                  1.1993333333333336,
                  0.5810062639821029,
                  0.1,
                  2.5,
                  179.90000000000003,
                  179.90000000000003,
                  17.387639287723907,
                  150);
              assertEquals(
                  Arrays.asList("sepal_length", "sepal_width", "petal_length", "petal_width"),
                  s.columns().stream().map(ColumnSummary::column).toList());
              return null;
            });
    runner.run(p);
  }

  /** Summaries computed by the merge-order test, by runner and parallelism. */
  private static final Map<String, Summary> KEPT = new ConcurrentHashMap<>();

  /** Relative 1e-12 (absolute below 1): numpy sums in another order. */
  private static void assertClose(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-12 * Math.max(1.0, Math.abs(expected)), what);
  }

  /**
   * Every statistic of every column of {@code summary} against numpy's for data set {@code name}
   * (stats_reference.json: x.mean(), x.var(ddof=1), x.std(ddof=1), min, max, sum, sum |x|, sqrt(sum
   * x^2), count_nonzero).
   */
  static void assertMatchesNumpy(Summary summary, String name) {
    JsonNode reference = StatsReference.get("summary", name);
    assertEquals(reference.size(), summary.columns().size());
    for (Iterator<String> it = reference.fieldNames(); it.hasNext(); ) {
      String column = it.next();
      JsonNode r = reference.get(column);
      ColumnSummary c = summary.column(column);
      assertEquals(r.get("count").asLong(), c.count(), column);
      assertEquals(0, c.missing(), column);
      assertClose(r.get("mean").asDouble(), c.mean(), column + " mean");
      assertClose(r.get("variance").asDouble(), c.variance(), column + " variance");
      assertClose(r.get("stddev").asDouble(), c.stddev(), column + " stddev");
      assertEquals(r.get("min").asDouble(), c.min(), 0.0, column + " min");
      assertEquals(r.get("max").asDouble(), c.max(), 0.0, column + " max");
      assertClose(r.get("sum").asDouble(), c.sum(), column + " sum");
      assertClose(r.get("normL1").asDouble(), c.normL1(), column + " normL1");
      assertClose(r.get("normL2").asDouble(), c.normL2(), column + " normL2");
      assertEquals(r.get("numNonzeros").asLong(), c.numNonzeros(), column + " numNonzeros");
    }
  }

  private static Summary summarizeInMemory(List<Row> rows) {
    Summarizer.SummarizeFn fn = Summarizer.SummarizeFn.of(rows.get(0).getSchema(), null);
    List<Moments> acc = fn.createAccumulator();
    for (Row row : rows) {
      fn.addInput(acc, row);
    }
    return fn.extractOutput(acc);
  }

  @Test
  void summarizesIrisAndDiabetesLikeNumpy() {
    assertMatchesNumpy(summarizeInMemory(TestData.iris()), "iris");
    assertMatchesNumpy(
        summarizeInMemory(LinearTestSupport.csv("diabetes.csv", FieldType.DOUBLE)), "diabetes");
  }

  /**
   * Merge order: the diabetes summary on the DirectRunner and on FlinkRunner batch at parallelism 1
   * and 2 (different splits, so different merges of partial moments) agree to 1e-12, and each
   * matches numpy.
   */
  @Test
  void momentsAgreeOnDirectAndFlinkAtParallelismOneAndTwo() {
    List<Row> rows = LinearTestSupport.csv("diabetes.csv", FieldType.DOUBLE);
    String[][] runs = {{"DIRECT", "1"}, {"FLINK_BATCH", "1"}, {"FLINK_BATCH", "2"}};
    for (String[] run : runs) {
      TestRunner runner = TestRunner.valueOf(run[0]);
      String key = run[0] + "/" + run[1];
      Pipeline p = runner.create("--parallelism=" + run[1]);
      p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()))
          .apply(Summarizer.globally())
          .apply(ParDo.of(new KeepFn(key)));
      runner.run(p);
    }
    Summary direct = KEPT.get("DIRECT/1");
    assertMatchesNumpy(direct, "diabetes");
    for (String key : List.of("FLINK_BATCH/1", "FLINK_BATCH/2")) {
      Summary other = KEPT.get(key);
      assertMatchesNumpy(other, "diabetes");
      for (ColumnSummary c : direct.columns()) {
        ColumnSummary o = other.column(c.column());
        assertClose(c.mean(), o.mean(), key + " " + c.column() + " mean");
        assertClose(c.variance(), o.variance(), key + " " + c.column() + " variance");
        assertClose(c.sum(), o.sum(), key + " " + c.column() + " sum");
        assertClose(c.normL2(), o.normL2(), key + " " + c.column() + " normL2");
      }
    }
  }

  private static final class KeepFn extends DoFn<Summary, Void> {
    private final String key;

    KeepFn(String key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element Summary summary) {
      KEPT.put(key, summary);
    }
  }

  @Test
  void combiningPartialsInAnyGroupingGivesTheOnePassResult() {
    Summarizer.SummarizeFn fn = Summarizer.SummarizeFn.of(SCHEMA, null);
    List<Moments> odd = fn.createAccumulator();
    List<Moments> even = fn.createAccumulator();
    for (int i = 0; i < ROWS.size(); i++) {
      fn.addInput(i % 2 == 0 ? even : odd, ROWS.get(i));
    }
    assertHandComputed(
        fn.extractOutput(fn.mergeAccumulators(List.of(fn.createAccumulator(), odd, even))));
  }

  @Test
  void rejectsVectorsOfDifferentSizesNamingTheColumn() {
    Summarizer.SummarizeFn fn = Summarizer.SummarizeFn.of(SCHEMA, List.of("features"));
    List<Moments> acc = fn.createAccumulator();
    fn.addInput(acc, row(1.0, 1, Vector.dense(1, 2)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> fn.addInput(acc, row(1.0, 1, Vector.dense(1, 2, 3))));
    assertThat(e.getMessage(), containsString("Vector column 'features'"));
    assertThat(e.getMessage(), containsString("size 3"));
  }

  @Test
  void rejectsAColumnThatIsNotNumeric() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Summarizer.SummarizeFn.of(SCHEMA, List.of("name")));
    assertThat(e.getMessage(), containsString("Column 'name' has type"));
  }

  @Test
  void rejectsAnInputWithoutNumericColumns() {
    Schema strings = Schema.builder().addStringField("s").build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Summarizer.SummarizeFn.of(strings, null));
    assertThat(e.getMessage(), containsString("no numeric or vector column"));
  }
}
