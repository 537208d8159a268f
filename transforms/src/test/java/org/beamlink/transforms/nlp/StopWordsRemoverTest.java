package org.beamlink.transforms.nlp;

import static org.beamlink.transforms.nlp.NlpTestSupport.TEXT;
import static org.beamlink.transforms.nlp.NlpTestSupport.TOKENS;
import static org.beamlink.transforms.nlp.NlpTestSupport.assertRoundTrips;
import static org.beamlink.transforms.nlp.NlpTestSupport.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.nlp.StopWordsRemoverMapper;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * StopWordsRemover: the built-in list is scikit-learn's ENGLISH_STOP_WORDS (compared with the list
 * {@code vectorizer_reference.py} wrote), Spark's case handling, nulls, columns and the coder.
 */
class StopWordsRemoverTest {
  private static List<String> remove(StopWordsRemover s, String... in) {
    return s.transformer().bind(TOKENS).apply(tokens(in)).getArray("filtered").stream()
        .map(String.class::cast)
        .toList();
  }

  @Test
  void englishListIsScikitLearns() {
    assertEquals(
        NlpTestSupport.strings(NlpTestSupport.reference().get("english_stop_words")),
        StopWordsRemover.englishStopWords());
    assertEquals(318, StopWordsRemover.englishStopWords().size());
  }

  @Test
  void removesEnglishStopWordsIgnoringCaseByDefault() {
    assertEquals(
        List.of("cat", "SAT", "mat"),
        remove(StopWordsRemover.of("tokens"), "The", "cat", "SAT", "on", "THE", "mat"));
  }

  @Test
  void caseSensitiveRemovesOnlyExactMatches() {
    StopWordsRemover s = StopWordsRemover.of("tokens").withStopWords("the").withCaseSensitive(true);
    assertEquals(List.of("The", "cat", "THE"), remove(s, "The", "the", "cat", "THE"));
  }

  @Test
  void customListsReplaceTheDefaultAndMatchUnicodeCaseInsensitively() {
    StopWordsRemover s = StopWordsRemover.of("tokens").withStopWords("Ünïcödé", "spam");
    assertEquals(List.of("the", "café"), remove(s, "the", "ünïcödé", "SPAM", "café"));
    assertEquals(
        List.of("the", "a"), remove(StopWordsRemover.of("tokens").withStopWords(), "the", "a"));
  }

  @Test
  void nullArrayGivesNullEmptyGivesEmptyAndNullTokenFails() {
    Transformer.Bound bound = StopWordsRemover.of("tokens").transformer().bind(TOKENS);
    assertNull(bound.apply(tokens((String[]) null)).getValue("filtered"));
    assertEquals(List.of(), remove(StopWordsRemover.of("tokens")));
    Schema nullableElements =
        Schema.builder()
            .addArrayField("tokens", Schema.FieldType.STRING.withNullable(true))
            .build();
    Row withNull = Row.withSchema(nullableElements).addValue(Arrays.asList("cat", null)).build();
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    StopWordsRemover.of("tokens")
                        .transformer()
                        .bind(nullableElements)
                        .apply(withNull))
            .getMessage();
    assertTrue(
        message.contains("StopWordsRemover: column 'tokens' holds a null token in row"), message);
  }

  @Test
  void rejectsTextColumnsNullStopWordsAndMissingColumns() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> text = p.apply(Create.of(NlpTestSupport.text("a")).withRowSchema(TEXT));
    String wrongType =
        assertThrows(IllegalArgumentException.class, () -> text.apply(StopWordsRemover.of("text")))
            .getMessage();
    assertTrue(
        wrongType.contains("'text' has type") && wrongType.contains("expected an array of STRING"),
        wrongType);
    assertThrows(IllegalArgumentException.class, () -> text.apply(StopWordsRemover.of("tokens")));
    assertThrows(
        IllegalArgumentException.class,
        () -> StopWordsRemover.of("tokens").withStopWords("a", null));
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        StopWordsRemoverMapper.of("tokens", "filtered", List.of("a", "Ünïcödé"), true),
        StopWordsRemoverMapper.Coder.of(),
        "stop-words-remover");
    assertRoundTrips(
        StopWordsRemover.of("tokens").transformer(),
        StopWordsRemoverMapper.Coder.of(),
        "stop-words-remover");
  }

  @Test
  void removesStopWordsOnTheDirectRunner() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> out =
        p.apply(Create.of(tokens("this", "is", "spam")).withRowSchema(TOKENS))
            .apply(StopWordsRemover.of("tokens").withOutputCol("words"));
    PAssert.that(out)
        .satisfies(
            rows -> {
              rows.forEach(r -> assertEquals(List.of("spam"), r.getValue("words")));
              return null;
            });
    TestRunner.DIRECT.run(p);
  }
}
