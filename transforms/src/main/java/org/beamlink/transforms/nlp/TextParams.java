package org.beamlink.transforms.nlp;

import org.apache.beam.sdk.values.PCollection;

/** Checks of the parameters the text transforms share. */
final class TextParams {
  private TextParams() {}

  /** {@code name}, checked to be a column name. */
  static String columnName(String name, String param) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Expected a column name for " + param + ", got " + name);
    }
    return name;
  }

  /** Fails when a required parameter was not set. */
  static void require(Object value, String setter, String stage) {
    if (value == null) {
      throw new IllegalArgumentException(stage + " needs " + setter + "(..)");
    }
  }

  /**
   * {@code value}, checked to be a frequency bound: a count when {@code >= 1}, else a fraction (of
   * the documents for minDF and maxDF, of a document's tokens for minTF).
   */
  static double countOrFraction(double value, String param) {
    if (!(value >= 0.0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("Expected a finite " + param + " >= 0, got " + value);
    }
    return value;
  }

  /** {@code value}, checked to be set; {@code what} names its type with its article ("a Norm"). */
  static <T> T given(T value, String what) {
    if (value == null) {
      throw new IllegalArgumentException("Expected " + what + ", got null");
    }
    return value;
  }

  /** Fails unless {@code input} is bounded: a vectorizer fits on a whole corpus. */
  static void requireBounded(PCollection<?> input, String stage) {
    if (input.isBounded() != PCollection.IsBounded.BOUNDED) {
      throw new IllegalArgumentException(
          stage + " fits on bounded input; apply the fitted model to unbounded rows");
    }
  }
}
