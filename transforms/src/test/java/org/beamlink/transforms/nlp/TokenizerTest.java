package org.beamlink.transforms.nlp;

import static org.beamlink.transforms.nlp.NlpTestSupport.TEXT;
import static org.beamlink.transforms.nlp.NlpTestSupport.TOKENS;
import static org.beamlink.transforms.nlp.NlpTestSupport.assertRoundTrips;
import static org.beamlink.transforms.nlp.NlpTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.nlp.TokenColumns;
import org.beamlink.models.nlp.TokenizerMapper;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/** Tokenizer: Spark's lower-case whitespace split on fixed cases, nulls, columns and the coder. */
class TokenizerTest {
  private static final Transformer.Bound BOUND =
      Tokenizer.of("text").transformer().bind(NlpTestSupport.TEXT);

  private static List<String> tokens(String text) {
    return BOUND.apply(text(text)).getArray("tokens").stream().map(String.class::cast).toList();
  }

  @Test
  void lowerCasesAndSplitsAtRunsOfWhitespace() {
    assertEquals(List.of("hello", "world", "foo"), tokens("  Hello\tWORLD \n foo  "));
  }

  @Test
  void keepsPunctuationOnItsWord() {
    assertEquals(List.of("hi,", "you!", "(ok)"), tokens("Hi, you! (OK)"));
  }

  @Test
  void lowerCasesUnicodeLetters() {
    assertEquals(List.of("café", "ünïcödé"), tokens("Café Ünïcödé"));
  }

  @Test
  void emptyAndBlankTextsGiveEmptyArrays() {
    assertEquals(List.of(), tokens(""));
    assertEquals(List.of(), tokens(" \t\n "));
  }

  /** Null in, null out; the output column is nullable exactly when the input column is. */
  @Test
  void nullTextGivesNullTokensInANullableColumn() {
    Row out = BOUND.apply(text(null));
    assertNull(out.getValue("tokens"));
    assertTrue(BOUND.outputSchema().getField("tokens").getType().getNullable());
    Schema required = Schema.builder().addStringField("text").build();
    Schema.FieldType type =
        TokenizerMapper.of("text", "tokens")
            .bind(required)
            .outputSchema()
            .getField("tokens")
            .getType();
    assertFalse(type.getNullable());
    assertTrue(TokenColumns.isTokens(type));
  }

  @Test
  void rejectsMissingWrongTypedAndTakenColumnsAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply("Text", Create.of(text("a")).withRowSchema(TEXT));
    String missing =
        assertThrows(IllegalArgumentException.class, () -> rows.apply(Tokenizer.of("body")))
            .getMessage();
    assertTrue(missing.contains("Tokenizer: column 'body' not found"), missing);
    PCollection<Row> tokens =
        p.apply("Tokens", Create.of(NlpTestSupport.tokens("a")).withRowSchema(TOKENS));
    String wrongType =
        assertThrows(IllegalArgumentException.class, () -> tokens.apply(Tokenizer.of("tokens")))
            .getMessage();
    assertTrue(wrongType.contains("'tokens' has type") && wrongType.contains("STRING"), wrongType);
    assertThrows(
        IllegalArgumentException.class,
        () -> rows.apply(Tokenizer.of("text").withOutputCol("text")));
    assertThrows(IllegalArgumentException.class, () -> Tokenizer.of(""));
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(TokenizerMapper.of("text", "words"), TokenizerMapper.Coder.of(), "tokenizer");
  }

  @Test
  void tokenizesRowsOnTheDirectRunner() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> out =
        p.apply(Create.of(text("A b"), text(null), text("")).withRowSchema(TEXT))
            .apply(Tokenizer.of("text").withOutputCol("words"));
    PAssert.that(out)
        .satisfies(
            rows -> {
              List<Object> seen = new ArrayList<>();
              rows.forEach(r -> seen.add(r.getValue("words")));
              assertEquals(3, seen.size());
              assertTrue(seen.contains(List.of("a", "b")) && seen.contains(List.of()));
              assertTrue(seen.contains(null));
              return null;
            });
    TestRunner.DIRECT.run(p);
  }
}
