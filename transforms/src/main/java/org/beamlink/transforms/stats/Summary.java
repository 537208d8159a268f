package org.beamlink.transforms.stats;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The statistics {@link Summarizer} computes: the number of rows and one {@link ColumnSummary} per
 * numeric column and per coordinate of each vector column, in schema order.
 *
 * <p>Serializable, because Beam keeps the summary of empty input in the pipeline as a default
 * value.
 *
 * <pre>{@code
 * Summary summary = ...;
 * summary.column("sepal_length").mean();
 * System.out.print(summary.toTable());
 * }</pre>
 *
 * @param rows rows in the input, whatever their values
 * @param columns the columns' statistics
 */
public record Summary(long rows, List<ColumnSummary> columns) implements Serializable {
  private static final String[] TABLE_HEADER = {
    "column", "count", "missing", "mean", "stddev", "min", "max"
  };

  /** Copies {@code columns}. */
  public Summary {
    columns = List.copyOf(columns);
  }

  /**
   * The statistics of column {@code name} ({@code features[3]} for a vector's coordinate).
   *
   * @throws IllegalArgumentException when there is none
   */
  public ColumnSummary column(String name) {
    for (ColumnSummary column : columns) {
      if (column.column().equals(name)) {
        return column;
      }
    }
    throw new IllegalArgumentException(
        "No statistics for column '"
            + name
            + "'; the summary has "
            + columns.stream().map(ColumnSummary::column).toList());
  }

  /**
   * A plain-text table with one line per column: column, count, missing, mean, stddev, min, max;
   * numbers with up to 7 significant digits. Every line ends with a line break.
   */
  public String toTable() {
    List<String[]> lines = new ArrayList<>();
    lines.add(TABLE_HEADER);
    for (ColumnSummary c : columns) {
      lines.add(
          new String[] {
            c.column(),
            Long.toString(c.count()),
            Long.toString(c.missing()),
            format(c.mean()),
            format(c.stddev()),
            format(c.min()),
            format(c.max())
          });
    }
    return alignColumns(lines);
  }

  /**
   * Lines of cells as a plain-text table: the first cell of each line aligned left (names), the
   * others right (numbers), two spaces between cells, every line ending with a line break.
   */
  static String alignColumns(List<String[]> lines) {
    int[] widths = new int[lines.get(0).length];
    for (String[] line : lines) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder table = new StringBuilder();
    for (String[] line : lines) {
      for (int i = 0; i < widths.length; i++) {
        String pad = " ".repeat(widths[i] - line[i].length());
        // Names to the left, numbers to the right.
        table.append(i == 0 ? line[i] + pad : pad + line[i]);
        table.append(i + 1 < widths.length ? "  " : "\n");
      }
    }
    return table.toString();
  }

  /** Up to 7 significant digits, without trailing zeros; scientific outside [1e-4, 1e9). */
  static String format(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    if (value == 0.0) {
      return "0";
    }
    double magnitude = Math.abs(value);
    if (magnitude < 1e-4 || magnitude >= 1e9) {
      return String.format(Locale.ROOT, "%.6e", value);
    }
    return new BigDecimal(value).round(new MathContext(7)).stripTrailingZeros().toPlainString();
  }

  @Override
  public String toString() {
    return "Summary of " + rows + " rows\n" + toTable();
  }
}
