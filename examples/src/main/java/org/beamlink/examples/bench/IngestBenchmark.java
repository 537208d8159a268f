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
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.iteration.PackBlocks;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.io.ReadCsvBlocks;
import org.beamlink.transforms.io.ReadLibSvm;
import org.beamlink.transforms.io.ReadParquet;
import org.beamlink.transforms.io.ReadParquetBlocks;

/**
 * The ingestion benchmark: how fast a table of double columns gets from a file into the training
 * path's {@link Block}s. One seeded table of {@code rows} x {@code columns} ({@code x0}, {@code
 * x1}, ...; uniform in [0, 1) at full precision, the table of {@link ColumnarBenchmark}) is written
 * once as CSV, Parquet and LibSVM (label 0 or 1 by row parity, then every column as {@code
 * index:value}), then read by each mode:
 *
 * <ul>
 *   <li>{@code CSV_ROWS}: {@link ReadCsv} into rows, schema inferred (as the command line reads);
 *   <li>{@code CSV_ROWS_PACKED}: the same rows packed by {@link PackBlocks}, as {@code kmeans} and
 *       {@code train} read CSV before {@link ReadCsvBlocks};
 *   <li>{@code CSV_BLOCKS}: {@link ReadCsvBlocks}, the CSV straight into blocks, schema inferred;
 *   <li>{@code PARQUET_ROWS_PACKED}: {@link ReadParquet} rows packed by {@link PackBlocks};
 *   <li>{@code PARQUET_BLOCKS}: {@link ReadParquetBlocks}, the Parquet columns straight into
 *       blocks, a row group a split;
 *   <li>{@code LIBSVM_ROWS_PACKED}: {@link ReadLibSvm} rows (a sparse vector and a label) packed by
 *       {@link PackBlocks}.
 * </ul>
 *
 * <p>Each run is timed from building the pipeline (schema inference included) to its end, after a
 * small warm-up run of each mode; one JSON line per run with the rows and blocks that came out, and
 * MB a second of the CSV file and per core ({@code cores}: the processors the embedded runner
 * uses).
 *
 * <pre>{@code
 * bin/beamlink bench ingest                         # 1M x 50, every mode, 3 runs
 * bin/beamlink bench ingest --modes CSV_BLOCKS --runs 1
 * }</pre>
 */
public final class IngestBenchmark {
  private IngestBenchmark() {}

  /** The ways of reading the table. */
  public enum Mode {
    CSV_ROWS,
    CSV_ROWS_PACKED,
    CSV_BLOCKS,
    PARQUET_ROWS_PACKED,
    PARQUET_BLOCKS,
    LIBSVM_ROWS_PACKED
  }

  /**
   * One benchmark configuration.
   *
   * @param rows rows of the table
   * @param columns double columns of the table
   * @param modes the modes to run, each run in this order
   * @param runs timed runs of each mode
   * @param seed the data seed
   * @param dir where the files are, written first when missing; null for the temporary directory
   */
  public record Config(long rows, int columns, List<Mode> modes, int runs, long seed, Path dir) {
    public Config {
      if (rows < 1 || columns < 1 || runs < 1 || modes.isEmpty()) {
        throw new IllegalArgumentException(
            "Expected rows, columns, runs >= 1 and a mode, got rows "
                + rows
                + ", columns "
                + columns
                + ", runs "
                + runs
                + ", modes "
                + modes);
      }
    }
  }

  /** The files of one table. */
  private record Files3(Path csv, Path parquet, Path libsvm) {
    Path of(Mode mode) {
      return switch (mode) {
        case CSV_ROWS, CSV_ROWS_PACKED, CSV_BLOCKS -> csv;
        case PARQUET_ROWS_PACKED, PARQUET_BLOCKS -> parquet;
        case LIBSVM_ROWS_PACKED -> libsvm;
      };
    }
  }

