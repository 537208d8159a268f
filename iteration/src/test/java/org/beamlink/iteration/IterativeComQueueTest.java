package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * The shim on its own, on the DirectRunner and FlinkRunner batch, each test building the same
 * program once per execution path in one pipeline and asserting the same expected values on both.
 */
class IterativeComQueueTest {
  private static final Execution[] PATHS = {Execution.DISTRIBUTED, Execution.IN_WORKER};

  /** Output: {sum, count, max, min, stepNo, taskCountSeen} from task 0. */
  private static PCollection<double[]> statsProgram(
      PCollection<Double> data, Execution execution, int numTasks, int maxIter) {
    return statsProgram("stats-" + execution, data, execution, numTasks, maxIter, q -> q);
  }

  private static PCollection<double[]> statsProgram(
      String name,
      PCollection<Double> data,
      Execution execution,
      int numTasks,
      int maxIter,
      UnaryOperator<IterativeComQueue> configure) {
    return configure
        .apply(IterativeComQueue.create(name))
        .initWithPartitionedData("data", data)
        .add(new LocalStats())
        .add(AllReduce.sum("sum"))
        .add(AllReduce.max("max"))
        .add(AllReduce.min("min"))
        .add(new CountSteps())
        .add(AllReduce.sum("steps"))
        .setMaxIter(maxIter)
        .withNumTasks(numTasks)
        .withExecution(execution)
        .closeWith(new StatsOutput(), DoubleArrayCoder.of())
        .exec();
  }

  /** 2,000 values whose sums depend on the order of addition. */
  private static List<Double> orderSensitiveValues() {
    return IntStream.range(0, 2000)
        .mapToObj(i -> Math.sin(i * 0.37) * Math.pow(10, i % 7))
        .collect(Collectors.toList());
  }

  /**
   * Stages that find no resident partition (every stage, forced) read the durable copy and give the
   * same bits as the in-worker loop on the same partitions; so does an in-worker loop whose
   * partitions exceed its memory budget and are read from disk at every superstep.
   */
  @BoundedRunnerTest
  void stagesThatMissComputeTheSameBitsAsTheInWorkerLoop(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Double> data = p.apply(Create.of(orderSensitiveValues()));
    PCollection<double[]> inWorker =
        statsProgram("resident", data, Execution.IN_WORKER, 5, 3, q -> q);
    PCollection<double[]> missing =
        statsProgram(
            "missing", data, Execution.DISTRIBUTED, 5, 3, IterativeComQueue::withForcedMisses);
    PCollection<double[]> distributed =
        statsProgram("distributed", data, Execution.DISTRIBUTED, 5, 3, q -> q);
    PCollection<double[]> streamed =
        statsProgram("streamed", data, Execution.IN_WORKER, 5, 3, q -> q.withMemoryBudgetBytes(1));
    PAssert.that(
            PCollectionList.of(inWorker)
                .and(missing)
                .and(distributed)
                .and(streamed)
                .apply(Flatten.pCollections()))
        .satisfies(
            rows -> {
              List<double[]> all = new ArrayList<>();
              rows.forEach(all::add);
              assertEquals(4, all.size());
              for (double[] r : all) {
                assertArrayEquals(all.get(0), r, 0.0);
              }
              return null;
            });
    PipelineResult result = runner.run(p);
    // 5 tasks: each misses when it assembles, at every later stage and when it closes.
    assertEquals(0, counter(result, "missing.residentHits"));
    assertTrue(counter(result, "missing.residentMisses") >= 5 + 5, "misses");
    assertTrue(counter(result, "missing.durableBytesRead") > 0, "bytes read");
    assertTrue(counter(result, "streamed.residentMisses") >= 5 * 3, "streamed reads");
    // One JVM: the unforced distributed run always finds its partitions resident.
    assertEquals(0, counter(result, "distributed.residentMisses"));
    assertTrue(counter(result, "distributed.residentHits") >= 5 + 5, "hits");
  }

