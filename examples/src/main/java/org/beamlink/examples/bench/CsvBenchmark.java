package org.beamlink.examples.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.io.ReadCsv;

/**
 * The CSV ingestion benchmark: one seeded CSV file of {@code rows} rows and 6 columns ({@code id}
 * and {@code count} integers, {@code x}, {@code y}, {@code z} doubles at full precision, {@code
 * category} a word), read by {@link ReadCsv} into rows that a counting step consumes. Each run is
 * timed from building the pipeline (where the schema is inferred) to its end, once with the schema
 * inferred and once with it declared ({@link ReadCsv#withSchema}), after a small warm-up run.
 * Prints one JSON line per run.
 *
 * <p>The file is written once (not timed) and kept for the next run: {@code --file}, by default
 * {@code beamlink-bench-csv-ROWS-SEED.csv} in the temporary directory.
 *
 * <pre>{@code
 * bin/beamlink bench csv                       # 3M rows, embedded Flink
 * bin/beamlink bench csv --rows 100000 --runs 1 --runner=DirectRunner
 * }</pre>
 */
public final class CsvBenchmark {
  private CsvBenchmark() {}

  /** The schema of the generated file, as {@link ReadCsv#withSchema} declares it. */
  public static final Schema SCHEMA =
      Schema.builder()
          .addNullableField("id", Schema.FieldType.INT64)
          .addNullableField("count", Schema.FieldType.INT64)
          .addNullableField("x", Schema.FieldType.DOUBLE)
          .addNullableField("y", Schema.FieldType.DOUBLE)
          .addNullableField("z", Schema.FieldType.DOUBLE)
          .addNullableField("category", Schema.FieldType.STRING)
          .build();

  private static final String[] CATEGORIES = {
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett"
  };

  /**
   * One benchmark configuration.
   *
   * @param rows rows of the file
   * @param runs timed runs of each schema mode
   * @param seed the data seed
   * @param file the file to read, written first when missing; null for the default
   */
  public record Config(long rows, int runs, long seed, Path file) {}

  /** Writes the file when missing, then runs the warm-up and the timed runs; the JSON lines. */
  public static List<String> run(Config config, String... beamArgs) throws IOException {
    Path file =
        config.file() != null
            ? config.file()
            : Path.of(
                System.getProperty("java.io.tmpdir"),
                "beamlink-bench-csv-" + config.rows() + "-" + config.seed() + ".csv");
    if (!Files.exists(file)) {
      write(file, config.rows(), config.seed());
    }
    Path warmUp = Files.createTempFile("beamlink-bench-csv-warm-up", ".csv");
    try {
      write(warmUp, 20_000, config.seed());
      read(warmUp, 20_000, true, beamArgs);
      read(warmUp, 20_000, false, beamArgs);
    } finally {
      Files.delete(warmUp);
    }
    double megabytes = Files.size(file) / 1e6;
    List<String> lines = new ArrayList<>();
    for (int r = 0; r < config.runs(); r++) {
      for (boolean inferred : new boolean[] {true, false}) {
        Run run = read(file, config.rows(), inferred, beamArgs);
        lines.add(
            String.format(
                Locale.ROOT,
                "{\"benchmark\":\"csv\",\"runner\":\"%s\",\"rows\":%d,\"columns\":%d,"
                    + "\"megabytes\":%.1f,\"schema\":\"%s\",\"seconds\":%.3f,"
                    + "\"buildSeconds\":%.3f,\"rowsPerSecond\":%.0f}",
                run.runner,
                config.rows(),
                SCHEMA.getFieldCount(),
                megabytes,
                inferred ? "inferred" : "declared",
                run.seconds,
                run.buildSeconds,
                config.rows() / run.seconds));
      }
    }
    return lines;
  }

  private record Run(String runner, double seconds, double buildSeconds) {}

  private static Run read(Path file, long rows, boolean inferred, String... beamArgs) {
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    long start = System.nanoTime();
    Pipeline p = Pipeline.create(options);
    ReadCsv read = ReadCsv.from(file.toString());
    PCollection<Row> parsed = p.apply("ReadCsv", inferred ? read : read.withSchema(SCHEMA));
    parsed.apply("Count", ParDo.of(new CountFn()));
    double buildSeconds = (System.nanoTime() - start) / 1e9;
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    long counted = ProgressReporter.counter(result, CountFn.ROWS);
    if (counted != rows) {
      throw new IllegalStateException("Expected " + rows + " rows, counted " + counted);
    }
    return new Run(options.getRunner().getSimpleName(), seconds, buildSeconds);
  }

  /**
   * Counts the rows, reading one value of each so that every row is looked at (also {@link
   * ColumnarBenchmark}'s).
   */
  static final class CountFn extends DoFn<Row, Void> {
    static final MetricName ROWS = MetricName.named(CountFn.class, "rows");
    private final Counter rows = Metrics.counter(ROWS.getNamespace(), ROWS.getName());

    @ProcessElement
    public void process(@Element Row row) {
      if (row.getValue(0) != null) {
        rows.inc();
      }
    }
  }

  /** Writes {@code rows} seeded rows of {@link #SCHEMA} with a header line to {@code file}. */
  static void write(Path file, long rows, long seed) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (BufferedWriter out = Files.newBufferedWriter(partial, UTF_8)) {
      out.write(String.join(",", SCHEMA.getFieldNames()));
      out.write('\n');
      SplittableRandom random = new SplittableRandom(seed);
      StringBuilder line = new StringBuilder();
      for (long i = 0; i < rows; i++) {
        line.setLength(0);
        line.append(i)
            .append(',')
            .append(random.nextInt(1000))
            .append(',')
            .append(random.nextDouble() * 10 - 5)
            .append(',')
            .append(random.nextDouble())
            .append(',')
            .append(random.nextDouble() * 1e6)
            .append(',')
            .append(CATEGORIES[random.nextInt(CATEGORIES.length)])
            .append('\n');
        out.append(line);
      }
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
  }
}
