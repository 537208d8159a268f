package org.beamlink.models.optim;

import java.io.Serializable;

/**
 * The last {@code m} steps and gradient changes of a quasi-Newton method, and the two-loop
 * recursion that multiplies a vector by the implied inverse Hessian (Nocedal and Wright, Algorithm
 * 7.4), with the initial scaling {@code s.y / y.y}.
 */
final class LbfgsMemory implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int m;
  private final double[][] s;
  private final double[][] y;
  private final double[] rho;
  private int count;
  private int newest = -1;

  LbfgsMemory(int m) {
    if (m < 1) {
      throw new IllegalArgumentException("Expected L-BFGS memory >= 1, got " + m);
    }
    this.m = m;
    this.s = new double[m][];
    this.y = new double[m][];
    this.rho = new double[m];
  }

  boolean isEmpty() {
    return count == 0;
  }

  void clear() {
    count = 0;
    newest = -1;
  }

  /** Remembers a step; skipped when the curvature {@code s.y} is not clearly positive. */
  void add(double[] step, double[] gradientChange) {
    double sy = Minimizer.dot(step, gradientChange);
    double yy = Minimizer.dot(gradientChange, gradientChange);
    if (!(sy > 1e-10 * yy) || yy == 0.0) {
      return;
    }
    newest = (newest + 1) % m;
    s[newest] = step;
    y[newest] = gradientChange;
    rho[newest] = 1.0 / sy;
    count = Math.min(count + 1, m);
  }

  /** {@code -H g}: the quasi-Newton direction for gradient {@code g}. */
  double[] direction(double[] g) {
    double[] q = g.clone();
    double[] alpha = new double[m];
    for (int k = 0; k < count; k++) {
      int i = Math.floorMod(newest - k, m);
      alpha[i] = rho[i] * Minimizer.dot(s[i], q);
      for (int j = 0; j < q.length; j++) {
        q[j] -= alpha[i] * y[i][j];
      }
    }
    if (count > 0) {
      double gamma = 1.0 / (rho[newest] * Minimizer.dot(y[newest], y[newest]));
      for (int j = 0; j < q.length; j++) {
        q[j] *= gamma;
      }
    }
    for (int k = count - 1; k >= 0; k--) {
      int i = Math.floorMod(newest - k, m);
      double beta = rho[i] * Minimizer.dot(y[i], q);
      for (int j = 0; j < q.length; j++) {
        q[j] += (alpha[i] - beta) * s[i][j];
      }
    }
    for (int j = 0; j < q.length; j++) {
      q[j] = -q[j];
    }
    return q;
  }
}
