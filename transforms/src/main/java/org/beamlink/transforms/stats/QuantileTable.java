package org.beamlink.transforms.stats;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/**
 * The result of {@link Quantiles}: the probabilities, the relative error the quantiles were
 * computed with (0 for exact) and one {@link ColumnQuantiles} per column.
 *
 * <p>Serializable, because Beam keeps the table of empty input in the pipeline as a default value.
 *
 * <pre>{@code
 * QuantileTable t = ...;
 * double median = t.value("x", 0.5);
 * System.out.print(t.report());
 * }</pre>
 *
 * @param probabilities the probabilities, in the order the quantiles are listed
 * @param relativeError the allowed rank error as a fraction of a column's count; 0 for exact
 * @param columns the quantiles of each column
 */
public record QuantileTable(
    List<Double> probabilities, double relativeError, List<ColumnQuantiles> columns)
    implements Serializable {

  /** Copies the lists. */
  public QuantileTable {
    probabilities = List.copyOf(probabilities);
    columns = List.copyOf(columns);
  }

  /**
   * The quantiles of column {@code name}.
   *
   * @throws IllegalArgumentException when there are none
   */
  public ColumnQuantiles column(String name) {
    for (ColumnQuantiles c : columns) {
      if (c.column().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "No quantiles of column '"
            + name
            + "'; the table has "
            + columns.stream().map(ColumnQuantiles::column).toList());
  }

  /**
   * The quantile of column {@code name} at probability {@code p}, one of {@link #probabilities()}.
   *
   * @throws IllegalArgumentException for a column or probability the table does not have
   */
  public double value(String name, double p) {
    int i = probabilities.indexOf(p);
    if (i < 0) {
      throw new IllegalArgumentException(
          "No quantile at probability " + p + "; the table has " + probabilities);
    }
    return column(name).values().get(i);
  }

  /**
   * The largest rank error a quantile of a column of {@code count} values may have: {@code
   * floor(relativeError * count)}, 0 for exact quantiles.
   */
  public long maxRankError(long count) {
    return (long) Math.floor(relativeError * count);
  }

  /**
   * A readable table: a title line with the error bound, then one line per column with its count
   * and quantiles, numbers with up to 7 significant digits. Every line ends with a line break.
   */
  public String report() {
    List<String[]> lines = new ArrayList<>();
    String[] header = new String[probabilities.size() + 2];
    header[0] = "column";
    header[1] = "count";
    for (int i = 0; i < probabilities.size(); i++) {
      header[i + 2] = "q" + Summary.format(probabilities.get(i));
    }
    lines.add(header);
    for (ColumnQuantiles c : columns) {
      String[] line = new String[header.length];
      line[0] = c.column();
      line[1] = Long.toString(c.count());
      for (int i = 0; i < probabilities.size(); i++) {
        line[i + 2] = Summary.format(c.values().get(i));
      }
      lines.add(line);
    }
    String title =
        relativeError == 0
            ? "Exact quantiles\n"
            : "Approximate quantiles (rank error below "
                + Summary.format(relativeError)
                + " x count)\n";
    return title + Summary.alignColumns(lines);
  }

  /**
   * A deterministic coder for {@link QuantileTable}: a version byte, the probabilities, the
   * relative error, then each column's name, count and quantiles.
   *
   * <pre>{@code
   * table.setCoder(QuantileTable.Coder.of());
   * }</pre>
   */
  public static final class Coder extends AtomicCoder<QuantileTable> {
    private static final int VERSION = 1;
    private static final Coder INSTANCE = new Coder();

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(QuantileTable value, OutputStream out) throws IOException {
      out.write(VERSION);
      DataOutputStream data = new DataOutputStream(out);
      VarInt.encode(value.probabilities().size(), out);
      for (double p : value.probabilities()) {
        data.writeDouble(p);
      }
      data.writeDouble(value.relativeError());
      data.flush();
      VarInt.encode(value.columns().size(), out);
      for (ColumnQuantiles c : value.columns()) {
        StringUtf8Coder.of().encode(c.column(), out);
        VarInt.encode(c.count(), out);
        for (double v : c.values()) {
          data.writeDouble(v);
        }
        data.flush();
      }
    }

    @Override
    public QuantileTable decode(InputStream in) throws IOException {
      int version = in.read();
      if (version != VERSION) {
        throw new CoderException(
            "Cannot decode a QuantileTable of version "
                + version
                + "; this coder reads "
                + VERSION);
      }
      DataInputStream data = new DataInputStream(in);
      int np = VarInt.decodeInt(in);
      List<Double> probabilities = new ArrayList<>(np);
      for (int i = 0; i < np; i++) {
        probabilities.add(data.readDouble());
      }
      double relativeError = data.readDouble();
      int nc = VarInt.decodeInt(in);
      List<ColumnQuantiles> columns = new ArrayList<>(nc);
      for (int c = 0; c < nc; c++) {
        String name = StringUtf8Coder.of().decode(in);
        long count = VarInt.decodeLong(in);
        List<Double> values = new ArrayList<>(np);
        for (int i = 0; i < np; i++) {
          values.add(data.readDouble());
        }
        columns.add(new ColumnQuantiles(name, count, values));
      }
      return new QuantileTable(probabilities, relativeError, columns);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
