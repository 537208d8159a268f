package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.RowText;

/**
 * Picks coordinates of a vector column into a new vector column, as Spark ML's {@code VectorSlicer}
 * with {@code indices}: output coordinate {@code k} is input coordinate {@code indices[k]}, in the
 * given order. A dense vector gives a dense vector and a sparse one a sparse one. Selecting by
 * feature name (Spark's {@code names}) is not supported: vector columns carry no attribute names
 * here.
 *
 * <p>NaN values are copied as they are. A null vector, or a vector too short for an index, fails
 * the row with a message naming the column, the index, the vector's size and the row.
 *
 * <pre>{@code
 * VectorSlicerMapper m = VectorSlicerMapper.of("features", "picked", new int[] {2, 0});
 * Row out = m.bind(schema).apply(row); // picked = (features[2], features[0])
 * }</pre>
 */
public final class VectorSlicerMapper extends VectorColumnStage {
  private static final long serialVersionUID = 1L;

  private final int[] indices;

  private VectorSlicerMapper(String inputCol, String outputCol, int[] indices) {
    super(inputCol, outputCol);
    this.indices = indices;
  }

  /**
   * Picks {@code indices} of {@code inputCol} into {@code outputCol}.
   *
   * @throws IllegalArgumentException for no indices, a negative index or a repeated one
   */
  public static VectorSlicerMapper of(String inputCol, String outputCol, int... indices) {
    if (indices.length == 0) {
      throw new IllegalArgumentException("Expected at least one index, got none");
    }
    Set<Integer> seen = new HashSet<>();
    for (int i : indices) {
      if (i < 0) {
        throw new IllegalArgumentException("Expected indices >= 0, got " + i);
      }
      if (!seen.add(i)) {
        throw new IllegalArgumentException("Expected distinct indices, got " + i + " twice");
      }
    }
    return new VectorSlicerMapper(
        Objects.requireNonNull(inputCol), Objects.requireNonNull(outputCol), indices.clone());
  }

  /** The picked indices, in output order. */
  public int[] indices() {
    return indices.clone();
  }

  @Override
  String stageName() {
    return "VectorSlicer";
  }

  @Override
  Vector map(Vector v, Row row) {
    int maxIndex = Arrays.stream(indices).max().getAsInt();
    if (maxIndex >= v.size()) {
      throw new IllegalArgumentException(
          "VectorSlicer: index "
              + maxIndex
              + " is out of range for column '"
              + inputCol
              + "' holding a vector of size "
              + v.size()
              + " in row "
              + RowText.of(row));
    }
    return slice(v);
  }

  private Vector slice(Vector v) {
    if (v instanceof SparseVector s) {
      int[] idx = new int[indices.length];
      double[] val = new double[indices.length];
      int nnz = 0;
      for (int k = 0; k < indices.length; k++) {
        double x = s.get(indices[k]);
        if (x != 0.0) {
          idx[nnz] = k;
          val[nnz] = x;
          nnz++;
        }
      }
      return Vector.sparse(indices.length, Arrays.copyOf(idx, nnz), Arrays.copyOf(val, nnz));
    }
    double[] out = new double[indices.length];
    for (int k = 0; k < indices.length; k++) {
      out[k] = v.get(indices[k]);
    }
    return Vector.dense(out);
  }

  @Override
  void addParameters(Map<String, String> p) {
    p.put("indices", StageColumns.preview(indices));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VectorSlicerMapper m
        && inputCol.equals(m.inputCol)
        && outputCol.equals(m.outputCol)
        && Arrays.equals(indices, m.indices);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCol, outputCol, Arrays.hashCode(indices));
  }

  @Override
  public String toString() {
    return "VectorSlicerMapper" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link VectorSlicerMapper}.
   *
   * <pre>{@code
   * VectorSlicerMapper.Coder.of().encode(mapper, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<VectorSlicerMapper> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(VectorSlicerMapper value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      StringListCoding.writeString(value.inputCol, data);
      StringListCoding.writeString(value.outputCol, data);
      data.flush();
      ArrayEncoding.writeInts(value.indices, out);
    }

    @Override
    public VectorSlicerMapper decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "vector slicer");
      DataInputStream data = new DataInputStream(in);
      String inputCol = StringListCoding.readString(data);
      String outputCol = StringListCoding.readString(data);
      return new VectorSlicerMapper(inputCol, outputCol, ArrayEncoding.readInts(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
