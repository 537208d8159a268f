package org.beamlink.models.linalg;

import java.util.Arrays;

/**
 * A vector that stores only some coordinates, as sorted distinct indices with their values.
 *
 * <pre>{@code
 * SparseVector v = Vector.sparse(1_000_000, new int[] {7, 3}, new double[] {1.0, 2.0});
 * v.get(3); // 2.0
 * }</pre>
 */
public final class SparseVector extends Vector {
  private static final long serialVersionUID = 1L;

  private final int size;
  private final int[] indices;
  private final double[] values;

  /** Wraps sorted, distinct, in-range indices without copying or checking. */
  SparseVector(int size, int[] indices, double[] values) {
    this.size = size;
    this.indices = indices;
    this.values = values;
  }

  /** Checks and sorts (in place) arrays the caller hands over. */
  static SparseVector of(int size, int[] indices, double[] values) {
    if (size < 0) {
      throw new IllegalArgumentException("Expected size >= 0, got " + size);
    }
    if (indices.length != values.length) {
      throw new IllegalArgumentException(
          "Sparse vector has "
              + indices.length
              + " indices but "
              + values.length
              + " values; expected as many of each");
    }
    boolean sorted = true;
    for (int i = 1; i < indices.length; i++) {
      if (indices[i] <= indices[i - 1]) {
        sorted = false;
        break;
      }
    }
    if (!sorted) {
      sortByIndex(indices, values);
    }
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] < 0 || indices[i] >= size) {
        throw new IllegalArgumentException(
            "Sparse vector index " + indices[i] + " is outside [0, " + size + ")");
      }
      if (i > 0 && indices[i] == indices[i - 1]) {
        throw new IllegalArgumentException("Sparse vector index " + indices[i] + " is repeated");
      }
    }
    return new SparseVector(size, indices, values);
  }

  private static void sortByIndex(int[] indices, double[] values) {
    Integer[] order = new Integer[indices.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(indices[a], indices[b]));
    int[] idx = indices.clone();
    double[] val = values.clone();
    for (int i = 0; i < order.length; i++) {
      indices[i] = idx[order[i]];
      values[i] = val[order[i]];
    }
  }

  @Override
  public int size() {
    return size;
  }

  /** Number of stored coordinates (explicit zeros included). */
  public int numStored() {
    return indices.length;
  }

  /** The index of the {@code k}-th stored coordinate. */
  public int indexAt(int k) {
    return indices[k];
  }

  /** The value of the {@code k}-th stored coordinate. */
  public double valueAt(int k) {
    return values[k];
  }

  /** A copy of the stored indices, sorted. */
  public int[] indices() {
    return indices.clone();
  }

  /** A copy of the stored values, in index order. */
  public double[] values() {
    return values.clone();
  }

  @Override
  public double get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("Index " + index + " is outside [0, " + size + ")");
    }
    int k = Arrays.binarySearch(indices, index);
    return k >= 0 ? values[k] : 0.0;
  }

  @Override
  public int numNonzeros() {
    int n = 0;
    for (double v : values) {
      if (v != 0.0) {
        n++;
      }
    }
    return n;
  }

  @Override
  public double dot(Vector other) {
    checkSameSize(size, other.size());
    if (other instanceof DenseVector d) {
      return d.dot(this);
    }
    SparseVector o = (SparseVector) other;
    double sum = 0.0;
    int i = 0;
    int j = 0;
    while (i < indices.length && j < o.indices.length) {
      if (indices[i] == o.indices[j]) {
        sum += values[i++] * o.values[j++];
      } else if (indices[i] < o.indices[j]) {
        i++;
      } else {
        j++;
      }
    }
    return sum;
  }

  @Override
  public double dot(double[] other, int offset) {
    checkSlice(offset, size, other.length);
    double sum = 0.0;
    for (int k = 0; k < indices.length; k++) {
      sum += values[k] * other[offset + indices[k]];
    }
    return sum;
  }

  @Override
  public void addTo(double[] target, double alpha) {
    checkSameSize(size, target.length);
    for (int k = 0; k < indices.length; k++) {
      target[indices[k]] += alpha * values[k];
    }
  }

  @Override
  public SparseVector scale(double factor) {
    double[] out = new double[values.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = values[k] * factor;
    }
    return new SparseVector(size, indices, out);
  }

  @Override
  public SparseVector scaleCoordinates(double[] factors) {
    checkFactors(factors);
    double[] out = new double[values.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = values[k] * factors[indices[k]];
    }
    // Immutable vectors may share their index array.
    return new SparseVector(size, indices, out);
  }

  @Override
  public double norm1() {
    double sum = 0.0;
    for (double v : values) {
      sum += Math.abs(v);
    }
    return sum;
  }

  @Override
  public double norm2() {
    return DenseVector.scaledNorm2(values, values.length);
  }

  @Override
  public double normInf() {
    double max = 0.0;
    for (double v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  @Override
  public double squaredDistance(Vector other) {
    checkSameSize(size, other.size());
    if (other instanceof DenseVector d) {
      return d.squaredDistance(this);
    }
    SparseVector o = (SparseVector) other;
    double sum = 0.0;
    int i = 0;
    int j = 0;
    while (i < indices.length || j < o.indices.length) {
      double diff;
      if (j >= o.indices.length || (i < indices.length && indices[i] < o.indices[j])) {
        diff = values[i++];
      } else if (i >= indices.length || o.indices[j] < indices[i]) {
        diff = o.values[j++];
      } else {
        diff = values[i++] - o.values[j++];
      }
      sum += diff * diff;
    }
    return sum;
  }

  @Override
  public double squaredDistance(double[] dense, int offset) {
    if (offset < 0 || offset + size > dense.length) {
      throw new IllegalArgumentException(
          "Expected "
              + size
              + " values at offset "
              + offset
              + " of an array of size "
              + dense.length);
    }
    double sum = 0.0;
    int k = 0;
    for (int i = 0; i < size; i++) {
      double diff = dense[offset + i];
      if (k < indices.length && indices[k] == i) {
        diff -= values[k++];
      }
      sum += diff * diff;
    }
    return sum;
  }

  @Override
  public void forEachNonzero(IndexedDoubleConsumer consumer) {
    for (int k = 0; k < indices.length; k++) {
      if (values[k] != 0.0) {
        consumer.accept(indices[k], values[k]);
      }
    }
  }

  @Override
  public double[] toArray() {
    double[] out = new double[size];
    for (int k = 0; k < indices.length; k++) {
      out[indices[k]] = values[k];
    }
    return out;
  }

  @Override
  public DenseVector toDense() {
    return new DenseVector(toArray());
  }

  @Override
  public SparseVector toSparse() {
    if (numNonzeros() == values.length) {
      return this;
    }
    int nnz = numNonzeros();
    int[] idx = new int[nnz];
    double[] val = new double[nnz];
    int j = 0;
    for (int k = 0; k < indices.length; k++) {
      if (values[k] != 0.0) {
        idx[j] = indices[k];
        val[j++] = values[k];
      }
    }
    return new SparseVector(size, idx, val);
  }

  @Override
  public boolean hasNonFinite() {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "(" + size + "," + Arrays.toString(indices) + "," + Arrays.toString(values) + ")";
  }
}
