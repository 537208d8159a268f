package org.beamlink.models.optim;

import java.io.Serializable;
import java.util.Arrays;
import org.beamlink.models.StopReason;

/**
 * A minimizer in reverse communication: it says where it wants the objective evaluated ({@link
 * #point()}), the caller evaluates the data term there (value, gradient, and the Hessian when
 * {@link #needsHessian()}) and {@link #tell}s it, until {@link #done()}. The caller owns the data,
 * so the same minimizer runs on arrays in one JVM or on the iteration shim, where each evaluation
 * is one AllReduce. A minimizer is deterministic: the same answers give the same points.
 *
 * <p>The objective is the data term plus a {@link Penalty}, which the minimizer adds itself: the
 * caller never evaluates a penalty. L-BFGS and Newton take an L2 penalty only; OWL-QN and SGD also
 * an L1 one.
 *
 * <p>Stopping rules, checked after every iteration, first match wins ({@link #stopReason()}):
 *
 * <ol>
 *   <li>{@link StopReason#GRADIENT}: the gradient's norm (OWL-QN: the pseudo-gradient's) is at most
 *       {@code tol * |f|}, as Spark's L-BFGS and scikit-learn's {@code gtol} test the gradient (not
 *       SGD, whose gradients are sampled).
 *   <li>{@link StopReason#LOSS_CHANGE}: the objective changed by at most {@code tol * |f|} over the
 *       last {@value #LOSS_WINDOW} iterations, as Spark's check over its recent values; not before
 *       {@value #LOSS_WINDOW} iterations. A window, not a single step: on ill-conditioned data
 *       quasi-Newton steps can make little progress for a few iterations far from the optimum, and
 *       a one-step test stops there.
 *   <li>{@link StopReason#MAX_ITER}: {@code maxIter} iterations have run.
 * </ol>
 *
 * <p>It also stops when no step decreases the objective any more ({@link StopReason#PRECISION}) or
 * after {@code maxEvaluations} evaluations ({@link StopReason#MAX_EVALUATIONS}). {@link
 * #gradientNorm()} says how far from stationary the solution is, whatever the reason.
 *
 * <pre>{@code
 * Minimizer m = new Lbfgs(new double[n], Penalty.none(n), 100, 1e-6, 210, 10);
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

  /** Iterations over which {@link StopReason#LOSS_CHANGE} measures the change of the objective. */
  public static final int LOSS_WINDOW = 10;

  final Penalty penalty;
  final int maxIter;
  final double tol;
  final int maxEvaluations;

  /** The current iterate and its objective (with the penalty). */
  double[] x;

  double fx = Double.NaN;
  private double gradientNorm = Double.NaN;
  private int iterations;
  private int evaluations;
  private StopReason stopReason;
  private String stopMessage;
  private double[] lossCurve = new double[0];

  Minimizer(double[] x0, Penalty penalty, int maxIter, double tol, int maxEvaluations) {
    if (maxIter < 1) {
      throw new IllegalArgumentException("Expected maxIter >= 1, got " + maxIter);
    }
    if (!(tol >= 0)) {
      throw new IllegalArgumentException("Expected tol >= 0, got " + tol);
    }
    if (maxEvaluations < 1) {
      throw new IllegalArgumentException("Expected maxEvaluations >= 1, got " + maxEvaluations);
    }
    if (penalty.size() != x0.length) {
      throw new IllegalArgumentException(
          "Expected a penalty on " + x0.length + " parameters, got one on " + penalty.size());
    }
    for (double v : x0) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("Starting point has a NaN or infinite value: " + v);
      }
    }
    this.x = x0.clone();
    this.penalty = penalty;
    this.maxIter = maxIter;
    this.tol = tol;
    this.maxEvaluations = maxEvaluations;
  }

  /** Rejects a penalty with an L1 part, for minimizers of smooth objectives. */
  static Penalty smooth(Penalty penalty, String minimizer) {
    if (penalty.hasL1()) {
      throw new IllegalArgumentException(
          minimizer + " cannot minimize an L1 penalty; use OWL-QN (or SGD)");
    }
    return penalty;
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

  /**
   * True when the gradient rule applies; SGD's gradients are sampled and its loss may rise, so the
   * gradient relative to the loss says nothing there.
   */
  boolean stopsOnGradient() {
    return true;
  }

  /** The number of evaluations told so far: a seed for sampling the next mini-batch. */
  public final int evaluations() {
    return evaluations;
  }

  /**
   * Gives the data term's value, gradient and (when asked for, else null) Hessian, row-major, at
   * {@link #point()}; the minimizer adds the penalty.
   */
  public final void tell(double f, double[] gradient, double[] hessian) {
    if (done()) {
      throw new IllegalStateException("The minimizer has stopped: " + stopMessage);
    }
    if (Double.isNaN(f) || hasNaN(gradient)) {
      throw new IllegalArgumentException(
          "The objective is NaN at evaluation "
              + (evaluations + 1)
              + "; check the data for extreme values");
    }
    evaluations++;
    double[] g = gradient.clone();
    double[] h = hessian == null ? null : hessian.clone();
    double withL2 = f + penalty.addL2(point(), g, h);
    receive(withL2, g, h);
    if (!done() && evaluations >= maxEvaluations) {
      stop(StopReason.MAX_EVALUATIONS, "evaluation budget of " + maxEvaluations + " spent");
    }
  }

  /** Receives the value, gradient and Hessian at {@link #point()}, the L2 penalty included. */
  abstract void receive(double f, double[] gradient, double[] hessian);

  /** True once the minimizer has stopped. */
  public final boolean done() {
    return stopReason != null;
  }

  /** Why it stopped, or null while running. */
  public final StopReason stopReason() {
    return stopReason;
  }

  /** Why it stopped, with the figures that decided it; null while running. */
  public final String stopMessage() {
    return stopMessage;
  }

  /** The best point found. */
  public final double[] solution() {
    return x.clone();
  }

  /** The objective at {@link #solution()}, with the penalty. */
  public final double loss() {
    return fx;
  }

  /**
   * The norm of the gradient (OWL-QN: the pseudo-gradient; SGD: the sampled gradient) at {@link
   * #solution()}, with the penalty.
   */
  public final double gradientNorm() {
    return gradientNorm;
  }

  /** Iterations completed (accepted steps). */
  public final int iterations() {
    return iterations;
  }

  /** The objective at the start and after every iteration. */
  public final double[] lossCurve() {
    return lossCurve.clone();
  }

  final void stop(StopReason reason, String message) {
    stopReason = reason;
    stopMessage = message;
  }

  /** Records the objective at the starting point; stops if the gradient is already small. */
  final void started(double f, double norm) {
    fx = f;
    gradientNorm = norm;
    lossCurve = new double[] {f};
    if (stopsOnGradient() && norm <= tol * Math.abs(f)) {
      stop(
          StopReason.GRADIENT,
          "gradient norm " + norm + " at the start is within tol=" + tol + " of the loss " + f);
    }
  }

  /** Records an accepted step and applies the stopping rules. */
  final void accepted(double[] newX, double f, double norm) {
    x = newX;
    fx = f;
    gradientNorm = norm;
    iterations++;
    lossCurve = Arrays.copyOf(lossCurve, lossCurve.length + 1);
    lossCurve[lossCurve.length - 1] = f;
    double before =
        iterations >= LOSS_WINDOW ? lossCurve[iterations - LOSS_WINDOW] : Double.POSITIVE_INFINITY;
    if (stopsOnGradient() && norm <= tol * Math.abs(f)) {
      stop(
          StopReason.GRADIENT,
          "gradient norm " + norm + " within tol=" + tol + " of the loss " + f);
    } else if (Math.abs(before - f) <= tol * Math.abs(f)) {
      stop(
          StopReason.LOSS_CHANGE,
          "the loss changed by "
              + Math.abs(before - f)
              + " over "
              + LOSS_WINDOW
              + " iterations, within tol="
              + tol
              + " of "
              + f
              + "; gradient norm "
              + norm);
    } else if (iterations >= maxIter) {
      stop(StopReason.MAX_ITER, "maxIter=" + maxIter + " iterations run; gradient norm " + norm);
    }
  }

  /**
   * The minimum-norm subgradient of the objective at {@code at}, given the gradient {@code g} of
   * its smooth part: the gradient itself where the penalty has no L1 part.
   */
  final double[] pseudoGradient(double[] at, double[] g) {
    double[] pg = new double[at.length];
    for (int i = 0; i < at.length; i++) {
      double l1 = penalty.l1(i);
      if (at[i] > 0) {
        pg[i] = g[i] + l1;
      } else if (at[i] < 0) {
        pg[i] = g[i] - l1;
      } else if (g[i] + l1 < 0) {
        pg[i] = g[i] + l1;
      } else if (g[i] - l1 > 0) {
        pg[i] = g[i] - l1;
      }
    }
    return pg;
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
