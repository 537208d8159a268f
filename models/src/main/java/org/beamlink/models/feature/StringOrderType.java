package org.beamlink.models.feature;

import java.util.Comparator;
import java.util.Map;

/**
 * How StringIndexer orders the labels it indexes, as Spark ML's {@code stringOrderType}: index 0
 * goes to the first label in this order.
 *
 * <pre>{@code
 * StringIndexer.fit().withInputCols("color").withOutputCols("colorIndex")
 *     .withStringOrderType(StringOrderType.ALPHABET_ASC);
 * }</pre>
 */
public enum StringOrderType {
  /** Most frequent first; equal counts alphabetically (Spark 3). The default. */
  FREQUENCY_DESC,
  /** Least frequent first; equal counts alphabetically (Spark 3). */
  FREQUENCY_ASC,
  /** Reverse alphabetical (by Unicode code point, as Spark compares UTF-8 bytes). */
  ALPHABET_DESC,
  /** Alphabetical (by Unicode code point, as Spark compares UTF-8 bytes). */
  ALPHABET_ASC;

  /** Spark's name of this order: {@code frequencyDesc}, {@code alphabetAsc}, ... */
  public String paramValue() {
    return switch (this) {
      case FREQUENCY_DESC -> "frequencyDesc";
      case FREQUENCY_ASC -> "frequencyAsc";
      case ALPHABET_DESC -> "alphabetDesc";
      case ALPHABET_ASC -> "alphabetAsc";
    };
  }

  /** The order of the labels counted in {@code counts}. */
  public Comparator<String> comparator(Map<String, Long> counts) {
    Comparator<String> alphabet = CategoryValues::compareCodePoints;
    return switch (this) {
      case FREQUENCY_DESC ->
          Comparator.<String>comparingLong(counts::get).reversed().thenComparing(alphabet);
      case FREQUENCY_ASC -> Comparator.<String>comparingLong(counts::get).thenComparing(alphabet);
      case ALPHABET_DESC -> alphabet.reversed();
      case ALPHABET_ASC -> alphabet;
    };
  }
}
