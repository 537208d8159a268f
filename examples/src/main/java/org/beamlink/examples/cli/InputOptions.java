package org.beamlink.examples.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.transforms.io.ReadCsv;
import picocli.CommandLine.Option;

/**
 * The input options of the commands that read CSV files ({@code --input}, {@code --delimiter},
 * {@code --schema}), as a picocli argument group: a command holds it as {@code @ArgGroup(exclusive
 * = false, multiplicity = "1")} (with {@code "0..1"} where the input is optional, as in {@code
 * train}, whose {@code logreg} subcommand has its own), then reads the located rows with {@link
 * #read} and checks them with {@link ValueRules}.
 *
 * <pre>{@code
 * @ArgGroup(exclusive = false, multiplicity = "1", heading = InputOptions.HEADING)
 * InputOptions input;
 * ...
 * PCollection<Row> located = input.read(pipeline);
 * PCollection<Row> rows = located.apply(ValueRules.finite().requiring(columns, "kmeans"));
 * }</pre>
 */
final class InputOptions {
  /** The heading of the group in a command's help. */
  static final String HEADING = "Input:%n";

  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "FILE",
      description =
          "CSV file, or a pattern like 'data/*.csv', each with a header line; .gz and other"
              + " compressed files are read by their extension.")
  String input;

  @Option(
      names = "--delimiter",
      defaultValue = ",",
      paramLabel = "CHAR",
      description = "Cell delimiter (default: ${DEFAULT-VALUE}).")
  char delimiter;

  @Option(
      names = "--schema",
      split = ",",
      paramLabel = "COL:TYPE",
      description =
          "Declare column types instead of inferring them, e.g. zip:string,count:double. Types:"
              + " string, double, int64, int32, boolean, decimal. Undeclared columns are inferred"
              + " from every value: numeric when most values are numbers (int64 if all are"
              + " integers), else string.")
  List<String> schema = new ArrayList<>();

  /** Options reading {@code input} with {@code delimiter}, for a program or a test. */
  static InputOptions of(String input, char delimiter) {
    InputOptions options = new InputOptions();
    options.input = input;
    options.delimiter = delimiter;
    return options;
  }

  /**
   * Reads the input as rows of {@link ReadCsv#locatedSchema}: each record's values with its file,
   * line and text, for {@link ValueRules} to report a bad value where it is.
   *
   * @throws IllegalArgumentException when no file matches {@code --input}, or for a malformed
   *     {@code --schema}
   */
  PCollection<Row> read(Pipeline pipeline) {
    return pipeline.apply("ReadCsv", readCsv().withLocations());
  }

  /** {@link ReadCsv} configured by the options. */
  ReadCsv readCsv() {
    try {
      if (FileSystems.match(input, EmptyMatchTreatment.ALLOW).metadata().isEmpty()) {
        throw new IllegalArgumentException("No file matches --input " + input);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot list the files of --input " + input + ": " + e);
    }
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
