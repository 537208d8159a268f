package org.beamlink.models.optim;

/**
 * The minimizers a linear model can train with; {@code AUTO} picks as Alink does: OWL-QN when there
 * is an L1 term, else L-BFGS.
 *
 * <pre>{@code
 * LogisticRegression.fit().withLabelCol("y").withFeatureCols("a", "b").withOptimMethod(OptimMethod.NEWTON);
 * }</pre>
 */
public enum OptimMethod {
  /** OWL-QN when L1 > 0, else L-BFGS. */
  AUTO,
  /** {@link Lbfgs}: smooth objectives, any dimension. */
  LBFGS,
  /** {@link OwlQn}: L1 or elastic net penalties. */
  OWLQN,
  /** {@link Newton}: smooth objectives with few parameters; the Hessian is reduced every step. */
  NEWTON,
  /** {@link Sgd}: mini-batch gradient descent. */
  SGD
}
