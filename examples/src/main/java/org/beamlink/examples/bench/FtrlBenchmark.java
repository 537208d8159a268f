package org.beamlink.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.online.FtrlExample;
import org.beamlink.models.online.FtrlLearner;
import org.beamlink.models.online.FtrlParams;
import org.beamlink.models.online.FtrlState;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.online.Ftrl;

/**
 * {@code beamlink bench ftrl}: FTRL-Proximal ({@link Ftrl}) on seeded click-like data generated in
 * the pipeline ({@link LogisticData}: {@code nonZeros} hashed features of value 1 out of {@code
 * dims}, a known true model), from a zero initial model, bounded input, on the runner the options
 * name (embedded Flink by default). One JSON line: the examples trained (the 90% that are not held
 * out), seconds end to end (job start, generation, parsing, training, versions), examples per
 * second, versions emitted, the final version's mean progressive log loss (each example scored
 * before it is trained on), its AUC on the held-out tenth, and the floor: the same training as a
 * single-threaded loop over {@link FtrlLearner} in this JVM (examples generated outside the timed
 * part), with its examples per second and progressive log loss.
 *
 * <pre>{@code
 * bin/beamlink bench ftrl
 * bin/beamlink bench ftrl --rows 200000 --mini-batch 64 --threads 2
 * }</pre>
 */
public final class FtrlBenchmark {
  private FtrlBenchmark() {}

  /** One configuration. */
  public record Config(
      long rows,
      int dims,
      int nonZeros,
      int miniBatchSize,
      int threads,
      long emitEvery,
      long seed) {}

  /** The standard configuration: 1M rows, 2^20 hashed dimensions, 30 non-zeros per row. */
  public static final Config STANDARD = new Config(1_000_000, 1 << 20, 30, 1, 1, 100_000, 7);

  /** Runs {@code config} after a small warm-up run; returns its JSON line. */
  public static String run(Config config, String... beamArgs) {
    Config warmUp =
        new Config(
            20_000,
            config.dims(),
            config.nonZeros(),
            config.miniBatchSize(),
            config.threads(),
            config.emitEvery(),
            1);
    runPipeline(warmUp, beamArgs);
    return runPipeline(config, beamArgs);
  }

  private static LinearModel zeroModel(int dims) {
    return LinearModel.of(
        LinearModelType.LOGISTIC,
        dims,
        new double[dims],
        new double[] {0.0},
        List.of("0.0", "1.0"),
        TypeName.DOUBLE,
        FeatureColumns.ofVector("features"),
        Provenance.of("zero", Map.of(), 0, 0, 0, 0));
  }

  private static FtrlParams params(Config config) {
    return FtrlParams.defaults()
        .withMiniBatchSize(config.miniBatchSize())
        .withThreads(config.threads());
  }

  private static String runPipeline(Config config, String... beamArgs) {
    LogisticData data =
        new LogisticData(config.rows(), config.dims(), config.nonZeros(), config.seed());
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    Pipeline p = Pipeline.create(options);
    Keep.last = null;
    Keep.count = 0;
    p.apply("Generate", data.rows(false))
        .apply(
            Ftrl.train(zeroModel(config.dims()))
                .withLabelCol("label")
                .withMiniBatchSize(config.miniBatchSize())
                .withThreads(config.threads())
                .withEmitEvery(config.emitEvery()))
        .apply(ParDo.of(new Keep()));
    long start = System.nanoTime();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    ModelVersion<LinearModel> last = Keep.last;
    double[] floor = floor(data, config);
    return String.format(
        Locale.ROOT,
        "{\"algorithm\":\"ftrl\",\"runner\":\"%s\",\"examples\":%d,\"dims\":%d,\"nonZeros\":%d,"
            + "\"miniBatchSize\":%d,\"threads\":%d,\"seconds\":%.3f,\"examplesPerSecond\":%.0f,"
            + "\"versions\":%d,\"progressiveLogLoss\":%.6f,\"heldOutAuc\":%.6f,"
            + "\"floorExamplesPerSecond\":%.0f,\"floorProgressiveLogLoss\":%.6f}",
        options.getRunner().getSimpleName(),
        last.examples(),
        config.dims(),
        config.nonZeros(),
        config.miniBatchSize(),
        config.threads(),
        seconds,
        last.examples() / seconds,
        Keep.count,
        last.model().provenance().finalLoss(),
        LogisticBenchmark.heldOutAuc(data, last.model()),
        floor[0],
        floor[1]);
  }

  /**
   * The single-threaded in-memory loop on the same training rows: {examples per second, progressive
   * log loss}. Rows are generated a chunk at a time outside the timed part.
   */
  private static double[] floor(LogisticData data, Config config) {
    FtrlLearner learner = FtrlLearner.of(zeroModel(config.dims()), params(config));
    FtrlState state = learner.newState();
    long nanos = 0;
    int chunk = 100_000;
    List<FtrlExample> examples = new ArrayList<>(chunk);
    for (long from = 0; from < data.rows; from += chunk) {
      examples.clear();
      for (long i = from; i < Math.min(data.rows, from + chunk); i++) {
        if (!LogisticData.heldOut(i)) {
          Row r = data.row(i);
          examples.add(
              FtrlExample.of(
                  r.getLogicalTypeValue("features", Vector.class), r.getDouble("label"), i));
        }
      }
      long start = System.nanoTime();
      for (FtrlExample e : examples) {
        learner.train(state, e);
      }
      nanos += System.nanoTime() - start;
    }
    return new double[] {state.examples() / (nanos / 1e9), state.progressiveLogLoss()};
  }

  /** Keeps the newest version in this JVM: the embedded runners run here. */
  private static final class Keep extends DoFn<ModelVersion<LinearModel>, Void> {
    static ModelVersion<LinearModel> last;
    static long count;

    @ProcessElement
    public void process(@Element ModelVersion<LinearModel> version) {
      synchronized (Keep.class) {
        count++;
        if (last == null || version.version() > last.version()) {
          last = version;
        }
      }
    }
  }

  /** Runs the standard configuration; Beam options pass through. */
  public static void main(String[] args) {
    System.out.println(run(STANDARD, args));
  }
}
