package org.beamlink.models.linalg;

import java.io.Serializable;

/**
 * Many rows of training data packed into one matrix, with a label and a weight per row.
 *
 * <p>Training iterates over blocks rather than rows, so that a runner's per-element cost is paid
 * once per few thousand rows and the inner loops below run over plain arrays. A block is {@link
 * DenseBlock} (row-major {@code double[]}) or {@link SparseBlock} (CSR).
 *
 * <pre>{@code
 * Block b = DenseBlock.of(2, 2, new double[] {1, 2, 3, 4}, new double[] {0, 1}, null);
 * double[] margins = new double[2];
 * b.multiply(new double[] {1, 1}, margins); // {3, 7}
 * }</pre>
 */
public abstract sealed class Block implements Serializable permits DenseBlock, SparseBlock {
  private static final long serialVersionUID = 1L;

  final int numRows;
  final int numCols;
  final double[] labels;
  final double[] weights;

  Block(int numRows, int numCols, double[] labels, double[] weights) {
    if (numRows < 0 || numCols < 0) {
      throw new IllegalArgumentException(
          "Expected non-negative block shape, got " + numRows + " x " + numCols);
    }
    if (labels != null && labels.length != numRows) {
      throw new IllegalArgumentException(
          "Block has " + numRows + " rows but " + labels.length + " labels");
    }
    if (weights != null && weights.length != numRows) {
      throw new IllegalArgumentException(
          "Block has " + numRows + " rows but " + weights.length + " weights");
    }
    this.numRows = numRows;
    this.numCols = numCols;
    this.labels = labels;
    this.weights = weights;
  }

  /** Number of rows. */
  public final int numRows() {
    return numRows;
  }

  /** Number of columns (the feature dimension). */
  public final int numCols() {
    return numCols;
  }

  /** True when the block carries labels. */
  public final boolean hasLabels() {
    return labels != null;
  }

  /** The label of row {@code i}; the block must have labels. */
  public final double label(int i) {
    if (labels == null) {
      throw new IllegalStateException("Block has no labels");
    }
    return labels[i];
  }

  /** The weight of row {@code i}: 1 when the block has no weights. */
  public final double weight(int i) {
    return weights == null ? 1.0 : weights[i];
  }

  /** True when the block carries explicit weights. */
  public final boolean hasWeights() {
    return weights != null;
  }

  /** Sum of the row weights. */
  public final double totalWeight() {
    if (weights == null) {
      return numRows;
    }
    double sum = 0.0;
    for (double w : weights) {
      sum += w;
    }
    return sum;
  }

  /**
   * The same rows and weights with other labels (one per row); the feature arrays are shared, not
   * copied.
   */
  public abstract Block withLabels(double[] newLabels);

  /** Row {@code i} as a vector (a copy). */
  public abstract Vector row(int i);

  /** {@code out[i] = row(i) . x} for every row: block times vector. */
  public final void multiply(double[] x, double[] out) {
    checkVector("Vector", numCols, x);
    multiply(x, 0, out);
  }

  /**
   * {@code out[i] = row(i) . x[offset .. offset + numCols())}: block times a slice of {@code x},
   * such as one class's coefficients in a longer parameter vector.
   */
  public abstract void multiply(double[] x, int offset, double[] out);

  /** {@code out += block^T r}: transposed block times a vector of one value per row. */
  public final void transposeMultiplyAdd(double[] r, double[] out) {
    checkVector("Output", numCols, out);
    transposeMultiplyAdd(r, out, 0);
  }

  /** {@code out[offset .. offset + numCols()) += block^T r}. */
  public abstract void transposeMultiplyAdd(double[] r, double[] out, int offset);

  /** {@code out[offset + j] += sum_i r[i] * x_ij^2}: weighted column sums of squares. */
  public abstract void addWeightedSquares(double[] r, double[] out, int offset);