  /**
   * A program that puts a new object in place of its data in its first superstep (as the linear
   * family relabels its blocks) keeps it across stages that miss.
   */
  @BoundedRunnerTest
  void aReplacedDataObjectSurvivesStagesThatMiss(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Double> data = p.apply(Create.of(1.0, 2.0, 3.0, 4.0, 5.0));
    for (Execution path : PATHS) {
      for (boolean miss : new boolean[] {false, true}) {
        IterativeComQueue queue =
            IterativeComQueue.create("replaced-" + path + "-" + miss)
                .initWithPartitionedData("data", data)
                .add(new DoubleDataOnce())
                .add(new AccumulateSum())
                .add(AllReduce.sum("sum"))
                .setMaxIter(4)
                .withNumTasks(3)
                .withExecution(path);
        if (miss) {
          queue = queue.withForcedMisses().withMemoryBudgetBytes(1);
        }
        PCollection<Double> out =
            queue
                .closeWith(
                    c -> c.getTaskId() == 0 ? List.of(c.<double[]>getObj("sum")[0]) : List.of(),
                    DoubleCoder.of())
                .exec();
        // Doubled once: 30 per superstep, so 30 in the last one.
        PAssert.thatSingleton(out).isEqualTo(30.0);
      }
    }
    runner.run(p);
  }

  /** Replaces the data with its doubles in superstep 1 only. */
  static final class DoubleDataOnce extends ComputeFunction {
    @Override
    public void calc(ComContext context) {
      if (context.getStepNo() == 1) {
        List<Double> data = context.getObj("data");
        context.putObj("data", data.stream().map(x -> 2 * x).collect(Collectors.toList()));
      }
    }
  }

  static final class AccumulateSum extends ComputeFunction {
    @Override
    public void calc(ComContext context) {
      double s = 0;
      for (double x : context.<List<Double>>getObj("data")) {
        s += x;
      }
      context.putObj("sum", new double[] {s});
    }
  }

  /**
   * AUTO follows the runner facts in {@link ComQueueOptions}: in-worker where the workers share one
   * JVM, distributed where they may not (seen in which metrics the runs report).
   */
  @Test
  void autoFollowsTheWorkerOptions() {
    for (boolean oneJvm : new boolean[] {true, false}) {
      Pipeline p = TestRunner.DIRECT.create("--workersShareOneJvm=" + oneJvm);
      statsProgram("auto-" + oneJvm, p.apply(Create.of(1.0, 2.0)), Execution.AUTO, 2, 2, q -> q);
      PipelineResult result = TestRunner.DIRECT.run(p);
      long shipped = counter(result, "auto-" + oneJvm + ".shippedBytes");
      long loop = counter(result, "auto-" + oneJvm + ".supersteps");
      assertEquals(2, loop);
      assertEquals(!oneJvm, shipped > 0, "shipped " + shipped + " bytes, one JVM: " + oneJvm);
    }
  }

  /**
   * The bytes a distributed superstep moves are those of the tokens and partials, the same for 100
   * times more data.
   */
  @Test
  void bytesPerSuperstepDoNotGrowWithTheData() {
    long[] shipped = new long[2];
    int[] rows = {200, 20_000};
    for (int i = 0; i < 2; i++) {
      Pipeline p = TestRunner.DIRECT.create();
      List<Double> values = new ArrayList<>();
      for (int r = 0; r < rows[i]; r++) {
        values.add((double) r);
      }
      statsProgram("bytes-" + i, p.apply(Create.of(values)), Execution.DISTRIBUTED, 4, 3, q -> q);
      shipped[i] = counter(TestRunner.DIRECT.run(p), "bytes-" + i + ".shippedBytes");
    }
    assertTrue(shipped[0] > 0);
    assertEquals(shipped[0], shipped[1]);
  }

  /**
   * Per-row state (one double a row, updated every superstep, as k-means|| keeps each row's
   * distance to the nearest candidate) travels with the token: 8 bytes a row per stage, plus a few
   * bytes of framing.
   */
  @Test
  void rowSizedStateTravelsWithTheTokenAtEightBytesARow() {
    long[] shipped = new long[2];
    int[] rows = {1_000, 11_000};
    for (int i = 0; i < 2; i++) {
      Pipeline p = TestRunner.DIRECT.create();
      List<Double> values = new ArrayList<>();
      for (int r = 0; r < rows[i]; r++) {
        values.add((double) r);
      }
      IterativeComQueue.create("rows-" + i)
          .initWithPartitionedData("data", p.apply(Create.of(values)))
          .add(new DecayPerRowState())
          .add(AllReduce.sum("total"))
          .setMaxIter(3)
          .withNumTasks(2)
          .withExecution(Execution.DISTRIBUTED)
          .closeWith(c -> List.of(c.<double[]>getObj("total")[0]), DoubleCoder.of())
          .exec();
      shipped[i] = counter(TestRunner.DIRECT.run(p), "rows-" + i + ".shippedBytes");
    }
    // Four stages (the first, two more and the last, which ships to the close) each ship every
    // task's token once: 10,000 more rows cost 4 x 80,000 bytes, give or take a few bytes of
    // array lengths.
    assertEquals(4 * 8 * 10_000, shipped[1] - shipped[0], 64);
  }

