package org.beamlink.models.online;

/**
 * What one step of forgetting is in a streaming k-means, as Spark MLlib's {@code timeUnit}: the
 * decay factor {@code a} discounts the clusters' weights once per batch ({@link #BATCHES}) or once
 * per point of the batch ({@link #POINTS}, a discount of {@code a^m} for a batch of {@code m}
 * points).
 *
 * <pre>{@code
 * StreamingKMeans.train(model).withHalfLife(1000, DecayTimeUnit.POINTS);
 * }</pre>
 */
public enum DecayTimeUnit {
  /** The discount is applied once per batch, whatever its size (Spark's "batches"). */
  BATCHES,
  /**
   * The discount is applied once per point: {@code a^m} for {@code m} points (Spark's "points").
   */
  POINTS
}
