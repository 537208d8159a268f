package org.beamlink.transforms.io;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;

/**
 * Reads the plain decimal numbers of {@link NumberText} straight from the bytes of a file: an
 * optional sign, digits with an optional fraction, an optional exponent ({@code -1.5e3}, {@code 7},
 * {@code .5}), with no white space around them. The double is correctly rounded (the same double as
 * {@link Double#parseDouble}; fastdoubleparser's implementation of Lemire's algorithm), without
 * making a {@code String}. Anything else ({@code NaN}, {@code inf}, white space, a typo) is not
 * plain: the caller reads it as text with {@link ReadCsv}'s rules, which also name what is wrong.
 */
final class DecimalBytes {
  /** A plain integer fits a long when it has at most this many digits. */
  private static final int LONG_DIGITS = 18;

  private DecimalBytes() {}

  /**
   * The double that {@code bytes[from, to)} writes, or NaN when it is not a plain decimal (a plain
   * decimal is never NaN).
   */
  static double parseDouble(byte[] bytes, int from, int to) {
    if (!isPlainDecimal(bytes, from, to)) {
      return Double.NaN;
    }
    return JavaDoubleParser.parseDouble(bytes, from, to - from);
  }

  /**
   * True when {@code bytes[from, to)} is a plain integer of at most 18 digits with an optional
   * sign, which {@link #parseLong} reads.
   */
  static boolean isPlainLong(byte[] bytes, int from, int to) {
    int i = from;
    if (i < to && (bytes[i] == '-' || bytes[i] == '+')) {
      i++;
    }
    int digits = to - i;
    if (digits < 1 || digits > LONG_DIGITS) {
      return false;
    }
    for (; i < to; i++) {
      if (!isDigit(bytes[i])) {
        return false;
      }
    }
    return true;
  }

  /** The long of a plain integer ({@link #isPlainLong}). */
  static long parseLong(byte[] bytes, int from, int to) {
    boolean negative = bytes[from] == '-';
    int i = bytes[from] == '-' || bytes[from] == '+' ? from + 1 : from;
    long value = 0;
    for (; i < to; i++) {
      value = value * 10 + (bytes[i] - '0');
    }
    return negative ? -value : value;
  }

  /** Sign, digits, optional fraction, optional exponent; a digit before or after the point. */
  static boolean isPlainDecimal(byte[] bytes, int from, int to) {
    int i = from;
    if (i < to && (bytes[i] == '-' || bytes[i] == '+')) {
      i++;
    }
    int start = i;
    while (i < to && isDigit(bytes[i])) {
      i++;
    }
    int digits = i - start;
    if (i < to && bytes[i] == '.') {
      i++;
      int fraction = i;
      while (i < to && isDigit(bytes[i])) {
        i++;
      }
      digits += i - fraction;
    }
    if (digits == 0) {
      return false;
    }
    if (i < to && (bytes[i] == 'e' || bytes[i] == 'E')) {
      i++;
      if (i < to && (bytes[i] == '-' || bytes[i] == '+')) {
        i++;
      }
      int exponent = i;
      while (i < to && isDigit(bytes[i])) {
        i++;
      }
      if (i == exponent) {
        return false;
      }
    }
    return i == to;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }
}
