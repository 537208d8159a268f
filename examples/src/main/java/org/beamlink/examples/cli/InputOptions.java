package org.beamlink.examples.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.transforms.io.ReadAvro;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.io.ReadCsvBlocks;
import org.beamlink.transforms.io.ReadParquet;
import org.beamlink.transforms.io.ReadParquetBlocks;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Option;

/**
 * The input options of the commands that read tables ({@code --input}, {@code --delimiter}, {@code
 * --schema}), as a picocli argument group: a command holds it as {@code @ArgGroup(exclusive =
 * false, multiplicity = "1")} (with {@code "0..1"} where the input is optional, as in {@code
 * train}, whose {@code logreg} subcommand has its own), then reads the located rows with {@link
 * #read} and checks them with {@link ValueRules}.
 *
 * <p>The input is CSV ({@link ReadCsv}), or Parquet ({@link ReadParquet}) or Avro ({@link
 * ReadAvro}) when {@code --input} (a file or a pattern) ends with {@code .parquet} or {@code
 * .avro}. Parquet and Avro files are read for the columns the command needs only ({@link
 * #read(Pipeline, ColumnChoice)}), and a row's place is its number in its file ({@link
 * Format#place}).
 *
 * <pre>{@code
 * @ArgGroup(exclusive = false, multiplicity = "1", heading = InputOptions.HEADING)
 * InputOptions input;
 * ...
 * PCollection<Row> located = input.read(pipeline, schema -> features.columns(schema, List.of()));
 * PCollection<Row> rows = located.apply(ValueRules.finite().requiring(columns, "kmeans"));
 * }</pre>
 */
final class InputOptions {
  /** The formats of {@code --input}, by its extension. */
  enum Format {
    CSV("line"),
    PARQUET("row"),
    AVRO("record");

    private final String place;

    Format(String place) {
      this.place = place;
    }

    /** The format of a file or a pattern: by its extension, CSV unless .parquet or .avro. */
    static Format of(String input) {
      String name = input.toLowerCase(Locale.ROOT);
      if (name.endsWith(".parquet")) {
        return PARQUET;
      }
      return name.endsWith(".avro") ? AVRO : CSV;
    }

    /** A record's place in a file of this format, in words: {@code line 3}, {@code row 3}. */
    String place(long line) {
      return place + " " + line;
    }
  }

  /** The columns a command needs, given the schema of the columns the input can give. */
  interface ColumnChoice {
    List<String> columns(Schema readable);
  }

