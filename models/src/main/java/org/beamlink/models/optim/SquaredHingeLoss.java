package org.beamlink.models.optim;

/**
 * Squared hinge loss {@code max(0, 1 - t m)^2} with {@code t = 2y - 1}: scikit-learn's {@code
 * LinearSVC} default, differentiable everywhere.
 *
 * <pre>{@code
 * new SquaredHingeLoss().loss(0.5, 1.0); // 0.25
 * }</pre>
 */
public final class SquaredHingeLoss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  @Override
  public double loss(double m, double y) {
    double h = Math.max(0.0, 1.0 - sign(y) * m);
    return h * h;
  }

  @Override
  public double derivative(double m, double y) {
    double t = sign(y);
    double h = 1.0 - t * m;
    return h > 0 ? -2.0 * t * h : 0.0;
  }

  @Override
  public double secondDerivative(double m, double y) {
    return 1.0 - sign(y) * m > 0 ? 2.0 : 0.0;
  }

  @Override
  public boolean hasSecondDerivative() {
    return true;
  }

  @Override
  public boolean isClassification() {
    return true;
  }
}
