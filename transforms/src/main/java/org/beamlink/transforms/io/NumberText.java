package org.beamlink.transforms.io;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How Beamlink's readers read numbers from text: decimal digits with an optional sign, fraction and
 * exponent ({@code -1.5e3}), and for doubles also {@code NaN} and {@code Infinity} or {@code inf}
 * in any case, with an optional sign. Surrounding white space is ignored. Java's other forms
 * ({@code 1d}, {@code 0x1p3}) are rejected: in a data file they are typos, not numbers.
 */
final class NumberText {
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

  private NumberText() {}

  /**
   * The double {@code text} writes.
   *
   * @throws NumberFormatException when {@code text} is not a number in the form above
   */
  static double parseDouble(String text) {
    String s = text.strip();
    if (DECIMAL.matcher(s).matches()) {
      return Double.parseDouble(s);
    }
    boolean negative = s.startsWith("-");
    String word =
        (s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s).toLowerCase(Locale.ROOT);
    switch (word) {
      case "nan":
        return Double.NaN;
      case "inf":
      case "infinity":
        return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      default:
        throw new NumberFormatException("'" + text + "' is not a number");
    }
  }

  /**
   * The long {@code text} writes, in decimal digits with an optional sign.
   *
   * @throws NumberFormatException otherwise, or when it does not fit in a long
   */
  static long parseLong(String text) {
    return Long.parseLong(text.strip());
  }
}
