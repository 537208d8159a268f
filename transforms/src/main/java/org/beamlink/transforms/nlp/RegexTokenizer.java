package org.beamlink.transforms.nlp;

import com.google.auto.value.AutoValue;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.beamlink.models.nlp.RegexTokenizerMapper;
import org.beamlink.transforms.pipeline.MapRows;

/**
 * Splits a text column into tokens with a regular expression, with Spark ML's {@code
 * RegexTokenizer} semantics ({@link RegexTokenizerMapper}): lower-case first ({@code toLowercase}),
 * then split at the pattern's matches ({@code gaps}, the default) or take its matches as the tokens
 * ({@code gaps = false}), then drop tokens shorter than {@code minTokenLength}. A null text gives a
 * null token array; an empty text an empty one.
 *
 * <p>For scikit-learn's default tokenization ({@code CountVectorizer}'s {@code token_pattern}) use
 * {@code withPattern(SKLEARN_TOKEN_PATTERN).withGaps(false)}: the Java form of {@code
 * (?u)\b\w\w+\b} is {@code (?U)\b\w\w+\b} (see {@link RegexTokenizerMapper}).
 *
 * <p>Parameters: {@code inputCol} (a STRING column, required, in the factory), {@code outputCol}
 * (default {@code "tokens"}), {@code pattern} (a Java regex, default {@code "\\s+"}), {@code gaps}
 * (default true), {@code minTokenLength} (>= 0, default 1), {@code toLowercase} (default true).
 *
 * <pre>{@code
 * PCollection<Row> tokens = rows.apply(
 *     RegexTokenizer.of("text").withPattern(RegexTokenizer.SKLEARN_TOKEN_PATTERN).withGaps(false));
 * }</pre>
 */
@AutoValue
public abstract class RegexTokenizer extends MapRows {
  /** scikit-learn's default token pattern, in Java syntax: {@code (?U)\b\w\w+\b}. */
  public static final String SKLEARN_TOKEN_PATTERN = RegexTokenizerMapper.SKLEARN_TOKEN_PATTERN;

  abstract String inputCol();

  abstract String outputCol();

  abstract String pattern();

  abstract boolean gaps();

  abstract int minTokenLength();

  abstract boolean toLowercase();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setInputCol(String inputCol);

    abstract Builder setOutputCol(String outputCol);

    abstract Builder setPattern(String pattern);

    abstract Builder setGaps(boolean gaps);

    abstract Builder setMinTokenLength(int minTokenLength);

    abstract Builder setToLowercase(boolean toLowercase);

    abstract RegexTokenizer build();
  }

  /**
   * Tokenizes text column {@code inputCol} into {@code "tokens"}, splitting at whitespace, lower
   * case, tokens of at least 1 char.
   */
  public static RegexTokenizer of(String inputCol) {
    return new AutoValue_RegexTokenizer.Builder()
        .setInputCol(TextParams.columnName(inputCol, "inputCol"))
        .setOutputCol("tokens")
        .setPattern(RegexTokenizerMapper.DEFAULT_PATTERN)
        .setGaps(true)
        .setMinTokenLength(1)
        .setToLowercase(true)
        .build();
  }

  /** The token column to append; default {@code "tokens"}. */
  public RegexTokenizer withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(TextParams.columnName(outputCol, "outputCol")).build();
  }

  /** The Java regular expression; default {@code "\\s+"}. */
  public RegexTokenizer withPattern(String pattern) {
    RegexTokenizerMapper.compile(pattern);
    return toBuilder().setPattern(pattern).build();
  }

  /** True (default): the pattern matches separators; false: it matches the tokens. */
  public RegexTokenizer withGaps(boolean gaps) {
    return toBuilder().setGaps(gaps).build();
  }

  /** Tokens shorter than this many chars are dropped; >= 0, default 1. */
  public RegexTokenizer withMinTokenLength(int minTokenLength) {
    if (minTokenLength < 0) {
      throw new IllegalArgumentException("Expected minTokenLength >= 0, got " + minTokenLength);
    }
    return toBuilder().setMinTokenLength(minTokenLength).build();
  }

  /** Whether to lower-case the text before tokenizing; default true. */
  public RegexTokenizer withToLowercase(boolean toLowercase) {
    return toBuilder().setToLowercase(toLowercase).build();
  }

  @Override
  public RegexTokenizerMapper transformer() {
    return RegexTokenizerMapper.of(
        inputCol(), outputCol(), pattern(), gaps(), minTokenLength(), toLowercase());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCol", inputCol()))
        .add(DisplayData.item("outputCol", outputCol()))
        .add(DisplayData.item("pattern", pattern()))
        .add(DisplayData.item("gaps", gaps()))
        .add(DisplayData.item("minTokenLength", minTokenLength()))
        .add(DisplayData.item("toLowercase", toLowercase()));
  }
}
