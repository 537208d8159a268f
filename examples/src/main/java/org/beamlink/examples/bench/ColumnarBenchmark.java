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
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.io.ReadAvro;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.io.ReadParquet;

/**
 * The columnar input benchmark: one seeded table of {@code rows} rows and {@code columns} double
 * columns ({@code x0}, {@code x1}, ...; uniform in [0, 1) at full precision), written once as CSV,
 * Parquet (snappy) and Avro (snappy), then read into rows by {@link ReadCsv} (schema declared, so
 * no inference pass), {@link ReadParquet} and {@link ReadAvro}, each row consumed by a counting
 * step. With {@code readColumns} below {@code columns}, the Parquet and Avro readers read only the
 * first {@code readColumns} columns (CSV is parsed whole either way). Each run is timed from
 * building the pipeline to its end, after a small warm-up run of each format; prints one JSON line
 * per run with rows a second and the CSV equivalent in MB a second (the CSV file's size over the
 * time), so the formats compare on the same table.
 *
 * <p>The files are written once (not timed) and kept: {@code
 * beamlink-bench-columnar-ROWSxCOLUMNS-SEED.csv}, {@code .parquet} and {@code .avro} in {@code
 * --dir}, by default the temporary directory.
 *
 * <pre>{@code
 * bin/beamlink bench columnar                                  # 1M x 50, csv, parquet and avro
 * bin/beamlink bench columnar --formats PARQUET --read-columns 5 --runs 1
 * }</pre>
 */
public final class ColumnarBenchmark {
  private ColumnarBenchmark() {}

  /** The formats compared. */
  public enum Format {
    CSV("csv"),
    PARQUET("parquet"),
    AVRO("avro");

    private final String extension;

    Format(String extension) {
      this.extension = extension;
    }
  }

  /**
   * One benchmark configuration.
   *
   * @param rows rows of the table
   * @param columns double columns of the table
   * @param readColumns columns the Parquet and Avro readers read, from the first
   * @param formats the formats to read, each run in this order
   * @param runs timed runs of each format
   * @param seed the data seed
   * @param dir where the files are, written first when missing; null for the temporary directory
   */
  public record Config(
      long rows,
      int columns,
      int readColumns,
      List<Format> formats,
      int runs,
      long seed,
      Path dir) {
    public Config {
      if (rows < 1 || columns < 1 || readColumns < 1 || readColumns > columns || runs < 1) {
        throw new IllegalArgumentException(
            "Expected rows, columns, runs >= 1 and 1 <= readColumns <= columns, got rows "
                + rows
                + ", columns "
                + columns
                + ", readColumns "
                + readColumns
                + ", runs "
                + runs);
      }
    }
  }

