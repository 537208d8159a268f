package org.beamlink.models.linalg;

import java.util.Arrays;

/**
 * A vector that stores every coordinate in one array.
 *
 * <pre>{@code
 * DenseVector v = Vector.dense(3.0, 4.0);
 * v.norm2(); // 5.0
 * }</pre>
 */
public final class DenseVector extends Vector {
  private static final long serialVersionUID = 1L;

  private final double[] values;

  /** Wraps {@code values} without copying; callers in this package hand over ownership. */
  DenseVector(double[] values) {
    this.values = values;
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public double get(int index) {
    return values[index];
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
    if (other instanceof SparseVector s) {
      return s.dot(values);
    }
    return dot(((DenseVector) other).values);
  }

  @Override
  public double dot(double[] other, int offset) {
    checkSlice(offset, values.length, other.length);
    double sum = 0.0;
    for (int i = 0; i < values.length; i++) {
      sum += values[i] * other[offset + i];
    }
    return sum;
  }

  @Override
  public void addTo(double[] target, double alpha) {
    checkSameSize(values.length, target.length);
    for (int i = 0; i < values.length; i++) {
      target[i] += alpha * values[i];
    }
  }

  @Override
  public DenseVector scale(double factor) {
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[i] * factor;
    }
    return new DenseVector(out);
  }

  @Override
  public DenseVector scaleCoordinates(double[] factors) {
    checkFactors(factors);
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[i] * factors[i];
    }
    return new DenseVector(out);
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
    return scaledNorm2(values, values.length);
  }

  /** Euclidean norm of the first {@code n} values, scaled so that squares cannot overflow. */
  static double scaledNorm2(double[] values, int n) {
    double max = 0.0;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, Math.abs(values[i]));
    }
    if (max == 0.0 || Double.isInfinite(max) || Double.isNaN(max)) {
      return max;
    }
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      double x = values[i] / max;
      sum += x * x;
    }
    return max * Math.sqrt(sum);
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
    if (other instanceof SparseVector s) {
      return s.squaredDistance(values, 0);
    }
    double[] o = ((DenseVector) other).values;
    checkSameSize(values.length, o.length);
    return squaredDistance(o, 0);
  }

  @Override
  public double squaredDistance(double[] dense, int offset) {
    if (offset < 0 || offset + values.length > dense.length) {
      throw new IllegalArgumentException(
          "Expected "
              + values.length
              + " values at offset "
              + offset
              + " of an array of size "
              + dense.length);
    }
    double sum = 0.0;
    for (int i = 0; i < values.length; i++) {
      double diff = values[i] - dense[offset + i];
      sum += diff * diff;
    }
    return sum;
  }

  @Override
  public void forEachNonzero(IndexedDoubleConsumer consumer) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] != 0.0) {
        consumer.accept(i, values[i]);
      }
    }
  }

  @Override
  public double[] toArray() {
    return values.clone();
  }

  /** Copies the coordinates into {@code target} starting at {@code offset}. */
  public void copyTo(double[] target, int offset) {
    System.arraycopy(values, 0, target, offset, values.length);
  }

  @Override
  public DenseVector toDense() {
    return this;
  }

  @Override
  public SparseVector toSparse() {
    int nnz = numNonzeros();
    int[] idx = new int[nnz];
    double[] val = new double[nnz];
    int j = 0;
    for (int i = 0; i < values.length; i++) {
      if (values[i] != 0.0) {
        idx[j] = i;
        val[j++] = values[i];
      }
    }
    return new SparseVector(values.length, idx, val);
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
    return Arrays.toString(values);
  }
}
