package org.beamlink.models.clustering;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The log-densities of a mixture of {@code k} Gaussians in {@code d} dimensions: per component its
 * weight, mean and covariance, and derived from the covariance its lower Cholesky factor {@code L}
 * ({@code Sigma = L L^T}, commons-math3) and log-determinant. {@code log w_c + log N(x | mu_c,
 * Sigma_c) = log w_c - (d log 2 pi + log det Sigma_c + |L^-1 (x - mu_c)|^2) / 2}, the squared norm
 * by forward substitution; a diagonal covariance takes {@code d} operations instead of {@code d^2 /
 * 2}. Shared by the EM training and the model's scoring. Immutable.
 *
 * <pre>{@code
 * GaussianMixtureDensity g = GaussianMixtureDensity.of(weights, means, covariances, CovarianceType.FULL);
 * double[] logJoint = new double[g.k()];
 * g.logJoint(x, 0, logJoint);
 * double logLikelihood = GaussianMixtureDensity.logSumExp(logJoint);
 * }</pre>
 */
public final class GaussianMixtureDensity implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  private final int k;
  private final int d;
  private final CovarianceType type;
  private final double[] weights;
  private final double[] means;
  private final double[] covariances;

  /** Per component, {@code L} row-major ({@code d x d}; FULL) or its diagonal ({@code d}). */
  private final double[] factors;

  /** Per component, {@code log w_c - (d log 2 pi + log det Sigma_c) / 2}. */
  private final double[] logNorms;

  private GaussianMixtureDensity(
      CovarianceType type, double[] weights, double[] means, double[] covariances) {
    this.type = type;
    this.k = weights.length;
    if (k < 1 || means.length % k != 0 || means.length == 0) {
      throw new IllegalArgumentException(
          "Expected k >= 1 weights and k x d means, got "
              + k
              + " weights and "
              + means.length
              + " mean values");
    }
    this.d = means.length / k;
    if (covariances.length != k * d * d) {
      throw new IllegalArgumentException(
          "Expected k x d x d = " + (k * d * d) + " covariance values, got " + covariances.length);
    }
    this.weights = weights;
    this.means = means;
    this.covariances = covariances;
    int size = type == CovarianceType.FULL ? d * d : d;
    this.factors = new double[k * size];
    this.logNorms = new double[k];
    for (int c = 0; c < k; c++) {
      if (!(weights[c] > 0) || !Double.isFinite(weights[c])) {
        throw new IllegalArgumentException(
            "Expected component weights > 0 and finite, got " + weights[c] + " for component " + c);
      }
      double logDet = type == CovarianceType.FULL ? factorFull(c) : factorDiagonal(c);
      logNorms[c] = Math.log(weights[c]) - 0.5 * (d * LOG_2PI + logDet);
    }
  }

  /**
   * The mixture of {@code k = weights.length} components with {@code means} ({@code k x d}
   * row-major) and {@code covariances} ({@code k} matrices {@code d x d} row-major; for DIAGONAL
   * only their diagonals are read, and they are kept with zeros elsewhere). Arrays are copied.
   *
   * @throws IllegalArgumentException for inconsistent sizes, a weight that is not positive, or a
   *     covariance that is not symmetric positive definite, naming the component
   */
  public static GaussianMixtureDensity of(
      double[] weights, double[] means, double[] covariances, CovarianceType type) {
    double[] covs = covariances.clone();
    if (type == CovarianceType.DIAGONAL && means.length > 0 && weights.length > 0) {
      int d = means.length / weights.length;
      for (int c = 0; c < weights.length && covs.length == weights.length * d * d; c++) {
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            if (i != j) {
              covs[(c * d + i) * d + j] = 0.0;
            }
          }
        }
      }
    }
    return new GaussianMixtureDensity(type, weights.clone(), means.clone(), covs);
  }

  private double factorFull(int c) {
    RealMatrix sigma = new Array2DRowRealMatrix(d, d);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double v = covariances[(c * d + i) * d + j];
        checkFinite(v, c);
        sigma.setEntry(i, j, v);
      }
    }
    RealMatrix lower;
    try {
      lower =
          new CholeskyDecomposition(
                  sigma,
                  CholeskyDecomposition.DEFAULT_RELATIVE_SYMMETRY_THRESHOLD,
                  Double.MIN_NORMAL)
              .getL();
    } catch (NonPositiveDefiniteMatrixException e) {
      throw notPositiveDefinite(c);
    } catch (org.apache.commons.math3.linear.NonSymmetricMatrixException e) {
      throw new IllegalArgumentException(
          "The covariance of component " + c + " is not symmetric: " + e.getMessage(), e);
    }
    double logDet = 0;
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        factors[c * d * d + i * d + j] = lower.getEntry(i, j);
      }
      logDet += 2 * Math.log(lower.getEntry(i, i));
    }
    return logDet;
  }

  private double factorDiagonal(int c) {
    double logDet = 0;
    for (int i = 0; i < d; i++) {
      double v = covariances[(c * d + i) * d + i];
      checkFinite(v, c);
      if (!(v >= Double.MIN_NORMAL)) {
        throw notPositiveDefinite(c);
      }
      factors[c * d + i] = Math.sqrt(v);
      logDet += Math.log(v);
    }
    return logDet;
  }

  private static void checkFinite(double v, int c) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(
          "The covariance of component " + c + " has the value " + v + "; expected finite values");
    }
  }

  private static IllegalArgumentException notPositiveDefinite(int c) {
    return new IllegalArgumentException(
        "The covariance of component "
            + c
            + " is not positive definite (a component on too few or collapsed points, or"
            + " collinear features); raise regCovar or lower k");
  }

  /** Number of components. */
  public int k() {
    return k;
  }

  /** Dimension of the points. */
  public int dimension() {
    return d;
  }

  /** The form of the covariances. */
  public CovarianceType covarianceType() {
    return type;
  }

  /** The component weights (a copy). */
  public double[] weights() {
    return weights.clone();
  }

  /** The means, {@code k x d} row-major (a copy). */
  public double[] means() {
    return means.clone();
  }

  /** The covariances, {@code k} matrices {@code d x d} row-major (a copy). */
  public double[] covariances() {
    return covariances.clone();
  }

  /**
   * {@code out[c] = log w_c + log N(x | mu_c, Sigma_c)} for the point {@code x[offset .. offset +
   * d)}.
   */
  public void logJoint(double[] x, int offset, double[] out) {
    double[] diff = new double[d];
    double[] work = new double[d];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        diff[j] = x[offset + j] - means[c * d + j];
      }
      out[c] = logJoint(c, diff, 0, work);
    }
  }

  /**
   * {@code log w_c + log N(x | mu_c, Sigma_c)} given {@code diff[offset .. offset + d) = x - mu_c}:
   * for a caller that needs the differences anyway (the EM step sums them). {@code work} is a
   * buffer of {@code d} values the full form's forward substitution writes.
   */
  public double logJoint(int c, double[] diff, int offset, double[] work) {
    double squared = 0;
    if (type == CovarianceType.DIAGONAL) {
      int f = c * d;
      for (int i = 0; i < d; i++) {
        double y = diff[offset + i] / factors[f + i];
        squared += y * y;
      }
      return logNorms[c] - 0.5 * squared;
    }
    double[] y = work;
    int f = c * d * d;
    for (int i = 0; i < d; i++) {
      double s = diff[offset + i];
      int row = f + i * d;
      for (int j = 0; j < i; j++) {
        s -= factors[row + j] * y[j];
      }
      y[i] = s / factors[row + i];
      squared += y[i] * y[i];
    }
    return logNorms[c] - 0.5 * squared;
  }

  /** {@code log sum_c exp(v[c])}, computed from the largest term so that it cannot overflow. */
  public static double logSumExp(double[] v) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      max = Math.max(max, x);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (double x : v) {
      sum += Math.exp(x - max);
    }
    return max + Math.log(sum);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GaussianMixtureDensity g
        && type == g.type
        && Arrays.equals(weights, g.weights)
        && Arrays.equals(means, g.means)
        && Arrays.equals(covariances, g.covariances);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * type.hashCode() + Arrays.hashCode(weights)) + Arrays.hashCode(means);
  }
}
