package org.beamlink.transforms.nlp;

import com.google.auto.value.AutoValue;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.beamlink.models.nlp.NGramMapper;
import org.beamlink.transforms.pipeline.MapRows;

/**
 * Turns a token column into n-grams, as Spark ML's {@code NGram} ({@link NGramMapper}): each run of
 * {@code n} consecutive tokens joined by a space; fewer than {@code n} tokens give an empty array.
 * A null token array gives a null output; a null token inside an array fails naming column and row.
 *
 * <p>Parameters: {@code inputCol} (a token column, required, in the factory), {@code outputCol}
 * (default {@code "ngrams"}), {@code n} (>= 1, default 2).
 *
 * <pre>{@code
 * PCollection<Row> bigrams = tokens.apply(NGram.of("tokens").withN(2).withOutputCol("bigrams"));
 * }</pre>
 */
@AutoValue
public abstract class NGram extends MapRows {
  abstract String inputCol();

  abstract String outputCol();

  abstract int n();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setInputCol(String inputCol);

    abstract Builder setOutputCol(String outputCol);

    abstract Builder setN(int n);

    abstract NGram build();
  }

  /** The bigrams of token column {@code inputCol}, in {@code "ngrams"}. */
  public static NGram of(String inputCol) {
    return new AutoValue_NGram.Builder()
        .setInputCol(TextParams.columnName(inputCol, "inputCol"))
        .setOutputCol("ngrams")
        .setN(2)
        .build();
  }

  /** The token column to append; default {@code "ngrams"}. */
  public NGram withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(TextParams.columnName(outputCol, "outputCol")).build();
  }

  /** Tokens per n-gram, >= 1; default 2. */
  public NGram withN(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("Expected n >= 1, got " + n);
    }
    return toBuilder().setN(n).build();
  }

  @Override
  public NGramMapper transformer() {
    return NGramMapper.of(inputCol(), outputCol(), n());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCol", inputCol()))
        .add(DisplayData.item("outputCol", outputCol()))
        .add(DisplayData.item("n", n()));
  }
}
