package org.beamlink.models.optim;

/**
 * Orthant-wise limited-memory quasi-Newton (Andrew and Gao 2007) for {@code f(x) + sum_i l1[i]
 * |x_i|} with a smooth {@code f}: L-BFGS on the pseudo-gradient, steps kept in the orthant of the
 * current point, and a backtracking line search on the whole objective. Coordinates driven to zero
 * stay exactly zero, which is what makes L1 models sparse.
 *
 * <pre>{@code
 * double[] l1 = new double[n];
 * java.util.Arrays.fill(l1, 0, n - 1, 0.01); // no penalty on the intercept, last
 * Minimizer m = new OwlQn(new double[n], l1, 100, 1e-6, 210, 10);
 * }</pre>
 */
public final class OwlQn extends Minimizer {
  private static final long serialVersionUID = 1L;

  private static final double C1 = 1e-4;
  private static final int MAX_TRIALS = 30;

  private final double[] l1;
  private final LbfgsMemory memory;
  private double[] gx;
  private double[] pseudo;
  private double[] direction;
  private double[] orthant;
  private double[] trial;
  private double alpha;
  private int trials;
  private boolean retriedSteepest;

  /** As {@link Lbfgs}, with L1 weights {@code l1} (one per coordinate, each >= 0). */
  public OwlQn(double[] x0, double[] l1, int maxIter, double tol, int maxEvaluations, int m) {
    super(x0, maxIter, tol, maxEvaluations);
    if (l1.length != x0.length) {
      throw new IllegalArgumentException("Expected " + x0.length + " L1 weights, got " + l1.length);
    }
    for (double w : l1) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("Expected L1 weights >= 0 and finite, got " + w);
      }
    }
    this.l1 = l1.clone();
    this.memory = new LbfgsMemory(m);
  }

  @Override
  public double[] point() {
    return trial == null ? x : trial;
  }

  @Override
  void receive(double smoothF, double[] g, double[] hessian) {
    double f = smoothF + penalty(point());
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
      stop("no step decreases the loss further (precision limit)");
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

  private double[] pseudoGradient(double[] at, double[] g) {
    double[] pg = new double[at.length];
    for (int i = 0; i < at.length; i++) {
      if (at[i] > 0) {
        pg[i] = g[i] + l1[i];
      } else if (at[i] < 0) {
        pg[i] = g[i] - l1[i];
      } else if (g[i] + l1[i] < 0) {
        pg[i] = g[i] + l1[i];
      } else if (g[i] - l1[i] > 0) {
        pg[i] = g[i] - l1[i];
      }
    }
    return pg;
  }

  private double penalty(double[] at) {
    double p = 0.0;
    for (int i = 0; i < at.length; i++) {
      p += l1[i] * Math.abs(at[i]);
    }
    return p;
  }
}
