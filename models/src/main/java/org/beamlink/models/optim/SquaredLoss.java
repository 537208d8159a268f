package org.beamlink.models.optim;

/**
 * Squared loss {@code (y - m)^2 / 2}: least squares regression.
 *
 * <pre>{@code
 * new SquaredLoss().loss(1.0, 3.0); // 2.0
 * }</pre>
 */
public final class SquaredLoss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  @Override
  public double loss(double m, double y) {
    double r = m - y;
    return 0.5 * r * r;
  }

  @Override
  public double derivative(double m, double y) {
    return m - y;
  }

  @Override
  public double secondDerivative(double m, double y) {
    return 1.0;
  }

  @Override
  public boolean hasSecondDerivative() {
    return true;
  }

  @Override
  public boolean isClassification() {
    return false;
  }
}
