package org.beamlink.models.optim;

/**
 * Smooth hinge loss (Rennie and Srebro 2005) of {@code z = t m}, {@code t = 2y - 1}: {@code 1/2 -
 * z} for {@code z <= 0}, {@code (1 - z)^2 / 2} for {@code 0 < z < 1}, and 0 for {@code z >= 1}. It
 * is the hinge with its kink rounded off, so quasi-Newton methods converge on it.
 *
 * <pre>{@code
 * new SmoothHingeLoss().loss(0.5, 1.0); // 0.125
 * }</pre>
 */
public final class SmoothHingeLoss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  @Override
  public double loss(double m, double y) {
    double z = sign(y) * m;
    if (z <= 0) {
      return 0.5 - z;
    }
    return z < 1 ? 0.5 * (1 - z) * (1 - z) : 0.0;
  }

  @Override
  public double derivative(double m, double y) {
    double t = sign(y);
    double z = t * m;
    if (z <= 0) {
      return -t;
    }
    return z < 1 ? -t * (1 - z) : 0.0;
  }

  @Override
  public double secondDerivative(double m, double y) {
    double z = sign(y) * m;
    return z > 0 && z < 1 ? 1.0 : 0.0;
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
