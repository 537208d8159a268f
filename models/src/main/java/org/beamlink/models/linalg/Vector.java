package org.beamlink.models.linalg;

import java.io.Serializable;

/**
 * A real vector of fixed size, dense or sparse, immutable to callers.
 *
 * <p>Operations that mix a vector with another vector or a {@code double[]} check sizes and fail
 * with an {@link IllegalArgumentException} naming both sizes. Operations that write ({@link
 * #addTo}) write only into an array the caller owns, never into the vector.
 *
 * <pre>{@code
 * Vector x = Vector.dense(1.0, 2.0, 3.0);
 * Vector y = Vector.sparse(3, new int[] {0, 2}, new double[] {4.0, 5.0});
 * double d = x.dot(y); // 19.0
 * double[] acc = new double[3];
 * y.addTo(acc, 2.0); // acc = {8, 0, 10}
 * }</pre>
 */
public abstract sealed class Vector implements Serializable permits DenseVector, SparseVector {
  private static final long serialVersionUID = 1L;

  Vector() {}

  /** A dense vector holding a copy of {@code values}. */
  public static DenseVector dense(double... values) {
    return new DenseVector(values.clone());
  }

  /**
   * A sparse vector of {@code size} with {@code values[i]} at {@code indices[i]}. Indices need not
   * be sorted but must be distinct and within {@code [0, size)}; the arrays are copied.
   */
  public static SparseVector sparse(int size, int[] indices, double[] values) {
    return SparseVector.of(size, indices.clone(), values.clone());
  }

  /**
   * As {@link #sparse}, but the vector keeps {@code indices} and {@code values} instead of copying
   * them: for code that builds a fresh pair of arrays per vector (hashing a row) and never touches
   * them again. Unsorted arrays are sorted in place.
   */
  public static SparseVector sparseOwning(int size, int[] indices, double[] values) {
    return SparseVector.of(size, indices, values);
  }

  /** A dense vector of {@code size} zeros. */
  public static DenseVector zeros(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("Expected size >= 0, got " + size);
    }
    return new DenseVector(new double[size]);
  }

  /** Number of coordinates, zeros included. */
  public abstract int size();

  /** The coordinate at {@code index}. */
  public abstract double get(int index);

  /** Number of stored coordinates that are not zero. */
  public abstract int numNonzeros();

  /** Inner product with another vector of the same size. */
  public abstract double dot(Vector other);

  /** Inner product with a dense array of the same size. */
  public final double dot(double[] other) {
    checkSameSize(size(), other.length);
    return dot(other, 0);
  }

  /**
   * Inner product with {@code other[offset .. offset + size())}: a slice such as one class's
   * coefficients in a longer array, without copying it.
   */
  public abstract double dot(double[] other, int offset);

  /** Adds {@code alpha * this} to {@code target} (axpy); {@code target} has this vector's size. */
  public abstract void addTo(double[] target, double alpha);

  /** This vector times {@code factor}, of the same kind (dense or sparse). */
  public abstract Vector scale(double factor);

  /**
   * The vector with coordinate {@code i} multiplied by {@code factors[i]}; a sparse vector stays
   * sparse with the same stored indices (a stored value may become 0).
   *
   * @throws IllegalArgumentException when {@code factors} is shorter than the vector
   */
  public abstract Vector scaleCoordinates(double[] factors);

  /** Sum of absolute values. */
  public abstract double norm1();

  /** Euclidean norm, computed without overflow for large coordinates. */
  public abstract double norm2();

  /** Largest absolute value; 0 for an empty vector. */
  public abstract double normInf();

  /** The {@code p}-norm for {@code p >= 1}, {@code p = Double.POSITIVE_INFINITY} included. */
  public final double norm(double p) {
    if (!(p >= 1.0)) {
      throw new IllegalArgumentException("Expected p >= 1, got " + p);
    }
    if (p == 1.0) {
      return norm1();
    }
    if (p == 2.0) {
      return norm2();
    }
    if (p == Double.POSITIVE_INFINITY) {
      return normInf();
    }
    double[] sum = {0.0};
    forEachNonzero((i, v) -> sum[0] += Math.pow(Math.abs(v), p));
    return Math.pow(sum[0], 1.0 / p);
  }

  /** Squared Euclidean distance to another vector of the same size. */
  public abstract double squaredDistance(Vector other);

  /**
   * Squared Euclidean distance to the {@code size()} values of {@code dense} starting at {@code
   * offset}: the form block kernels use with centroids stored row-major in one array.
   */
  public abstract double squaredDistance(double[] dense, int offset);

  /** Calls {@code consumer} for every stored coordinate, in increasing index order. */
  public abstract void forEachNonzero(IndexedDoubleConsumer consumer);

  /** A new array with all coordinates. */
  public abstract double[] toArray();

  /** This vector as a dense one (itself if already dense). */
  public abstract DenseVector toDense();

  /** This vector as a sparse one without explicit zeros (itself if already sparse). */
  public abstract SparseVector toSparse();

  /** True when some coordinate is NaN or infinite. */
  public abstract boolean hasNonFinite();

  /**
   * The index of the largest entry, the first among equals, as Spark's {@code Vector.argmax}; -1
   * for an empty vector.
   */
  public int argmax() {
    int best = size() == 0 ? -1 : 0;
    for (int i = 1; i < size(); i++) {
      if (get(i) > get(best)) {
        best = i;
      }
    }
    return best;
  }

  /** Receives an index and a value. */
  @FunctionalInterface
  public interface IndexedDoubleConsumer {
    /** Called with a coordinate's index and value. */
    void accept(int index, double value);
  }

  static void checkSameSize(int expected, int actual) {
    if (expected != actual) {
      throw new IllegalArgumentException(
          "Vector sizes differ: " + expected + " and " + actual + "; expected equal sizes");
    }
  }

  static void checkSlice(int offset, int length, int arrayLength) {
    if (offset < 0 || (long) offset + length > arrayLength) {
      throw new IllegalArgumentException(
          "Array of size "
              + arrayLength
              + " has no "
              + length
              + " values from offset "
              + offset
              + "; expected a slice of the vector's size");
    }
  }

  /** Equal sizes and equal coordinates, whether dense or sparse. */
  final void checkFactors(double[] factors) {
    if (factors.length < size()) {
      throw new IllegalArgumentException(
          "Expected " + size() + " factors, one per coordinate, got " + factors.length);
    }
  }

  @Override
  public final boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Vector other) || other.size() != size()) {
      return false;
    }
    for (int i = 0; i < size(); i++) {
      if (Double.compare(get(i) + 0.0, other.get(i) + 0.0) != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public final int hashCode() {
    int[] h = {31 * size()};
    forEachNonzero(
        (i, v) -> {
          if (v != 0.0) {
            long bits = Double.doubleToLongBits(v);
            h[0] = 31 * h[0] + 17 * i + (int) (bits ^ (bits >>> 32));
          }
        });
    return h[0];
  }
}
