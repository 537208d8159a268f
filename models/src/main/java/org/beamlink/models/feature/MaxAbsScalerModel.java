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
 * A fitted max-abs scaler, as Spark ML's {@code MaxAbsScalerModel} and scikit-learn's {@code
 * MaxAbsScaler}: each coordinate is divided by its largest absolute value in the fit, so fitted
 * data lands in {@code [-1, 1]}. A coordinate whose largest absolute value is 0 is left as it is
 * (all its fitted values were 0). Zeros stay zeros, so a sparse vector stays sparse.
 *
 * <p>A NaN coordinate stays NaN (Spark's and scikit-learn's rule); a null vector or a vector of
 * another size is an error naming column and row.
 *
 * <pre>{@code
 * MaxAbsScalerModel m = MaxAbsScalerModel.of("features", "scaled", maxAbs);
 * Row scaled = m.bind(schema).apply(row);
 * }</pre>
 */
public final class MaxAbsScalerModel extends VectorColumnStage {
  private static final long serialVersionUID = 1L;

  private final double[] maxAbs;

  private MaxAbsScalerModel(String inputCol, String outputCol, double[] maxAbs) {
    super(inputCol, outputCol);
    for (double m : maxAbs) {
      if (!(m >= 0.0) || Double.isInfinite(m)) {
        throw new IllegalArgumentException("Expected finite maximum absolute values, got " + m);
      }
    }
    this.maxAbs = maxAbs.clone();
  }

  /**
   * A model dividing coordinate {@code i} by {@code maxAbs[i]}.
   *
   * @throws IllegalArgumentException for a negative, NaN or infinite value
   */
  public static MaxAbsScalerModel of(String inputCol, String outputCol, double[] maxAbs) {
    return new MaxAbsScalerModel(inputCol, outputCol, maxAbs);
  }

  /** The fitted largest absolute values, one per coordinate (a copy). */
  public double[] maxAbs() {
    return maxAbs.clone();
  }

  @Override
  String stageName() {
    return "MaxAbsScaler";
  }

  @Override
  Vector map(Vector v, Row row) {
    StageColumns.checkSize(v, maxAbs.length, inputCol, stageName(), row);
    if (v instanceof SparseVector sparse) {
      int[] indices = sparse.indices();
      double[] values = sparse.values();
      for (int k = 0; k < indices.length; k++) {
        values[k] = scaled(values[k], indices[k]);
      }
      return Vector.sparse(v.size(), indices, values);
    }
    double[] out = v.toArray();
    for (int i = 0; i < out.length; i++) {
      out[i] = scaled(out[i], i);
    }
    return Vector.dense(out);
  }

  private double scaled(double x, int i) {
    return maxAbs[i] == 0.0 ? x : x / maxAbs[i];
  }

  @Override
  void addParameters(Map<String, String> p) {
    p.put("maxAbs", StageColumns.preview(maxAbs));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MaxAbsScalerModel m
        && inputCol.equals(m.inputCol)
        && outputCol.equals(m.outputCol)
        && Arrays.equals(maxAbs, m.maxAbs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCol, outputCol, Arrays.hashCode(maxAbs));
  }

  @Override
  public String toString() {
    return "MaxAbsScalerModel" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link MaxAbsScalerModel}.
   *
   * <pre>{@code
   * MaxAbsScalerModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<MaxAbsScalerModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(MaxAbsScalerModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeUTF(value.inputCol);
      data.writeUTF(value.outputCol);
      data.flush();
      ArrayEncoding.writeDoubles(value.maxAbs, out);
    }

    @Override
    public MaxAbsScalerModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "max-abs scaler model");
      DataInputStream data = new DataInputStream(in);
      String inputCol = data.readUTF();
      String outputCol = data.readUTF();
      return new MaxAbsScalerModel(inputCol, outputCol, ArrayEncoding.readDoubles(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
