package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;

/**
 * Scales each vector to unit {@code p}-norm, as Spark ML's {@code Normalizer} and scikit-learn's
 * {@code Normalizer} ({@code p} = 1, 2 or infinity are scikit-learn's {@code l1}, {@code l2} and
 * {@code max}). A vector of norm 0 stays as it is; a sparse vector stays sparse.
 *
 * <p>A vector with a NaN coordinate has a NaN norm, so every coordinate of its output is NaN, as in
 * Spark; a null vector is an error naming column and row.
 *
 * <pre>{@code
 * NormalizerMapper unit = NormalizerMapper.of("features", "unit", 2.0);
 * Row normalized = unit.bind(schema).apply(row);
 * }</pre>
 */
public final class NormalizerMapper extends VectorColumnStage {
  private static final long serialVersionUID = 1L;

  private final double p;

  private NormalizerMapper(String inputCol, String outputCol, double p) {
    super(inputCol, outputCol);
    if (!(p >= 1.0)) {
      throw new IllegalArgumentException("Expected p >= 1, got " + p);
    }
    this.p = p;
  }

  /**
   * Normalizes to unit {@code p}-norm.
   *
   * @throws IllegalArgumentException unless {@code p >= 1} ({@code Double.POSITIVE_INFINITY} for
   *     the maximum norm)
   */
  public static NormalizerMapper of(String inputCol, String outputCol, double p) {
    return new NormalizerMapper(inputCol, outputCol, p);
  }

  /** The norm's order. */
  public double p() {
    return p;
  }

  @Override
  String stageName() {
    return "Normalizer";
  }

  @Override
  Vector map(Vector v, Row row) {
    double norm = v.norm(p);
    return norm == 0.0 ? v : v.scale(1.0 / norm);
  }

  @Override
  void addParameters(Map<String, String> parameters) {
    parameters.put("p", Double.toString(p));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NormalizerMapper m
        && inputCol.equals(m.inputCol)
        && outputCol.equals(m.outputCol)
        && Double.compare(p, m.p) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCol, outputCol, p);
  }

  @Override
  public String toString() {
    return "NormalizerMapper" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link NormalizerMapper}.
   *
   * <pre>{@code
   * NormalizerMapper.Coder.of().encode(mapper, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<NormalizerMapper> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(NormalizerMapper value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeUTF(value.inputCol);
      data.writeUTF(value.outputCol);
      data.writeDouble(value.p);
      data.flush();
    }

    @Override
    public NormalizerMapper decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "normalizer");
      DataInputStream data = new DataInputStream(in);
      String inputCol = data.readUTF();
      String outputCol = data.readUTF();
      return new NormalizerMapper(inputCol, outputCol, data.readDouble());
    }

    @Override
    public void verifyDeterministic() {}
  }
}
