package org.beamlink.models.optim;

/**
 * Huber loss of the residual {@code r = y - m}: {@code r^2 / 2} when {@code |r| <= delta}, else
 * {@code delta (|r| - delta / 2)}: squared near the fit, linear for outliers.
 *
 * <pre>{@code
 * new HuberLoss(1.0).loss(0.0, 3.0); // 2.5
 * }</pre>
 */
public final class HuberLoss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  private final double delta;

  /** Huber loss switching from squared to linear at {@code |residual| = delta > 0}. */
  public HuberLoss(double delta) {
    if (!(delta > 0) || Double.isInfinite(delta)) {
      throw new IllegalArgumentException("Expected Huber delta > 0 and finite, got " + delta);
    }
    this.delta = delta;
  }

  /** The residual at which the loss turns linear. */
  public double delta() {
    return delta;
  }

  @Override
  public double loss(double m, double y) {
    double r = Math.abs(y - m);
    return r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
  }

  @Override
  public double derivative(double m, double y) {
    double r = m - y;
    return Math.max(-delta, Math.min(delta, r));
  }

  @Override
  public double secondDerivative(double m, double y) {
    return Math.abs(y - m) <= delta ? 1.0 : 0.0;
  }

  @Override
  public boolean hasSecondDerivative() {
    return true;
  }

  @Override
  public boolean isClassification() {
    return false;
  }

  @Override
  public String toString() {
    return "HuberLoss(delta=" + delta + ")";
  }
}
