package org.beamlink.models.clustering;

/**
 * The form of a Gaussian mixture's component covariances, as scikit-learn's {@code
 * covariance_type}.
 *
 * <pre>{@code
 * GaussianMixture.fit().withCovarianceType(CovarianceType.DIAGONAL);
 * }</pre>
 */
public enum CovarianceType {
  /** Each component has its own full {@code d x d} covariance matrix (scikit-learn's "full"). */
  FULL,
  /** Each component has its own diagonal covariance: one variance per feature ("diag"). */
  DIAGONAL
}
