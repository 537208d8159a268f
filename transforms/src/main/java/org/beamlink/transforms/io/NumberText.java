package org.beamlink.transforms.io;

/**
 * How Beamlink's readers read numbers from text: decimal digits with an optional sign, fraction and
 * exponent ({@code -1.5e3}), and for doubles also {@code NaN} and {@code Infinity} or {@code inf}
 * in any case, with an optional sign. Surrounding white space is ignored. Java's other forms
 * ({@code 1d}, {@code 0x1p3}) are rejected: in a data file they are typos, not numbers.
 *
 * <p>{@link #kind} says which of these a text is without making any object, so that a reader can
 * classify every cell of a file quickly; {@link #parseDouble} and {@link #parseLong} accept exactly
 * the texts it calls numbers.
 */
final class NumberText {
  /** What a text is as a number. */
  enum Kind {
    /** Digits with an optional sign that fit in a {@code long}. */
    INTEGER,
    /** Any other number: a fraction, an exponent, a long overflow, NaN or an infinity. */
    DECIMAL,
    /** Not a number (the empty text included). */
    NOT_A_NUMBER
  }

  private NumberText() {}

  /** What {@code text} is as a number. */
  static Kind kind(CharSequence text) {
    int start = 0;
    int end = text.length();
    while (start < end && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    int i = start;
    if (i < end && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      i++;
    }
    int digits = i;
    while (i < end && isDigit(text.charAt(i))) {
      i++;
    }
    int integerDigits = i - digits;
    if (i == end) {
      if (integerDigits == 0) {
        return Kind.NOT_A_NUMBER;
      }
      return integerDigits <= 18 || fitsLong(text, start, end) ? Kind.INTEGER : Kind.DECIMAL;
    }
    int fractionDigits = 0;
    if (text.charAt(i) == '.') {
      i++;
      int fraction = i;
      while (i < end && isDigit(text.charAt(i))) {
        i++;
      }
      fractionDigits = i - fraction;
    }
    if (integerDigits == 0 && fractionDigits == 0) {
      return isWord(text, digits, end) ? Kind.DECIMAL : Kind.NOT_A_NUMBER;
    }
    if (i < end && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      if (i < end && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
        i++;
      }
      int exponent = i;
      while (i < end && isDigit(text.charAt(i))) {
        i++;
      }
      if (i == exponent) {
        return Kind.NOT_A_NUMBER;
      }
    }
    return i == end ? Kind.DECIMAL : Kind.NOT_A_NUMBER;
  }

  /**
   * The double {@code text} writes.
   *
   * @throws NumberFormatException when {@code text} is not a number in the form above
   */
  static double parseDouble(String text) {
    if (kind(text) == Kind.NOT_A_NUMBER) {
      throw new NumberFormatException("'" + text + "' is not a number");
    }
    String s = text.strip();
    char last = s.charAt(s.length() - 1);
    if (isDigit(last) || last == '.') {
      return Double.parseDouble(s);
    }
    if (last == 'n' || last == 'N') {
      return Double.NaN;
    }
    return s.charAt(0) == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
  }

  /**
   * The long {@code text} writes, in decimal digits with an optional sign.
   *
   * @throws NumberFormatException otherwise, or when it does not fit in a long
   */
  static long parseLong(String text) {
    if (kind(text) != Kind.INTEGER) {
      throw new NumberFormatException("'" + text + "' is not an integer");
    }
    return Long.parseLong(text.strip());
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean fitsLong(CharSequence text, int start, int end) {
    try {
      Long.parseLong(text.subSequence(start, end).toString());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** True for {@code nan}, {@code inf} or {@code infinity} in any case, from {@code start}. */
  private static boolean isWord(CharSequence text, int start, int end) {
    int length = end - start;
    return (length == 3 && matches(text, start, "nan"))
        || (length == 3 && matches(text, start, "inf"))
        || (length == 8 && matches(text, start, "infinity"));
  }

  private static boolean matches(CharSequence text, int start, String lowerCase) {
    for (int i = 0; i < lowerCase.length(); i++) {
      if (Character.toLowerCase(text.charAt(start + i)) != lowerCase.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
