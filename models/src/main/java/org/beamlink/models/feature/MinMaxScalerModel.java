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
import org.beamlink.models.linalg.Vector;

/**
 * A fitted min-max scaler, as Spark ML's {@code MinMaxScalerModel} and scikit-learn's {@code
 * MinMaxScaler}: each coordinate is mapped linearly from the fitted {@code [originalMin,
 * originalMax]} to {@code [min, max]}: {@code (x - originalMin) / (originalMax - originalMin) *
 * (max - min) + min}.
 *
 * <p>A coordinate that was constant in the fit maps to {@code (min + max) / 2}, as in Spark
 * (scikit-learn maps it to {@code min}). Values outside the fitted range map outside {@code [min,
 * max]}, as in both. The output is dense, since zeros move. A NaN coordinate stays NaN (Spark's and
 * scikit-learn's rule); a null vector or a vector of another size is an error naming column and
 * row.
 *
 * <pre>{@code
 * MinMaxScalerModel m = MinMaxScalerModel.of("features", "scaled", 0, 1, dataMin, dataMax);
 * Row scaled = m.bind(schema).apply(row);
 * }</pre>
 */
public final class MinMaxScalerModel extends VectorColumnStage {
  private static final long serialVersionUID = 1L;

  private final double min;
  private final double max;
  private final double[] originalMin;
  private final double[] originalMax;

  private MinMaxScalerModel(
      String inputCol,
      String outputCol,
      double min,
      double max,
      double[] originalMin,
      double[] originalMax) {
    super(inputCol, outputCol);
    if (!(min < max) || Double.isInfinite(min) || Double.isInfinite(max)) {
      throw new IllegalArgumentException(
          "Expected finite min < max, got min " + min + " and max " + max);
    }
    if (originalMin.length != originalMax.length) {
      throw new IllegalArgumentException(
          "Expected as many minima as maxima, got "
              + originalMin.length
              + " and "
              + originalMax.length);
    }
    for (int i = 0; i < originalMin.length; i++) {
      if (!(originalMin[i] <= originalMax[i])) {
        throw new IllegalArgumentException(
            "Expected originalMin <= originalMax at coordinate "
                + i
                + ", got "
                + originalMin[i]
                + " and "
                + originalMax[i]);
      }
    }
    this.min = min;
    this.max = max;
    this.originalMin = originalMin.clone();
    this.originalMax = originalMax.clone();
  }

  /**
   * A model mapping the fitted range {@code [originalMin[i], originalMax[i]]} of each coordinate to
   * {@code [min, max]}.
   *
   * @throws IllegalArgumentException for {@code min >= max}, arrays of different lengths, or a
   *     coordinate whose originalMin exceeds its originalMax (or is NaN)
   */
  public static MinMaxScalerModel of(
      String inputCol,
      String outputCol,
      double min,
      double max,
      double[] originalMin,
      double[] originalMax) {
    return new MinMaxScalerModel(inputCol, outputCol, min, max, originalMin, originalMax);
  }

  /** The lower end of the output range. */
  public double min() {
    return min;
  }

  /** The upper end of the output range. */
  public double max() {
    return max;
  }

  /** The fitted minima, one per coordinate (a copy). */
  public double[] originalMin() {
    return originalMin.clone();
  }

  /** The fitted maxima, one per coordinate (a copy). */
  public double[] originalMax() {
    return originalMax.clone();
  }

  @Override
  String stageName() {
    return "MinMaxScaler";
  }

  @Override
  Vector map(Vector v, Row row) {
    StageColumns.checkSize(v, originalMin.length, inputCol, stageName(), row);
    double[] out = v.toArray();
    double scale = max - min;
    for (int i = 0; i < out.length; i++) {
      double range = originalMax[i] - originalMin[i];
      double unit = range != 0.0 ? (out[i] - originalMin[i]) / range : 0.5;
      // NaN stays NaN, also in a constant coordinate.
      out[i] = Double.isNaN(out[i]) ? Double.NaN : unit * scale + min;
    }
    return Vector.dense(out);
  }

  @Override
  void addParameters(Map<String, String> p) {
    p.put("min", Double.toString(min));
    p.put("max", Double.toString(max));
    p.put("originalMin", StageColumns.preview(originalMin));
    p.put("originalMax", StageColumns.preview(originalMax));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MinMaxScalerModel m
        && inputCol.equals(m.inputCol)
        && outputCol.equals(m.outputCol)
        && Double.compare(min, m.min) == 0
        && Double.compare(max, m.max) == 0
        && Arrays.equals(originalMin, m.originalMin)
        && Arrays.equals(originalMax, m.originalMax);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        inputCol, outputCol, min, max, Arrays.hashCode(originalMin), Arrays.hashCode(originalMax));
  }

  @Override
  public String toString() {
    return "MinMaxScalerModel" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link MinMaxScalerModel}.
   *
   * <pre>{@code
   * MinMaxScalerModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<MinMaxScalerModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(MinMaxScalerModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeUTF(value.inputCol);
      data.writeUTF(value.outputCol);
      data.writeDouble(value.min);
      data.writeDouble(value.max);
      data.flush();
      ArrayEncoding.writeDoubles(value.originalMin, out);
      ArrayEncoding.writeDoubles(value.originalMax, out);
    }

    @Override
    public MinMaxScalerModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "min-max scaler model");
      DataInputStream data = new DataInputStream(in);
      String inputCol = data.readUTF();
      String outputCol = data.readUTF();
      double min = data.readDouble();
      double max = data.readDouble();
      double[] originalMin = ArrayEncoding.readDoubles(in);
      double[] originalMax = ArrayEncoding.readDoubles(in);
      return new MinMaxScalerModel(inputCol, outputCol, min, max, originalMin, originalMax);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
