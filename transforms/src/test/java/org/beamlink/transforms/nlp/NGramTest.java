package org.beamlink.transforms.nlp;

import static org.beamlink.transforms.nlp.NlpTestSupport.TEXT;
import static org.beamlink.transforms.nlp.NlpTestSupport.TOKENS;
import static org.beamlink.transforms.nlp.NlpTestSupport.assertRoundTrips;
import static org.beamlink.transforms.nlp.NlpTestSupport.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.nlp.NGramMapper;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/** NGram: Spark's n-grams on fixed cases, nulls, parameters and the coder. */
class NGramTest {
  private static List<String> grams(NGram g, String... in) {
    return g.transformer().bind(TOKENS).apply(tokens(in)).getArray("ngrams").stream()
        .map(String.class::cast)
        .toList();
  }

  @Test
  void bigramsJoinConsecutiveTokensWithASpace() {
    assertEquals(List.of("a b", "b c", "c d"), grams(NGram.of("tokens"), "a", "b", "c", "d"));
  }

  @Test
  void trigramsAndUnigrams() {
    assertEquals(List.of("a b c", "b c d"), grams(NGram.of("tokens").withN(3), "a", "b", "c", "d"));
    assertEquals(List.of("a", "b"), grams(NGram.of("tokens").withN(1), "a", "b"));
  }

  @Test
  void fewerTokensThanNGiveAnEmptyArray() {
    assertEquals(List.of(), grams(NGram.of("tokens").withN(3), "a", "b"));
    assertEquals(List.of(), grams(NGram.of("tokens")));
    assertEquals(List.of("a b"), grams(NGram.of("tokens"), "a", "b"));
  }

  @Test
  void nullArrayGivesNull() {
    assertNull(
        NGram.of("tokens")
            .transformer()
            .bind(TOKENS)
            .apply(tokens((String[]) null))
            .getValue("ngrams"));
  }

  @Test
  void rejectsNBelowOneAndTextColumns() {
    String message =
        assertThrows(IllegalArgumentException.class, () -> NGram.of("tokens").withN(0))
            .getMessage();
    assertEquals("Expected n >= 1, got 0", message);
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> text = p.apply(Create.of(NlpTestSupport.text("a b")).withRowSchema(TEXT));
    String wrongType =
        assertThrows(IllegalArgumentException.class, () -> text.apply(NGram.of("text")))
            .getMessage();
    assertTrue(wrongType.contains("NGram: column 'text' has type"), wrongType);
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(NGramMapper.of("tokens", "grams", 3), NGramMapper.Coder.of(), "ngram");
  }

  @Test
  void makesNGramsOnTheDirectRunner() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> out =
        p.apply(Create.of(tokens("to", "be", "or")).withRowSchema(TOKENS))
            .apply(NGram.of("tokens").withOutputCol("bigrams"));
    PAssert.that(out)
        .satisfies(
            rows -> {
              rows.forEach(r -> assertEquals(List.of("to be", "be or"), r.getValue("bigrams")));
              return null;
            });
    TestRunner.DIRECT.run(p);
  }
}