  /** The heading of the group in a command's help. */
  static final String HEADING = "Input:%n";

  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "FILE",
      description =
          "CSV file, or a pattern like 'data/*.csv', each with a header line; .gz and other"
              + " compressed files are read by their extension. Parquet or Avro files when it"
              + " ends with .parquet or .avro (only the columns needed are read).")
  String input;

  @Option(
      names = "--delimiter",
      defaultValue = ",",
      paramLabel = "CHAR",
      description = "Cell delimiter of CSV (default: ${DEFAULT-VALUE}).")
  char delimiter;

  @Option(
      names = "--schema",
      split = ",",
      paramLabel = "COL:TYPE",
      description =
          "Declare CSV column types instead of inferring them, e.g. zip:string,count:double. Types:"
              + " string, double, int64, int32, boolean, decimal. Undeclared columns are inferred"
              + " from every value: numeric when most values are numbers (int64 if all are"
              + " integers), else string.")
  List<String> schema = new ArrayList<>();

  private @Nullable ReadCsv csv;

  /** Options reading {@code input} with {@code delimiter}, for a program or a test. */
  static InputOptions of(String input, char delimiter) {
    InputOptions options = new InputOptions();
    options.input = input;
    options.delimiter = delimiter;
    return options;
  }

  /** The format of the input. */
  Format format() {
    return Format.of(input);
  }

  /** The counter of rows read by the input's reader, for progress. */
  MetricName rowsRead() {
    return switch (format()) {
      case CSV -> ReadCsv.ROWS_READ;
      case PARQUET -> ReadParquet.ROWS_READ;
      case AVRO -> ReadAvro.ROWS_READ;
    };
  }

  /**
   * Reads every column of the input (of Parquet and Avro, every column of a type Beamlink reads) as
   * rows of {@link ReadCsv#locatedSchema}: each record's values with its file, line (CSV) or number
   * in the file (Parquet, Avro) and text (CSV), for {@link ValueRules} to report a bad value where
   * it is.
   *
   * @throws IllegalArgumentException when no file matches {@code --input}, a file cannot be read,
   *     or for a malformed {@code --schema}
   */
  PCollection<Row> read(Pipeline pipeline) {
    return read(pipeline, readable -> readable.getFieldNames());
  }

  /**
   * Reads the input as {@link #read(Pipeline)} does, of Parquet and Avro files only the columns
   * {@code choice} takes from the schema of those Beamlink can read; CSV files are read whole.
   */
  PCollection<Row> read(Pipeline pipeline, ColumnChoice choice) {
    checkMatches();
    switch (format()) {
      case PARQUET:
        return pipeline.apply(
            "ReadParquet",
            ReadParquet.from(input).withColumns(choice.columns(parquetSchema())).withLocations());
      case AVRO:
        {
          checkNoSchema();
          ReadAvro all = ReadAvro.from(input);
          ReadAvro readable = all.withColumns(readable(all.readableColumns()));
          return pipeline.apply(
              "ReadAvro", all.withColumns(choice.columns(readable.schema())).withLocations());
        }
      default:
        return pipeline.apply("ReadCsv", readCsv().withLocations());
    }
  }

  private void checkMatches() {
    try {
      if (FileSystems.match(input, EmptyMatchTreatment.ALLOW).metadata().isEmpty()) {
        throw new IllegalArgumentException("No file matches --input " + input);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot list the files of --input " + input + ": " + e);
    }
  }

  /** {@code columns}, the readable columns of the input, unless there is none. */
  private List<String> readable(List<String> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException(
          "--input "
              + input
              + " has no column of a type beamlink reads (boolean, int, long, float, double,"
              + " string)");
    }
    return columns;
  }

  private void checkNoSchema() {
    if (!schema.isEmpty()) {
      throw new IllegalArgumentException(
          "--schema declares the types of CSV columns; "
              + format()
              + " files such as --input "
              + input
              + " have their own");
    }
  }

  /**
   * The CSV input as training blocks ({@link ReadCsvBlocks}) when {@code used} (the columns a
   * command trains on) are every column of the files and all numeric, with {@code why} ending the
   * message of a missing value as {@link ValueRules} ends it; else null, and the command reads rows
   * ({@link #read}) for {@link ValueRules} to check every column.
   */
  @Nullable ReadCsvBlocks blocks(List<String> used, String why) {
    if (format() != Format.CSV) {
      return null;
    }
    Schema schema = readCsv().schema();
    for (Schema.Field field : schema.getFields()) {
      if (!used.contains(field.getName()) || !FeatureColumns.isNumeric(field.getType())) {
        return null;
      }
    }
    return ReadCsvBlocks.from(readCsv()).withMissingValueReason(why);
  }

  /**
   * The schema of the columns of the Parquet input that Beamlink reads, from the files' footers.
   *
   * @throws IllegalArgumentException as {@link #read(Pipeline)}
   */
  Schema parquetSchema() {
    checkMatches();
    checkNoSchema();
    ReadParquet all = ReadParquet.from(input);
    return all.withColumns(readable(all.readableColumns())).schema();
  }

  /**
   * The Parquet input as training blocks ({@link ReadParquetBlocks}) when {@code used} (the columns
   * a command trains on) are all numeric columns of {@code readable} ({@link #parquetSchema}), with
   * {@code why} ending the message of a missing value as {@link ValueRules} ends it; else null (and
   * for other formats), and the command reads rows ({@link #read}), which names what is wrong. Only
   * the used columns are read either way, so a bad value in another column is never seen, as with
   * rows.
   */
  @Nullable ReadParquetBlocks parquetBlocks(Schema readable, List<String> used, String why) {
    if (format() != Format.PARQUET) {
      return null;
    }
    for (String column : used) {
      if (!readable.hasField(column)
          || !FeatureColumns.isNumeric(readable.getField(column).getType())) {
        return null;
      }
    }
    return ReadParquetBlocks.from(input).withMissingValueReason(why);
  }

  /** {@link ReadCsv} configured by the options, its schema inferred (once: the files are read). */
  ReadCsv readCsv() {
    if (csv == null) {
      csv = configuredCsv().withInferredSchema();
    }
    return csv;
  }

  private ReadCsv configuredCsv() {
    checkMatches();
    ReadCsv read = ReadCsv.from(input).withDelimiter(delimiter);
    for (String declaration : schema) {
      int colon = declaration.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "--schema takes COL:TYPE, for example zip:string; got '" + declaration + "'");
      }
      String column = declaration.substring(0, colon);
      read = read.withColumnType(column, type(declaration.substring(colon + 1)));
    }
    return read;
  }

  /** The values' schema of rows read by {@link #read}. */
  static Schema valuesSchema(PCollection<Row> located) {
    return located.getSchema().getField("row").getType().getRowSchema();
  }

  private static FieldType type(String name) {
    TypeName type =
        switch (name.strip().toLowerCase(Locale.ROOT)) {
          case "string" -> TypeName.STRING;
          case "double" -> TypeName.DOUBLE;
          case "int64" -> TypeName.INT64;
          case "int32" -> TypeName.INT32;
          case "boolean" -> TypeName.BOOLEAN;
          case "decimal" -> TypeName.DECIMAL;
          default ->
              throw new IllegalArgumentException(
                  "--schema type '"
                      + name
                      + "' is not one of string, double, int64, int32, boolean, decimal");
        };
    return FieldType.of(type).withNullable(true);
  }
}
