package org.beamlink.transforms.clustering;

/**
 * How KMeans chooses its first centroids (unless explicit ones are given).
 *
 * <pre>{@code
 * KMeans.fit().withInitMode(InitMode.RANDOM);
 * }</pre>
 */
public enum InitMode {
  /** k distinct points drawn uniformly (by a seeded hash of their values). */
  RANDOM,
  /** k-means|| (Bahmani et al. 2012), Spark's default: a few sampling passes, then k-means++. */
  K_MEANS_PARALLEL
}
