package org.beamlink.models.clustering;

/**
 * How KMeans measures distance.
 *
 * <pre>{@code
 * KMeans.fit().withDistance(DistanceMeasure.COSINE);
 * }</pre>
 */
public enum DistanceMeasure {
  /** Euclidean distance; the cost is the sum of squared distances (inertia). */
  EUCLIDEAN,
  /**
   * Cosine distance {@code 1 - cos(x, c)}, as Spark's: points and centroids are normalised to unit
   * length, so zero vectors are rejected; the cost is the sum of cosine distances.
   */
  COSINE
}
