package org.beamlink.models.optim;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.beamlink.models.StopReason;

/**
 * Newton's method with a backtracking (Armijo) line search, for smooth objectives with few
 * parameters: every evaluation brings the gradient and the Hessian together (on the shim, in the
 * same AllReduce), and the step solves {@code H d = -g} by Cholesky decomposition (commons-math3),
 * adding a small multiple of the identity when {@code H} is not positive definite. Converges in a
 * handful of iterations; each costs {@code O(n d^2)} and {@code d^2} values to reduce.
 *
 * <pre>{@code
 * Minimizer m = new Newton(new double[n], Penalty.none(n), 100, 1e-6, 210);
 * while (!m.done()) { ... m.tell(f, gradient, hessian); }
 * }</pre>
 */
public final class Newton extends Minimizer {
  private static final long serialVersionUID = 1L;

  private static final double C1 = 1e-4;
  private static final int MAX_TRIALS = 30;

  private double[] gx;
  private double[] direction;
  private double[] trial;
  private double alpha;
  private int trials;

  /**
   * Minimizes the data term plus {@code penalty} (no L1 part) from {@code x0}; see {@link
   * Minimizer} for the limits.
   */
  public Newton(double[] x0, Penalty penalty, int maxIter, double tol, int maxEvaluations) {
    super(x0, smooth(penalty, "Newton's method"), maxIter, tol, maxEvaluations);
  }

  @Override
  public double[] point() {
    return trial == null ? x : trial;
  }

  @Override
  public boolean needsHessian() {
    return true;
  }

  @Override
  void receive(double f, double[] g, double[] hessian) {
    if (hessian == null || hessian.length != g.length * g.length) {
      throw new IllegalArgumentException(
          "Newton needs a " + g.length + " x " + g.length + " Hessian with every evaluation");
    }
    if (gx == null) {
      gx = g;
      started(f, norm(g));
      if (!done()) {
        startStep(hessian);
      }
      return;
    }
    if (Double.isFinite(f) && f <= fx + C1 * alpha * dot(gx, direction)) {
      double[] newX = trial;
      gx = g;
      trial = null;
      accepted(newX, f, norm(g));
      if (!done()) {
        startStep(hessian);
      }
    } else if (++trials < MAX_TRIALS) {
      alpha *= 0.5;
      trial = axpy(x, alpha, direction);
    } else {
      trial = null;
      stop(StopReason.PRECISION, "no step decreases the loss further (precision limit)");
    }
  }

  private void startStep(double[] hessian) {
    direction = solve(hessian, gx);
    alpha = 1.0;
    trials = 0;
    trial = axpy(x, alpha, direction);
  }

  /** {@code -H^-1 g}, regularising {@code H} until it is positive definite. */
  static double[] solve(double[] hessian, double[] g) {
    int n = g.length;
    double scale = 0.0;
    for (int i = 0; i < n; i++) {
      scale = Math.max(scale, Math.abs(hessian[i * n + i]));
    }
    double ridge = 0.0;
    for (int attempt = 0; attempt < 20; attempt++) {
      RealMatrix h = new Array2DRowRealMatrix(n, n);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          h.setEntry(i, j, hessian[i * n + j] + (i == j ? ridge : 0.0));
        }
      }
      try {
        double[] d =
            new CholeskyDecomposition(h, 1e-12, 1e-14)
                .getSolver()
                .solve(new ArrayRealVector(g, false))
                .toArray();
        for (int i = 0; i < n; i++) {
          d[i] = -d[i];
        }
        return d;
      } catch (NonPositiveDefiniteMatrixException e) {
        ridge = ridge == 0.0 ? 1e-10 * Math.max(scale, 1.0) : ridge * 10;
      }
    }
    throw new IllegalStateException("The Hessian stays singular after regularisation");
  }
}
