package org.beamlink.transforms.tuning;

import java.io.Serializable;
import org.apache.beam.sdk.values.Row;

/**
 * Which validation split a row belongs to: a fold index {@code 0..splits-1}, or {@code -1} for a
 * row that is only ever trained on (a train-validation split's training part).
 */
@FunctionalInterface
interface SplitOf extends Serializable {
  /** The row's validation split, or -1. */
  int of(Row row);
}