  /** Writes the files when missing, then runs the warm-up and the timed runs; the JSON lines. */
  public static List<String> run(Config config, String... beamArgs) throws IOException {
    Path dir = config.dir() != null ? config.dir() : Path.of(System.getProperty("java.io.tmpdir"));
    Files3 files = files(dir, config.rows(), config.columns(), config.seed());
    Path warmUpDir = Files.createTempDirectory("beamlink-bench-ingest-warm-up");
    try {
      Files3 warmUp = files(warmUpDir, 20_000, config.columns(), config.seed());
      for (Mode mode : config.modes()) {
        read(mode, warmUp.of(mode), 20_000, config.columns(), beamArgs);
      }
    } finally {
      try (var list = Files.list(warmUpDir)) {
        for (Path f : list.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(warmUpDir);
    }
    double csvMegabytes = Files.size(files.csv()) / 1e6;
    int cores = Runtime.getRuntime().availableProcessors();
    List<String> lines = new ArrayList<>();
    for (int r = 0; r < config.runs(); r++) {
      for (Mode mode : config.modes()) {
        Path file = files.of(mode);
        Run run = read(mode, file, config.rows(), config.columns(), beamArgs);
        lines.add(
            String.format(
                Locale.ROOT,
                "{\"benchmark\":\"ingest\",\"mode\":\"%s\",\"runner\":\"%s\",\"rows\":%d,"
                    + "\"columns\":%d,\"blocks\":%d,\"fileMegabytes\":%.1f,\"csvMegabytes\":%.1f,"
                    + "\"seconds\":%.3f,\"buildSeconds\":%.3f,\"cores\":%d,"
                    + "\"csvMegabytesPerSecond\":%.1f,\"csvMegabytesPerSecondPerCore\":%.1f}",
                mode,
                run.runner,
                config.rows(),
                config.columns(),
                run.blocks,
                Files.size(file) / 1e6,
                csvMegabytes,
                run.seconds,
                run.buildSeconds,
                cores,
                csvMegabytes / run.seconds,
                csvMegabytes / run.seconds / cores));
      }
    }
    return lines;
  }

  private static Files3 files(Path dir, long rows, int columns, long seed) throws IOException {
    String name = "beamlink-bench-columnar-" + rows + "x" + columns + "-" + seed;
    Path csv = dir.resolve(name + ".csv");
    Path parquet = dir.resolve(name + ".parquet");
    Path libsvm = dir.resolve(name + ".libsvm");
    if (!Files.exists(csv)) {
      ColumnarBenchmark.write(ColumnarBenchmark.Format.CSV, csv, rows, columns, seed);
    }
    if (!Files.exists(parquet)) {
      ColumnarBenchmark.write(ColumnarBenchmark.Format.PARQUET, parquet, rows, columns, seed);
    }
    if (!Files.exists(libsvm)) {
      writeLibSvm(libsvm, rows, columns, seed);
    }
    return new Files3(csv, parquet, libsvm);
  }

  private record Run(String runner, double seconds, double buildSeconds, long blocks) {}

  private static Run read(Mode mode, Path file, long rows, int columns, String... beamArgs) {
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    long start = System.nanoTime();
    Pipeline p = Pipeline.create(options);
    FeatureColumns features = FeatureColumns.of(ColumnarBenchmark.names(columns));
    String path = file.toString();
    if (mode == Mode.CSV_ROWS) {
      p.apply("Read", ReadCsv.from(path)).apply("Count", ParDo.of(new CsvBenchmark.CountFn()));
    } else {
      PCollection<Block> blocks =
          switch (mode) {
            case CSV_ROWS_PACKED ->
                p.apply("Read", ReadCsv.from(path)).apply(PackBlocks.of(features));
            case CSV_BLOCKS ->
                p.apply(
                    "Read",
                    ReadCsvBlocks.from(ReadCsv.from(path)).withPacking(PackBlocks.of(features)));
            case PARQUET_ROWS_PACKED ->
                p.apply("Read", ReadParquet.from(path)).apply(PackBlocks.of(features));
            case PARQUET_BLOCKS ->
                p.apply("Read", ReadParquetBlocks.from(path).withPacking(PackBlocks.of(features)));
            case LIBSVM_ROWS_PACKED ->
                p.apply("Read", ReadLibSvm.from(path).withNumFeatures(columns))
                    .apply(
                        PackBlocks.of(FeatureColumns.ofVector("features")).withLabelCol("label"));
            default -> throw new IllegalStateException("Unknown mode " + mode);
          };
      blocks.apply("Count", ParDo.of(new CountBlocksFn()));
    }
    double buildSeconds = (System.nanoTime() - start) / 1e9;
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    long counted =
        ProgressReporter.counter(
            result, mode == Mode.CSV_ROWS ? CsvBenchmark.CountFn.ROWS : CountBlocksFn.ROWS);
    if (counted != rows) {
      throw new IllegalStateException("Expected " + rows + " rows, counted " + counted);
    }
    long blocks = ProgressReporter.counter(result, CountBlocksFn.BLOCKS);
    return new Run(options.getRunner().getSimpleName(), seconds, buildSeconds, blocks);
  }

  /** Counts blocks and their rows. */
  static final class CountBlocksFn extends DoFn<Block, Void> {
    static final MetricName ROWS = MetricName.named(CountBlocksFn.class, "rows");
    static final MetricName BLOCKS = MetricName.named(CountBlocksFn.class, "blocks");
    private final Counter rows = Metrics.counter(ROWS.getNamespace(), ROWS.getName());
    private final Counter blocks = Metrics.counter(BLOCKS.getNamespace(), BLOCKS.getName());

    @ProcessElement
    public void process(@Element Block block) {
      rows.inc(block.numRows());
      blocks.inc();
    }
  }

  /** Writes the seeded table as LibSVM: label {@code i % 2}, then every column as index:value. */
  private static void writeLibSvm(Path file, long rows, int columns, long seed) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    SplittableRandom random = new SplittableRandom(seed);
    try (BufferedWriter out = Files.newBufferedWriter(partial, UTF_8)) {
      StringBuilder line = new StringBuilder();
      for (long i = 0; i < rows; i++) {
        line.setLength(0);
        line.append(i % 2);
        for (int c = 0; c < columns; c++) {
          line.append(' ').append(c + 1).append(':').append(random.nextDouble());
        }
        out.append(line).append('\n');
      }
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
  }
}
