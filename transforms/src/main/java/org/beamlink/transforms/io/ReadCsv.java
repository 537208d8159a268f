package org.beamlink.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.auto.value.AutoValue;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.Field;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads CSV files with a header line into rows.
 *
 * <p>Each file is parsed by one worker from start to end, so every record is known by its file and
 * the line it starts on. Parsing is RFC 4180 by commons-csv: quoted fields may hold the delimiter,
 * quotes written twice ({@code ""}) and line breaks; empty lines are skipped; files are decoded as
 * UTF-8 and decompressed by their extension ({@code .gz}, {@code .bz2}, ...). Columns are matched
 * to the schema by the names in each file's header, so files may order their columns differently
 * and may have columns the schema leaves out.
 *
 * <p><b>Schema.</b> {@link #withSchema} gives it; otherwise it is inferred when the pipeline is
 * built, from the header and the first {@value #DEFAULT_INFERENCE_LINES} records of the first
 * matching file (in name order; empty files are passed over): a column is {@code INT64} when every
 * non-empty value is an integer, {@code DOUBLE} when every one is a number, {@code STRING}
 * otherwise. Inferred columns are nullable. A record beyond the sample that does not fit the
 * inferred type (a decimal in an {@code INT64} column) is malformed: pass a schema when the sample
 * is not representative.
 *
 * <p><b>Values.</b> An empty cell is null in a nullable column, the empty string in a non-nullable
 * {@code STRING} column, and malformed otherwise. Numbers are decimal with optional sign, fraction
 * and exponent; doubles also read {@code NaN}, {@code inf} and {@code Infinity}. Booleans are
 * {@code true} or {@code false} in any case. Supported types: {@code STRING}, {@code BOOLEAN},
 * {@code BYTE}, {@code INT16}, {@code INT32}, {@code INT64}, {@code FLOAT}, {@code DOUBLE}, {@code
 * DECIMAL}.
 *
 * <p><b>Malformed records</b> (a number of cells different from the header's, a value that does not
 * parse as its column's type, a quote that is never closed) fail the pipeline with a message naming
 * the file, the line, the column and the value. {@link #withFailuresOutput()} keeps them instead,
 * as rows of {@link ReadResult#FAILURE_SCHEMA}, and the good records still come through.
 *
 * <p>Metrics: counters {@link #ROWS_READ} and {@link #RECORDS_FAILED}.
 *
 * <pre>{@code
 * PCollection<Row> rows = p.apply(ReadCsv.from("data/iris-*.csv"));
 *
 * Schema schema = Schema.builder().addDoubleField("x").addNullableField("y", FieldType.INT64).build();
 * ReadResult result = p.apply(ReadCsv.from("data/*.csv").withSchema(schema).withDelimiter(';')
 *     .withFailuresOutput());
 * result.getRows();     // rows of schema
 * result.getFailures(); // file, line, text, error
 * }</pre>
 */
@AutoValue
public abstract class ReadCsv extends PTransform<PBegin, PCollection<Row>> {
  /** Records of the first file that schema inference reads, by default. */
  public static final int DEFAULT_INFERENCE_LINES = 1000;

  /** Counter of rows read. */
  public static final MetricName ROWS_READ = MetricName.named(ReadCsv.class, "rowsRead");

  /** Counter of malformed records kept in the failure output. */
  public static final MetricName RECORDS_FAILED = MetricName.named(ReadCsv.class, "recordsFailed");

  private static final Set<TypeName> SUPPORTED_TYPES =
      EnumSet.of(
          TypeName.STRING,
          TypeName.BOOLEAN,
          TypeName.BYTE,
          TypeName.INT16,
          TypeName.INT32,
          TypeName.INT64,
          TypeName.FLOAT,
          TypeName.DOUBLE,
          TypeName.DECIMAL);

  abstract String filepattern();

  abstract @Nullable Schema schema();

  abstract char delimiter();

  abstract int inferenceLines();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setFilepattern(String filepattern);

    abstract Builder setSchema(@Nullable Schema schema);

    abstract Builder setDelimiter(char delimiter);

    abstract Builder setInferenceLines(int inferenceLines);

    abstract ReadCsv build();
  }

  /**
   * Reads the files matching {@code filepattern} (a path, a glob like {@code data/*.csv}, or any
   * path Beam's {@code FileSystems} know), comma-separated, with an inferred schema.
   */
  public static ReadCsv from(String filepattern) {
    if (filepattern == null || filepattern.isEmpty()) {
      throw new IllegalArgumentException("Expected a file pattern, got " + filepattern);
    }
    return new AutoValue_ReadCsv.Builder()
        .setFilepattern(filepattern)
        .setDelimiter(',')
        .setInferenceLines(DEFAULT_INFERENCE_LINES)
        .build();
  }

  /**
   * The schema of the rows; default: inferred. Every field must be named in each file's header and
   * have a supported type (see the class documentation).
   */
  public ReadCsv withSchema(Schema schema) {
    if (schema == null || schema.getFieldCount() == 0) {
      throw new IllegalArgumentException(
          "Expected a schema with at least one field, got " + schema);
    }
    for (Field field : schema.getFields()) {
      if (!SUPPORTED_TYPES.contains(field.getType().getTypeName())) {
        throw new IllegalArgumentException(
            "Column '"
                + field.getName()
                + "' has type "
                + field.getType()
                + "; expected one of "
                + SUPPORTED_TYPES);
      }
    }
    return toBuilder().setSchema(schema).build();
  }

  /** The cell delimiter; default {@code ','}. Not a double quote or a line break. */
  public ReadCsv withDelimiter(char delimiter) {
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException(
          "Expected a delimiter other than a quote or a line break, got " + (int) delimiter);
    }
    return toBuilder().setDelimiter(delimiter).build();
  }

  /**
   * How many records of the first file schema inference reads, at least 1; default {@value
   * #DEFAULT_INFERENCE_LINES}. Ignored when a schema is given.
   */
  public ReadCsv withInferenceLines(int inferenceLines) {
    if (inferenceLines < 1) {
      throw new IllegalArgumentException("Expected inferenceLines >= 1, got " + inferenceLines);
    }
    return toBuilder().setInferenceLines(inferenceLines).build();
  }

  /**
   * Keeps malformed records in a failure output instead of failing the pipeline. Call it last: it
   * returns a transform whose output is a {@link ReadResult}.
   */
  public WithFailures withFailuresOutput() {
    return new WithFailures(this);
  }

  @Override
  public PCollection<Row> expand(PBegin input) {
    return read(input, false).getRows();
  }

  private ReadResult read(PBegin input, boolean keepFailures) {
    Schema schema =
        schema() != null ? schema() : inferSchema(filepattern(), delimiter(), inferenceLines());
    PCollectionTuple parsed =
        input
            .apply("Match", FileIO.match().filepattern(filepattern()))
            .apply("ReadMatches", FileIO.readMatches())
            .apply(
                "Parse",
                ParDo.of(new ParseFn(schema, delimiter(), keepFailures))
                    .withOutputTags(ReadResult.ROWS, TupleTagList.of(ReadResult.FAILURES)));
    parsed.get(ReadResult.ROWS).setRowSchema(schema);
    parsed.get(ReadResult.FAILURES).setRowSchema(ReadResult.FAILURE_SCHEMA);
    return ReadResult.of(parsed);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("filepattern", filepattern()))
        .add(DisplayData.item("delimiter", String.valueOf(delimiter())))
        .addIfNotNull(
            DisplayData.item("schema", schema() == null ? null : String.valueOf(schema())))
        .add(DisplayData.item("inferenceLines", inferenceLines()));
  }

  /**
   * Reads CSV like {@link ReadCsv} and keeps malformed records: the output is a {@link ReadResult}.
   *
   * <pre>{@code
   * ReadResult result = p.apply(ReadCsv.from("data/*.csv").withFailuresOutput());
   * }</pre>
   */
  public static final class WithFailures extends PTransform<PBegin, ReadResult> {
    private final ReadCsv read;

    private WithFailures(ReadCsv read) {
      this.read = read;
    }

    @Override
    public ReadResult expand(PBegin input) {
      return read.read(input, true);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      read.populateDisplayData(builder);
    }
  }

  /** The schema inferred from the first non-empty file matching {@code filepattern}. */
  static Schema inferSchema(String filepattern, char delimiter, int lines) {
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
              + "; ReadCsv infers the schema from the first matching file, so at least one must"
              + " exist when the pipeline is built (or pass withSchema)");
    }
    files.sort(Comparator.comparing(m -> m.resourceId().toString()));
    for (MatchResult.Metadata file : files) {
      String name = file.resourceId().toString();
      try (CsvRecords records = new CsvRecords(open(file), delimiter, name)) {
        List<String> header = records.header();
        if (header != null) {
          return inferSchema(records, header, lines);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + name + " to infer its schema", e);
      } catch (CsvRecords.SyntaxException e) {
        throw new IllegalArgumentException(
            "Cannot infer the schema of "
                + name
                + ": line "
                + e.line()
                + " does not parse as CSV: "
                + e.getMessage(),
            e);
      }
    }
    throw new IllegalArgumentException(
        "Every file matching "
            + filepattern
            + " is empty: there is no header to infer the schema from (pass withSchema)");
  }

  private static Schema inferSchema(CsvRecords records, List<String> header, int lines) {
    TypeName[] types = new TypeName[header.size()];
    int sampled = 0;
    CsvRecords.Record record;
    try {
      while (sampled < lines && (record = records.next()) != null) {
        if (record.cells().size() != header.size()) {
          continue;
        }
        sampled++;
        for (int i = 0; i < types.length; i++) {
          types[i] = widen(types[i], record.cells().get(i));
        }
      }
    } catch (CsvRecords.SyntaxException e) {
      // The sample ends where the text stops parsing; reading reports that record.
    }
    Schema.Builder schema = Schema.builder();
    for (int i = 0; i < types.length; i++) {
      TypeName type = types[i] == null ? TypeName.STRING : types[i];
      schema.addNullableField(header.get(i), FieldType.of(type));
    }
    return schema.build();
  }

  /** The narrowest of INT64, DOUBLE, STRING that holds {@code cell} and every earlier cell. */
  private static TypeName widen(@Nullable TypeName type, String cell) {
    if (cell.isEmpty() || type == TypeName.STRING) {
      return type;
    }
    if (type == null || type == TypeName.INT64) {
      try {
        NumberText.parseLong(cell);
        return TypeName.INT64;
      } catch (NumberFormatException e) {
        // Not an integer: maybe a double.
      }
    }
    try {
      NumberText.parseDouble(cell);
      return TypeName.DOUBLE;
    } catch (NumberFormatException e) {
      return TypeName.STRING;
    }
  }

  /** Opens {@code file} as UTF-8 text, decompressed by its extension. */
  static Reader open(MatchResult.Metadata file) throws IOException {
    String name = file.resourceId().getFilename();
    ReadableByteChannel channel =
        Compression.detect(name == null ? "" : name)
            .readDecompressed(FileSystems.open(file.resourceId()));
    return reader(channel);
  }

  /** Decodes UTF-8, replacing bytes that are not UTF-8, so they show in the cell they spoil. */
  private static Reader reader(ReadableByteChannel channel) {
    return new InputStreamReader(Channels.newInputStream(channel), UTF_8);
  }

  /** Parses whole files in order and emits rows and malformed records. */
  private static final class ParseFn extends DoFn<FileIO.ReadableFile, Row> {
    private final Schema schema;
    private final char delimiter;
    private final boolean keepFailures;
    private final Counter rowsRead = Metrics.counter(ROWS_READ.getNamespace(), ROWS_READ.getName());
    private final Counter recordsFailed =
        Metrics.counter(RECORDS_FAILED.getNamespace(), RECORDS_FAILED.getName());

    ParseFn(Schema schema, char delimiter, boolean keepFailures) {
      this.schema = schema;
      this.delimiter = delimiter;
      this.keepFailures = keepFailures;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out)
        throws IOException {
      String name = file.getMetadata().resourceId().toString();
      try (CsvRecords records = new CsvRecords(reader(file.open()), delimiter, name)) {
        parse(records, name, out);
      }
    }

    private void parse(CsvRecords records, String name, MultiOutputReceiver out) {
      List<String> header;
      try {
        header = records.header();
      } catch (CsvRecords.SyntaxException e) {
        reject(out, name, e.line(), "", "the header does not parse as CSV: " + e.getMessage());
        return;
      }
      if (header == null) {
        return;
      }
      int[] cellOfField = cellsOfFields(schema, header);
      for (int f = 0; f < cellOfField.length; f++) {
        if (cellOfField[f] < 0) {
          reject(
              out,
              name,
              1,
              String.join(String.valueOf(delimiter), header),
              noColumn(schema, header, f));
          return;
        }
      }
      while (true) {
        CsvRecords.Record record;
        try {
          record = records.next();
        } catch (CsvRecords.SyntaxException e) {
          reject(
              out,
              name,
              e.line(),
              "",
              "the text does not parse as CSV, so the rest of the file is not read: "
                  + e.getMessage());
          return;
        }
        if (record == null) {
          return;
        }
        List<String> cells = record.cells();
        if (cells.size() != header.size()) {
          reject(
              out,
              name,
              record.line(),
              record.text(),
              "expected " + header.size() + " cells as in the header, got " + cells.size());
          continue;
        }
        Object[] values = new Object[cellOfField.length];
        try {
          for (int f = 0; f < values.length; f++) {
            values[f] = value(cells.get(cellOfField[f]), schema.getField(f));
          }
        } catch (IllegalArgumentException e) {
          reject(out, name, record.line(), record.text(), e.getMessage());
          continue;
        }
        out.get(ReadResult.ROWS).output(Row.withSchema(schema).attachValues(values));
        rowsRead.inc();
      }
    }

    private void reject(
        MultiOutputReceiver out, String file, long line, String text, String error) {
      if (!keepFailures) {
        throw new IllegalArgumentException(ReadResult.describe(file, line, error));
      }
      out.get(ReadResult.FAILURES).output(ReadResult.failure(file, line, text, error));
      recordsFailed.inc();
    }
  }

  /** For each field of {@code schema}, the index of its cell in {@code header}, or -1. */
  static int[] cellsOfFields(Schema schema, List<String> header) {
    int[] cellOfField = new int[schema.getFieldCount()];
    for (int f = 0; f < cellOfField.length; f++) {
      cellOfField[f] = header.indexOf(schema.getField(f).getName());
    }
    return cellOfField;
  }

  /** Why a header without field {@code f} of {@code schema} cannot be read. */
  static String noColumn(Schema schema, List<String> header, int f) {
    return "the header has no column '"
        + schema.getField(f).getName()
        + "'; it has "
        + header
        + ", the schema "
        + schema.getFieldNames();
  }

  /**
   * The value of {@code cell} in a column of {@code field}'s type.
   *
   * @throws IllegalArgumentException naming the column and the value when it does not parse
   */
  static @Nullable Object value(String cell, Field field) {
    TypeName type = field.getType().getTypeName();
    if (cell.isEmpty()) {
      if (field.getType().getNullable()) {
        return null;
      }
      if (type == TypeName.STRING) {
        return "";
      }
      throw new IllegalArgumentException(
          "column '" + field.getName() + "' is empty; expected " + expected(type) + ", not null");
    }
    try {
      switch (type) {
        case STRING:
          return cell;
        case BOOLEAN:
          return parseBoolean(cell);
        case BYTE:
          return Byte.parseByte(cell.strip());
        case INT16:
          return Short.parseShort(cell.strip());
        case INT32:
          return Integer.parseInt(cell.strip());
        case INT64:
          return NumberText.parseLong(cell);
        case FLOAT:
          return (float) NumberText.parseDouble(cell);
        case DOUBLE:
          return NumberText.parseDouble(cell);
        case DECIMAL:
          return new BigDecimal(cell.strip());
        default:
          throw new IllegalStateException("Unsupported type " + type + " passed withSchema");
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "column '" + field.getName() + "' has value '" + cell + "'; expected " + expected(type));
    }
  }

  private static boolean parseBoolean(String cell) {
    String s = cell.strip().toLowerCase(Locale.ROOT);
    if (s.equals("true")) {
      return true;
    }
    if (s.equals("false")) {
      return false;
    }
    throw new NumberFormatException(cell);
  }

  private static String expected(TypeName type) {
    switch (type) {
      case BOOLEAN:
        return "true or false (BOOLEAN)";
      case BYTE:
      case INT16:
      case INT32:
      case INT64:
        return "an integer (" + type + ")";
      case FLOAT:
      case DOUBLE:
      case DECIMAL:
        return "a number (" + type + ")";
      default:
        return "a " + type;
    }
  }
}
