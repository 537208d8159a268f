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
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.util.VarInt;
import org.apache.beam.sdk.values.Row;

/**
 * The result of {@link ChiSquareTest}: the label column, the number of rows, and one {@link
 * FeatureChiSquare} per feature column in the order they were named.
 *
 * <p>Serializable, because Beam keeps the result of empty input in the pipeline as a default value.
 *
 * <pre>{@code
 * ChiSquareTestResult r = ...;
 * double p = r.feature("petal_bin").pValue();
 * System.out.print(r.report());
 * List<Row> rows = r.toRows(); // schema ChiSquareTestResult.SCHEMA
 * }</pre>
 *
 * @param labelCol the label column the features were tested against
 * @param rows the rows the tables counted
 * @param features the tests, one per feature column
 */
public record ChiSquareTestResult(String labelCol, long rows, List<FeatureChiSquare> features)
    implements Serializable {
  /** The schema of {@link #toRows()}: feature, statistic, pValue, degreesOfFreedom. */
  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField("feature")
          .addDoubleField("statistic")
          .addDoubleField("pValue")
          .addInt64Field("degreesOfFreedom")
          .build();

  /** Copies {@code features}. */
  public ChiSquareTestResult {
    features = List.copyOf(features);
  }

  /**
   * The test of feature column {@code name}.
   *
   * @throws IllegalArgumentException when there is none
   */
  public FeatureChiSquare feature(String name) {
    for (FeatureChiSquare f : features) {
      if (f.column().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "No test of column '"
            + name
            + "'; the result has "
            + features.stream().map(FeatureChiSquare::column).toList());
  }

  /** One row of {@link #SCHEMA} per feature. */
  public List<Row> toRows() {
    List<Row> out = new ArrayList<>();
    for (FeatureChiSquare f : features) {
      out.add(
          Row.withSchema(SCHEMA)
              .addValues(f.column(), f.statistic(), f.pValue(), f.degreesOfFreedom())
              .build());
    }
    return out;
  }

  /**
   * A readable table: a title line, then feature, statistic, p-value, degrees of freedom and number
   * of values per feature, numbers with up to 7 significant digits. Every line ends with a line
   * break.
   */
  public String report() {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"feature", "statistic", "pValue", "df", "values"});
    for (FeatureChiSquare f : features) {
      lines.add(
          new String[] {
            f.column(),
            Summary.format(f.statistic()),
            Summary.format(f.pValue()),
            Long.toString(f.degreesOfFreedom()),
            Integer.toString(f.values())
          });
    }
    return "Chi-square test of independence against '"
        + labelCol
        + "', "
        + rows
        + " rows\n"
        + Summary.alignColumns(lines);
  }

  /**
   * A deterministic coder for {@link ChiSquareTestResult}: a version byte, the label column, the
   * rows, then each feature's test.
   *
   * <pre>{@code
   * tests.setCoder(ChiSquareTestResult.Coder.of());
   * }</pre>
   */
  public static final class Coder extends AtomicCoder<ChiSquareTestResult> {
    private static final int VERSION = 1;
    private static final Coder INSTANCE = new Coder();

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ChiSquareTestResult value, OutputStream out) throws IOException {
      out.write(VERSION);
      StringUtf8Coder.of().encode(value.labelCol(), out);
      VarInt.encode(value.rows(), out);
      VarInt.encode(value.features().size(), out);
      DataOutputStream data = new DataOutputStream(out);
      for (FeatureChiSquare f : value.features()) {
        StringUtf8Coder.of().encode(f.column(), out);
        data.writeDouble(f.statistic());
        data.writeDouble(f.pValue());
        data.flush();
        VarInt.encode(f.degreesOfFreedom(), out);
        VarInt.encode(f.values(), out);
      }
    }

    @Override
    public ChiSquareTestResult decode(InputStream in) throws IOException {
      int version = in.read();
      if (version != VERSION) {
        throw new CoderException(
            "Cannot decode a ChiSquareTestResult of version "
                + version
                + "; this coder reads "
                + VERSION);
      }
      String label = StringUtf8Coder.of().decode(in);
      long rows = VarInt.decodeLong(in);
      int n = VarInt.decodeInt(in);
      DataInputStream data = new DataInputStream(in);
      List<FeatureChiSquare> features = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String column = StringUtf8Coder.of().decode(in);
        double statistic = data.readDouble();
        double p = data.readDouble();
        long df = VarInt.decodeLong(in);
        int values = VarInt.decodeInt(in);
        features.add(new FeatureChiSquare(column, statistic, p, df, values));
      }
      return new ChiSquareTestResult(label, rows, features);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
