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
import org.beamlink.models.tree.GbtModel;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.classification.GbtClassifier;

/**
 * {@code beamlink bench gbt}: binary gradient-boosted trees ({@code GbtClassifier}) on the logistic
 * data of {@code bench logreg} ({@link LogisticData}, dense, the held-out tenth left out), one JSON
 * line per run: rows, dimensions, rounds, depth, learning rate, bins, seconds end to end
 * (generation, packing, binning and training), supersteps, the in-worker loop's seconds, seconds
 * per superstep (about one tree level each: the loop's time, else the end-to-end time, over the
 * supersteps) and the accuracy on the held-out tenth, scored in this JVM after the run. With {@code
 * floor}, a second line: the same boosting as a plain single-threaded Java loop over one array
 * ({@link GbtFloor}), its generation, binning and training seconds apart. The standard
 * configuration is the issue's: 1M x 50, 20 rounds of depth 5, learning rate 0.1, 255 bins.
 *
 * <pre>{@code
 * bin/beamlink bench gbt --execution IN_WORKER --floor
 * bin/beamlink bench gbt --rounds 100 --max-depth 6 --execution DISTRIBUTED
 * }</pre>
 */
public final class GbtBenchmark {
  private GbtBenchmark() {}

  /** One benchmark configuration. */
  public record Config(
      long rows,
      int dims,
      int rounds,
      int maxDepth,
      double learningRate,
      int maxBins,
      long seed,
      Execution execution) {}

  /** The standard configuration. */
  public static final Config STANDARD =
      new Config(1_000_000, 50, 20, 5, 0.1, 255, 7, Execution.AUTO);

  /** Runs {@code config} after a small warm-up run; returns its JSON line. */
  public static String run(Config config, String... beamArgs) {
    runPipeline(
        new Config(20_000, config.dims(), 2, 2, 0.1, config.maxBins(), 1, config.execution()),
        beamArgs);
    return runPipeline(config, beamArgs);
  }

  /** The JSON line of {@link GbtFloor} on {@code config}'s data. */
  public static String floor(Config config) {
    LogisticData data = new LogisticData(config.rows(), config.dims(), 0, config.seed());
    GbtFloor.Result r =
        GbtFloor.run(
            data, config.rounds(), config.maxDepth(), config.learningRate(), config.maxBins());
    return String.format(
        Locale.ROOT,
        "{\"algorithm\":\"gbt\",\"execution\":\"floor\",\"rows\":%d,\"dims\":%d,\"rounds\":%d,"
            + "\"maxDepth\":%d,\"learningRate\":%s,\"maxBins\":%d,\"seconds\":%.3f,"
            + "\"generateSeconds\":%.3f,\"binSeconds\":%.3f,\"trainSeconds\":%.3f,"
            + "\"secondsPerLevel\":%.4f,\"heldOutAccuracy\":%.4f}",
        config.rows(),
        config.dims(),
        config.rounds(),
        config.maxDepth(),
        config.learningRate(),
        config.maxBins(),
        r.generateSeconds() + r.binSeconds() + r.trainSeconds(),
        r.generateSeconds(),
        r.binSeconds(),
        r.trainSeconds(),
        r.trainSeconds() / (config.rounds() * Math.max(1, config.maxDepth())),
        r.accuracy());
  }

  private static String runPipeline(Config config, String... beamArgs) {
    LogisticData data = new LogisticData(config.rows(), config.dims(), 0, config.seed());
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    Pipeline p = Pipeline.create(options);
    p.apply("Generate", data.rows(false))
        .apply(
            GbtClassifier.fit()
                .withLabelCol("label")
                .withVectorCol("features")
                .withNumRounds(config.rounds())
                .withMaxDepth(config.maxDepth())
                .withLearningRate(config.learningRate())
                .withMaxBins(config.maxBins())
                .withExecution(config.execution()))
        .apply(ParDo.of(new Keep()));
    Keep.last = null;
    long start = System.nanoTime();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    GbtModel model = Keep.last;
    long supersteps = ShimMetrics.counter(result, "GbtClassifier.supersteps");
    long loopMillis = ShimMetrics.counter(result, "GbtClassifier.loopMillis");
    double perSuperstep =
        (loopMillis > 0 ? loopMillis / 1000.0 : seconds) / Math.max(supersteps, 1);
    return String.format(
        Locale.ROOT,
        "{\"algorithm\":\"gbt\",\"runner\":\"%s\",\"execution\":\"%s\",\"rows\":%d,\"dims\":%d,"
            + "\"rounds\":%d,\"maxDepth\":%d,\"learningRate\":%s,\"maxBins\":%d,\"seconds\":%.3f,"
            + "\"supersteps\":%d,\"loopSeconds\":%.3f,\"secondsPerSuperstep\":%.4f,"
            + "\"heldOutAccuracy\":%s}",
        options.getRunner().getSimpleName(),
        config.execution(),
        config.rows(),
        config.dims(),
        config.rounds(),
        config.maxDepth(),
        config.learningRate(),
        config.maxBins(),
        seconds,
        supersteps,
        loopMillis / 1000.0,
        perSuperstep,
        // The model reaches this JVM only from an embedded runner.
        model == null ? "null" : String.format(Locale.ROOT, "%.4f", heldOutAccuracy(data, model)));
  }

  private static double heldOutAccuracy(LogisticData data, GbtModel model) {
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
  private static final class Keep extends DoFn<GbtModel, Void> {
    static volatile GbtModel last;

    @ProcessElement
    public void process(@Element GbtModel model) {
      last = model;
    }
  }

  /** Runs the standard configuration, then the floor; Beam options pass through. */
  public static void main(String[] args) {
    System.out.println(run(STANDARD, args));
    System.out.println(floor(STANDARD));
  }
}
