package org.beamlink.models.optim;

import org.beamlink.models.linalg.Block;

/**
 * The objective of a linear model with one margin per row, {@code m = x . beta + b}, and a {@link
 * PointwiseLoss}: logistic regression, linear regression, linear SVM, Huber regression. Parameters
 * are the {@code d} coefficients followed by the intercept when there is one.
 *
 * <p>Work per block is one block-times-vector and one transposed product, so sparse blocks cost
 * their non-zeros, never {@code rows x d}.
 *
 * <pre>{@code
 * GlmObjective objective = new GlmObjective(new SquaredLoss(), 10, true); // 11 parameters
 * }</pre>
 */
public final class GlmObjective implements BlockObjective {
  private static final long serialVersionUID = 1L;

  private final PointwiseLoss loss;
  private final int d;
  private final boolean intercept;

  /** The objective of {@code loss} over {@code d} features, with or without an intercept. */
  public GlmObjective(PointwiseLoss loss, int d, boolean intercept) {
    this.loss = loss;
    this.d = d;
    this.intercept = intercept;
  }

  /** The loss. */
  public PointwiseLoss loss() {
    return loss;
  }

  @Override
  public int numParams() {
    return intercept ? d + 1 : d;
  }

  @Override
  public int numFeatures() {
    return d;
  }

  @Override
  public double addLossAndGradient(Block block, double[] params, double[] rowMask, double[] grad) {
    int n = block.numRows();
    double[] r = new double[n];
    block.multiply(params, 0, r);
    double b = intercept ? params[d] : 0.0;
    double total = 0.0;
    double interceptGrad = 0.0;
    for (int i = 0; i < n; i++) {
      double s = rowMask == null ? block.weight(i) : block.weight(i) * rowMask[i];
      if (s == 0.0) {
        r[i] = 0.0;
        continue;
      }
      double m = r[i] + b;
      double y = block.label(i);
      total += s * loss.loss(m, y);
      r[i] = s * loss.derivative(m, y);
      interceptGrad += r[i];
    }
    block.transposeMultiplyAdd(r, grad, 0);
    if (intercept) {
      grad[d] += interceptGrad;
    }
    return total;
  }

  @Override
  public boolean hasHessian() {
    return loss.hasSecondDerivative();
  }

  @Override
  public void addHessian(Block block, double[] params, double[] rowMask, double[] hessian) {
    int n = block.numRows();
    int p = numParams();
    double[] r = new double[n];
    block.multiply(params, 0, r);
    double b = intercept ? params[d] : 0.0;
    double corner = 0.0;
    for (int i = 0; i < n; i++) {
      double s = rowMask == null ? block.weight(i) : block.weight(i) * rowMask[i];
      r[i] = s == 0.0 ? 0.0 : s * loss.secondDerivative(r[i] + b, block.label(i));
      corner += r[i];
    }
    double[] gram = new double[d * d];
    block.addWeightedGram(r, gram);
    for (int j = 0; j < d; j++) {
      for (int k = 0; k < d; k++) {
        hessian[j * p + k] += gram[j * d + k];
      }
    }
    if (intercept) {
      double[] cross = new double[d];
      block.transposeMultiplyAdd(r, cross, 0);
      for (int j = 0; j < d; j++) {
        hessian[j * p + d] += cross[j];
        hessian[d * p + j] += cross[j];
      }
      hessian[d * p + d] += corner;
    }
  }
}
