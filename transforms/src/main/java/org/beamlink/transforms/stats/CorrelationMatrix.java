package org.beamlink.transforms.stats;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/**
 * A correlation matrix, as {@link Correlation} computes it: the method ({@code pearson} or {@code
 * spearman}), the number of rows it was computed from, the column names (numeric columns, or {@code
 * features[i]} for the coordinates of a vector column) and the symmetric matrix. An entry is NaN
 * where a column has no spread (constant, or fewer than two rows), as numpy and scipy give it.
 *
 * <p>Serializable, because Beam keeps the matrix of empty input in the pipeline as a default value.
 *
 * <pre>{@code
 * CorrelationMatrix m = ...;
 * double r = m.get("petal_length", "petal_width");
 * System.out.print(m.report());
 * }</pre>
 */
public final class CorrelationMatrix implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String method;
  private final long rows;
  private final List<String> columns;
  private final double[][] values;

  /**
   * A matrix of {@code columns.size()} squared values.
   *
   * <pre>{@code
   * CorrelationMatrix m = CorrelationMatrix.of("pearson", 3, List.of("x", "y"),
   *     new double[][] {{1, 0.5}, {0.5, 1}});
   * }</pre>
   *
   * @throws IllegalArgumentException when the matrix is not square of the columns' size
   */
  public static CorrelationMatrix of(
      String method, long rows, List<String> columns, double[][] values) {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException(
          "Expected a "
              + columns.size()
              + " x "
              + columns.size()
              + " matrix, got "
              + values.length
              + " rows");
    }
    double[][] copy = new double[values.length][];
    for (int i = 0; i < values.length; i++) {
      if (values[i].length != columns.size()) {
        throw new IllegalArgumentException(
            "Expected " + columns.size() + " values in row " + i + ", got " + values[i].length);
      }
      copy[i] = values[i].clone();
    }
    return new CorrelationMatrix(method, rows, List.copyOf(columns), copy);
  }

  private CorrelationMatrix(String method, long rows, List<String> columns, double[][] values) {
    this.method = method;
    this.rows = rows;
    this.columns = columns;
    this.values = values;
  }

  /** {@code pearson} or {@code spearman}. */
  public String method() {
    return method;
  }

  /** The number of rows the matrix was computed from. */
  public long rows() {
    return rows;
  }

  /** The column names, in matrix order. */
  public List<String> columns() {
    return columns;
  }

  /** The correlation of columns {@code i} and {@code j}. */
  public double get(int i, int j) {
    return values[i][j];
  }

  /**
   * The correlation of two columns by name.
   *
   * @throws IllegalArgumentException naming a column the matrix does not have
   */
  public double get(String a, String b) {
    return values[index(a)][index(b)];
  }

  private int index(String name) {
    int i = columns.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(
          "No column '" + name + "' in the correlation matrix; it has " + columns);
    }
    return i;
  }

  /** A copy of the matrix. */
  public double[][] toArray() {
    double[][] copy = new double[values.length][];
    for (int i = 0; i < values.length; i++) {
      copy[i] = values[i].clone();
    }
    return copy;
  }

  /**
   * A readable table: a title line (method and rows), then a header of column names and one line
   * per column, numbers with up to 7 significant digits. Every line ends with a line break.
   */
  public String report() {
    List<String[]> lines = new ArrayList<>();
    String[] header = new String[columns.size() + 1];
    header[0] = "";
    for (int j = 0; j < columns.size(); j++) {
      header[j + 1] = columns.get(j);
    }
    lines.add(header);
    for (int i = 0; i < columns.size(); i++) {
      String[] line = new String[columns.size() + 1];
      line[0] = columns.get(i);
      for (int j = 0; j < columns.size(); j++) {
        line[j + 1] = Summary.format(values[i][j]);
      }
      lines.add(line);
    }
    String title =
        Character.toUpperCase(method.charAt(0))
            + method.substring(1)
            + " correlation of "
            + rows
            + " rows\n";
    return title + Summary.alignColumns(lines);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CorrelationMatrix m
        && method.equals(m.method)
        && rows == m.rows
        && columns.equals(m.columns)
        && Arrays.deepEquals(values, m.values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * method.hashCode() + columns.hashCode()) + Arrays.deepHashCode(values);
  }

  @Override
  public String toString() {
    return report();
  }

  /**
   * A deterministic coder for {@link CorrelationMatrix}: a version byte, the method, the rows, the
   * column names, then the matrix row by row.
   *
   * <pre>{@code
   * correlation.setCoder(CorrelationMatrix.Coder.of());
   * }</pre>
   */
  public static final class Coder extends AtomicCoder<CorrelationMatrix> {
    private static final int VERSION = 1;
    private static final Coder INSTANCE = new Coder();

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(CorrelationMatrix value, OutputStream out) throws IOException {
      out.write(VERSION);
      StringUtf8Coder.of().encode(value.method, out);
      VarInt.encode(value.rows, out);
      VarInt.encode(value.columns.size(), out);
      for (String c : value.columns) {
        StringUtf8Coder.of().encode(c, out);
      }
      DataOutputStream data = new DataOutputStream(out);
      for (double[] row : value.values) {
        for (double v : row) {
          data.writeDouble(v);
        }
      }
      data.flush();
    }

    @Override
    public CorrelationMatrix decode(InputStream in) throws IOException {
      int version = in.read();
      if (version != VERSION) {
        throw new CoderException(
            "Cannot decode a CorrelationMatrix of version "
                + version
                + "; this coder reads "
                + VERSION);
      }
      String method = StringUtf8Coder.of().decode(in);
      long rows = VarInt.decodeLong(in);
      int n = VarInt.decodeInt(in);
      List<String> columns = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        columns.add(StringUtf8Coder.of().decode(in));
      }
      DataInputStream data = new DataInputStream(in);
      double[][] values = new double[n][n];
      for (double[] row : values) {
        for (int j = 0; j < n; j++) {
          row[j] = data.readDouble();
        }
      }
      return new CorrelationMatrix(method, rows, List.copyOf(columns), values);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
