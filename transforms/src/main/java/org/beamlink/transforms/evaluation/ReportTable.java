package org.beamlink.transforms.evaluation;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A plain-text table for metric reports: the first column left-aligned, the others right-aligned,
 * columns separated by two spaces, every line ending with a line break.
 *
 * <pre>{@code
 * ReportTable t = new ReportTable("metric", "value");
 * t.add("auc", ReportTable.format(0.93));
 * String text = t.toString();
 * }</pre>
 */
final class ReportTable {
  private final List<String[]> lines = new ArrayList<>();
  private final int width;

  /** A table with this header. */
  ReportTable(String... header) {
    this.width = header.length;
    lines.add(header.clone());
  }

  /** Adds a line of as many cells as the header. */
  ReportTable add(String... cells) {
    if (cells.length != width) {
      throw new IllegalArgumentException(
          "Expected " + width + " cells, got " + cells.length + ": " + List.of(cells));
    }
    lines.add(cells.clone());
    return this;
  }

  /** Adds a line: a name, then numbers formatted with {@link #format(double)}. */
  ReportTable add(String name, double... values) {
    String[] cells = new String[values.length + 1];
    cells[0] = name;
    for (int i = 0; i < values.length; i++) {
      cells[i + 1] = format(values[i]);
    }
    return add(cells);
  }

  @Override
  public String toString() {
    int[] widths = new int[width];
    for (String[] line : lines) {
      for (int i = 0; i < width; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] line : lines) {
      for (int i = 0; i < width; i++) {
        String pad = " ".repeat(widths[i] - line[i].length());
        out.append(i == 0 ? line[i] + pad : pad + line[i]);
        out.append(i + 1 < width ? "  " : "\n");
      }
    }
    return out.toString();
  }

  /**
   * Up to 10 significant digits without trailing zeros; scientific outside [1e-4, 1e12); NaN and
   * infinities as Java writes them.
   */
  static String format(double value) {
    if (!Double.isFinite(value)) {
      return Double.toString(value);
    }
    if (value == 0.0) {
      return "0";
    }
    double magnitude = Math.abs(value);
    if (magnitude < 1e-4 || magnitude >= 1e12) {
      return String.format(Locale.ROOT, "%.9e", value);
    }
    return new BigDecimal(value).round(new MathContext(10)).stripTrailingZeros().toPlainString();
  }
}
