package org.beamlink.models.optim;

/**
 * Mini-batch stochastic gradient descent as Spark MLlib's {@code GradientDescent}: every iteration
 * evaluates the gradient on a sample of about {@code batchFraction} of the rows and steps by {@code
 * stepSize / sqrt(t)}; an L1 term is applied by soft-thresholding (a proximal step). It stops after
 * {@code maxIter} iterations or when a step moves the point by at most {@code tol * max(|x|, 1)}
 * (Spark's convergence test), or when the relative change of the loss is at most {@code tol}. The
 * loss recorded is the sampled one at the start of each step, so it is noisy when {@code
 * batchFraction < 1}, and {@link #loss()} is the loss before the last step.
 *
 * <pre>{@code
 * Minimizer m = new Sgd(new double[n], new double[n], 100, 1e-6, 1.0, 0.1);
 * }</pre>
 */
public final class Sgd extends Minimizer {
  private static final long serialVersionUID = 1L;

  private final double[] l1;
  private final double stepSize;
  private final double batchFraction;

  /**
   * Minimizes from {@code x0} with L1 weights {@code l1}, step size {@code stepSize > 0} and mini
   * batches of {@code batchFraction} in (0, 1] of the rows.
   */
  public Sgd(
      double[] x0, double[] l1, int maxIter, double tol, double stepSize, double batchFraction) {
    super(x0, maxIter, tol, maxIter + 1);
    if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
      throw new IllegalArgumentException("Expected stepSize > 0 and finite, got " + stepSize);
    }
    if (!(batchFraction > 0 && batchFraction <= 1)) {
      throw new IllegalArgumentException("Expected batchFraction in (0, 1], got " + batchFraction);
    }
    if (l1.length != x0.length) {
      throw new IllegalArgumentException("Expected " + x0.length + " L1 weights, got " + l1.length);
    }
    this.l1 = l1.clone();
    this.stepSize = stepSize;
    this.batchFraction = batchFraction;
  }

  @Override
  public double[] point() {
    return x;
  }

  @Override
  public double batchFraction() {
    return batchFraction;
  }

  @Override
  void receive(double f, double[] g, double[] hessian) {
    double penalised = f;
    for (int i = 0; i < x.length; i++) {
      penalised += l1[i] * Math.abs(x[i]);
    }
    if (evaluations() == 1) {
      started(penalised, Double.POSITIVE_INFINITY);
    } else {
      accepted(x, penalised, Double.POSITIVE_INFINITY);
    }
    if (done()) {
      return;
    }
    double eta = stepSize / Math.sqrt(evaluations());
    double[] next = new double[x.length];
    double moved = 0.0;
    for (int i = 0; i < x.length; i++) {
      double v = x[i] - eta * g[i];
      double shrink = eta * l1[i];
      next[i] = v > shrink ? v - shrink : v < -shrink ? v + shrink : 0.0;
      moved += (next[i] - x[i]) * (next[i] - x[i]);
    }
    x = next;
    if (Math.sqrt(moved) <= tol * Math.max(norm(next), 1.0)) {
      stop("step smaller than tol=" + tol + " relative to the solution");
    }
  }
}
