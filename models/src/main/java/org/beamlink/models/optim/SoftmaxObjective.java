package org.beamlink.models.optim;

import org.beamlink.models.linalg.Block;

/**
 * Multinomial logistic (softmax) regression over {@code k} classes: one coefficient vector and
 * intercept per class, loss {@code -log softmax(m)_y} for class index {@code y}. Parameters are
 * {@code k} rows of {@code d} coefficients each followed by that class's intercept when there is
 * one, as scikit-learn's multinomial {@code LogisticRegression}.
 *
 * <pre>{@code
 * SoftmaxObjective objective = new SoftmaxObjective(3, 4, true); // iris: 15 parameters
 * }</pre>
 */
public final class SoftmaxObjective implements BlockObjective {
  private static final long serialVersionUID = 1L;

  private final int k;
  private final int d;
  private final boolean intercept;

  /** The objective for {@code k >= 2} classes over {@code d} features. */
  public SoftmaxObjective(int k, int d, boolean intercept) {
    if (k < 2) {
      throw new IllegalArgumentException("Expected at least 2 classes, got " + k);
    }
    this.k = k;
    this.d = d;
    this.intercept = intercept;
  }

  /** Parameters per class: {@code d}, plus one for the intercept. */
  public int stride() {
    return intercept ? d + 1 : d;
  }

  @Override
  public int numParams() {
    return k * stride();
  }

  @Override
  public int numFeatures() {
    return d;
  }

  @Override
  public double addLossAndGradient(Block block, double[] params, double[] rowMask, double[] grad) {
    int n = block.numRows();
    int stride = stride();
    double[][] margins = new double[k][n];
    for (int c = 0; c < k; c++) {
      block.multiply(params, c * stride, margins[c]);
      if (intercept) {
        double b = params[c * stride + d];
        for (int i = 0; i < n; i++) {
          margins[c][i] += b;
        }
      }
    }
    double total = 0.0;
    for (int i = 0; i < n; i++) {
      double s = rowMask == null ? block.weight(i) : block.weight(i) * rowMask[i];
      int y = (int) block.label(i);
      if (s == 0.0) {
        for (int c = 0; c < k; c++) {
          margins[c][i] = 0.0;
        }
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        max = Math.max(max, margins[c][i]);
      }
      double sum = 0.0;
      for (int c = 0; c < k; c++) {
        sum += Math.exp(margins[c][i] - max);
      }
      double logSum = max + Math.log(sum);
      total += s * (logSum - margins[y][i]);
      for (int c = 0; c < k; c++) {
        double p = Math.exp(margins[c][i] - logSum);
        margins[c][i] = s * (c == y ? p - 1.0 : p);
      }
    }
    for (int c = 0; c < k; c++) {
      block.transposeMultiplyAdd(margins[c], grad, c * stride);
      if (intercept) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
          sum += margins[c][i];
        }
        grad[c * stride + d] += sum;
      }
    }
    return total;
  }

  @Override
  public boolean hasHessian() {
    return false;
  }

  @Override
  public void addHessian(Block block, double[] params, double[] rowMask, double[] hessian) {
    throw new UnsupportedOperationException(
        "Softmax regression has no Hessian here; use L-BFGS, OWL-QN or SGD");
  }
}
