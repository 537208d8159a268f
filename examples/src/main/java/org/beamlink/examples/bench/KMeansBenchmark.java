package org.beamlink.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.beamlink.iteration.ComQueueMetrics;
import org.beamlink.iteration.Execution;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.linalg.Vector;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.runners.WorkerOptions;
import org.beamlink.transforms.clustering.KMeans;

/**
 * The KMeans benchmark: seeded Gaussian-mixture data generated inside the pipeline, KMeans with
 * fixed initial centroids and {@code tol = 0} (every iteration runs), on each execution path,
 * beside the single-threaded floor over the same data. Prints one JSON line per run.
 *
 * <p>A path's per-superstep time is marginal: the run with {@code maxIter = N} minus the run with
 * {@code maxIter = 1}, over {@code N - 1}, so data generation, packing and start-up cancel out. Its
 * compute per superstep is the shim's {@code computeMillis} metric over tasks and supersteps (the
 * time the partitions spend in compute functions, over the cores they share); the overhead is the
 * difference. Each line also gives where the partitions were found (resident hits and misses) and
 * the bytes a distributed superstep shipped between stages.
 *
 * <pre>{@code
 * java -Xmx12g -cp beamlink-examples-all.jar org.beamlink.examples.bench.KMeansBenchmark \
 *     --rows=1000000 --dims=20 --k=10 --iterations=20
 * }</pre>
 */
public final class KMeansBenchmark {
  private KMeansBenchmark() {}

  /** One benchmark configuration. */
  public record Config(long rows, int dims, int k, int iterations, long seed) {}

  /**
   * The configurations: 1M x 100, k=10, 10 iterations (Flink ML's own benchmark) and 1M x
   * 20, k=10, 20 iterations.
   */
  public static final List<Config> STANDARD =
      List.of(new Config(1_000_000, 100, 10, 10, 42), new Config(1_000_000, 20, 10, 20, 42));

  /** Runs the floor and both paths for {@code config}; returns the JSON lines. */
  public static List<String> run(Config config, String... beamArgs) {
    return run(config, List.of(Execution.IN_WORKER, Execution.DISTRIBUTED), beamArgs);
  }

  /** Runs the floor and the given paths for {@code config}; returns the JSON lines. */
  public static List<String> run(Config config, List<Execution> paths, String... beamArgs) {
    GaussianMixture data =
        new GaussianMixture(config.rows(), config.dims(), config.k(), config.seed());
    double[] initial = data.firstPoints();
    List<String> lines = new ArrayList<>();

    double[] values = data.fill();
    LloydFloor.Result floor =
        LloydFloor.run(
            values, (int) config.rows(), config.dims(), initial, config.k(), config.iterations());
    values = null;
    lines.add(
        json(
            config,
            "plain-java",
            "floor",
            floor.seconds(),
            floor.seconds() / floor.iterations(),
            floor.seconds() / floor.iterations(),
            floor.iterations(),
            floor.cost(),
            1));

    for (Execution path : paths) {
      // A small run first, so that class loading and JIT do not land on the timed runs.
      GaussianMixture warmUp =
          new GaussianMixture(20_000, config.dims(), config.k(), config.seed());
      runPipeline(warmUp, warmUp.firstPoints(), config, path, 2, beamArgs);
      Run full = runPipeline(data, initial, config, path, config.iterations(), beamArgs);
      double perSuperstep;
      if (path == Execution.IN_WORKER) {
        perSuperstep = full.loopMillis / 1000.0 / full.supersteps;
      } else {
        Run one = runPipeline(data, initial, config, path, 1, beamArgs);
        perSuperstep = (full.seconds - one.seconds) / (config.iterations() - 1);
      }
      // Tasks share the cores: compute in wall time is the summed compute over the cores used.
      int parallel = Math.min(full.tasks, Runtime.getRuntime().availableProcessors());
      double computePerSuperstep = full.computeMillis / 1000.0 / parallel / full.supersteps;
      lines.add(
          json(
                  config,
                  full.runner,
                  path.name(),
                  full.seconds,
                  perSuperstep,
                  computePerSuperstep,
                  full.iterations,
                  full.cost,
                  full.tasks)
              .replace("}", "," + full.residency + "}"));
    }
    return lines;
  }

