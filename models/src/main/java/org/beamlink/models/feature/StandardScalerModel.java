package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;

/**
 * A fitted standard scaler, as Spark ML's {@code StandardScalerModel}: {@code (x - mean) / std} per
 * coordinate, the centering only with {@code withMean}, the division only with {@code withStd}.
 *
 * <p>Semantics are Spark's: {@code std} is the sample standard deviation ({@code n - 1} in the
 * denominator; scikit-learn divides by the population one), and a coordinate whose {@code std} is 0
 * scales to 0 (scikit-learn leaves it centered but unscaled). With {@code withMean} the output is
 * dense; without it a sparse vector stays sparse, as scaling keeps zeros. A NaN coordinate stays
 * NaN (scikit-learn's rule); a null vector or a vector of another size is an error naming column
 * and row.
 *
 * <pre>{@code
 * StandardScalerModel m = StandardScalerModel.of("features", "scaled", false, true, mean, std);
 * Row scaled = m.bind(schema).apply(row);
 * }</pre>
 */
public final class StandardScalerModel extends VectorColumnStage {
  private static final long serialVersionUID = 1L;

  private final boolean withMean;
  private final boolean withStd;
  private final double[] mean;
  private final double[] std;
  private final double[] factors;

  private StandardScalerModel(
      String inputCol,
      String outputCol,
      boolean withMean,
      boolean withStd,
      double[] mean,
      double[] std) {
    super(inputCol, outputCol);
    if (mean.length != std.length) {
      throw new IllegalArgumentException(
          "Expected as many means as standard deviations, got "
              + mean.length
              + " and "
              + std.length);
    }
    for (double s : std) {
      if (!(s >= 0.0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("Expected standard deviations >= 0, got " + s);
      }
    }
    this.withMean = withMean;
    this.withStd = withStd;
    this.mean = mean.clone();
    this.std = std.clone();
    this.factors = new double[std.length];
    for (int i = 0; i < std.length; i++) {
      factors[i] = factor(i);
    }
  }

  /**
   * A model with the per-coordinate {@code mean} and sample standard deviation {@code std}.
   *
   * @throws IllegalArgumentException for arrays of different lengths or a negative, NaN or infinite
   *     standard deviation
   */
  public static StandardScalerModel of(
      String inputCol,
      String outputCol,
      boolean withMean,
      boolean withStd,
      double[] mean,
      double[] std) {
    return new StandardScalerModel(inputCol, outputCol, withMean, withStd, mean, std);
  }

  /** Whether the mean is subtracted. */
  public boolean withMean() {
    return withMean;
  }

  /** Whether coordinates are divided by the standard deviation. */
  public boolean withStd() {
    return withStd;
  }

  /** The fitted means, one per coordinate (a copy). */
  public double[] mean() {
    return mean.clone();
  }

  /** The fitted sample standard deviations, one per coordinate (a copy). */
  public double[] std() {
    return std.clone();
  }

  @Override
  String stageName() {
    return "StandardScaler";
  }

  @Override
  Vector map(Vector v, Row row) {
    StageColumns.checkSize(v, mean.length, inputCol, stageName(), row);
    if (!withMean && v instanceof SparseVector) {
      return withStd ? v.scaleCoordinates(factors) : v;
    }
    double[] out = v.toArray();
    for (int i = 0; i < out.length; i++) {
      double centered = withMean ? out[i] - mean[i] : out[i];
      out[i] = withStd ? centered * factors[i] : centered;
    }
    return Vector.dense(out);
  }

  /** Spark's rule: a coordinate of zero spread maps to 0. */
  private double factor(int i) {
    return std[i] == 0.0 ? 0.0 : 1.0 / std[i];
  }

  @Override
  void addParameters(Map<String, String> p) {
    p.put("withMean", Boolean.toString(withMean));
    p.put("withStd", Boolean.toString(withStd));
    p.put("mean", StageColumns.preview(mean));
    p.put("std", StageColumns.preview(std));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StandardScalerModel m
        && inputCol.equals(m.inputCol)
        && outputCol.equals(m.outputCol)
        && withMean == m.withMean
        && withStd == m.withStd
        && Arrays.equals(mean, m.mean)
        && Arrays.equals(std, m.std);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        inputCol, outputCol, withMean, withStd, Arrays.hashCode(mean), Arrays.hashCode(std));
  }

  @Override
  public String toString() {
    return "StandardScalerModel" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link StandardScalerModel}.
   *
   * <pre>{@code
   * StandardScalerModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<StandardScalerModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(StandardScalerModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeUTF(value.inputCol);
      data.writeUTF(value.outputCol);
      data.writeBoolean(value.withMean);
      data.writeBoolean(value.withStd);
      data.flush();
      ArrayEncoding.writeDoubles(value.mean, out);
      ArrayEncoding.writeDoubles(value.std, out);
    }

    @Override
    public StandardScalerModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "standard scaler model");
      DataInputStream data = new DataInputStream(in);
      String inputCol = data.readUTF();
      String outputCol = data.readUTF();
      boolean withMean = data.readBoolean();
      boolean withStd = data.readBoolean();
      double[] mean = ArrayEncoding.readDoubles(in);
      double[] std = ArrayEncoding.readDoubles(in);
      return new StandardScalerModel(inputCol, outputCol, withMean, withStd, mean, std);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
