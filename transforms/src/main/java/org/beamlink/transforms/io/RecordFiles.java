package org.beamlink.transforms.io;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.Field;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Files of Avro records (Avro container files; Parquet files through parquet-avro) read into rows:
 * the schema of the columns read, agreed by every matching file when the pipeline is built, and the
 * step that reads each file from start to end in one worker, so that a row is known by its file and
 * its place there. {@link ReadParquet} and {@link ReadAvro} are this with their {@link Format}.
 */
final class RecordFiles {
  private RecordFiles() {}

  /** How records are read from files of one format. */
  interface Format extends Serializable {
    /** The format's name in messages: {@code Parquet}, {@code Avro}. */
    String name();

    /** The record schema of {@code file}, read from its footer or header. */
    org.apache.avro.Schema recordSchema(MatchResult.Metadata file) throws IOException;

    /**
     * Reads {@code file}: asks {@code columns} which columns to read from the file's record schema,
     * reads only those, and hands each record to {@code sink} with its index in the file (from 0).
     */
    void read(FileIO.ReadableFile file, ColumnsOfFile columns, Sink sink) throws IOException;
  }

  /** The columns to read from a file, given its record schema. */
  interface ColumnsOfFile {
    RecordColumns of(org.apache.avro.Schema recordSchema);
  }

  /** Receives the records of a file. */
  interface Sink {
    void accept(long index, GenericRecord record);
  }

  /**
   * The schema of the rows read from the files matching {@code filepattern}: the {@code columns}
   * (all, when null) of the first file in name order, nullable where any file has them nullable.
   *
   * @throws IllegalArgumentException when no file matches, a file cannot be read as {@code format},
   *     lacks a column, has a column Beamlink cannot read, or types a column otherwise than the
   *     first file
   */
  static Schema schema(String filepattern, Format format, @Nullable List<String> columns) {
    Schema schema = null;
    String first = null;
    for (MatchResult.Metadata file : matched(filepattern, format)) {
      String name = file.resourceId().toString();
      Schema own = RecordColumns.of(name, recordSchema(file, format), columns).schema();
      if (schema == null) {
        schema = own;
        first = name;
      } else {
        schema = merge(schema, first, own, name);
      }
    }
    return schema;
  }

  /**
   * The columns of the first file matching {@code filepattern} (in name order) whose types Beamlink
   * reads, in the file's order.
   */
  static List<String> readableColumns(String filepattern, Format format) {
    MatchResult.Metadata first = matched(filepattern, format).get(0);
    return RecordColumns.readable(recordSchema(first, format));
  }

