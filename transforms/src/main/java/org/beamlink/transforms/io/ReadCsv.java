package org.beamlink.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.auto.value.AutoValue;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * <p><b>Schema.</b> {@link #withSchema} gives all of it. Otherwise the columns are those of the
 * header of the first matching file (in name order; empty files are passed over), and their types
 * are inferred when the pipeline is built from <em>every</em> value of every matching file, so that
 * a column's type never depends on where a value sits: a column is numeric when more than half of
 * its non-empty values are numbers, {@code INT64} when all of those are integers and {@code DOUBLE}
 * when any is not ({@code 0.1} in the last line of a column of counts makes it {@code DOUBLE});
 * every other column is {@code STRING}, as is a column with no value. Inferred columns are
 * nullable. A value that is not a number in a numeric column (a typo, {@code n/a}) is a malformed
 * record, reported with its line: if the column is text, declare it with {@link #withColumnType}
 * ({@code --schema COL:string} in the {@code beamlink} command line), which also skips inferring
 * it. Inference reads the files once, in the launcher, at 250-400 MB/s of CSV (it classifies cells
 * without making objects); for large files on a remote file system, declare the schema instead.
 *
 * <p><b>Values.</b> An empty cell is null in a nullable column, the empty string in a non-nullable
 * {@code STRING} column, and malformed otherwise. Numbers are decimal with optional sign, fraction
 * and exponent; doubles also read {@code NaN}, {@code inf} and {@code Infinity}. Booleans are
 * {@code true} or {@code false} in any case. Supported types: {@code STRING}, {@code BOOLEAN},
 * {@code BYTE}, {@code INT16}, {@code INT32}, {@code INT64}, {@code FLOAT}, {@code DOUBLE}, {@code
 * DECIMAL}.
 *
 * <p><b>Malformed records</b> (a number of cells different from the header's, a value that does not
 * parse as its column's type, a quote that is never closed) fail the pipeline with a one-line
 * message naming the file, the line, the column and the value. {@link #withFailuresOutput()} keeps
 * them instead, as rows of {@link ReadResult#FAILURE_SCHEMA}, and the good records still come
 * through. A file that cannot be read to its end (a truncated {@code .gz}) fails the pipeline,
 * naming the file and the last line read.
 *
 * <p><b>Locations.</b> With {@link #withLocations()} each row comes out inside a row of {@link
 * #locatedSchema}: the file, the line and the text of its record beside its values, for a step
 * downstream that reports a failure by where it is in the input.
 *
 * <p>Metrics: counters {@link #ROWS_READ} and {@link #RECORDS_FAILED}.
 *
 * <pre>{@code
 * PCollection<Row> rows = p.apply(ReadCsv.from("data/iris-*.csv"));
 * PCollection<Row> withZip = p.apply(ReadCsv.from("shops.csv").withColumnType("zip", FieldType.STRING));
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

  /**
   * The schema of the rows: given by {@link #withSchema} or fixed by {@link #withInferredSchema};
   * null while it is to be inferred when the pipeline is built.
   */
  public abstract @Nullable Schema schema();

  abstract Map<String, FieldType> columnTypes();

  /** The columns of {@link #schema()} whose types were inferred ({@link #withInferredSchema}). */
  abstract Set<String> inferredColumns();

  abstract char delimiter();

  abstract boolean locations();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setFilepattern(String filepattern);

    abstract Builder setSchema(@Nullable Schema schema);

    abstract Builder setColumnTypes(Map<String, FieldType> columnTypes);

    abstract Builder setInferredColumns(Set<String> inferredColumns);

    abstract Builder setDelimiter(char delimiter);

    abstract Builder setLocations(boolean locations);

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
        .setColumnTypes(Map.of())
        .setInferredColumns(Set.of())
        .setDelimiter(',')
        .setLocations(false)
        .build();
  }

  /**
   * The schema of the rows; default: inferred (see the class documentation). Every field must be
   * named in each file's header and have a supported type. Not with {@link #withColumnType}.
   */
  public ReadCsv withSchema(Schema schema) {
    if (schema == null || schema.getFieldCount() == 0) {
      throw new IllegalArgumentException(
          "Expected a schema with at least one field, got " + schema);
    }
    for (Field field : schema.getFields()) {
      checkSupported(field.getName(), field.getType());
    }
    return toBuilder().setSchema(schema).setInferredColumns(Set.of()).build();
  }

  /**
   * Infers the schema now, reading every matching file once (see the class documentation), and
   * returns this read with it fixed: reading it infers nothing more, and a value that does not
   * parse in an inferred column is reported as it would have been. Unchanged when the schema is
   * given. For a program that needs the schema before it builds the rest of its pipeline, such as
   * to choose columns by type.
   *
   * <pre>{@code
   * ReadCsv read = ReadCsv.from("data.csv").withInferredSchema();
   * Schema schema = read.schema();
   * }</pre>
   */
  public ReadCsv withInferredSchema() {
    if (schema() != null) {
      return this;
    }
    Schema inferred = inferSchema();
    Set<String> names = new HashSet<>(inferred.getFieldNames());
    names.removeAll(columnTypes().keySet());
    return toBuilder()
        .setSchema(inferred)
        .setColumnTypes(Map.of())
        .setInferredColumns(Collections.unmodifiableSet(names))
        .build();
  }

  /**
   * Declares the type of one column of an inferred schema, which is then not inferred: for example
   * {@code FieldType.STRING} for a text column most of whose values look like numbers (zip codes,
   * versions), or {@code FieldType.DOUBLE} for a column to be read as numbers even when most of its
   * values are not. The column must be in the header; the type must be supported (see the class
   * documentation); an empty cell is null when the type is nullable. Call once per column; the last
   * call for a column wins. Not with {@link #withSchema}.
   */
  public ReadCsv withColumnType(String column, FieldType type) {
    if (column == null || column.isEmpty()) {
      throw new IllegalArgumentException("Expected a column name, got " + column);
    }
    if (type == null) {
      throw new IllegalArgumentException("Expected a type for column '" + column + "', got null");
    }
    checkSupported(column, type);
    Map<String, FieldType> types = new LinkedHashMap<>(columnTypes());
    types.put(column, type);
    return toBuilder().setColumnTypes(Collections.unmodifiableMap(types)).build();
  }

  private static void checkSupported(String column, FieldType type) {
    if (!SUPPORTED_TYPES.contains(type.getTypeName())) {
      throw new IllegalArgumentException(
          "Column '" + column + "' has type " + type + "; expected one of " + SUPPORTED_TYPES);
    }
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
   * Emits each row inside a row of {@link #locatedSchema}: where its record is (file, line, text)
   * beside its values, for a step that reports failures by their place in the input.
   *
   * <pre>{@code
   * PCollection<Row> located = p.apply(ReadCsv.from("data.csv").withLocations());
   * // in a DoFn: Row values = r.getRow("row"); long line = r.getInt64("line");
   * }</pre>
   */
  public ReadCsv withLocations() {
    return toBuilder().setLocations(true).build();
  }

  /**
   * The schema of the rows {@link #withLocations()} emits: {@code file} and {@code line} (where the
   * record starts), {@code text} (the record as CSV) and {@code row} (its values, of {@code
   * rowSchema}).
   */
  public static Schema locatedSchema(Schema rowSchema) {
    return Schema.builder()
        .addStringField("file")
        .addInt64Field("line")
        .addStringField("text")
        .addRowField("row", rowSchema)
        .build();
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
    if (schema() != null && !columnTypes().isEmpty()) {
      throw new IllegalArgumentException(
          "ReadCsv has both withSchema and withColumnType "
              + columnTypes().keySet()
              + ": withSchema declares every column, withColumnType some of an inferred schema");
    }
    ReadCsv resolved = withInferredSchema();
    Schema schema = resolved.schema();
    Set<String> inferred = resolved.inferredColumns();
    Schema output = locations() ? locatedSchema(schema) : schema;
    ParseFn parse = new ParseFn(schema, delimiter(), keepFailures, inferred, locations());
    PCollectionTuple parsed =
        input
            .apply("Match", FileIO.match().filepattern(filepattern()))
            .apply("ReadMatches", FileIO.readMatches())
            .apply(
                "Parse",
                ParDo.of(parse)
                    .withOutputTags(ReadResult.ROWS, TupleTagList.of(ReadResult.FAILURES)));
    parsed.get(ReadResult.ROWS).setRowSchema(output);
    parsed.get(ReadResult.FAILURES).setRowSchema(ReadResult.FAILURE_SCHEMA);
    return ReadResult.of(parsed);
  }

  /** The schema inferred from every matching file, with the declared column types. */
  private Schema inferSchema() {
    Schema schema = inferSchema(filepattern(), delimiter(), columnTypes());
    for (String column : columnTypes().keySet()) {
      if (!schema.hasField(column)) {
        throw new IllegalArgumentException(
            "withColumnType declares column '"
                + column
                + "', which the header of the files matching "
                + filepattern()
                + " does not have; it has "
                + schema.getFieldNames());
      }
    }
    return schema;
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("filepattern", filepattern()))
        .add(DisplayData.item("delimiter", String.valueOf(delimiter())))
        .addIfNotNull(
            DisplayData.item("schema", schema() == null ? null : String.valueOf(schema())))
        .add(DisplayData.item("columnTypes", String.valueOf(columnTypes())))
        .add(DisplayData.item("locations", locations()));
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

  /**
   * The schema of the files matching {@code filepattern}: the columns of the first non-empty one,
   * the types of those in {@code declared} as given, the others inferred from every value of every
   * file (see the class documentation).
   */
  static Schema inferSchema(String filepattern, char delimiter, Map<String, FieldType> declared) {
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
              + "; ReadCsv infers the schema from the matching files, so at least one must exist"
              + " when the pipeline is built (or pass withSchema)");
    }
    files.sort(Comparator.comparing(m -> m.resourceId().toString()));
    CsvTypeInference types = new CsvTypeInference(declared);
    for (MatchResult.Metadata file : files) {
      String name = file.resourceId().toString();
      try (InputStream in = Channels.newInputStream(openDecompressed(file))) {
        types.scan(in, delimiter, name);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot read " + name + " to infer its schema: " + describe(e), e);
      }
    }
    if (!types.hasHeader()) {
      throw new IllegalArgumentException(
          "Every file matching "
              + filepattern
              + " is empty: there is no header to infer the schema from (pass withSchema)");
    }
    return types.schema();
  }

  /** What went wrong reading a file, in words: EOF errors of truncated files have no message. */
  static String describe(IOException e) {
    if (e instanceof EOFException) {
      return "the file ends in the middle of its data (truncated or still being written?)"
          + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    return e.getMessage() != null
        ? e.getClass().getSimpleName() + ": " + e.getMessage()
        : e.getClass().getSimpleName();
  }

  /** Opens {@code file} as UTF-8 text, decompressed by its extension. */
  static Reader open(MatchResult.Metadata file) throws IOException {
    return reader(openDecompressed(file));
  }

  private static ReadableByteChannel openDecompressed(MatchResult.Metadata file)
      throws IOException {
    String name = file.resourceId().getFilename();
    return Compression.detect(name == null ? "" : name)
        .readDecompressed(FileSystems.open(file.resourceId()));
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
    private final boolean locations;
    private final Schema located;

    /** Per field: inferred (a value that is not a number may mean a text column). */
    private final boolean[] inferred;

    private final Counter rowsRead = Metrics.counter(ROWS_READ.getNamespace(), ROWS_READ.getName());
    private final Counter recordsFailed =
        Metrics.counter(RECORDS_FAILED.getNamespace(), RECORDS_FAILED.getName());

    ParseFn(
        Schema schema,
        char delimiter,
        boolean keepFailures,
        Set<String> inferred,
        boolean locations) {
      this.schema = schema;
      this.delimiter = delimiter;
      this.keepFailures = keepFailures;
      this.locations = locations;
      this.located = locatedSchema(schema);
      this.inferred = new boolean[schema.getFieldCount()];
      for (int f = 0; f < this.inferred.length; f++) {
        this.inferred[f] = inferred.contains(schema.getField(f).getName());
      }
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out)
        throws IOException {
      String name = file.getMetadata().resourceId().toString();
      try (CsvRecords records = new CsvRecords(reader(file.open()), delimiter, name)) {
        parse(records, name, out);
      }
    }

    private void parse(CsvRecords records, String name, MultiOutputReceiver out)
        throws IOException {
      List<String> header;
      try {
        header = records.header();
      } catch (CsvRecords.SyntaxException e) {
        reject(out, name, e.line(), "", "the header does not parse as CSV: " + e.getMessage());
        return;
      } catch (IOException e) {
        throw new IOException("Cannot read " + name + ": " + describe(e), e);
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
      long lastLine = 1;
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
        } catch (IOException e) {
          throw new IOException(
              "Cannot read " + name + " after line " + lastLine + ": " + describe(e), e);
        }
        if (record == null) {
          return;
        }
        lastLine = record.line();
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
            values[f] = value(cells.get(cellOfField[f]), f);
          }
        } catch (IllegalArgumentException e) {
          reject(out, name, record.line(), record.text(), e.getMessage());
          continue;
        }
        Row row = Row.withSchema(schema).attachValues(values);
        out.get(ReadResult.ROWS)
            .output(
                locations
                    ? Row.withSchema(located).attachValues(name, record.line(), record.text(), row)
                    : row);
        rowsRead.inc();
      }
    }

    /** The value of field {@code f} in {@code cell}. */
    private @Nullable Object value(String cell, int f) {
      return ReadCsv.value(cell, schema.getField(f), inferred[f]);
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
   * The value of {@code cell} in a column of {@code field}'s type; for a column whose type was
   * {@code inferred}, the message of a value that does not parse says how to declare it as text.
   *
   * @throws IllegalArgumentException naming the column and the value when it does not parse
   */
  static @Nullable Object value(String cell, Field field, boolean inferred) {
    try {
      return value(cell, field);
    } catch (IllegalArgumentException e) {
      if (inferred && !cell.isEmpty()) {
        throw new IllegalArgumentException(
            e.getMessage()
                + ", as most values of the column are; if the column is text, declare it so"
                + " (ReadCsv.withColumnType, or --schema "
                + field.getName()
                + ":string in the beamlink command line)");
      }
      throw e;
    }
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
