package org.beamlink.models.linalg;

/**
 * A block stored in compressed sparse row (CSR) form: row {@code i}'s column indices and values are
 * {@code colIndices[rowStarts[i] .. rowStarts[i + 1])}, indices sorted within a row.
 *
 * <pre>{@code
 * SparseBlock b = SparseBlock.of(2, 1_000_000, new int[] {0, 1, 3},
 *     new int[] {5, 7, 999_999}, new double[] {1, 2, 3}, null, null);
 * double[] margins = new double[2];
 * b.multiply(weights, margins); // no work proportional to 1_000_000 per row
 * }</pre>
 */
public final class SparseBlock extends Block {
  private static final long serialVersionUID = 1L;

  private final int[] rowStarts;
  private final int[] colIndices;
  private final double[] values;

  private SparseBlock(
      int numRows,
      int numCols,
      int[] rowStarts,
      int[] colIndices,
      double[] values,
      double[] labels,
      double[] weights) {
    super(numRows, numCols, labels, weights);
    if (rowStarts.length != numRows + 1 || rowStarts[0] != 0) {
      throw new IllegalArgumentException(
          "Expected " + (numRows + 1) + " row starts beginning at 0, got " + rowStarts.length);
    }
    if (colIndices.length != values.length || rowStarts[numRows] != values.length) {
      throw new IllegalArgumentException(
          "CSR arrays disagree: "
              + colIndices.length
              + " indices, "
              + values.length
              + " values, last row start "
              + rowStarts[numRows]);
    }
    for (int i = 0; i < numRows; i++) {
      if (rowStarts[i + 1] < rowStarts[i]) {
        throw new IllegalArgumentException("Row starts decrease at row " + i);
      }
      for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++) {
        int c = colIndices[p];
        if (c < 0 || c >= numCols || (p > rowStarts[i] && c <= colIndices[p - 1])) {
          throw new IllegalArgumentException(
              "Row "
                  + i
                  + " has column index "
                  + c
                  + " out of order or outside [0, "
                  + numCols
                  + ")");
        }
      }
    }
    this.rowStarts = rowStarts;
    this.colIndices = colIndices;
    this.values = values;
  }

  /** A CSR block over the given arrays (taken without copying), labels and weights optional. */
  public static SparseBlock of(
      int numRows,
      int numCols,
      int[] rowStarts,
      int[] colIndices,
      double[] values,
      double[] labels,
      double[] weights) {
    return new SparseBlock(numRows, numCols, rowStarts, colIndices, values, labels, weights);
  }

  int[] rowStarts() {
    return rowStarts;
  }

  int[] colIndices() {
    return colIndices;
  }

  double[] values() {
    return values;
  }

  double[] labelsOrNull() {
    return labels;
  }

  double[] weightsOrNull() {
    return weights;
  }

  @Override
  public SparseBlock withLabels(double[] newLabels) {
    return new SparseBlock(numRows, numCols, rowStarts, colIndices, values, newLabels, weights);
  }

  @Override
  public Vector row(int i) {
    int from = rowStarts[i];
    int n = rowStarts[i + 1] - from;
    int[] idx = new int[n];
    double[] val = new double[n];
    System.arraycopy(colIndices, from, idx, 0, n);
    System.arraycopy(values, from, val, 0, n);
    return new SparseVector(numCols, idx, val);
  }

  @Override
  public void multiply(double[] x, int offset, double[] out) {
    checkSlice("Vector", offset, numCols, x);
    checkVector("Output", numRows, out);
    for (int i = 0; i < numRows; i++) {
      double sum = 0.0;
      for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++) {
        sum += values[p] * x[offset + colIndices[p]];
      }
      out[i] = sum;
    }
  }

  @Override
  public void transposeMultiplyAdd(double[] r, double[] out, int offset) {
    checkVector("Vector", numRows, r);
    checkSlice("Output", offset, numCols, out);
    for (int i = 0; i < numRows; i++) {
      double ri = r[i];
      if (ri != 0.0) {
        for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++) {
          out[offset + colIndices[p]] += ri * values[p];
        }
      }
    }
  }

  @Override
  public void addWeightedSquares(double[] r, double[] out, int offset) {
    checkVector("Vector", numRows, r);
    checkSlice("Output", offset, numCols, out);
    for (int i = 0; i < numRows; i++) {
      for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++) {
        out[offset + colIndices[p]] += r[i] * values[p] * values[p];
      }
    }
  }

  /** Work per row is its non-zeros squared; the output is dense {@code numCols^2}. */
  @Override
  public void addWeightedGram(double[] r, double[] out) {
    checkVector("Vector", numRows, r);
    checkVector("Output", numCols * numCols, out);
    int d = numCols;
    for (int i = 0; i < numRows; i++) {
      double ri = r[i];
      if (ri != 0.0) {
        for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++) {
          double v = ri * values[p];
          int j = colIndices[p];
          for (int q = p; q < rowStarts[i + 1]; q++) {
            out[j * d + colIndices[q]] += v * values[q];
          }
        }
      }
    }
    mirrorUpperTriangle(out, d);
  }

  /**
   * Adds the raw moments row by row at the cost of the non-zeros, then subtracts the center once
   * for the block: {@code sum r (z - c)(z - c)^T = sum r z z^T - c s^T - s c^T + (sum r) c c^T}
   * with {@code s = sum r z}.
   */
  @Override
  public void addCenteredMoments(double[] r, double[] center, double[] out, int offset) {
    checkMoments(r, center, out, offset);
    int d = numCols;
    int size = d + 1;
    int gram = offset + size;
    double total = 0.0;
    double[] sums = new double[size];
    for (int i = 0; i < numRows; i++) {
      double ri = r[i];
      if (ri == 0.0) {
        continue;
      }
      double y = labels[i];
      total += ri;
      sums[d] += ri * y;
      for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++) {
        int j = colIndices[p];
        double v = ri * values[p];
        sums[j] += v;
        int row = gram + j * (2 * size - j + 1) / 2 - j;
        for (int q = p; q < rowStarts[i + 1]; q++) {
          out[row + colIndices[q]] += v * values[q];
        }
        out[row + d] += v * y;
      }
      out[gram + size * (size + 1) / 2 - 1] += ri * y * y;
    }
    for (int j = 0, p = gram; j < size; j++) {
      out[offset + j] += sums[j] - total * center[j];
      for (int k = j; k < size; k++, p++) {
        out[p] += total * center[j] * center[k] - center[j] * sums[k] - sums[j] * center[k];
      }
    }
  }

  @Override
  public void addRowTo(int i, double scale, double[] out) {
    checkVector("Output", numCols, out);
    for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++) {
      out[colIndices[p]] += scale * values[p];
    }
  }

  /**
   * Uses {@code |x|^2 + |c|^2 - 2 x.c}, so the work per row is its non-zeros plus {@code k}, not
   * {@code k * numCols}; results are clamped at 0 against rounding.
   */
  @Override
  public void squaredDistances(double[] centroids, int k, double[] out) {
    checkCentroids(centroids, k, out);
    int d = numCols;
    double[] centroidNorms = new double[k];
    for (int c = 0; c < k; c++) {
      double s = 0.0;
      for (int j = c * d; j < (c + 1) * d; j++) {
        s += centroids[j] * centroids[j];
      }
      centroidNorms[c] = s;
    }
    for (int i = 0; i < numRows; i++) {
      double rowNorm = 0.0;
      for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++) {
        rowNorm += values[p] * values[p];
      }
      for (int c = 0; c < k; c++) {
        int coff = c * d;
        double dot = 0.0;
        for (int p = rowStarts[i]; p < rowStarts[i + 1]; p++) {
          dot += values[p] * centroids[coff + colIndices[p]];
        }
        out[i * k + c] = Math.max(0.0, rowNorm + centroidNorms[c] - 2.0 * dot);
      }
    }
  }

  @Override
  public long numStored() {
    return values.length;
  }

  @Override
  public long estimatedBytes() {
    return 12L * values.length
        + 4L * rowStarts.length
        + (labels == null ? 0 : 8L * numRows)
        + (weights == null ? 0 : 8L * numRows);
  }

  @Override
  public long contentHash() {
    long h = hashLabelsAndWeights(0x7373_7373L);
    h = ContentHash.ints(h, rowStarts);
    h = ContentHash.ints(h, colIndices);
    return ContentHash.doubles(h, values);
  }
}