  /** The files matching {@code filepattern}, in name order; at least one. */
  private static List<MatchResult.Metadata> matched(String filepattern, Format format) {
    List<MatchResult.Metadata> files;
    try {
      files = new ArrayList<>(FileSystems.match(filepattern, EmptyMatchTreatment.ALLOW).metadata());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the files matching " + filepattern, e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "No file matches "
              + filepattern
              + "; the "
              + format.name()
              + " reader takes the schema from the files, so at least one must exist when the"
              + " pipeline is built");
    }
    files.sort(Comparator.comparing(m -> m.resourceId().toString()));
    return files;
  }

  private static org.apache.avro.Schema recordSchema(MatchResult.Metadata file, Format format) {
    try {
      return format.recordSchema(file);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "Cannot read "
              + file.resourceId()
              + " as "
              + format.name()
              + ": "
              + ReadCsv.describe(asIo(e)),
          e);
    }
  }

  private static IOException asIo(Exception e) {
    return e instanceof IOException io ? io : new IOException(e.getMessage(), e);
  }

  /** {@code schema} (of {@code first}), nullable where {@code own} (of {@code file}) is. */
  private static Schema merge(Schema schema, String first, Schema own, String file) {
    Schema.Builder merged = Schema.builder();
    for (Field field : schema.getFields()) {
      Field other = own.hasField(field.getName()) ? own.getField(field.getName()) : null;
      if (other == null
          || !other.getType().withNullable(false).equals(field.getType().withNullable(false))) {
        throw new IllegalArgumentException(
            "Files of one input must agree on their columns: "
                + file
                + " has "
                + describe(own)
                + ", "
                + first
                + " has "
                + describe(schema));
      }
      merged.addField(
          field.getName(),
          field
              .getType()
              .withNullable(field.getType().getNullable() || other.getType().getNullable()));
    }
    return merged.build();
  }

  /** The columns of {@code schema} with their types, on one line. */
  static String describe(Schema schema) {
    List<String> columns = new ArrayList<>();
    for (Field f : schema.getFields()) {
      columns.add(
          f.getName()
              + " "
              + f.getType().getTypeName()
              + (f.getType().getNullable() ? " (nullable)" : ""));
    }
    return columns.toString();
  }

  /**
   * The rows of {@code schema} read from the files matching {@code filepattern}, inside rows of
   * {@link ReadCsv#locatedSchema} when {@code locations}.
   */
  static PCollection<Row> read(
      PBegin input,
      String filepattern,
      Format format,
      Schema schema,
      boolean locations,
      MetricName rowsRead) {
    PCollection<Row> rows =
        input
            .apply("Match", FileIO.match().filepattern(filepattern))
            .apply("ReadMatches", FileIO.readMatches())
            .apply(
                "Read " + format.name(), ParDo.of(new ReadFn(format, schema, locations, rowsRead)));
    return rows.setRowSchema(locations ? ReadCsv.locatedSchema(schema) : schema);
  }

  /** Reads whole files and emits their rows, in the file's order. */
  private static final class ReadFn extends DoFn<FileIO.ReadableFile, Row> {
    private final Format format;
    private final Schema schema;
    private final boolean locations;
    private final Schema located;
    private final Counter rowsRead;

    ReadFn(Format format, Schema schema, boolean locations, MetricName rowsRead) {
      this.format = format;
      this.schema = schema;
      this.locations = locations;
      this.located = ReadCsv.locatedSchema(schema);
      this.rowsRead = Metrics.counter(rowsRead.getNamespace(), rowsRead.getName());
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<Row> out)
        throws IOException {
      String name = file.getMetadata().resourceId().toString();
      long[] last = {-1};
      try {
        format.read(
            file,
            recordSchema -> columns(name, recordSchema),
            (index, record) -> {
              Row row = RecordColumns.toRow(record, schema);
              try {
                out.output(
                    locations
                        ? Row.withSchema(located).attachValues(name, index + 1, "", row)
                        : row);
              } catch (RuntimeException e) {
                throw new Downstream(e);
              }
              rowsRead.inc();
              last[0] = index;
            });
      } catch (Downstream e) {
        throw e.failure;
      } catch (IOException | RuntimeException e) {
        if (e instanceof IllegalArgumentException && e.getMessage().startsWith("In " + name)) {
          throw e;
        }
        throw new IOException(
            "Cannot read "
                + name
                + " as "
                + format.name()
                + (last[0] < 0 ? "" : " after row " + (last[0] + 1))
                + ": "
                + ReadCsv.describe(asIo(e)),
            e);
      }
    }

    /**
     * A failure of the steps a runner fused after this one, passed through as it is: it is not a
     * failure to read the file.
     */
    private static final class Downstream extends RuntimeException {
      private static final long serialVersionUID = 1L;
      final RuntimeException failure;

      Downstream(RuntimeException failure) {
        super(failure);
        this.failure = failure;
      }
    }

    /** The columns of {@code schema} in the file, refused when the file types them otherwise. */
    private RecordColumns columns(String name, org.apache.avro.Schema recordSchema) {
      RecordColumns columns = RecordColumns.of(name, recordSchema, schema.getFieldNames());
      for (Field field : columns.schema().getFields()) {
        Field expected = schema.getField(field.getName());
        boolean sameType =
            field.getType().withNullable(false).equals(expected.getType().withNullable(false));
        if (!sameType || field.getType().getNullable() && !expected.getType().getNullable()) {
          throw new IllegalArgumentException(
              "In "
                  + name
                  + ": the columns are "
                  + describe(columns.schema())
                  + ", not "
                  + describe(schema)
                  + " as when the pipeline was built");
        }
      }
      return columns;
    }
  }
}
