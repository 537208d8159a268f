package org.beamlink.models;

/**
 * Why an iterative trainer stopped, as its model's {@link Provenance} records it: converged (on the
 * gradient, on the loss change, on the step, or solved exactly), at the limit of floating point, or
 * out of iterations.
 *
 * <pre>{@code
 * StopReason why = model.provenance().stopReason(); // GRADIENT, MAX_ITER, ...
 * }</pre>
 */
public enum StopReason {
  /** The gradient's norm fell to {@code tol} times the loss: a stationary point, to tolerance. */
  GRADIENT("converged: gradient norm within tolerance"),
  /** The loss fell by at most {@code tol} times itself over the last iterations. */
  LOSS_CHANGE("converged: relative loss change within tolerance"),
  /** A step moved the point by at most {@code tol} times its norm (SGD). */
  STEP("converged: step within tolerance"),
  /** The exact minimizer: the normal equations solved by a Cholesky decomposition. */
  EXACT("solved exactly (normal equations)"),
  /**
   * The normal equations are singular (collinear or constant columns, or fewer rows than features):
   * the minimizer of least norm, by a pseudo-inverse.
   */
  EXACT_MINIMUM_NORM("solved exactly: singular normal equations, the minimum-norm solution"),
  /** No step decreases the loss any more: the limit of floating point. */
  PRECISION("no step decreases the loss further (precision limit)"),
  /** {@code maxIter} iterations ran. */
  MAX_ITER("hit maxIter"),
  /** The evaluations allowed (line searches included) were spent. */
  MAX_EVALUATIONS("spent the evaluation budget");

  private final String description;

  StopReason(String description) {
    this.description = description;
  }

  /** True when training ran out of iterations or evaluations rather than converging. */
  public boolean ranOut() {
    return this == MAX_ITER || this == MAX_EVALUATIONS;
  }

  /** What the reason means, in a few words. */
  public String description() {
    return description;
  }
}
