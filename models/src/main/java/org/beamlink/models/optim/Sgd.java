package org.beamlink.models.optim;

import org.beamlink.models.StopReason;

/**
 * Mini-batch stochastic gradient descent as Spark MLlib's {@code GradientDescent}: every iteration
 * evaluates the gradient on a sample of about {@code batchFraction} of the rows and steps by {@code
 * stepSize / sqrt(t)}; the penalty's L1 part is applied by soft-thresholding (a proximal step), its
 * L2 part through the gradient. It stops after {@code maxIter} iterations, when a step moves the
 * point by at most {@code tol * max(|x|, 1)} (Spark's convergence test), or when the loss changes
 * by at most {@code tol} of itself over {@value Minimizer#LOSS_WINDOW} iterations; not on the
 * gradient, which it only samples. The loss recorded is the sampled one at the start of each step,
 * so it is noisy when {@code batchFraction < 1}, and {@link #loss()} is the loss before the last
 * step. A loss that overflows (too large a step size) fails with a message saying so.
 *
 * <pre>{@code
 * Minimizer m = new Sgd(new double[n], Penalty.none(n), 100, 1e-6, 1.0, 0.1);
 * }</pre>
 */
public final class Sgd extends Minimizer {
  private static final long serialVersionUID = 1L;

  private final double stepSize;
  private final double batchFraction;

  /**
   * Minimizes the data term plus {@code penalty} from {@code x0} with step size {@code stepSize >
   * 0} and mini batches of {@code batchFraction} in (0, 1] of the rows.
   */
  public Sgd(
      double[] x0,
      Penalty penalty,
      int maxIter,
      double tol,
      double stepSize,
      double batchFraction) {
    super(x0, penalty, maxIter, tol, maxIter + 1);
    if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
      throw new IllegalArgumentException("Expected stepSize > 0 and finite, got " + stepSize);
    }
    if (!(batchFraction > 0 && batchFraction <= 1)) {
      throw new IllegalArgumentException("Expected batchFraction in (0, 1], got " + batchFraction);
    }
    this.stepSize = stepSize;
    this.batchFraction = batchFraction;
  }

  @Override
  public double[] point() {
    return x;
  }

  @Override
  boolean stopsOnGradient() {
    return false;
  }

  @Override
  public double batchFraction() {
    return batchFraction;
  }

  @Override
  void receive(double f, double[] g, double[] hessian) {
    if (!Double.isFinite(f)) {
      throw new IllegalArgumentException(
          "SGD diverged: the loss is "
              + f
              + " at evaluation "
              + evaluations()
              + "; lower stepSize (now "
              + stepSize
              + ") or standardize the features");
    }
    double penalised = f + penalty.l1Value(x);
    double gradientNorm = norm(pseudoGradient(x, g));
    if (evaluations() == 1) {
      started(penalised, gradientNorm);
    } else {
      accepted(x, penalised, gradientNorm);
    }
    if (done()) {
      return;
    }
    double eta = stepSize / Math.sqrt(evaluations());
    double[] next = new double[x.length];
    double moved = 0.0;
    for (int i = 0; i < x.length; i++) {
      double v = x[i] - eta * g[i];
      double shrink = eta * penalty.l1(i);
      next[i] = v > shrink ? v - shrink : v < -shrink ? v + shrink : 0.0;
      moved += (next[i] - x[i]) * (next[i] - x[i]);
    }
    x = next;
    if (Math.sqrt(moved) <= tol * Math.max(norm(next), 1.0)) {
      stop(StopReason.STEP, "step smaller than tol=" + tol + " relative to the solution");
    }
  }
}
