package org.beamlink.models.optim;

import java.io.Serializable;

/**
 * The penalty term of an objective, {@code sum_i l1[i] |x_i| + sum_i l2[i] x_i^2 / 2}, with one
 * weight of each kind per parameter (0 for an intercept). It is the one place penalties live: the
 * caller evaluates the data term only, and every {@link Minimizer} adds the penalty itself: the L2
 * part to the value, gradient and Hessian it is told, the L1 part through OWL-QN's orthant steps or
 * SGD's soft-thresholding (L-BFGS and Newton refuse an L1 part).
 *
 * <pre>{@code
 * double[] l1 = {0.1, 0.1, 0.0}; // no penalty on the intercept, last
 * double[] l2 = {0.5, 0.5, 0.0};
 * Minimizer m = new OwlQn(new double[3], Penalty.of(l1, l2), 100, 1e-6, 210, 10);
 * }</pre>
 */
public final class Penalty implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] l1;
  private final double[] l2;

  private Penalty(double[] l1, double[] l2) {
    this.l1 = l1;
    this.l2 = l2;
  }

  /**
   * The penalty with weights {@code l1} and {@code l2}, one per parameter, each >= 0 and finite.
   */
  public static Penalty of(double[] l1, double[] l2) {
    if (l1.length != l2.length) {
      throw new IllegalArgumentException(
          "Expected as many L1 as L2 weights, got " + l1.length + " and " + l2.length);
    }
    check("L1", l1);
    check("L2", l2);
    return new Penalty(l1.clone(), l2.clone());
  }

  /** No penalty on {@code n} parameters. */
  public static Penalty none(int n) {
    return new Penalty(new double[n], new double[n]);
  }

  private static void check(String kind, double[] weights) {
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException(
            "Expected " + kind + " weights >= 0 and finite, got " + w);
      }
    }
  }

  /** The number of parameters. */
  public int size() {
    return l1.length;
  }

  /** True when some parameter has an L1 weight. */
  public boolean hasL1() {
    for (double w : l1) {
      if (w > 0) {
        return true;
      }
    }
    return false;
  }

  /** The L1 weight of parameter {@code i}. */
  public double l1(int i) {
    return l1[i];
  }

  /** The L2 weight of parameter {@code i}. */
  public double l2(int i) {
    return l2[i];
  }

  /** The whole penalty at {@code x}. */
  public double value(double[] x) {
    return l1Value(x) + l2Value(x);
  }

  /** {@code sum_i l1[i] |x_i|}. */
  double l1Value(double[] x) {
    double p = 0.0;
    for (int i = 0; i < x.length; i++) {
      p += l1[i] * Math.abs(x[i]);
    }
    return p;
  }

  private double l2Value(double[] x) {
    double p = 0.0;
    for (int i = 0; i < x.length; i++) {
      p += 0.5 * l2[i] * x[i] * x[i];
    }
    return p;
  }

  /**
   * Adds the L2 part at {@code x} to the gradient and, when not null, to the diagonal of the
   * row-major Hessian; returns its value.
   */
  double addL2(double[] x, double[] gradient, double[] hessian) {
    for (int i = 0; i < x.length; i++) {
      gradient[i] += l2[i] * x[i];
      if (hessian != null) {
        hessian[i * x.length + i] += l2[i];
      }
    }
    return l2Value(x);
  }
}
