package org.beamlink.transforms.io;

import com.google.auto.value.AutoValue;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads Parquet files into rows, only the columns asked for.
 *
 * <p><b>Columns.</b> {@link #withColumns} names the columns to read; Parquet stores each column
 * apart, and the others are not read at all (parquet-avro's requested projection, what Beam's
 * {@code ParquetIO.withProjection} sets). Default: every column. The schema of the rows is taken
 * from the files when the pipeline is built (their footers only): the named columns in the order
 * named, typed as Beam's {@code AvroUtils} types the file's Avro schema ({@code boolean} BOOLEAN,
 * {@code int} INT32, {@code long} INT64, {@code float} FLOAT, {@code double} DOUBLE, {@code string}
 * STRING; an optional column is nullable). Every matching file must have the columns with the same
 * types (a column optional in some files is nullable). A column of another type (bytes, a
 * timestamp, a decimal, a list, a nested record) that is read is an error naming the file, the
 * column and the type; one that is not read is never looked at.
 *
 * <p><b>Reading.</b> Each file is read by one worker from start to end, so every row is known by
 * its file and its row number there (from 1): {@link #withLocations()} emits each row inside a row
 * of {@link ReadCsv#locatedSchema}, its row number in {@code line} and an empty {@code text}. A
 * file that is not Parquet, is truncated, or changed its columns after the pipeline was built fails
 * the pipeline with a message naming it (and the last row read).
 *
 * <p>Beam's own {@code ParquetIO} is not used: its records do not carry their file, which an error
 * about a value must name, and it passes over a record it cannot decode with a warning in the log.
 *
 * <p>Metrics: counter {@link #ROWS_READ}.
 *
 * <pre>{@code
 * PCollection<Row> rows = p.apply(ReadParquet.from("data/part-*.parquet"));
 * PCollection<Row> features =
 *     p.apply(ReadParquet.from("data/*.parquet").withColumns("x1", "x2", "label"));
 * }</pre>
 */
@AutoValue
public abstract class ReadParquet extends PTransform<PBegin, PCollection<Row>> {
  /** Counter of rows read. */
  public static final MetricName ROWS_READ = MetricName.named(ReadParquet.class, "rowsRead");

  abstract String filepattern();

  abstract @Nullable List<String> columns();

  abstract boolean locations();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setFilepattern(String filepattern);

    abstract Builder setColumns(@Nullable List<String> columns);

    abstract Builder setLocations(boolean locations);

    abstract ReadParquet build();
  }

  /**
   * Reads every column of the files matching {@code filepattern} (a path, a glob like {@code
   * data/*.parquet}, or any path Beam's {@code FileSystems} know).
   */
  public static ReadParquet from(String filepattern) {
    if (filepattern == null || filepattern.isEmpty()) {
      throw new IllegalArgumentException("Expected a file pattern, got " + filepattern);
    }
    return new AutoValue_ReadParquet.Builder()
        .setFilepattern(filepattern)
        .setLocations(false)
        .build();
  }

  /** Reads only {@code columns}, in this order; at least one, no repeats. Default: all. */
  public ReadParquet withColumns(String... columns) {
    return withColumns(columns == null ? null : Arrays.asList(columns));
  }

  /** Reads only {@code columns}, in this order; at least one, no repeats. Default: all. */
  public ReadParquet withColumns(List<String> columns) {
    return toBuilder().setColumns(checkColumns(columns)).build();
  }

  static List<String> checkColumns(List<String> columns) {
    if (columns == null || columns.isEmpty()) {
      throw new IllegalArgumentException("Expected at least one column, got " + columns);
    }
    if (columns.stream().distinct().count() != columns.size()) {
      throw new IllegalArgumentException("Expected distinct columns, got " + columns);
    }
    for (String column : columns) {
      if (column == null || column.isEmpty()) {
        throw new IllegalArgumentException("Expected column names, got " + columns);
      }
    }
    return List.copyOf(columns);
  }

  /**
   * Emits each row inside a row of {@link ReadCsv#locatedSchema}: its file, its row number in the
   * file (from 1) as {@code line}, an empty {@code text}, and its values as {@code row}.
   */
  public ReadParquet withLocations() {
    return toBuilder().setLocations(true).build();
  }

  /**
   * The schema of the rows this reads from the files now matching its pattern (the values' schema
   * with {@link #withLocations()}), read from the files' footers.
   *
   * @throws IllegalArgumentException as {@link #expand} would
   */
  public Schema schema() {
    return RecordFiles.schema(filepattern(), new ParquetFormat(), columns());
  }

  /**
   * The columns of the first matching file (in name order) whose types Beamlink reads, in the
   * file's order: those to pass to {@link #withColumns} to read all that can be read.
   */
  public List<String> readableColumns() {
    return RecordFiles.readableColumns(filepattern(), new ParquetFormat());
  }

  @Override
  public PCollection<Row> expand(PBegin input) {
    return RecordFiles.read(
        input, filepattern(), new ParquetFormat(), schema(), locations(), ROWS_READ);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("filepattern", filepattern()))
        .addIfNotNull(
            DisplayData.item("columns", columns() == null ? null : String.valueOf(columns())))
        .add(DisplayData.item("locations", locations()));
  }

  /** Parquet through parquet-avro, over Beam's file systems. */
  private static final class ParquetFormat implements RecordFiles.Format {
    private static final long serialVersionUID = 1L;

    @Override
    public String name() {
      return "Parquet";
    }

    @Override
    public org.apache.avro.Schema recordSchema(MatchResult.Metadata file) throws IOException {
      try (ReadableByteChannel channel = FileSystems.open(file.resourceId())) {
        if (!(channel instanceof SeekableByteChannel seekable)) {
          throw new IOException("its file system cannot seek in it, which Parquet needs");
        }
        return recordSchema(new ChannelInputFile(seekable));
      }
    }

    /** The Avro schema parquet-avro reads the file with: the one it stored, else converted. */
    private static org.apache.avro.Schema recordSchema(InputFile file) throws IOException {
      try (ParquetFileReader reader = ParquetFileReader.open(file)) {
        FileMetaData meta = reader.getFooter().getFileMetaData();
        Map<String, String> keyValues = meta.getKeyValueMetaData();
        String stored = keyValues.get("parquet.avro.schema");
        if (stored == null) {
          stored = keyValues.get("avro.schema");
        }
        return stored != null
            ? new org.apache.avro.Schema.Parser().parse(stored)
            : new AvroSchemaConverter(configuration()).convert(meta.getSchema());
      }
    }

    @Override
    public void read(
        FileIO.ReadableFile file, RecordFiles.ColumnsOfFile columns, RecordFiles.Sink sink)
        throws IOException {
      try (SeekableByteChannel channel = file.openSeekable()) {
        InputFile input = new ChannelInputFile(channel);
        RecordColumns read = columns.of(recordSchema(input));
        Configuration conf = configuration();
        // The columns to read, and records of just those, in the order asked for.
        AvroReadSupport.setRequestedProjection(conf, read.projection());
        AvroReadSupport.setAvroReadSchema(conf, read.projection());
        try (ParquetReader<GenericRecord> reader =
            AvroParquetReader.<GenericRecord>builder(input)
                .withDataModel(GenericData.get())
                .withConf(conf)
                .build()) {
          long index = 0;
          for (GenericRecord record = reader.read(); record != null; record = reader.read()) {
            sink.accept(index++, record);
          }
        }
      }
    }

    /** A Hadoop configuration without Hadoop's default files, which Parquet does not need. */
    private static Configuration configuration() {
      Configuration conf = new Configuration(false);
      conf.setBoolean(AvroReadSupport.AVRO_COMPATIBILITY, true);
      return conf;
    }
  }

  /** A Parquet input file over a channel of Beam's file systems. */
  static final class ChannelInputFile implements InputFile {
    private final SeekableByteChannel channel;

    ChannelInputFile(SeekableByteChannel channel) {
      this.channel = channel;
    }

    @Override
    public long getLength() throws IOException {
      return channel.size();
    }

    @Override
    public SeekableInputStream newStream() {
      return new DelegatingSeekableInputStream(Channels.newInputStream(channel)) {
        @Override
        public long getPos() throws IOException {
          return channel.position();
        }

        @Override
        public void seek(long newPos) throws IOException {
          channel.position(newPos);
        }

        /** The channel is its opener's to close: a file's footer and rows share it. */
        @Override
        public void close() {}
      };
    }
  }
}
