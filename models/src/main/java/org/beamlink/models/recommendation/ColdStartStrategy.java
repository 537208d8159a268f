package org.beamlink.models.recommendation;

/**
 * What an ALS model does with a (user, item) pair whose user or item it never saw in training, as
 * Spark's {@code coldStartStrategy}.
 *
 * <pre>{@code
 * AlsModel model = fitted.withColdStartStrategy(ColdStartStrategy.DROP);
 * }</pre>
 */
public enum ColdStartStrategy {
  /** The prediction is NaN. */
  NAN,
  /** {@code Als.predict} drops the row; a row scored one at a time gets NaN. */
  DROP
}