  /**
   * {@code out += block^T diag(r) block}: the weighted Gram matrix, {@code numCols x numCols}
   * row-major, as Newton's method needs for a Hessian.
   */
  public abstract void addWeightedGram(double[] r, double[] out);

  /**
   * Adds the weighted moments of the rows extended by their labels, {@code z_i = (x_i, y_i)} of
   * size {@code D = numCols() + 1}, about {@code center} ({@code D} values) to {@code out} from
   * {@code offset}: first the {@code D} first moments {@code sum_i r[i] (z_ij - center_j)}, then
   * the upper triangle of {@code sum_i r[i] (z_i - center)(z_i - center)^T} packed row by row
   * ({@code D (D + 1) / 2} values, entry {@code (j, k >= j)} at {@code j (2D - j + 1) / 2 + k -
   * j}): what least squares needs, in one pass. A dense block subtracts the center row by row, so
   * the moments keep their precision whatever the columns' means; a sparse block keeps its cost at
   * its non-zeros and subtracts the center afterwards.
   *
   * @throws IllegalStateException when the block has no labels
   */
  public abstract void addCenteredMoments(double[] r, double[] center, double[] out, int offset);

  /** {@code out += scale * row(i)}. */
  public abstract void addRowTo(int i, double scale, double[] out);

  /**
   * Squared Euclidean distances of every row to {@code k} centroids stored row-major in {@code
   * centroids} ({@code k * numCols()} values): {@code out[i * k + j]} is row {@code i} to centroid
   * {@code j}.
   */
  public abstract void squaredDistances(double[] centroids, int k, double[] out);

  /** Number of stored values: {@code numRows * numCols} for dense blocks, nnz for sparse. */
  public abstract long numStored();

  /**
   * A 64-bit hash of the block's shape and contents: equal blocks hash equally on every JVM, so it
   * can place blocks in partitions deterministically without encoding them.
   */
  public abstract long contentHash();

  final long hashLabelsAndWeights(long h) {
    h = ContentHash.mix(h, numRows);
    h = ContentHash.mix(h, numCols);
    h = ContentHash.doubles(h, labels);
    return ContentHash.doubles(h, weights);
  }

  /** Approximate heap bytes of the arrays: what gathering the block to one worker costs. */
  public abstract long estimatedBytes();

  /** Copies the upper triangle of the {@code d x d} row-major {@code m} onto its lower one. */
  /** Checks the arrays of {@link #addCenteredMoments}. */
  final void checkMoments(double[] r, double[] center, double[] out, int offset) {
    if (labels == null) {
      throw new IllegalStateException("Centered moments need a block with labels");
    }
    checkVector("Vector", numRows, r);
    checkVector("Center", numCols + 1, center);
    long size = numCols + 1L;
    checkSlice(
        "Moments", offset, (int) Math.min(Integer.MAX_VALUE, size + size * (size + 1) / 2), out);
  }

  static void mirrorUpperTriangle(double[] m, int d) {
    for (int j = 0; j < d; j++) {
      for (int k = j + 1; k < d; k++) {
        m[k * d + j] = m[j * d + k];
      }
    }
  }

  final void checkSlice(String what, int offset, int length, double[] array) {
    if (offset < 0 || array.length < offset + length) {
      throw new IllegalArgumentException(
          what
              + " has size "
              + array.length
              + " but the block needs "
              + length
              + " values from offset "
              + offset);
    }
  }

  final void checkVector(String what, int expected, double[] array) {
    if (array.length != expected) {
      throw new IllegalArgumentException(
          what + " has size " + array.length + " but the block needs " + expected);
    }
  }

  final void checkCentroids(double[] centroids, int k, double[] out) {
    if (k < 1 || centroids.length != k * numCols) {
      throw new IllegalArgumentException(
          "Expected "
              + k
              + " centroids of size "
              + numCols
              + " ("
              + ((long) k * numCols)
              + " values), got "
              + centroids.length
              + " values");
    }
    checkVector("Distance output", numRows * k, out);
  }
}
