package org.beamlink.models.optim;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A minimizer in reverse communication: it says where it wants the objective evaluated ({@link
 * #point()}), the caller evaluates the smooth part there (value, gradient, and the Hessian when
 * {@link #needsHessian()}) and {@link #tell}s it, until {@link #done()}. The caller owns the data,
 * so the same minimizer runs on arrays in one JVM or on the iteration shim, where each evaluation
 * is one AllReduce. A minimizer is deterministic: the same answers give the same points.
 *
 * <p>The objective is {@code f(x) + sum_i l1[i] |x_i|}: the caller evaluates the smooth part {@code
 * f}; minimizers that accept an L1 term ({@link OwlQn}, {@link Sgd}) handle it themselves.
 *
 * <p>It stops after {@code maxIter} iterations, when the relative change of the objective between
 * iterations is at most {@code tol} ({@code |f_prev - f| <= tol * max(|f_prev|, |f|, 1)}), when the
 * gradient's norm is at most {@code tol * max(|f|, 1)} (as Spark's L-BFGS), when no step decreases
 * the objective any more (the limit of floating point), or when {@code maxEvaluations} evaluations
 * are spent; {@link #stopReason()} says which.
 *
 * <pre>{@code
 * Minimizer m = new Lbfgs(new double[n], 100, 1e-6, 210, 10);
 * while (!m.done()) {
 *   double[] x = m.point();
 *   double[] g = new double[n];
 *   double f = evaluate(x, g);
 *   m.tell(f, g, null);
 * }
 * double[] solution = m.solution();
 * }</pre>
 */
public abstract class Minimizer implements Serializable {
  private static final long serialVersionUID = 1L;

  final int maxIter;
  final double tol;
  final int maxEvaluations;

  /** The current iterate and its objective (with the L1 term). */
  double[] x;

  double fx = Double.NaN;
  private int iterations;
  private int evaluations;
  private String stopReason;
  private double[] lossCurve = new double[0];

  Minimizer(double[] x0, int maxIter, double tol, int maxEvaluations) {
    if (maxIter < 1) {
      throw new IllegalArgumentException("Expected maxIter >= 1, got " + maxIter);
    }
    if (!(tol >= 0)) {
      throw new IllegalArgumentException("Expected tol >= 0, got " + tol);
    }
    if (maxEvaluations < 1) {
      throw new IllegalArgumentException("Expected maxEvaluations >= 1, got " + maxEvaluations);
    }
    for (double v : x0) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("Starting point has a NaN or infinite value: " + v);
      }
    }
    this.x = x0.clone();
    this.maxIter = maxIter;
    this.tol = tol;
    this.maxEvaluations = maxEvaluations;
  }

  /** Where to evaluate the objective next. */
  public abstract double[] point();

  /** True when the next evaluation must include the Hessian. */
  public boolean needsHessian() {
    return false;
  }

  /** The fraction of rows the next evaluation should sample; 1 for the whole data. */
  public double batchFraction() {
    return 1.0;
  }

  /** The number of evaluations told so far: a seed for sampling the next mini-batch. */
  public final int evaluations() {
    return evaluations;
  }

  /**
   * Gives the smooth part's value, gradient and (when asked for, else null) Hessian, row-major, at
   * {@link #point()}.
   */
  public final void tell(double f, double[] gradient, double[] hessian) {
    if (done()) {
      throw new IllegalStateException("The minimizer has stopped: " + stopReason);
    }
    if (Double.isNaN(f) || hasNaN(gradient)) {
      throw new IllegalArgumentException(
          "The objective is NaN at evaluation "
              + (evaluations + 1)
              + "; check the data for extreme values");
    }
    evaluations++;
    receive(f, gradient, hessian);
    if (!done() && evaluations >= maxEvaluations) {
      stop("evaluation budget of " + maxEvaluations + " spent");
    }
  }

  abstract void receive(double f, double[] gradient, double[] hessian);

  /** True once the minimizer has stopped. */
  public final boolean done() {
    return stopReason != null;
  }

  /** Why it stopped, or null while running. */
  public final String stopReason() {
    return stopReason;
  }

  /** The best point found. */
  public final double[] solution() {
    return x.clone();
  }

  /** The objective at {@link #solution()}, with the L1 term. */
  public final double loss() {
    return fx;
  }

  /** Iterations completed (accepted steps). */
  public final int iterations() {
    return iterations;
  }

  /** The objective at the start and after every iteration. */
  public final double[] lossCurve() {
    return lossCurve.clone();
  }

  final void stop(String reason) {
    stopReason = reason;
  }

  /** Records the objective at the starting point; stops if the gradient is already small. */
  final void started(double f, double gradientNorm) {
    fx = f;
    lossCurve = new double[] {f};
    if (gradientNorm <= tol * Math.max(Math.abs(f), 1.0)) {
      stop("gradient norm " + gradientNorm + " at the start is within tolerance");
    }
  }

  /** Records an accepted step and applies the stopping rules. */
  final void accepted(double[] newX, double f, double gradientNorm) {
    double previous = fx;
    x = newX;
    fx = f;
    iterations++;
    lossCurve = Arrays.copyOf(lossCurve, lossCurve.length + 1);
    lossCurve[lossCurve.length - 1] = f;
    if (iterations >= maxIter) {
      stop("maxIter=" + maxIter + " iterations run");
    } else if (Math.abs(previous - f)
        <= tol * Math.max(Math.max(Math.abs(previous), Math.abs(f)), 1.0)) {
      stop("relative loss change below tol=" + tol);
    } else if (gradientNorm <= tol * Math.max(Math.abs(f), 1.0)) {
      stop("gradient norm " + gradientNorm + " within tolerance");
    }
  }

  static double dot(double[] a, double[] b) {
    double s = 0.0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  static double[] axpy(double[] x, double alpha, double[] d) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] + alpha * d[i];
    }
    return out;
  }

  private static boolean hasNaN(double[] values) {
    for (double v : values) {
      if (Double.isNaN(v)) {
        return true;
      }
    }
    return false;
  }
}
