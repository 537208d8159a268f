package org.beamlink.models.optim;

import org.beamlink.models.StopReason;

/**
 * Limited-memory BFGS (Liu and Nocedal 1989) with a strong Wolfe line search, for smooth objectives
 * with an L2 penalty. Most iterations accept the first trial step, so an iteration costs about one
 * evaluation; the first step is scaled to length 1.
 *
 * <pre>{@code
 * Minimizer m = new Lbfgs(x0, Penalty.none(x0.length), 100, 1e-6, 210, 10);
 * }</pre>
 */
public final class Lbfgs extends Minimizer {
  private static final long serialVersionUID = 1L;

  private final LbfgsMemory memory;
  private double[] gx;
  private double[] direction;
  private double[] trial;
  private WolfeLineSearch search;
  private double[] bestX;
  private double bestF;
  private double[] bestG;
  private boolean retriedSteepest;

  /**
   * Minimizes the data term plus {@code penalty} (no L1 part) from {@code x0} for at most {@code
   * maxIter} iterations and {@code maxEvaluations} evaluations, remembering {@code m} steps.
   */
  public Lbfgs(double[] x0, Penalty penalty, int maxIter, double tol, int maxEvaluations, int m) {
    super(x0, smooth(penalty, "L-BFGS"), maxIter, tol, maxEvaluations);
    this.memory = new LbfgsMemory(m);
  }

  @Override
  public double[] point() {
    return trial == null ? x : trial;
  }

  @Override
  void receive(double f, double[] g, double[] hessian) {
    if (gx == null) {
      gx = g;
      started(f, norm(g));
      if (!done()) {
        startSearch(true);
      }
      return;
    }
    double dg = dot(g, direction);
    if (Double.isFinite(f) && search.sufficientDecrease(search.alpha(), f) && f < bestF) {
      bestX = trial;
      bestF = f;
      bestG = g;
    }
    switch (search.tell(f, dg)) {
      case ACCEPT -> step(trial, f, g);
      case CONTINUE -> trial = axpy(x, search.alpha(), direction);
      case FAIL -> {
        if (bestX != null) {
          step(bestX, bestF, bestG);
        } else if (!memory.isEmpty() && !retriedSteepest) {
          memory.clear();
          retriedSteepest = true;
          startSearch(true);
        } else {
          trial = null;
          stop(StopReason.PRECISION, "no step decreases the loss further (precision limit)");
        }
      }
    }
  }

  private void step(double[] newX, double f, double[] g) {
    double[] s = new double[newX.length];
    double[] y = new double[newX.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = newX[i] - x[i];
      y[i] = g[i] - gx[i];
    }
    memory.add(s, y);
    gx = g;
    trial = null;
    retriedSteepest = false;
    accepted(newX, f, norm(g));
    if (!done()) {
      startSearch(false);
    }
  }

  private void startSearch(boolean first) {
    direction = memory.direction(gx);
    double dg = dot(gx, direction);
    if (!(dg < 0)) {
      memory.clear();
      direction = memory.direction(gx);
      dg = dot(gx, direction);
      first = true;
    }
    double alpha0 = first && memory.isEmpty() ? 1.0 / Math.max(1.0, norm(direction)) : 1.0;
    search = new WolfeLineSearch(fx, dg, alpha0);
    bestX = null;
    bestF = fx;
    trial = axpy(x, alpha0, direction);
  }
}
