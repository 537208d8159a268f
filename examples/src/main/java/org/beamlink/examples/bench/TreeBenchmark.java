package org.beamlink.examples.bench;

import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.Row;
import org.beamlink.iteration.Execution;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.tree.DecisionTreeModel;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.classification.DecisionTreeClassifier;

/**
 * {@code beamlink bench tree}: one classification tree on the logistic data of {@code bench logreg}
 * ({@link LogisticData}, dense), one JSON line per run: rows, dimensions, depth, bins, seconds end
 * to end (generation, packing, binning and training), supersteps, seconds per superstep (the
 * in-worker loop's time, else the end-to-end time, over the supersteps), the tree's nodes and the
 * accuracy on the held-out tenth, scored in this JVM after the run. The standard configuration is
 * the shape of the boosting benchmark: 1M x 50, depth 5, 255 bins.
 *
 * <pre>{@code
 * bin/beamlink bench tree
 * bin/beamlink bench tree --rows 200000 --depth 8 --execution DISTRIBUTED
 * }</pre>
 */
public final class TreeBenchmark {
  private TreeBenchmark() {}

  /** One benchmark configuration. */
  public record Config(
      long rows, int dims, int maxDepth, int maxBins, long seed, Execution execution) {}

  /** The standard configuration. */
  public static final Config STANDARD = new Config(1_000_000, 50, 5, 255, 7, Execution.AUTO);

  /** Runs {@code config} after a small warm-up run; returns its JSON line. */
  public static String run(Config config, String... beamArgs) {
    runPipeline(
        new Config(20_000, config.dims(), 2, config.maxBins(), 1, config.execution()), beamArgs);
    return runPipeline(config, beamArgs);
  }

  private static String runPipeline(Config config, String... beamArgs) {
    LogisticData data = new LogisticData(config.rows(), config.dims(), 0, config.seed());
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    Pipeline p = Pipeline.create(options);
    p.apply("Generate", data.rows(false))
        .apply(
            DecisionTreeClassifier.fit()
                .withLabelCol("label")
                .withVectorCol("features")
                .withMaxDepth(config.maxDepth())
                .withMaxBins(config.maxBins())
                .withExecution(config.execution()))
        .apply(ParDo.of(new Keep()));
    Keep.last = null;
    long start = System.nanoTime();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    DecisionTreeModel model = Keep.last;
    long supersteps = ShimMetrics.counter(result, "DecisionTreeClassifier.supersteps");
    long loopMillis = ShimMetrics.counter(result, "DecisionTreeClassifier.loopMillis");
    double perSuperstep =
        (loopMillis > 0 ? loopMillis / 1000.0 : seconds) / Math.max(supersteps, 1);
    return String.format(
        Locale.ROOT,
        "{\"algorithm\":\"tree\",\"runner\":\"%s\",\"execution\":\"%s\",\"rows\":%d,\"dims\":%d,"
            + "\"maxDepth\":%d,\"maxBins\":%d,\"seconds\":%.3f,\"supersteps\":%d,"
            + "\"loopSeconds\":%.3f,\"secondsPerSuperstep\":%.4f,\"nodes\":%s,"
            + "\"heldOutAccuracy\":%s}",
        options.getRunner().getSimpleName(),
        config.execution(),
        config.rows(),
        config.dims(),
        config.maxDepth(),
        config.maxBins(),
        seconds,
        supersteps,
        loopMillis / 1000.0,
        perSuperstep,
        // The model reaches this JVM only from an embedded runner.
        model == null ? "null" : Integer.toString(model.tree().numNodes()),
        model == null ? "null" : String.format(Locale.ROOT, "%.4f", heldOutAccuracy(data, model)));
  }

  private static double heldOutAccuracy(LogisticData data, DecisionTreeModel model) {
    long right = 0;
    long all = 0;
    for (long i = 9; i < data.rows; i += 10) {
      Row r = data.row(i);
      Object predicted = model.predictLabel(r.getLogicalTypeValue("features", Vector.class));
      right += predicted.equals(r.getDouble("label")) ? 1 : 0;
      all++;
    }
    return (double) right / all;
  }

  /** Keeps the model in this JVM, where the embedded runners run. */
  private static final class Keep extends DoFn<DecisionTreeModel, Void> {
    static volatile DecisionTreeModel last;

    @ProcessElement
    public void process(@Element DecisionTreeModel model) {
      last = model;
    }
  }

  /** Runs the standard configuration; Beam options pass through. */
  public static void main(String[] args) {
    System.out.println(run(STANDARD, args));
  }
}
