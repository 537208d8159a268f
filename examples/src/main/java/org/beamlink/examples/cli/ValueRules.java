package org.beamlink.examples.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The command line's one rule for missing and non-finite values, checked where the rows are read so
 * that an error names the file, the line, the column and the value:
 *
 * <ul>
 *   <li>An infinity ({@code inf}, {@code -Infinity}) in a numeric column is an error in every
 *       command, wherever it is.
 *   <li>A missing value (an empty cell, or {@code NaN}) is an error in a column the command
 *       requires ({@link #requiring}: the features of {@code kmeans}, the label of {@code train},
 *       the columns {@code eval} compares), and allowed elsewhere ({@code stats} counts them, an
 *       {@code impute} stage fills them).
 * </ul>
 *
 * <p>Input: rows of {@code ReadCsv.locatedSchema} ({@link InputOptions#read}), from CSV, Parquet or
 * Avro files; output: their values.
 *
 * <pre>{@code
 * PCollection<Row> rows =
 *     located.apply(ValueRules.finite().requiring(features, "kmeans needs a value in every feature column"));
 * }</pre>
 */
final class ValueRules extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final List<String> required;
  private final @Nullable String why;

  private ValueRules(List<String> required, @Nullable String why) {
    this.required = required;
    this.why = why;
  }

  /** Infinities are errors; no column requires a value. */
  static ValueRules finite() {
    return new ValueRules(List.of(), null);
  }

  /**
   * These rules, and a value required in {@code columns} (those the input has; the command's
   * transforms name the others), {@code why} saying which command needs them and what to do.
   */
  ValueRules requiring(List<String> columns, String why) {
    List<String> all = new ArrayList<>(required);
    all.addAll(columns);
    return new ValueRules(List.copyOf(all), why);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> located) {
    Schema values = InputOptions.valuesSchema(located);
    return located
        .apply("Check values", ParDo.of(new CheckFn(checker(values))))
        .setRowSchema(values);
  }

  /** The check of rows of {@code schema}. */
  Checker checker(Schema schema) {
    List<Integer> indices = new ArrayList<>();
    for (String c : required) {
      if (schema.hasField(c)) {
        indices.add(schema.indexOf(c));
      }
    }
    return new Checker(indices.stream().mapToInt(Integer::intValue).toArray(), why);
  }

  /** What is wrong with a row's values, by these rules. */
  static final class Checker implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] required;
    private final @Nullable String why;

    private Checker(int[] required, @Nullable String why) {
      this.required = required;
      this.why = why;
    }

    /** What is wrong with {@code row}, in words, or null when it keeps the rules. */
    @Nullable String violation(Row row) {
      Schema schema = row.getSchema();
      for (int i : required) {
        Object value = row.getValue(i);
        if (value == null) {
          return "column '" + schema.getField(i).getName() + "' is empty; " + why;
        }
        if (value instanceof Double d && d.isNaN() || value instanceof Float f && f.isNaN()) {
          return "column '"
              + schema.getField(i).getName()
              + "' has value NaN, a missing value; "
              + why;
        }
      }
      for (int i = 0; i < row.getFieldCount(); i++) {
        Object value = row.getValue(i);
        if (value instanceof Double d && d.isInfinite()
            || value instanceof Float f && f.isInfinite()) {
          return "column '"
              + schema.getField(i).getName()
              + "' has value "
              + value
              + "; beamlink reads finite numbers only";
        }
      }
      return null;
    }
  }

  /** Checks located rows and emits their values; fails on the first violation. */
  private static final class CheckFn extends DoFn<Row, Row> {
    private final Checker checker;

    CheckFn(Checker checker) {
      this.checker = checker;
    }

    @ProcessElement
    public void process(@Element Row located, OutputReceiver<Row> out) {
      Row values = located.getRow("row");
      String violation = checker.violation(values);
      if (violation != null) {
        throw new IllegalArgumentException(where(located) + violation);
      }
      out.output(values);
    }
  }

  /**
   * The start of a message about a located row: {@code "In FILE, line N: "}, or {@code row N}
   * (Parquet), {@code record N} (Avro): its number in the file.
   */
  static String where(Row located) {
    String file = located.getString("file");
    return "In "
        + file
        + ", "
        + InputOptions.Format.of(file).place(located.getInt64("line"))
        + ": ";
  }
}
