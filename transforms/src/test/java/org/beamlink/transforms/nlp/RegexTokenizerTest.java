package org.beamlink.transforms.nlp;

import static org.beamlink.transforms.nlp.NlpTestSupport.TEXT;
import static org.beamlink.transforms.nlp.NlpTestSupport.assertRoundTrips;
import static org.beamlink.transforms.nlp.NlpTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamlink.models.nlp.RegexTokenizerMapper;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * RegexTokenizer: Spark's semantics on fixed cases, and scikit-learn's default tokens of the
 * reference corpus (from {@code vectorizer_reference.py}, see {@link NlpTestSupport}).
 */
class RegexTokenizerTest {
  private static List<String> tokens(RegexTokenizer t, String text) {
    return t.transformer().bind(TEXT).apply(text(text)).getArray("tokens").stream()
        .map(String.class::cast)
        .toList();
  }

  private static final RegexTokenizer SKLEARN =
      RegexTokenizer.of("text").withPattern(RegexTokenizer.SKLEARN_TOKEN_PATTERN).withGaps(false);

  @Test
  void defaultSplitsAtWhitespaceAndDropsEmptyTokens() {
    assertEquals(List.of("a", "b,", "c"), tokens(RegexTokenizer.of("text"), "  A  B, c "));
  }

  /** Every document of the corpus gives exactly scikit-learn's analyzer tokens, in order. */
  @Test
  void sklearnPatternGivesSklearnTokensOfTheCorpus() {
    List<String> corpus = NlpTestSupport.corpus();
    JsonNode expected = NlpTestSupport.reference().get("tokens");
    for (int i = 0; i < corpus.size(); i++) {
      assertEquals(
          NlpTestSupport.strings(expected.get(i)), tokens(SKLEARN, corpus.get(i)), corpus.get(i));
    }
  }

  /**
   * The Java form of scikit-learn's pattern keeps accented letters; Python's spelling, (?u), in
   * Java leaves \w ASCII-only while \b sees letters, so "Café" would give no token at all.
   */
  @Test
  void sklearnPatternKeepsUnicodeLettersAndDropsPunctuation() {
    assertEquals(List.of("café", "ünïcödé"), tokens(SKLEARN, "Café Ünïcödé!"));
    RegexTokenizer asciiWords =
        RegexTokenizer.of("text").withPattern("(?u)\\b\\w\\w+\\b").withGaps(false);
    assertEquals(List.of(), tokens(asciiWords, "Café"));
  }

  @Test
  void matchesTokensWhenGapsIsFalse() {
    RegexTokenizer words = RegexTokenizer.of("text").withPattern("\\w+").withGaps(false);
    assertEquals(List.of("hello", "world", "42"), tokens(words, "Hello, World! 42"));
  }

  @Test
  void dropsTokensShorterThanMinTokenLength() {
    assertEquals(
        List.of("ccc", "dddd"),
        tokens(RegexTokenizer.of("text").withMinTokenLength(3), "a bb ccc dddd"));
  }

  /** As Spark: minTokenLength 0 keeps the empty tokens between adjacent separators. */
  @Test
  void minTokenLengthZeroKeepsEmptyTokensAsSpark() {
    RegexTokenizer commas = RegexTokenizer.of("text").withPattern(",").withMinTokenLength(0);
    assertEquals(List.of("", "a", "", "b"), tokens(commas, ",a,,b"));
  }

  @Test
  void keepsCaseWithoutToLowercase() {
    assertEquals(
        List.of("Hello", "WORLD"),
        tokens(RegexTokenizer.of("text").withToLowercase(false), "Hello WORLD"));
  }

  @Test
  void nullTextGivesNullAndEmptyTextGivesEmpty() {
    assertNull(SKLEARN.transformer().bind(TEXT).apply(text(null)).getValue("tokens"));
    assertEquals(List.of(), tokens(SKLEARN, ""));
    assertEquals(List.of(), tokens(SKLEARN, "a ! ?"));
  }

  @Test
  void rejectsBadParametersAndColumns() {
    String pattern =
        assertThrows(
                IllegalArgumentException.class, () -> RegexTokenizer.of("text").withPattern("(a"))
            .getMessage();
    assertTrue(pattern.contains("'(a'"), pattern);
    assertThrows(
        IllegalArgumentException.class, () -> RegexTokenizer.of("text").withMinTokenLength(-1));
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(text("a")).withRowSchema(TEXT));
    String missing =
        assertThrows(IllegalArgumentException.class, () -> rows.apply(RegexTokenizer.of("body")))
            .getMessage();
    assertTrue(missing.contains("RegexTokenizer: column 'body' not found"), missing);
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        RegexTokenizerMapper.of(
            "text", "t", RegexTokenizerMapper.SKLEARN_TOKEN_PATTERN, false, 2, false),
        RegexTokenizerMapper.Coder.of(),
        "regex-tokenizer");
  }

  @Test
  void tokenizesRowsOnTheDirectRunner() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> out =
        p.apply(Create.of(text("Spam, SPAM & eggs")).withRowSchema(TEXT)).apply(SKLEARN);
    PCollection<String> joined =
        out.apply(
            MapElements.into(TypeDescriptors.strings())
                .via(r -> String.join("|", r.<String>getArray("tokens"))));
    PAssert.thatSingleton(joined).isEqualTo("spam|spam|eggs");
    TestRunner.DIRECT.run(p);
  }
}
