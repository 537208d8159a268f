package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.List;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.beamlink.models.feature.FeatureHasherMapper;
import org.beamlink.transforms.pipeline.MapRows;

/**
 * Hashes numeric, STRING and BOOLEAN columns into one sparse vector, with Spark ML 3's {@code
 * FeatureHasher} semantics ({@link FeatureHasherMapper}): a numeric column adds its value at index
 * {@code murmur3(name) mod numFeatures}; a STRING or BOOLEAN column (or a numeric column listed in
 * {@code categoricalCols}) adds 1.0 at the index of {@code murmur3(name + "=" + value)}; colliding
 * values are summed. {@code murmur3} is MurmurHash3 x86_32 with seed 42 on UTF-8 bytes, as Spark.
 *
 * <p>Null values are skipped (add nothing); NaN and infinite numbers are added as they are (as
 * Spark).
 *
 * <p>Parameters: {@code inputCols} (required, in the factory), {@code outputCol} (default {@code
 * "features"}), {@code numFeatures} (>= 1, default 2^18 = 262144 as Spark), {@code categoricalCols}
 * (numeric input columns to hash as categories; default none).
 *
 * <pre>{@code
 * PCollection<Row> hashed = rows.apply(
 *     FeatureHasher.of("age", "city", "member").withNumFeatures(1 << 20).withCategoricalCols("zip"));
 * }</pre>
 */
@AutoValue
public abstract class FeatureHasher extends MapRows {
  abstract List<String> inputCols();

  abstract String outputCol();

  abstract int numFeatures();

  abstract List<String> categoricalCols();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setInputCols(List<String> inputCols);

    abstract Builder setOutputCol(String outputCol);

    abstract Builder setNumFeatures(int numFeatures);

    abstract Builder setCategoricalCols(List<String> categoricalCols);

    abstract FeatureHasher build();
  }

  /** Hashes {@code inputCols} into {@code "features"} with 2^18 coordinates. */
  public static FeatureHasher of(String... inputCols) {
    return new AutoValue_FeatureHasher.Builder()
        .setInputCols(FitParams.columnNames(inputCols, "inputCols"))
        .setOutputCol("features")
        .setNumFeatures(FeatureHasherMapper.DEFAULT_NUM_FEATURES)
        .setCategoricalCols(List.of())
        .build();
  }

  /** The vector column to append; default {@code "features"}. */
  public FeatureHasher withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(FitParams.columnName(outputCol, "outputCol")).build();
  }

  /** The size of the output vectors, >= 1; default 262144 (2^18). */
  public FeatureHasher withNumFeatures(int numFeatures) {
    if (numFeatures < 1) {
      throw new IllegalArgumentException("Expected numFeatures >= 1, got " + numFeatures);
    }
    return toBuilder().setNumFeatures(numFeatures).build();
  }

  /** Numeric input columns to hash as categories ({@code name=value}); default none. */
  public FeatureHasher withCategoricalCols(String... categoricalCols) {
    List<String> cols = List.of(categoricalCols);
    for (String c : cols) {
      if (!inputCols().contains(c)) {
        throw new IllegalArgumentException(
            "Expected categorical columns among the input columns "
                + inputCols()
                + ", got '"
                + c
                + "'");
      }
    }
    return toBuilder().setCategoricalCols(cols).build();
  }

  @Override
  public FeatureHasherMapper transformer() {
    return FeatureHasherMapper.of(inputCols(), outputCol(), numFeatures(), categoricalCols());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCols", inputCols().toString()))
        .add(DisplayData.item("outputCol", outputCol()))
        .add(DisplayData.item("numFeatures", numFeatures()))
        .add(DisplayData.item("categoricalCols", categoricalCols().toString()));
  }
}
