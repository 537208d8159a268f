package org.beamlink.examples.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.Row;
import org.beamlink.iteration.ComQueueMetrics;
import org.beamlink.iteration.Execution;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.classification.LogisticRegression;

/**
 * {@code beamlink bench logreg}: logistic regression on seeded data generated inside the pipeline
 * ({@link LogisticData}), one JSON line per run: rows, dimensions, seconds end to end (generation,
 * packing and training), iterations and evaluations, seconds per evaluation and its engine overhead
 * (the superstep time minus the summed compute over the cores used), the final loss, and the AUC on
 * the held-out tenth, scored in this JVM after the run. The standard configurations are the
 * issue's: dense 1M x 50 with L2 = 1e-3, and sparse 1M x 100k with 20 non-zeros per row.
 *
 * <pre>{@code
 * bin/beamlink bench logreg
 * bin/beamlink bench logreg --rows 200000 --dims 50 --execution DISTRIBUTED
 * }</pre>
 */
public final class LogisticBenchmark {
  private LogisticBenchmark() {}

  /** One benchmark configuration; {@code nonZeros == 0} for dense data. */
  public record Config(
      long rows, int dims, int nonZeros, double l2, int maxIter, long seed, Execution execution) {}

  /** The configurations. */
  public static final List<Config> STANDARD =
      List.of(
          new Config(1_000_000, 50, 0, 1e-3, 100, 7, Execution.AUTO),
          new Config(1_000_000, 100_000, 20, 1e-3, 100, 7, Execution.AUTO));

  /** Runs {@code config} after a small warm-up run; returns its JSON line. */
  public static String run(Config config, String... beamArgs) {
    Config warmUp =
        new Config(20_000, config.dims(), config.nonZeros(), config.l2(), 5, 1, config.execution());
    runPipeline(warmUp, beamArgs);
    return runPipeline(config, beamArgs);
  }

  private static String runPipeline(Config config, String... beamArgs) {
    LogisticData data =
        new LogisticData(config.rows(), config.dims(), config.nonZeros(), config.seed());
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    Pipeline p = Pipeline.create(options);
    p.apply("Generate", data.rows(false))
        .apply(
            LogisticRegression.fit()
                .withLabelCol("label")
                .withVectorCol("features")
                .withL2(config.l2())
                .withMaxIter(config.maxIter())
                .withExecution(config.execution()))
        .apply(ParDo.of(new Keep()));
    Keep.last = null;
    long start = System.nanoTime();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    LinearModel model = Keep.last;
    long supersteps = ShimMetrics.counter(result, "LogisticRegression.supersteps");
    long computeMillis = ShimMetrics.counter(result, "LogisticRegression.computeMillis");
    long loopMillis = ShimMetrics.counter(result, "LogisticRegression.loopMillis");
    int cores = Runtime.getRuntime().availableProcessors();
    // The in-worker path times its loop; a distributed run has only its end-to-end time.
    double perSuperstep =
        (loopMillis > 0 ? loopMillis / 1000.0 : seconds) / Math.max(supersteps, 1);
    double computePerSuperstep = computeMillis / 1000.0 / cores / Math.max(supersteps, 1);
    return String.format(
        Locale.ROOT,
        "{\"algorithm\":\"logreg\",\"runner\":\"%s\",\"execution\":\"%s\",\"rows\":%d,\"dims\":%d,"
            + "\"nonZeros\":%d,\"l2\":%g,\"seconds\":%.3f,\"iterations\":%d,\"supersteps\":%d,"
            + "\"loopSeconds\":%.3f,\"secondsPerSuperstep\":%.4f,\"computeSecondsPerSuperstep\":%.4f,"
            + "\"overheadMsPerSuperstep\":%.1f,\"loss\":%.10g,\"heldOutAuc\":%s,%s}",
        options.getRunner().getSimpleName(),
        config.execution(),
        config.rows(),
        config.dims(),
        config.nonZeros(),
        config.l2(),
        seconds,
        ShimMetrics.counter(result, Keep.ITERATIONS),
        supersteps,
        loopMillis / 1000.0,
        perSuperstep,
        computePerSuperstep,
        (perSuperstep - computePerSuperstep) * 1000,
        Double.longBitsToDouble(ShimMetrics.counter(result, Keep.LOSS_BITS)),
        // The model reaches this JVM only from an embedded runner.
        model == null ? "null" : String.format(Locale.ROOT, "%.6f", heldOutAuc(data, model)),
        ShimMetrics.residency(result, "LogisticRegression"));
  }

  /**
   * Exact AUC (ties counted half) of the model's margin (as its probability, monotone) on the
   * held-out rows.
   */
  static double heldOutAuc(LogisticData data, LinearModel model) {
    List<double[]> scored = new ArrayList<>();
    for (long i = 9; i < data.rows; i += 10) {
      Row r = data.row(i);
      Vector x = r.getLogicalTypeValue("features", Vector.class);
      scored.add(new double[] {model.margins(x)[0], r.getDouble("label")});
    }
    double[][] pairs = scored.toArray(new double[0][]);
    Arrays.sort(pairs, (a, b) -> Double.compare(a[0], b[0]));
    double positives = 0;
    double rankSum = 0;
    for (int i = 0; i < pairs.length; ) {
      int j = i;
      while (j < pairs.length && pairs[j][0] == pairs[i][0]) {
        j++;
      }
      double averageRank = (i + 1 + j) / 2.0;
      for (int t = i; t < j; t++) {
        if (pairs[t][1] == 1.0) {
          positives++;
          rankSum += averageRank;
        }
      }
      i = j;
    }
    double negatives = pairs.length - positives;
    return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
  }

  /**
   * Keeps the model in this JVM (where the embedded runners run) and reports its iterations and
   * loss as counters (the loss's bits), which reach the launcher from a cluster too.
   */
  private static final class Keep extends DoFn<LinearModel, Void> {
    static final String ITERATIONS = "bench.logreg.iterations";
    static final String LOSS_BITS = "bench.logreg.lossBits";
    static volatile LinearModel last;
    private final Counter iterations = Metrics.counter(ComQueueMetrics.NAMESPACE, ITERATIONS);
    private final Counter lossBits = Metrics.counter(ComQueueMetrics.NAMESPACE, LOSS_BITS);

    @ProcessElement
    public void process(@Element LinearModel model) {
      last = model;
      iterations.inc(model.provenance().iterations());
      lossBits.inc(Double.doubleToLongBits(model.provenance().finalLoss()));
    }
  }

  /** Runs the standard configurations; Beam options pass through. */
  public static void main(String[] args) {
    for (Config c : STANDARD) {
      System.out.println(run(c, args));
    }
  }
}
