package org.beamlink.transforms.io;

import com.google.auto.value.AutoValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
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
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads Avro data files into rows, only the columns asked for.
 *
 * <p><b>Columns.</b> {@link #withColumns} names the columns to read; default: every column. Avro
 * stores records whole, so every byte is read, but only the named columns are decoded (the file's
 * records are read with a schema of those fields, Avro's schema resolution skipping the others).
 * The schema of the rows is taken from the files' headers when the pipeline is built: the named
 * columns in the order named, typed as Beam's {@code AvroUtils} types them ({@code boolean}
 * BOOLEAN, {@code int} INT32, {@code long} INT64, {@code float} FLOAT, {@code double} DOUBLE,
 * {@code string} STRING; a union with {@code null} is nullable). Every matching file must have the
 * columns with the same types (a column nullable in some files is nullable). A column of another
 * type (bytes, an enum, a timestamp, a decimal, an array, a map, a nested record, a union of two
 * types) that is read is an error naming the file, the column and the type; one that is not read is
 * never looked at.
 *
 * <p><b>Reading.</b> Each file is read by one worker from start to end, so every row is known by
 * its file and its record number there (from 1): {@link #withLocations()} emits each row inside a
 * row of {@link ReadCsv#locatedSchema}, its record number in {@code line} and an empty {@code
 * text}. A file that is not an Avro data file, is truncated, or changed its columns after the
 * pipeline was built fails the pipeline with a message naming it (and the last record read).
 * Compressed blocks (deflate, snappy, ...) are read as Avro writes them.
 *
 * <p>Metrics: counter {@link #ROWS_READ}.
 *
 * <pre>{@code
 * PCollection<Row> rows = p.apply(ReadAvro.from("data/*.avro"));
 * PCollection<Row> features = p.apply(ReadAvro.from("data/*.avro").withColumns("x1", "x2", "label"));
 * }</pre>
 */
@AutoValue
public abstract class ReadAvro extends PTransform<PBegin, PCollection<Row>> {
  /** Counter of rows read. */
  public static final MetricName ROWS_READ = MetricName.named(ReadAvro.class, "rowsRead");

  abstract String filepattern();

  abstract @Nullable List<String> columns();

  abstract boolean locations();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setFilepattern(String filepattern);

    abstract Builder setColumns(@Nullable List<String> columns);

    abstract Builder setLocations(boolean locations);

    abstract ReadAvro build();
  }

  /**
   * Reads every column of the files matching {@code filepattern} (a path, a glob like {@code
   * data/*.avro}, or any path Beam's {@code FileSystems} know).
   */
  public static ReadAvro from(String filepattern) {
    if (filepattern == null || filepattern.isEmpty()) {
      throw new IllegalArgumentException("Expected a file pattern, got " + filepattern);
    }
    return new AutoValue_ReadAvro.Builder().setFilepattern(filepattern).setLocations(false).build();
  }

  /** Reads only {@code columns}, in this order; at least one, no repeats. Default: all. */
  public ReadAvro withColumns(String... columns) {
    return withColumns(columns == null ? null : Arrays.asList(columns));
  }

  /** Reads only {@code columns}, in this order; at least one, no repeats. Default: all. */
  public ReadAvro withColumns(List<String> columns) {
    return toBuilder().setColumns(ReadParquet.checkColumns(columns)).build();
  }

  /**
   * Emits each row inside a row of {@link ReadCsv#locatedSchema}: its file, its record number in
   * the file (from 1) as {@code line}, an empty {@code text}, and its values as {@code row}.
   */
  public ReadAvro withLocations() {
    return toBuilder().setLocations(true).build();
  }

  /**
   * The schema of the rows this reads from the files now matching its pattern (the values' schema
   * with {@link #withLocations()}), read from the files' headers.
   *
   * @throws IllegalArgumentException as {@link #expand} would
   */
  public Schema schema() {
    return RecordFiles.schema(filepattern(), new AvroFormat(), columns());
  }

  /**
   * The columns of the first matching file (in name order) whose types Beamlink reads, in the
   * file's order: those to pass to {@link #withColumns} to read all that can be read.
   */
  public List<String> readableColumns() {
    return RecordFiles.readableColumns(filepattern(), new AvroFormat());
  }

  @Override
  public PCollection<Row> expand(PBegin input) {
    return RecordFiles.read(
        input, filepattern(), new AvroFormat(), schema(), locations(), ROWS_READ);
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

  /** Avro data files, over Beam's file systems. */
  private static final class AvroFormat implements RecordFiles.Format {
    private static final long serialVersionUID = 1L;

    @Override
    public String name() {
      return "Avro";
    }

    @Override
    public org.apache.avro.Schema recordSchema(MatchResult.Metadata file) throws IOException {
      try (InputStream in = Channels.newInputStream(FileSystems.open(file.resourceId()));
          DataFileStream<GenericRecord> records =
              new DataFileStream<>(in, new GenericDatumReader<>())) {
        return records.getSchema();
      }
    }

    @Override
    public void read(
        FileIO.ReadableFile file, RecordFiles.ColumnsOfFile columns, RecordFiles.Sink sink)
        throws IOException {
      GenericDatumReader<GenericRecord> datum = new GenericDatumReader<>();
      try (InputStream in = Channels.newInputStream(file.open());
          DataFileStream<GenericRecord> records = new DataFileStream<>(in, datum)) {
        // Read with a schema of the columns only: Avro skips the others' values undecoded.
        datum.setExpected(columns.of(records.getSchema()).projection());
        long index = 0;
        GenericRecord record = null;
        while (records.hasNext()) {
          record = records.next(record);
          sink.accept(index++, record);
        }
      }
    }
  }
}
