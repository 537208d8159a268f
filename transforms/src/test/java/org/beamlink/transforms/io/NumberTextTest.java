package org.beamlink.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NumberTextTest {
  /** The readers' number syntax as a regular expression (what NumberText used to match with). */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

  private static final Pattern WORD = Pattern.compile("[+-]?(?:nan|inf|infinity)");

  private static NumberText.Kind expected(String text) {
    String s = text.strip();
    if (WORD.matcher(s.toLowerCase(Locale.ROOT)).matches()) {
      return NumberText.Kind.DECIMAL;
    }
    if (!DECIMAL.matcher(s).matches()) {
      return NumberText.Kind.NOT_A_NUMBER;
    }
    try {
      Long.parseLong(s);
      return NumberText.Kind.INTEGER;
    } catch (NumberFormatException e) {
      return NumberText.Kind.DECIMAL;
    }
  }

  /** Random short texts over the characters numbers are made of: kind equals the expressions. */
  @Test
  void kindAgreesWithTheNumberSyntaxOnRandomTexts() {
    String alphabet = "0123456789+-.eE nNaAiIfFtTyx\t\u3000";
    SplittableRandom random = new SplittableRandom(3);
    for (int t = 0; t < 300_000; t++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(10);
      for (int i = 0; i < length; i++) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String text = s.toString();
      assertEquals(expected(text), NumberText.kind(text), "'" + text + "'");
    }
    for (String text :
        new String[] {
          "NaN",
          "-nan",
          "+Inf",
          "-Infinity",
          "infinity",
          "9223372036854775807",
          "-9223372036854775808",
          "9223372036854775808",
          "00000000000000000000000001",
          "5.",
          ".5",
          "1e5",
          "1.e5",
          " 7 "
        }) {
      assertEquals(expected(text), NumberText.kind(text), text);
    }
  }

  @Test
  void parsesWhatItCallsNumbers() {
    assertEquals(-1500.0, NumberText.parseDouble(" -1.5e3 "));
    assertEquals(Double.NEGATIVE_INFINITY, NumberText.parseDouble("-inf"));
    assertEquals(Double.POSITIVE_INFINITY, NumberText.parseDouble("Infinity"));
    assertEquals(Double.NaN, NumberText.parseDouble("nan"));
    assertEquals(5.0, NumberText.parseDouble("5."));
    assertEquals(42L, NumberText.parseLong("+42"));
    assertEquals(9.223372036854775808E18, NumberText.parseDouble("9223372036854775808"));
    assertThrows(NumberFormatException.class, () -> NumberText.parseDouble("1d"));
    assertThrows(NumberFormatException.class, () -> NumberText.parseDouble("0x1p3"));
    assertThrows(NumberFormatException.class, () -> NumberText.parseLong("1.0"));
    assertThrows(NumberFormatException.class, () -> NumberText.parseLong("9223372036854775808"));
    assertThrows(NumberFormatException.class, () -> NumberText.parseLong("\u0663"));
  }
}
