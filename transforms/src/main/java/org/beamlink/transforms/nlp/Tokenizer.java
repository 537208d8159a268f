package org.beamlink.transforms.nlp;

import com.google.auto.value.AutoValue;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.beamlink.models.nlp.TokenizerMapper;
import org.beamlink.transforms.pipeline.MapRows;

/**
 * Splits a text column into lower-case tokens at whitespace, as Spark ML's {@code Tokenizer}
 * ({@link TokenizerMapper}): the output is an array of STRING ({@code TokenColumns.FIELD_TYPE}).
 * Punctuation stays attached to its word; use {@link RegexTokenizer} to split at it. Empty tokens
 * are dropped (an empty text gives an empty array; Spark keeps empty tokens for repeated or leading
 * whitespace); a null text gives a null token array.
 *
 * <p>Parameters: {@code inputCol} (a STRING column, required, in the factory), {@code outputCol}
 * (default {@code "tokens"}).
 *
 * <pre>{@code
 * PCollection<Row> tokens = rows.apply(Tokenizer.of("text").withOutputCol("words"));
 * }</pre>
 */
@AutoValue
public abstract class Tokenizer extends MapRows {
  abstract String inputCol();

  abstract String outputCol();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setInputCol(String inputCol);

    abstract Builder setOutputCol(String outputCol);

    abstract Tokenizer build();
  }

  /** Tokenizes text column {@code inputCol} into {@code "tokens"}. */
  public static Tokenizer of(String inputCol) {
    return new AutoValue_Tokenizer.Builder()
        .setInputCol(TextParams.columnName(inputCol, "inputCol"))
        .setOutputCol("tokens")
        .build();
  }

  /** The token column to append; default {@code "tokens"}. */
  public Tokenizer withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(TextParams.columnName(outputCol, "outputCol")).build();
  }

  @Override
  public TokenizerMapper transformer() {
    return TokenizerMapper.of(inputCol(), outputCol());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCol", inputCol()))
        .add(DisplayData.item("outputCol", outputCol()));
  }
}