  /**
   * A compute function that updates its state in place does not change the stage's input element:
   * the DirectRunner with Beam's default immutability check (on, as in a user's own pipeline that
   * does not go through RunnerOptions) runs the distributed path and gives the in-worker result.
   */
  @Test
  void stagesLeaveTheirInputTokensAsTheyCame() {
    Pipeline p = TestRunner.DIRECT.create("--enforceImmutability=true");
    PCollection<Double> data = p.apply(Create.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0));
    List<PCollection<Double>> totals = new ArrayList<>();
    for (Execution path : PATHS) {
      totals.add(
          IterativeComQueue.create("in-place-" + path)
              .initWithPartitionedData("data", data)
              .add(new DecayPerRowState())
              .add(AllReduce.sum("total"))
              .setMaxIter(3)
              .withNumTasks(2)
              .withExecution(path)
              .closeWith(c -> List.of(c.<double[]>getObj("total")[0]), DoubleCoder.of())
              .exec());
    }
    // 21 halved three times, once per superstep, and summed over the two tasks by each task.
    PAssert.that(PCollectionList.of(totals).apply(Flatten.pCollections()))
        .containsInAnyOrder(21.0 / 8, 21.0 / 8, 21.0 / 8, 21.0 / 8);
    TestRunner.DIRECT.run(p);
  }

  /** Keeps one double per row and halves it every superstep. */
  static final class DecayPerRowState extends ComputeFunction {
    @Override
    public void calc(ComContext context) {
      List<Double> data = context.getObj("data");
      double[] state = context.getObj("perRow");
      if (state == null) {
        state = data.stream().mapToDouble(Double::doubleValue).toArray();
        context.putObj("perRow", state);
      }
      double total = 0;
      for (int i = 0; i < state.length; i++) {
        state[i] /= 2;
        total += state[i];
      }
      context.putObj("total", new double[] {total});
    }
  }

  static long counter(PipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(ComQueueMetrics.NAMESPACE, name))
                    .build())
            .getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }

  static final class LocalStats extends ComputeFunction {
    @Override
    public void calc(ComContext context) {
      List<Double> data = context.getObj("data");
      double sum = 0;
      double max = Double.NEGATIVE_INFINITY;
      double min = Double.POSITIVE_INFINITY;
      for (double x : data) {
        sum += x;
        max = Math.max(max, x);
        min = Math.min(min, x);
      }
      context.putObj("sum", new double[] {sum, data.size(), 1.0});
      context.putObj("max", new double[] {max});
      context.putObj("min", new double[] {min});
    }
  }

  /** Counts supersteps: every task adds 1 per superstep to a buffer that persists. */
  static final class CountSteps extends ComputeFunction {
    @Override
    public void calc(ComContext context) {
      double[] total = context.getObj("total");
      if (total == null) {
        total = new double[1];
        context.putObj("total", total);
      }
      context.putObj("steps", new double[] {1.0});
      total[0] += 1.0;
    }
  }

  static final class StatsOutput implements CompleteResultFunction<double[]> {
    @Override
    public List<double[]> calc(ComContext context) {
      if (context.getTaskId() != 0) {
        return List.of();
      }
      double[] sum = context.getObj("sum");
      double[] steps = context.getObj("steps");
      double[] total = context.getObj("total");
      return List.of(
          new double[] {
            sum[0],
            sum[1],
            context.<double[]>getObj("max")[0],
            context.<double[]>getObj("min")[0],
            context.getStepNo(),
            sum[2],
            steps[0],
            total[0]
          });
    }
  }

  private static void assertStats(
      PCollection<double[]> out,
      double sum,
      double count,
      double max,
      double min,
      int steps,
      int tasks) {
    PAssert.thatSingleton(out)
        .satisfies(
            r -> {
              assertArrayEquals(
                  new double[] {sum, count, max, min, steps, tasks, tasks, steps}, r, 0.0);
              return null;
            });
  }

  @BoundedRunnerTest
  void allReduceSumMaxMinOverUnevenAndEmptyPartitions(TestRunner runner) {
    Pipeline p = runner.create();
    // 5 values over 8 tasks: some partitions hold several values, at least three hold none.
    PCollection<Double> data = p.apply(Create.of(3.0, -1.5, 10.0, 2.5, 7.0));
    for (Execution path : PATHS) {
      assertStats(statsProgram(data, path, 8, 2), 21.0, 5, 10.0, -1.5, 2, 8);
    }
    runner.run(p);
  }

  @BoundedRunnerTest
  void runsMaxIterOneAndCountsSupersteps(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Double> data = p.apply(Create.of(1.0, 2.0, 3.0));
    for (Execution path : PATHS) {
      assertStats(statsProgram(data, path, 3, 1), 6.0, 3, 3.0, 1.0, 1, 3);
      assertStats(statsProgram(data, path, 2, 7), 6.0, 3, 3.0, 1.0, 7, 2);
    }
    runner.run(p);
  }

  @BoundedRunnerTest
  void runsThreeHundredSupersteps(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Double> data = p.apply(Create.of(1.0, 2.0, 3.0, 4.0));
    for (Execution path : PATHS) {
      PCollection<double[]> out =
          IterativeComQueue.create("deep-" + path)
              .initWithPartitionedData("data", data)
              .add(new CountSteps())
              .add(AllReduce.sum("steps"))
              .setMaxIter(300)
              .withNumTasks(2)
              .withExecution(path)
              .closeWith(
                  c ->
                      c.getTaskId() == 0
                          ? List.of(
                              new double[] {
                                c.getStepNo(),
                                c.<double[]>getObj("total")[0],
                                c.<double[]>getObj("steps")[0]
                              })
                          : List.of(),
                  DoubleArrayCoder.of())
              .exec();
      PAssert.thatSingleton(out)
          .satisfies(
              r -> {
                assertArrayEquals(new double[] {300, 300, 2}, r, 0.0);
                return null;
              });
    }
    runner.run(p);
  }

  /** Stops when the reduced running total reaches 10: the criterion sees only reduced values. */
  @BoundedRunnerTest
  void stopsEarlyOnTheCriterion(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Double> data = p.apply(Create.of(1.0, 1.0, 1.0, 1.0));
    for (Execution path : PATHS) {
      PCollection<double[]> out =
          IterativeComQueue.create("early-" + path)
              .initWithPartitionedData("data", data)
              .add(new AccumulateCount())
              .add(AllReduce.sum("count"))
              .add(new AddToTotal())
              .setCompareCriterion(c -> c.<double[]>getObj("runningTotal")[0] >= 10)
              .setMaxIter(50)
              .withNumTasks(3)
              .withExecution(path)
              .closeWith(
                  c ->
                      List.of(
                          new double[] {
                            c.getTaskId(), c.getStepNo(), c.<double[]>getObj("runningTotal")[0]
                          }),
                  DoubleArrayCoder.of())
              .exec();
      // 4 rows per superstep: totals 4, 8, 12 -> stops after superstep 3 on every task.
      PAssert.that(out)
          .satisfies(
              rows -> {
                List<double[]> all = new ArrayList<>();
                rows.forEach(all::add);
                assertEquals(3, all.size());
                for (double[] r : all) {
                  assertEquals(3.0, r[1], 0.0);
                  assertEquals(12.0, r[2], 0.0);
                }
                return null;
              });
    }
    runner.run(p);
  }

  static final class AccumulateCount extends ComputeFunction {
    @Override
    public void calc(ComContext context) {
      List<Double> data = context.getObj("data");
      context.putObj("count", new double[] {data.size()});
    }
  }

  static final class AddToTotal extends ComputeFunction {
    @Override
    public void calc(ComContext context) {
      double[] total = context.getObj("runningTotal");
      if (total == null) {
        total = new double[1];
        context.putObj("runningTotal", total);
      }
      total[0] += context.<double[]>getObj("count")[0];
    }
  }

  @BoundedRunnerTest
  void everyTaskSeesAllBroadcastData(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Double> data = p.apply("Data", Create.of(1.0, 2.0));
    PCollection<Double> weights = p.apply("Weights", Create.of(0.5, 0.25, 0.25));
    for (Execution path : PATHS) {
      PCollection<Double> out =
          IterativeComQueue.create("broadcast-" + path)
              .initWithPartitionedData("data", data)
              .initWithBroadcastData("weights", weights)
              .add(new SumBroadcast())
              .add(AllReduce.sum("seen"))
              .setMaxIter(2)
              .withNumTasks(4)
              .withExecution(path)
              .closeWith(
                  c -> c.getTaskId() == 0 ? List.of(c.<double[]>getObj("seen")[0]) : List.of(),
                  DoubleCoder.of())
              .exec();
      // Each of 4 tasks sums the 3 broadcast values (1.0) and adds its count of them (3).
      PAssert.thatSingleton(out).isEqualTo(16.0);
    }
    runner.run(p);
  }

  static final class SumBroadcast extends ComputeFunction {
    @Override
    public void calc(ComContext context) {
      List<Double> weights = context.getObj("weights");
      double s = 0;
      for (double w : weights) {
        s += w;
      }
      context.putObj("seen", new double[] {s + weights.size()});
    }
  }

  /**
   * A floating-point program whose result depends on summation order: both paths must give the same
   * bits, because they build the same partitions and reduce in task order.
   */
  @Test
  void bothPathsGiveBitwiseEqualResults() {
    List<Double> values = orderSensitiveValues();
    List<double[]> results = new ArrayList<>();
    for (Execution path : PATHS) {
      Pipeline p = TestRunner.DIRECT.create();
      PCollection<double[]> out = statsProgram(p.apply(Create.of(values)), path, 5, 3);
      out.apply(ParDo.of(new Collect(path.name())));
      TestRunner.DIRECT.run(p);
      results.add(COLLECTED.get(path.name()));
    }
    assertEquals(2, results.size());
    assertArrayEquals(results.get(0), results.get(1), 0.0);
    double expectedSum = values.stream().mapToDouble(Double::doubleValue).sum();
    assertEquals(expectedSum, results.get(0)[0], Math.abs(expectedSum) * 1e-12);
  }

  private static final Map<String, double[]> COLLECTED = new ConcurrentHashMap<>();

  /** Keeps a pipeline's single output in this JVM (DirectRunner only). */
  static final class Collect extends DoFn<double[], Void> {
    private final String key;

    Collect(String key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element double[] r) {
      COLLECTED.put(key, r);
    }
  }

  @Test
  void inWorkerLoopRejectsACriterionThatDisagreesAcrossTasks() {
    Pipeline p = TestRunner.DIRECT.create();
    IterativeComQueue.create("disagree")
        .initWithPartitionedData("data", p.apply(Create.of(1.0, 2.0)))
        .add(new AccumulateCount())
        .add(AllReduce.sum("count"))
        .setCompareCriterion(c -> c.getTaskId() == 0)
        .setMaxIter(5)
        .withNumTasks(2)
        .withExecution(Execution.IN_WORKER)
        .closeWith(c -> List.of(1.0), DoubleCoder.of())
        .exec();
    Throwable e = assertThrows(Throwable.class, () -> TestRunner.DIRECT.run(p));
    assertTrue(rootMessage(e).contains("stop criterion must give the same answer"), rootMessage(e));
  }

  @Test
  void allReduceOfAMissingBufferNamesIt() {
    Pipeline p = TestRunner.DIRECT.create();
    IterativeComQueue.create("missing")
        .initWithPartitionedData("data", p.apply(Create.of(1.0)))
        .add(AllReduce.sum("nothing"))
        .setMaxIter(1)
        .withExecution(Execution.DISTRIBUTED)
        .closeWith(c -> List.of(1.0), DoubleCoder.of())
        .exec();
    Throwable e = assertThrows(Throwable.class, () -> TestRunner.DIRECT.run(p));
    assertTrue(rootMessage(e).contains("AllReduce 'nothing'"), rootMessage(e));
  }

  @Test
  void rejectsBadParameters() {
    IterativeComQueue q = IterativeComQueue.create("q");
    assertThrows(IllegalArgumentException.class, () -> q.setMaxIter(0));
    assertThrows(IllegalArgumentException.class, () -> q.withNumTasks(0));
    assertThrows(IllegalArgumentException.class, () -> IterativeComQueue.create(""));
    assertThrows(
        IllegalArgumentException.class, () -> q.closeWith(c -> List.of(1.0), DoubleCoder.of()));
  }

  static String rootMessage(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" | ");
    }
    return all.toString();
  }
}
