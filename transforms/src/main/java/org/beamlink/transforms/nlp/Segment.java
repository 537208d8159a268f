package org.beamlink.transforms.nlp;

import com.google.auto.value.AutoValue;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.beamlink.models.nlp.SegmentMapper;
import org.beamlink.transforms.pipeline.MapRows;

/**
 * Segments Chinese text into words with Lucene's {@code SmartChineseAnalyzer} ({@link
 * SegmentMapper}), as Alink's {@code Segment}: {@code "我是中国人"} gives {@code [我, 是, 中国, 人]}.
 * Punctuation and whitespace are dropped; Latin words are lower-cased and Porter-stemmed by the
 * analyzer. Words of the user dictionary are kept whole: the text is cut at them first (longest
 * match, left to right) and the pieces between them are segmented by the analyzer. A null text
 * gives a null token array; an empty text an empty one.
 *
 * <p>Parameters: {@code inputCol} (a STRING column, required, in the factory), {@code outputCol}
 * (default {@code "tokens"}), {@code userDictionary} (default none).
 *
 * <pre>{@code
 * PCollection<Row> words = rows.apply(Segment.of("text").withUserDictionary("小明", "计算所"));
 * }</pre>
 */
@AutoValue
public abstract class Segment extends MapRows {
  abstract String inputCol();

  abstract String outputCol();

  abstract List<String> userDictionary();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setInputCol(String inputCol);

    abstract Builder setOutputCol(String outputCol);

    abstract Builder setUserDictionary(List<String> userDictionary);

    abstract Segment build();
  }

  /** Segments text column {@code inputCol} into {@code "tokens"}. */
  public static Segment of(String inputCol) {
    return new AutoValue_Segment.Builder()
        .setInputCol(TextParams.columnName(inputCol, "inputCol"))
        .setOutputCol("tokens")
        .setUserDictionary(List.of())
        .build();
  }

  /** The token column to append; default {@code "tokens"}. */
  public Segment withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(TextParams.columnName(outputCol, "outputCol")).build();
  }

  /** Words to keep whole (replacing any given before); none may be null or empty. */
  public Segment withUserDictionary(String... words) {
    return withUserDictionary(Arrays.asList(words));
  }

  /** Words to keep whole (replacing any given before); none may be null or empty. */
  public Segment withUserDictionary(List<String> words) {
    if (words == null || words.stream().anyMatch(w -> w == null || w.isEmpty())) {
      throw new IllegalArgumentException(
          "Expected non-empty words in the user dictionary, got " + words);
    }
    return toBuilder().setUserDictionary(List.copyOf(words)).build();
  }

  @Override
  public SegmentMapper transformer() {
    return SegmentMapper.of(inputCol(), outputCol(), userDictionary());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCol", inputCol()))
        .add(DisplayData.item("outputCol", outputCol()))
        .add(DisplayData.item("userDictionary", userDictionary().size() + " words"));
  }
}
