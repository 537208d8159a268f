package org.beamlink.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.iteration.AllReduce;
import org.beamlink.iteration.ComContext;
import org.beamlink.iteration.ComQueueMetrics;
import org.beamlink.iteration.ComputeFunction;
import org.beamlink.iteration.Execution;
import org.beamlink.iteration.IterativeComQueue;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.runners.RunnerOptions;

/**
 * How deep a distributed loop can go: a program of one AllReduce per superstep over small data
 * (what a tree learner with one superstep per tree level needs), unrolled to each given depth on
 * the distributed path. Prints one JSON line per depth: graph construction, the time from {@code
 * run()} to the first stage (translation, submission, scheduling), the loop (first stage to the
 * last), per superstep, and the end to end time. The loop's first and last wall-clock times travel
 * as counters, so they reach the launcher from a cluster too.
 *
 * <pre>{@code
 * java -Xss64m -cp beamlink-examples-all.jar org.beamlink.examples.bench.DepthBenchmark \
 *     --depths=300,1000
 * }</pre>
 */
public final class DepthBenchmark {
  private static final String FIRST = "bench.depth.firstStageMillis";
  private static final String LAST = "bench.depth.lastStageMillis";

  private DepthBenchmark() {}

  /** Runs the loop at {@code depth} supersteps; returns its JSON line. */
  public static String run(int depth, String... beamArgs) {
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    long start = System.nanoTime();
    Pipeline p = Pipeline.create(options);
    PCollection<Double> data =
        p.apply(
            Create.of(
                    LongStream.range(0, 10_000).mapToObj(i -> i * 0.5).collect(Collectors.toList()))
                .withCoder(DoubleCoder.of()));
    IterativeComQueue.create("Depth")
        .initWithPartitionedData("data", data)
        .add(new SumAndStamp())
        .add(AllReduce.sum("sum"))
        .setMaxIter(depth)
        .withExecution(Execution.DISTRIBUTED)
        .closeWith(
            c -> c.getTaskId() == 0 ? List.of(c.<double[]>getObj("sum")) : List.of(),
            DoubleArrayCoder.of())
        .exec()
        .apply(ParDo.of(new StampEnd()));
    double construction = (System.nanoTime() - start) / 1e9;
    long runAt = System.currentTimeMillis();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    long endAt = System.currentTimeMillis();
    long first = ShimMetrics.counter(result, FIRST);
    long last = ShimMetrics.counter(result, LAST);
    long supersteps = ShimMetrics.counter(result, "Depth.supersteps");
    double loop = (last - first) / 1000.0;
    return String.format(
        Locale.ROOT,
        "{\"benchmark\":\"depth\",\"runner\":\"%s\",\"execution\":\"DISTRIBUTED\","
            + "\"supersteps\":%d,\"constructionSeconds\":%.3f,\"runToFirstStageSeconds\":%.3f,"
            + "\"loopSeconds\":%.3f,\"secondsPerSuperstep\":%.4f,\"seconds\":%.3f,%s}",
        options.getRunner().getSimpleName(),
        supersteps,
        construction,
        (first - runAt) / 1000.0,
        loop,
        loop / Math.max(1, supersteps),
        (endAt - runAt) / 1000.0 + construction,
        ShimMetrics.residency(result, "Depth"));
  }

  /** Sums the partition, and stamps the wall-clock time of the first superstep on task 0. */
  static final class SumAndStamp extends ComputeFunction {
    private static final long serialVersionUID = 1L;
    private final Counter first = Metrics.counter(ComQueueMetrics.NAMESPACE, FIRST);

    @Override
    public void calc(ComContext context) {
      if (context.getStepNo() == 1 && context.getTaskId() == 0) {
        first.inc(System.currentTimeMillis());
      }
      double s = 0;
      for (double x : context.<List<Double>>getObj("data")) {
        s += x;
      }
      context.putObj("sum", new double[] {s});
    }
  }

  /** Stamps the wall-clock time the loop's result arrives. */
  static final class StampEnd extends DoFn<double[], Void> {
    private final Counter last = Metrics.counter(ComQueueMetrics.NAMESPACE, LAST);

    @ProcessElement
    public void process(@Element double[] sum) {
      last.inc(System.currentTimeMillis());
    }
  }

  /**
   * Runs each depth of {@code --depths=300,1000} (default) after a warm-up at 10; Beam options pass
   * through.
   */
  public static void main(String[] args) {
    List<Integer> depths = new ArrayList<>(List.of(300, 1000));
    List<String> beamArgs = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("--depths=")) {
        depths.clear();
        for (String d : a.substring("--depths=".length()).split(",")) {
          depths.add(Integer.parseInt(d.trim()));
        }
      } else {
        beamArgs.add(a);
      }
    }
    String[] pass = beamArgs.toArray(new String[0]);
    run(10, pass);
    for (int depth : depths) {
      System.out.println(run(depth, pass));
    }
  }
}
