package org.beamlink.models.optim;

import java.io.Serializable;

/**
 * A loss of one row given its margin {@code m = x . beta + b} and its label: the only thing a new
 * linear model must define ({@link GlmObjective} turns it into an objective over blocks). For
 * classification losses the label is the class index, 0 or 1, read as {@code t = 2y - 1}.
 *
 * <pre>{@code
 * PointwiseLoss loss = new LogisticLoss();
 * double l = loss.loss(0.3, 1.0);       // log(1 + exp(-0.3))
 * double dl = loss.derivative(0.3, 1.0); // d loss / d margin
 * }</pre>
 */
public abstract class PointwiseLoss implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The loss at margin {@code m} for label {@code y}. */
  public abstract double loss(double m, double y);

  /** The derivative of the loss with respect to the margin (a subgradient where it has a kink). */
  public abstract double derivative(double m, double y);

  /**
   * The second derivative with respect to the margin, for Newton's method.
   *
   * @throws UnsupportedOperationException when the loss is not twice differentiable
   */
  public double secondDerivative(double m, double y) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " has no second derivative; use L-BFGS or SGD");
  }

  /** True when {@link #secondDerivative} is defined. */
  public boolean hasSecondDerivative() {
    return false;
  }

  /** True for classification losses, whose labels are class indices 0 and 1. */
  public abstract boolean isClassification();

  /** Maps class index 0 or 1 to -1 or +1. */
  static double sign(double y) {
    return y > 0.5 ? 1.0 : -1.0;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName();
  }
}
