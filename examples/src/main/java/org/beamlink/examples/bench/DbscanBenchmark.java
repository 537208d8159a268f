package org.beamlink.examples.bench;

import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.clustering.DbscanModel;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.clustering.Dbscan;

/**
 * {@code beamlink bench dbscan}: {@code Dbscan} on seeded 2-D blobs with noise ({@link
 * BlobsWithNoise}), labelling every row, one JSON line per run: rows, eps, minPoints, cell size,
 * seconds end to end (generation, partitioning, clustering, labelling), clusters, core points,
 * noise rows and halo copies. The standard configuration is the 1M points, with eps 0.02
 * and minPoints 10 (about 36 points within eps at a blob's centre, 0.3 in the noise).
 *
 * <pre>{@code
 * bin/beamlink bench dbscan
 * bin/beamlink bench dbscan --rows 200000 --eps 0.05 --data-out /tmp/blobs.f64
 * }</pre>
 */
public final class DbscanBenchmark {
  private DbscanBenchmark() {}

  /** One benchmark configuration. */
  public record Config(long rows, double eps, int minPoints, double cellSize, long seed) {
    /** The data of this configuration. */
    public BlobsWithNoise data() {
      return new BlobsWithNoise(rows, seed);
    }
  }

  /** The standard configuration. */
  public static final Config STANDARD = new Config(1_000_000, 0.02, 10, 10, 7);

  /** Runs {@code config} after a small warm-up run; returns its JSON line. */
  public static String run(Config config, String... beamArgs) {
    runPipeline(new Config(20_000, 0.1, config.minPoints(), config.cellSize(), 1), beamArgs);
    return runPipeline(config, beamArgs);
  }

  private static String runPipeline(Config config, String... beamArgs) {
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    Pipeline p = Pipeline.create(options);
    PCollectionTuple result =
        p.apply("Generate", config.data().rows())
            .apply(
                Dbscan.fit()
                    .withFeatureCols("x", "y")
                    .withEps(config.eps())
                    .withMinPoints(config.minPoints())
                    .withCellSize(config.cellSize())
                    .andLabel());
    result.get(Dbscan.FitAndLabel.rowsTag()).apply("Count noise", ParDo.of(new CountNoise()));
    result.get(Dbscan.FitAndLabel.modelTag()).apply("Keep", ParDo.of(new Keep()));
    Keep.last = null;
    long start = System.nanoTime();
    PipelineResult run = p.run();
    run.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    DbscanModel model = Keep.last;
    return String.format(
        Locale.ROOT,
        "{\"algorithm\":\"dbscan\",\"runner\":\"%s\",\"rows\":%d,\"dims\":2,\"eps\":%s,"
            + "\"minPoints\":%d,\"cellSize\":%s,\"seconds\":%.3f,\"clusters\":%s,"
            + "\"corePoints\":%d,\"noise\":%d,\"haloCopies\":%d}",
        options.getRunner().getSimpleName(),
        config.rows(),
        config.eps(),
        config.minPoints(),
        config.cellSize(),
        seconds,
        // The model reaches this JVM only from an embedded runner.
        model == null ? "null" : Integer.toString(model.k()),
        counter(run, Dbscan.class, "corePoints"),
        counter(run, DbscanBenchmark.class, "noise"),
        counter(run, Dbscan.class, "haloCopies"));
  }

  private static long counter(PipelineResult result, Class<?> namespace, String name) {
    long total = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(namespace, name))
                    .build())
            .getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }

  /** Counts the rows labelled noise. */
  private static final class CountNoise extends DoFn<Row, Void> {
    private final Counter noise = Metrics.counter(DbscanBenchmark.class, "noise");

    @ProcessElement
    public void process(@Element Row row) {
      if (row.getInt32("prediction") < 0) {
        noise.inc();
      }
    }
  }

  /** Keeps the model in this JVM, where the embedded runners run. */
  private static final class Keep extends DoFn<DbscanModel, Void> {
    static volatile DbscanModel last;

    @ProcessElement
    public void process(@Element DbscanModel model) {
      last = model;
    }
  }

  /** Runs the standard configuration; Beam options pass through. */
  public static void main(String[] args) {
    System.out.println(run(STANDARD, args));
  }
}
