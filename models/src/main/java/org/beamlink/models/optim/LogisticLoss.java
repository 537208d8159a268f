package org.beamlink.models.optim;

/**
 * Logistic loss {@code log(1 + exp(-t m))} with {@code t = 2y - 1}, computed without overflow for
 * large margins.
 *
 * <pre>{@code
 * new LogisticLoss().loss(0.0, 1.0); // log 2
 * }</pre>
 */
public final class LogisticLoss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  @Override
  public double loss(double m, double y) {
    double z = sign(y) * m;
    return z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
  }

  @Override
  public double derivative(double m, double y) {
    double t = sign(y);
    return -t * sigmoid(-t * m);
  }

  @Override
  public double secondDerivative(double m, double y) {
    double p = sigmoid(m);
    return p * (1 - p);
  }

  @Override
  public boolean hasSecondDerivative() {
    return true;
  }

  @Override
  public boolean isClassification() {
    return true;
  }

  /** {@code 1 / (1 + exp(-z))}, stable for large |z|. */
  public static double sigmoid(double z) {
    if (z >= 0) {
      return 1.0 / (1.0 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1.0 + e);
  }
}
