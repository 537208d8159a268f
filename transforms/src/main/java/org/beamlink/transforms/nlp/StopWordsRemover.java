package org.beamlink.transforms.nlp;

import com.google.auto.value.AutoValue;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.beamlink.models.nlp.StopWordsRemoverMapper;
import org.beamlink.transforms.pipeline.MapRows;

/**
 * Drops stop words from a token column, as Spark ML's {@code StopWordsRemover} ({@link
 * StopWordsRemoverMapper}): case-insensitively by default. The default list is {@link
 * #englishStopWords()}, scikit-learn's {@code ENGLISH_STOP_WORDS} (318 words, BSD-3-Clause), so
 * that {@code RegexTokenizer} with scikit-learn's pattern, this stage and {@code
 * DocCountVectorizer} give scikit-learn's {@code CountVectorizer(stop_words="english")}. A null
 * token array gives a null output; a null token inside an array fails naming column and row.
 *
 * <p>Parameters: {@code inputCol} (a token column, required, in the factory), {@code outputCol}
 * (default {@code "filtered"}), {@code stopWords} (default the English list), {@code caseSensitive}
 * (default false).
 *
 * <pre>{@code
 * PCollection<Row> filtered = tokens.apply(StopWordsRemover.of("tokens").withOutputCol("words"));
 * }</pre>
 */
@AutoValue
public abstract class StopWordsRemover extends MapRows {
  abstract String inputCol();

  abstract String outputCol();

  abstract List<String> stopWords();

  abstract boolean caseSensitive();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setInputCol(String inputCol);

    abstract Builder setOutputCol(String outputCol);

    abstract Builder setStopWords(List<String> stopWords);

    abstract Builder setCaseSensitive(boolean caseSensitive);

    abstract StopWordsRemover build();
  }

  /** Removes the English stop words from token column {@code inputCol} into {@code "filtered"}. */
  public static StopWordsRemover of(String inputCol) {
    return new AutoValue_StopWordsRemover.Builder()
        .setInputCol(TextParams.columnName(inputCol, "inputCol"))
        .setOutputCol("filtered")
        .setStopWords(StopWordsRemoverMapper.englishStopWords())
        .setCaseSensitive(false)
        .build();
  }

  /** scikit-learn's English stop words (318, lower case, sorted): the default list. */
  public static List<String> englishStopWords() {
    return StopWordsRemoverMapper.englishStopWords();
  }

  /** The token column to append; default {@code "filtered"}. */
  public StopWordsRemover withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(TextParams.columnName(outputCol, "outputCol")).build();
  }

  /** The stop words (replacing the default list); none may be null. */
  public StopWordsRemover withStopWords(String... stopWords) {
    return withStopWords(Arrays.asList(stopWords));
  }

  /** The stop words (replacing the default list); none may be null. */
  public StopWordsRemover withStopWords(List<String> stopWords) {
    if (stopWords == null || stopWords.stream().anyMatch(w -> w == null)) {
      throw new IllegalArgumentException("Expected a list of stop words without nulls");
    }
    return toBuilder().setStopWords(List.copyOf(stopWords)).build();
  }

  /** Whether tokens must match a stop word's case to be dropped; default false. */
  public StopWordsRemover withCaseSensitive(boolean caseSensitive) {
    return toBuilder().setCaseSensitive(caseSensitive).build();
  }

  @Override
  public StopWordsRemoverMapper transformer() {
    return StopWordsRemoverMapper.of(inputCol(), outputCol(), stopWords(), caseSensitive());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCol", inputCol()))
        .add(DisplayData.item("outputCol", outputCol()))
        .add(DisplayData.item("stopWords", stopWords().size() + " words"))
        .add(DisplayData.item("caseSensitive", caseSensitive()));
  }
}
