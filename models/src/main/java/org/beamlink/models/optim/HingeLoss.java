package org.beamlink.models.optim;

/**
 * Hinge loss {@code max(0, 1 - t m)} with {@code t = 2y - 1}: the linear SVM's loss, as Spark's
 * {@code LinearSVC}. It has a kink at {@code t m = 1}, where the subgradient 0 is used.
 *
 * <pre>{@code
 * new HingeLoss().loss(0.5, 1.0); // 0.5
 * }</pre>
 */
public final class HingeLoss extends PointwiseLoss {
  private static final long serialVersionUID = 1L;

  @Override
  public double loss(double m, double y) {
    return Math.max(0.0, 1.0 - sign(y) * m);
  }

  @Override
  public double derivative(double m, double y) {
    double t = sign(y);
    return t * m < 1.0 ? -t : 0.0;
  }

  @Override
  public boolean isClassification() {
    return true;
  }
}
