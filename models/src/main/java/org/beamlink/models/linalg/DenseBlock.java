package org.beamlink.models.linalg;

/**
 * A block stored as one row-major {@code n x d} array.
 *
 * <pre>{@code
 * DenseBlock b = DenseBlock.of(2, 3, new double[] {1, 2, 3, 4, 5, 6}, null, null);
 * double[] d = new double[2];
 * b.squaredDistances(new double[] {1, 2, 3}, 1, d); // {0, 27}
 * }</pre>
 */
public final class DenseBlock extends Block {
  private static final long serialVersionUID = 1L;

  private final double[] values;

  private DenseBlock(int numRows, int numCols, double[] values, double[] labels, double[] weights) {
    super(numRows, numCols, labels, weights);
    if ((long) numRows * numCols != values.length) {
      throw new IllegalArgumentException(
          "A "
              + numRows
              + " x "
              + numCols
              + " block needs "
              + ((long) numRows * numCols)
              + " values, got "
              + values.length);
    }
    this.values = values;
  }

  /**
   * A block over {@code values} (row-major, taken without copying: the caller hands it over), with
   * optional labels and weights ({@code null} for none).
   */
  public static DenseBlock of(
      int numRows, int numCols, double[] values, double[] labels, double[] weights) {
    return new DenseBlock(numRows, numCols, values, labels, weights);
  }

  /** The value at row {@code i}, column {@code j}. */
  public double get(int i, int j) {
    return values[i * numCols + j];
  }

  /** Copies the row-major values into {@code target} from {@code offset}. */
  public void copyValuesTo(double[] target, int offset) {
    System.arraycopy(values, 0, target, offset, values.length);
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
  public DenseBlock withLabels(double[] newLabels) {
    return new DenseBlock(numRows, numCols, values, newLabels, weights);
  }

  @Override
  public Vector row(int i) {
    double[] r = new double[numCols];
    System.arraycopy(values, i * numCols, r, 0, numCols);
    return new DenseVector(r);
  }

  @Override
  public void multiply(double[] x, int offset, double[] out) {
    checkSlice("Vector", offset, numCols, x);
    checkVector("Output", numRows, out);
    for (int i = 0, off = 0; i < numRows; i++, off += numCols) {
      double sum = 0.0;
      for (int j = 0; j < numCols; j++) {
        sum += values[off + j] * x[offset + j];
      }
      out[i] = sum;
    }
  }

  @Override
  public void transposeMultiplyAdd(double[] r, double[] out, int offset) {
    checkVector("Vector", numRows, r);
    checkSlice("Output", offset, numCols, out);
    for (int i = 0, off = 0; i < numRows; i++, off += numCols) {
      double ri = r[i];
      if (ri != 0.0) {
        for (int j = 0; j < numCols; j++) {
          out[offset + j] += ri * values[off + j];
        }
      }
    }
  }

  @Override
  public void addWeightedSquares(double[] r, double[] out, int offset) {
    checkVector("Vector", numRows, r);
    checkSlice("Output", offset, numCols, out);
    for (int i = 0, off = 0; i < numRows; i++, off += numCols) {
      double ri = r[i];
      for (int j = 0; j < numCols; j++) {
        double v = values[off + j];
        out[offset + j] += ri * v * v;
      }
    }
  }

  @Override
  public void addWeightedGram(double[] r, double[] out) {
    checkVector("Vector", numRows, r);
    checkVector("Output", numCols * numCols, out);
    int d = numCols;
    for (int i = 0, off = 0; i < numRows; i++, off += d) {
      double ri = r[i];
      if (ri != 0.0) {
        for (int j = 0; j < d; j++) {
          double v = ri * values[off + j];
          if (v != 0.0) {
            for (int k = j; k < d; k++) {
              out[j * d + k] += v * values[off + k];
            }
          }
        }
      }
    }
    mirrorUpperTriangle(out, d);
  }

  @Override
  public void addCenteredMoments(double[] r, double[] center, double[] out, int offset) {
    checkMoments(r, center, out, offset);
    int d = numCols;
    int size = d + 1;
    double[] z = new double[size];
    for (int i = 0, off = 0; i < numRows; i++, off += d) {
      double ri = r[i];
      if (ri == 0.0) {
        continue;
      }
      for (int j = 0; j < d; j++) {
        z[j] = values[off + j] - center[j];
      }
      z[d] = labels[i] - center[d];
      for (int j = 0, p = offset + size; j < size; j++) {
        double v = ri * z[j];
        out[offset + j] += v;
        for (int k = j; k < size; k++, p++) {
          out[p] += v * z[k];
        }
      }
    }
  }

  @Override
  public void addRowTo(int i, double scale, double[] out) {
    checkVector("Output", numCols, out);
    int off = i * numCols;
    for (int j = 0; j < numCols; j++) {
      out[j] += scale * values[off + j];
    }
  }

  @Override
  public void squaredDistances(double[] centroids, int k, double[] out) {
    checkCentroids(centroids, k, out);
    int d = numCols;
    for (int i = 0, off = 0; i < numRows; i++, off += d) {
      for (int c = 0, coff = 0; c < k; c++, coff += d) {
        double sum = 0.0;
        for (int j = 0; j < d; j++) {
          double diff = values[off + j] - centroids[coff + j];
          sum += diff * diff;
        }
        out[i * k + c] = sum;
      }
    }
  }

  @Override
  public long numStored() {
    return values.length;
  }

  @Override
  public long estimatedBytes() {
    return 8L * values.length
        + (labels == null ? 0 : 8L * numRows)
        + (weights == null ? 0 : 8L * numRows);
  }

  @Override
  public long contentHash() {
    return ContentHash.doubles(hashLabelsAndWeights(0x5151_5151L), values);
  }
}
