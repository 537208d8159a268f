package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.List;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.beamlink.models.feature.BinarizerMapper;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.pipeline.MapRows;

/**
 * Thresholds numeric and vector columns to 0/1 ({@link BinarizerMapper}), as Spark ML's and
 * scikit-learn's {@code Binarizer}: a value {@code > threshold} becomes 1.0, any other 0.0; learns
 * nothing. A numeric column gives a DOUBLE column, a vector column a vector (sparse stays sparse
 * for {@code threshold >= 0}).
 *
 * <p>NaN and null: an error naming column, value and row (Spark maps NaN to 0; scikit-learn rejects
 * it).
 *
 * <p>Parameters: {@code inputCols} and {@code outputCols} (given to {@link #of}, the same number),
 * {@code threshold} (default 0.0, not NaN).
 *
 * <pre>{@code
 * PCollection<Row> out =
 *     rows.apply(Binarizer.of(List.of("x", "features"), List.of("x_bin", "features_bin")).withThreshold(0.5));
 * }</pre>
 */
@AutoValue
public abstract class Binarizer extends MapRows {
  abstract List<String> inputCols();

  abstract List<String> outputCols();

  abstract double threshold();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setInputCols(List<String> inputCols);

    abstract Builder setOutputCols(List<String> outputCols);

    abstract Builder setThreshold(double threshold);

    abstract Binarizer build();
  }

  /**
   * Binarizes {@code inputCols.get(i)} (numeric or vector) into {@code outputCols.get(i)}, with
   * threshold 0.
   */
  public static Binarizer of(List<String> inputCols, List<String> outputCols) {
    List<String> in = FitParams.columnNames(inputCols.toArray(new String[0]), "inputCols");
    List<String> out = FitParams.columnNames(outputCols.toArray(new String[0]), "outputCols");
    if (in.size() != out.size()) {
      throw new IllegalArgumentException(
          "Expected as many output columns as input columns " + in + ", got " + out);
    }
    return new AutoValue_Binarizer.Builder()
        .setInputCols(in)
        .setOutputCols(out)
        .setThreshold(0.0)
        .build();
  }

  /** Values strictly above it become 1.0; default 0.0; not NaN. */
  public Binarizer withThreshold(double threshold) {
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("Expected a threshold that is a number, got NaN");
    }
    return toBuilder().setThreshold(threshold).build();
  }

  @Override
  public Transformer transformer() {
    return BinarizerMapper.of(inputCols(), outputCols(), threshold());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCols", String.join(",", inputCols())))
        .add(DisplayData.item("outputCols", String.join(",", outputCols())))
        .add(DisplayData.item("threshold", threshold()));
  }
}
