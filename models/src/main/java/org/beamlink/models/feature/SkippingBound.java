package org.beamlink.models.feature;

import org.apache.beam.sdk.values.Row;
import org.beamlink.models.pipeline.Transformer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A bound feature stage that can say "drop this row": what the feature {@code PTransform}s call
 * when the stage's {@code handleInvalid} is {@link HandleInvalid#SKIP}. {@link #apply} itself never
 * drops a row (it throws where {@link #applyOrSkip} returns null).
 *
 * <pre>{@code
 * SkippingBound bound = (SkippingBound) model.bind(rows.getSchema());
 * Row out = bound.applyOrSkip(row); // null: the row has an invalid value and is to be dropped
 * }</pre>
 */
public interface SkippingBound extends Transformer.Bound {
  /**
   * The mapped row, or null when the stage skips invalid rows and this row is one.
   *
   * @throws IllegalArgumentException as {@link #apply} for a row the stage neither maps nor skips
   */
  @Nullable Row applyOrSkip(Row row);
}
