package org.beamlink.examples.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.beamlink.iteration.Execution;
import org.beamlink.models.clustering.GaussianMixtureModel;
import org.beamlink.models.linalg.Vector;
import org.beamlink.runners.RunnerOptions;

/**
 * {@code beamlink bench gmm}: {@code GaussianMixture} with full covariances on seeded
 * Gaussian-mixture data ({@link GaussianMixture}), one JSON line per run: rows, dims, k, EM
 * iterations, seconds end to end (generation, packing, the start and the EM loop), iterations run
 * and the final mean log-likelihood. The means start at the first {@code k} points and {@code tol}
 * is 0, so every run does exactly the given iterations, as scikit-learn's {@code
 * GaussianMixture(max_iter=20, tol=0, means_init=X[:k])} on the file {@code --data-out} writes. The
 * standard configuration is the issue's: 1M x 20, k=10, 20 iterations.
 *
 * <pre>{@code
 * bin/beamlink bench gmm
 * bin/beamlink bench gmm --rows 100000 --data-out /tmp/gmm.f64
 * }</pre>
 */
public final class GmmBenchmark {
  private GmmBenchmark() {}

  /** One benchmark configuration. */
  public record Config(long rows, int dims, int k, int iterations, long seed, Execution execution) {
    /** The data of this configuration. */
    public GaussianMixture data() {
      return new GaussianMixture(rows, dims, k, seed);
    }
  }

  /** The standard configuration. */
  public static final Config STANDARD = new Config(1_000_000, 20, 10, 20, 42, Execution.AUTO);

  /** Runs {@code config} after a small warm-up run; returns its JSON line. */
  public static String run(Config config, String... beamArgs) {
    runPipeline(new Config(10_000, config.dims(), config.k(), 2, 1, config.execution()), beamArgs);
    return runPipeline(config, beamArgs);
  }

  /** Writes the data of {@code config} to {@code file}: little-endian doubles, row after row. */
  public static void write(Config config, Path file) throws IOException {
    GaussianMixture data = config.data();
    int d = config.dims();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      double[] p = new double[d];
      ByteBuffer buffer = ByteBuffer.allocate(8 * d).order(ByteOrder.LITTLE_ENDIAN);
      for (long i = 0; i < config.rows(); i++) {
        data.point(i, p, 0);
        buffer.clear();
        for (double v : p) {
          buffer.putDouble(v);
        }
        out.write(buffer.array());
      }
    }
  }

  private static String runPipeline(Config config, String... beamArgs) {
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    Pipeline p = Pipeline.create(options);
    GaussianMixture data = config.data();
    double[] first = data.firstPoints();
    List<Vector> means = new ArrayList<>();
    for (int c = 0; c < config.k(); c++) {
      double[] m = new double[config.dims()];
      System.arraycopy(first, c * config.dims(), m, 0, config.dims());
      means.add(Vector.dense(m));
    }
    p.apply("Generate", data.rows())
        .apply(
            org.beamlink.transforms.clustering.GaussianMixture.fit()
                .withVectorCol("features")
                .withK(config.k())
                .withMaxIter(config.iterations())
                .withTol(0)
                .withInitialMeans(means)
                .withExecution(config.execution()))
        .apply(ParDo.of(new Keep()));
    Keep.last = null;
    long start = System.nanoTime();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    GaussianMixtureModel model = Keep.last;
    return String.format(
        Locale.ROOT,
        "{\"algorithm\":\"gmm\",\"runner\":\"%s\",\"execution\":\"%s\",\"rows\":%d,\"dims\":%d,"
            + "\"k\":%d,\"covariance\":\"FULL\",\"iterations\":%d,\"seconds\":%.3f,"
            + "\"iterationsRun\":%s,\"meanLogLikelihood\":%s}",
        options.getRunner().getSimpleName(),
        config.execution(),
        config.rows(),
        config.dims(),
        config.k(),
        config.iterations(),
        seconds,
        // The model reaches this JVM only from an embedded runner.
        model == null ? "null" : Integer.toString(model.provenance().iterations()),
        model == null
            ? "null"
            : String.format(Locale.ROOT, "%.6f", -model.provenance().finalLoss()));
  }

  /** Keeps the model in this JVM, where the embedded runners run. */
  private static final class Keep extends DoFn<GaussianMixtureModel, Void> {
    static volatile GaussianMixtureModel last;

    @ProcessElement
    public void process(@Element GaussianMixtureModel model) {
      last = model;
    }
  }

  /** Runs the standard configuration; Beam options pass through. */
  public static void main(String[] args) {
    System.out.println(run(STANDARD, args));
  }
}
