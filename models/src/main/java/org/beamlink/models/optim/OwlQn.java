package org.beamlink.models.optim;

import org.beamlink.models.StopReason;

/**
 * Orthant-wise limited-memory quasi-Newton (Andrew and Gao 2007) for {@code f(x) + sum_i l1[i]
 * |x_i|} with a smooth {@code f} (the data term and the penalty's L2 part): L-BFGS on the
 * pseudo-gradient, steps kept in the orthant of the current point, and a backtracking line search
 * on the whole objective. Coordinates driven to zero stay exactly zero, which is what makes L1
 * models sparse.
 *
 * <pre>{@code
 * double[] l1 = new double[n];
 * java.util.Arrays.fill(l1, 0, n - 1, 0.01); // no penalty on the intercept, last
 * Minimizer m = new OwlQn(new double[n], Penalty.of(l1, new double[n]), 100, 1e-6, 210, 10);
 * }</pre>
 */
public final class OwlQn extends Minimizer {
  private static final long serialVersionUID = 1L;

  private static final double C1 = 1e-4;
  private static final int MAX_TRIALS = 30;

  private final LbfgsMemory memory;
  private double[] gx;
  private double[] pseudo;
  private double[] direction;
  private double[] orthant;
  private double[] trial;
  private double alpha;
  private int trials;
  private boolean retriedSteepest;

  /** As {@link Lbfgs}, with a penalty that may have an L1 part. */
  public OwlQn(double[] x0, Penalty penalty, int maxIter, double tol, int maxEvaluations, int m) {
    super(x0, penalty, maxIter, tol, maxEvaluations);
    this.memory = new LbfgsMemory(m);
  }

  @Override
  public double[] point() {
    return trial == null ? x : trial;
  }

  @Override
  void receive(double smoothF, double[] g, double[] hessian) {
    double f = smoothF + penalty.l1Value(point());
    if (gx == null) {
      gx = g;
      pseudo = pseudoGradient(x, g);
      started(f, norm(pseudo));
      if (!done()) {
        startSearch(true);
      }
      return;
    }
    double decrease = 0.0;
    for (int i = 0; i < x.length; i++) {
      decrease += pseudo[i] * (trial[i] - x[i]);
    }
    if (Double.isFinite(f) && f <= fx + C1 * decrease) {
      double[] s = new double[x.length];
      double[] y = new double[x.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = trial[i] - x[i];
        y[i] = g[i] - gx[i];
      }
      memory.add(s, y);
      double[] newX = trial;
      gx = g;
      pseudo = pseudoGradient(newX, g);
      trial = null;
      retriedSteepest = false;
      accepted(newX, f, norm(pseudo));
      if (!done()) {
        startSearch(false);
      }
      return;
    }
    if (++trials < MAX_TRIALS) {
      alpha *= 0.5;
      trial = project(axpy(x, alpha, direction));
    } else if (!memory.isEmpty() && !retriedSteepest) {
      memory.clear();
      retriedSteepest = true;
      startSearch(true);
    } else {
      trial = null;
      stop(StopReason.PRECISION, "no step decreases the loss further (precision limit)");
    }
  }

  private void startSearch(boolean first) {
    direction = memory.direction(pseudo);
    for (int i = 0; i < direction.length; i++) {
      if (direction[i] * pseudo[i] >= 0) {
        direction[i] = 0.0;
      }
    }
    orthant = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      orthant[i] = x[i] != 0 ? Math.signum(x[i]) : -Math.signum(pseudo[i]);
    }
    alpha = first && memory.isEmpty() ? 1.0 / Math.max(1.0, norm(direction)) : 1.0;
    trials = 0;
    trial = project(axpy(x, alpha, direction));
  }

  private double[] project(double[] point) {
    for (int i = 0; i < point.length; i++) {
      if (point[i] * orthant[i] <= 0) {
        point[i] = 0.0;
      }
    }
    return point;
  }
}