  /** Writes the files when missing, then runs the warm-up and the timed runs; the JSON lines. */
  public static List<String> run(Config config, String... beamArgs) throws IOException {
    Path dir = config.dir() != null ? config.dir() : Path.of(System.getProperty("java.io.tmpdir"));
    String name =
        "beamlink-bench-columnar-" + config.rows() + "x" + config.columns() + "-" + config.seed();
    Path csv = dir.resolve(name + ".csv");
    for (Format format : Format.values()) {
      Path file = dir.resolve(name + "." + format.extension);
      if (!Files.exists(file) && (format == Format.CSV || config.formats().contains(format))) {
        write(format, file, config.rows(), config.columns(), config.seed());
      }
    }
    Path warmUp = Files.createTempDirectory("beamlink-bench-columnar-warm-up");
    try {
      for (Format format : config.formats()) {
        Path file = warmUp.resolve("warm-up." + format.extension);
        write(format, file, 20_000, config.columns(), config.seed());
        read(format, file, 20_000, config, beamArgs);
      }
    } finally {
      try (var files = Files.list(warmUp)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(warmUp);
    }
    double csvMegabytes = Files.size(csv) / 1e6;
    List<String> lines = new ArrayList<>();
    for (int r = 0; r < config.runs(); r++) {
      for (Format format : config.formats()) {
        Path file = dir.resolve(name + "." + format.extension);
        Run run = read(format, file, config.rows(), config, beamArgs);
        lines.add(
            String.format(
                Locale.ROOT,
                "{\"benchmark\":\"columnar\",\"format\":\"%s\",\"runner\":\"%s\",\"rows\":%d,"
                    + "\"columns\":%d,\"columnsRead\":%d,\"fileMegabytes\":%.1f,"
                    + "\"csvMegabytes\":%.1f,\"seconds\":%.3f,\"buildSeconds\":%.3f,"
                    + "\"rowsPerSecond\":%.0f,\"csvMegabytesPerSecond\":%.1f}",
                format.extension,
                run.runner,
                config.rows(),
                config.columns(),
                format == Format.CSV ? config.columns() : config.readColumns(),
                Files.size(file) / 1e6,
                csvMegabytes,
                run.seconds,
                run.buildSeconds,
                config.rows() / run.seconds,
                csvMegabytes / run.seconds));
      }
    }
    return lines;
  }

  private record Run(String runner, double seconds, double buildSeconds) {}

  private static Run read(Format format, Path file, long rows, Config config, String... beamArgs) {
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    long start = System.nanoTime();
    Pipeline p = Pipeline.create(options);
    List<String> read = names(config.readColumns());
    PTransform<PBegin, PCollection<Row>> reader =
        switch (format) {
          case CSV -> ReadCsv.from(file.toString()).withSchema(schema(config.columns()));
          case PARQUET -> ReadParquet.from(file.toString()).withColumns(read);
          case AVRO -> ReadAvro.from(file.toString()).withColumns(read);
        };
    p.apply("Read " + format, reader).apply("Count", ParDo.of(new CsvBenchmark.CountFn()));
    double buildSeconds = (System.nanoTime() - start) / 1e9;
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    long counted = ProgressReporter.counter(result, CsvBenchmark.CountFn.ROWS);
    if (counted != rows) {
      throw new IllegalStateException("Expected " + rows + " rows, counted " + counted);
    }
    return new Run(options.getRunner().getSimpleName(), seconds, buildSeconds);
  }

  /** The table's column names: {@code x0}, {@code x1}, ... */
  static List<String> names(int columns) {
    List<String> names = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      names.add("x" + c);
    }
    return names;
  }

  /** The table's schema: {@code columns} required doubles. */
  private static Schema schema(int columns) {
    Schema.Builder schema = Schema.builder();
    names(columns).forEach(schema::addDoubleField);
    return schema.build();
  }

  /** Writes the seeded table in {@code format} to {@code file}, through a partial file. */
  static void write(Format format, Path file, long rows, int columns, long seed)
      throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.deleteIfExists(partial);
    SplittableRandom random = new SplittableRandom(seed);
    org.apache.avro.Schema avro =
        names(columns).stream()
            .reduce(
                SchemaBuilder.record("row").fields(),
                (fields, name) -> fields.requiredDouble(name),
                (a, b) -> a)
            .endRecord();
    switch (format) {
      case CSV -> {
        try (BufferedWriter out = Files.newBufferedWriter(partial, UTF_8)) {
          out.write(String.join(",", names(columns)));
          out.write('\n');
          StringBuilder line = new StringBuilder();
          for (long i = 0; i < rows; i++) {
            line.setLength(0);
            for (int c = 0; c < columns; c++) {
              line.append(c == 0 ? "" : ",").append(random.nextDouble());
            }
            out.append(line).append('\n');
          }
        }
      }
      case PARQUET -> {
        try (ParquetWriter<GenericRecord> out =
            AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(partial))
                .withSchema(avro)
                .withConf(new Configuration(false))
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
          for (long i = 0; i < rows; i++) {
            out.write(record(avro, random, columns));
          }
        }
      }
      case AVRO -> {
        try (DataFileWriter<GenericRecord> out =
            new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(avro))) {
          out.setCodec(CodecFactory.snappyCodec());
          out.create(avro, partial.toFile());
          for (long i = 0; i < rows; i++) {
            out.append(record(avro, random, columns));
          }
        }
      }
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
  }

  private static GenericRecord record(
      org.apache.avro.Schema schema, SplittableRandom random, int columns) {
    GenericRecord record = new GenericData.Record(schema);
    for (int c = 0; c < columns; c++) {
      record.put(c, random.nextDouble());
    }
    return record;
  }
}
