package org.beamlink.models.online;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The settings of FTRL-Proximal (McMahan et al. 2013, "Ad Click Prediction: a View from the
 * Trenches", Algorithm 1) and its closed-form weight: per coordinate {@code i},
 *
 * <pre>
 *   w_i = 0                                                        if |z_i| <= l1
 *   w_i = -(z_i - sgn(z_i) l1) / ((beta + sqrt(n_i)) / alpha + l2)  otherwise
 * </pre>
 *
 * <p>Parameters and defaults (Alink's): {@code alpha} > 0 (0.1), {@code beta} >= 0 (1.0), {@code
 * l1} >= 0 (0.1), {@code l2} >= 0 (0.1), {@code withIntercept} (true), {@code miniBatchSize} >= 1
 * (1: Algorithm 1 exactly), {@code threads} >= 1 (1): the threads that compute a mini-batch's
 * gradients, at most {@code miniBatchSize}.
 *
 * <pre>{@code
 * FtrlParams params = FtrlParams.defaults().withAlpha(0.05).withL1(1.0);
 * double w = params.weight(z, n);
 * double z0 = params.initialZ(w0); // params.weight(z0, 0) == w0, up to rounding
 * }</pre>
 */
public final class FtrlParams implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double alpha;
  private final double beta;
  private final double l1;
  private final double l2;
  private final boolean intercept;
  private final int miniBatchSize;
  private final int threads;

  private FtrlParams(
      double alpha,
      double beta,
      double l1,
      double l2,
      boolean intercept,
      int miniBatchSize,
      int threads) {
    this.alpha = alpha;
    this.beta = beta;
    this.l1 = l1;
    this.l2 = l2;
    this.intercept = intercept;
    this.miniBatchSize = miniBatchSize;
    this.threads = threads;
  }

  /** alpha 0.1, beta 1.0, l1 0.1, l2 0.1, an intercept, mini-batches of 1, one thread. */
  public static FtrlParams defaults() {
    return new FtrlParams(0.1, 1.0, 0.1, 0.1, true, 1, 1);
  }

  /** The learning rate's scale {@code alpha}, above 0 and finite. */
  public FtrlParams withAlpha(double alpha) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("Expected alpha > 0 and finite, got " + alpha);
    }
    return new FtrlParams(alpha, beta, l1, l2, intercept, miniBatchSize, threads);
  }

  /** The learning rate's smoothing {@code beta}, at least 0 and finite. */
  public FtrlParams withBeta(double beta) {
    checkNonNegative("beta", beta);
    return new FtrlParams(alpha, beta, l1, l2, intercept, miniBatchSize, threads);
  }

  /** The L1 penalty, at least 0 and finite. */
  public FtrlParams withL1(double l1) {
    checkNonNegative("l1", l1);
    return new FtrlParams(alpha, beta, l1, l2, intercept, miniBatchSize, threads);
  }

  /** The L2 penalty, at least 0 and finite. */
  public FtrlParams withL2(double l2) {
    checkNonNegative("l2", l2);
    return new FtrlParams(alpha, beta, l1, l2, intercept, miniBatchSize, threads);
  }

  /**
   * Whether the intercept is trained, as the weight of a feature that is always 1 (penalized by
   * {@code l1} and {@code l2} like every other coordinate, as Alink and the paper's bias feature
   * do). When false it stays at the initial model's intercept.
   */
  public FtrlParams withIntercept(boolean intercept) {
    return new FtrlParams(alpha, beta, l1, l2, intercept, miniBatchSize, threads);
  }

  /** Examples per update, at least 1. */
  public FtrlParams withMiniBatchSize(int miniBatchSize) {
    if (miniBatchSize < 1) {
      throw new IllegalArgumentException("Expected miniBatchSize >= 1, got " + miniBatchSize);
    }
    return new FtrlParams(alpha, beta, l1, l2, intercept, miniBatchSize, threads);
  }

  /** Threads computing a mini-batch's gradients, at least 1. */
  public FtrlParams withThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("Expected threads >= 1, got " + threads);
    }
    return new FtrlParams(alpha, beta, l1, l2, intercept, miniBatchSize, threads);
  }

  private static void checkNonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("Expected " + name + " >= 0 and finite, got " + value);
    }
  }

  /** {@code alpha}. */
  public double alpha() {
    return alpha;
  }

  /** {@code beta}. */
  public double beta() {
    return beta;
  }

  /** {@code l1}. */
  public double l1() {
    return l1;
  }

  /** {@code l2}. */
  public double l2() {
    return l2;
  }

  /** Whether the intercept is trained. */
  public boolean intercept() {
    return intercept;
  }

  /** Examples per update. */
  public int miniBatchSize() {
    return miniBatchSize;
  }

  /** Threads computing a mini-batch's gradients. */
  public int threads() {
    return threads;
  }

  /** The closed-form weight of a coordinate with accumulators {@code z} and {@code n}. */
  public double weight(double z, double n) {
    if (Math.abs(z) <= l1) {
      return 0.0;
    }
    return -(z - Math.signum(z) * l1) / ((beta + Math.sqrt(n)) / alpha + l2);
  }

  /**
   * The {@code z} whose weight at {@code n = 0} is {@code w}: {@code z = -w (beta / alpha + l2) -
   * sgn(w) l1}, and 0 for {@code w = 0}. A coordinate of an initial model starts from it, so that
   * FTRL continues from the initial weight instead of restarting it from 0.
   */
  public double initialZ(double w) {
    if (w == 0.0) {
      return 0.0;
    }
    return -w * (beta / alpha + l2) - Math.signum(w) * l1;
  }

  /** The settings as text, sorted by name, for a model's provenance. */
  public Map<String, String> describe() {
    Map<String, String> d = new TreeMap<>();
    d.put("alpha", Double.toString(alpha));
    d.put("beta", Double.toString(beta));
    d.put("l1", Double.toString(l1));
    d.put("l2", Double.toString(l2));
    d.put("withIntercept", Boolean.toString(intercept));
    d.put("miniBatchSize", Integer.toString(miniBatchSize));
    d.put("threads", Integer.toString(threads));
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FtrlParams p
        && Double.compare(alpha, p.alpha) == 0
        && Double.compare(beta, p.beta) == 0
        && Double.compare(l1, p.l1) == 0
        && Double.compare(l2, p.l2) == 0
        && intercept == p.intercept
        && miniBatchSize == p.miniBatchSize
        && threads == p.threads;
  }

  @Override
  public int hashCode() {
    return Objects.hash(alpha, beta, l1, l2, intercept, miniBatchSize, threads);
  }

  @Override
  public String toString() {
    return "FTRL" + describe();
  }
}