  private record Run(
      String runner,
      double seconds,
      long computeMillis,
      long loopMillis,
      long supersteps,
      int tasks,
      int iterations,
      double cost,
      String residency) {}

  private static Run runPipeline(
      GaussianMixture data,
      double[] initial,
      Config config,
      Execution path,
      int maxIter,
      String... beamArgs) {
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    Pipeline p = Pipeline.create(options);
    List<Vector> centroids = new ArrayList<>();
    for (int c = 0; c < config.k(); c++) {
      double[] v = new double[config.dims()];
      System.arraycopy(initial, c * config.dims(), v, 0, config.dims());
      centroids.add(Vector.dense(v));
    }
    // Both paths cut the data into the same partitions: one per worker.
    Integer parallelism = options.as(WorkerOptions.class).getWorkerParallelism();
    int tasks = parallelism != null ? parallelism : Runtime.getRuntime().availableProcessors();
    p.apply("Generate", data.rows())
        .apply(
            KMeans.fit()
                .withVectorCol("features")
                .withK(config.k())
                .withMaxIter(maxIter)
                .withTol(0)
                .withInitialCentroids(centroids)
                .withNumTasks(tasks)
                .withExecution(path))
        .apply(ParDo.of(new Keep()));
    long start = System.nanoTime();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Run(
        options.getRunner().getSimpleName(),
        seconds,
        ShimMetrics.counter(result, "KMeans.computeMillis"),
        ShimMetrics.counter(result, "KMeans.loopMillis"),
        ShimMetrics.counter(result, "KMeans.supersteps"),
        tasks,
        (int) ShimMetrics.counter(result, Keep.ITERATIONS),
        Double.longBitsToDouble(ShimMetrics.counter(result, Keep.COST_BITS)),
        ShimMetrics.residency(result, "KMeans"));
  }

  /**
   * Reports the model's iterations and cost as counters (the cost's bits), which reach the launcher
   * from a cluster too.
   */
  private static final class Keep extends DoFn<KMeansModel, Void> {
    static final String ITERATIONS = "bench.kmeans.iterations";
    static final String COST_BITS = "bench.kmeans.costBits";
    private final Counter iterations = Metrics.counter(ComQueueMetrics.NAMESPACE, ITERATIONS);
    private final Counter costBits = Metrics.counter(ComQueueMetrics.NAMESPACE, COST_BITS);

    @ProcessElement
    public void process(@Element KMeansModel model) {
      iterations.inc(model.provenance().iterations());
      costBits.inc(Double.doubleToLongBits(model.provenance().finalLoss()));
    }
  }

  private static String json(
      Config config,
      String runner,
      String execution,
      double seconds,
      double perSuperstep,
      double computePerSuperstep,
      int iterations,
      double cost,
      int tasks) {
    return String.format(
        Locale.ROOT,
        "{\"algorithm\":\"kmeans\",\"runner\":\"%s\",\"execution\":\"%s\",\"rows\":%d,\"dims\":%d,"
            + "\"k\":%d,\"iterations\":%d,\"tasks\":%d,\"seconds\":%.3f,\"secondsPerSuperstep\":%.4f,"
            + "\"computeSecondsPerSuperstep\":%.4f,\"overheadMsPerSuperstep\":%.1f,\"cost\":%.10g}",
        runner,
        execution,
        config.rows(),
        config.dims(),
        config.k(),
        iterations,
        tasks,
        seconds,
        perSuperstep,
        computePerSuperstep,
        (perSuperstep - computePerSuperstep) * 1000,
        cost);
  }

  /** Runs the standard configurations; Beam options pass through. */
  public static void main(String[] args) {
    for (Config c : STANDARD) {
      run(c, args).forEach(System.out::println);
    }
  }
}
