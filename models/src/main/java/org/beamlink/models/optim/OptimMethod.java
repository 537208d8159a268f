package org.beamlink.models.optim;

/**
 * The minimizers a linear model can train with; {@code AUTO} picks as Spark does: the normal
 * equations for least squares with at most {@value NormalEquations#MAX_FEATURES} features, else
 * OWL-QN when there is an L1 term, else L-BFGS.
 *
 * <pre>{@code
 * LogisticRegression.fit().withLabelCol("y").withFeatureCols("a", "b").withOptimMethod(OptimMethod.NEWTON);
 * }</pre>
 */
public enum OptimMethod {
  /**
   * {@link #NORMAL} for squared loss with at most {@value NormalEquations#MAX_FEATURES} features
   * (Spark's {@code solver="auto"}), else {@link #OWLQN} when L1 > 0, else {@link #LBFGS}.
   */
  AUTO,
  /** {@link Lbfgs}: smooth objectives, any dimension. */
  LBFGS,
  /** {@link OwlQn}: L1 or elastic net penalties. */
  OWLQN,
  /** {@link Newton}: smooth objectives with few parameters; the Hessian is reduced every step. */
  NEWTON,
  /** {@link Sgd}: mini-batch gradient descent. */
  SGD,
  /**
   * {@link NormalEquations}: exact weighted least squares (squared loss only) from one pass over
   * the data, for at most {@value NormalEquations#MAX_FEATURES} features; with L1 > 0, OWL-QN on
   * the normal equations, without further passes (Spark's {@code solver="normal"}).
   */
  NORMAL
}
