package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.List;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.beamlink.models.feature.BinarizerMapper;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.pipeline.MapRows;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Thresholds numeric and vector columns to 0/1 ({@link BinarizerMapper}), as Spark ML's and
 * scikit-learn's {@code Binarizer}: a value {@code > threshold} becomes 1.0, any other 0.0; learns
 * nothing. A numeric column gives a DOUBLE column, a vector column a vector (sparse stays sparse
 * for {@code threshold >= 0}).
 *
 * <p>NaN and null: an error naming column, value and row (Spark maps NaN to 0; scikit-learn rejects
 * it).
 *
 * <p>Parameters: {@code inputCols} (required, in the factory), {@code outputCols} (required, as
 * many as {@code inputCols}, the i-th holding the i-th input column binarized), {@code threshold}
 * (default 0.0, not NaN). A missing {@code outputCols} fails at pipeline construction.
 *
 * <pre>{@code
 * PCollection<Row> out =
 *     rows.apply(
 *         Binarizer.of("x", "features").withOutputCols("x_bin", "features_bin").withThreshold(0.5));
 * }</pre>
 */
@AutoValue
public abstract class Binarizer extends MapRows {
  private static final String NAME = "Binarizer";

  abstract List<String> inputCols();

  abstract @Nullable List<String> outputCols();

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
   * Binarizes {@code inputCols} (numeric or vector; at least one), with threshold 0; set the output
   * columns with {@link #withOutputCols}.
   *
   * <pre>{@code
   * rows.apply(Binarizer.of("x").withOutputCols("x_bin"));
   * }</pre>
   */
  public static Binarizer of(String... inputCols) {
    return new AutoValue_Binarizer.Builder()
        .setInputCols(FitParams.columnNames(inputCols, "inputCols"))
        .setThreshold(0.0)
        .build();
  }

  /**
   * The columns to append, one per input column in the same order; required.
   *
   * <pre>{@code
   * Binarizer.of("x", "v").withOutputCols("x_bin", "v_bin");
   * }</pre>
   */
  public Binarizer withOutputCols(String... outputCols) {
    List<String> out = FitParams.columnNames(outputCols, "outputCols");
    if (out.size() != inputCols().size()) {
      throw new IllegalArgumentException(
          "Expected as many output columns as input columns " + inputCols() + ", got " + out);
    }
    return toBuilder().setOutputCols(out).build();
  }

  /**
   * Values strictly above it become 1.0; default 0.0; any number but NaN.
   *
   * <pre>{@code
   * Binarizer.of("x").withOutputCols("x_bin").withThreshold(0.5);
   * }</pre>
   */
  public Binarizer withThreshold(double threshold) {
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("Expected a threshold that is a number, got NaN");
    }
    return toBuilder().setThreshold(threshold).build();
  }

  /**
   * The mapper this transform applies; fails when {@link #withOutputCols} was not called.
   *
   * <pre>{@code
   * Transformer t = Binarizer.of("x").withOutputCols("x_bin").transformer();
   * }</pre>
   */
  @Override
  public Transformer transformer() {
    FitParams.require(outputCols(), "withOutputCols", NAME);
    return BinarizerMapper.of(inputCols(), outputCols(), threshold());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCols", String.join(",", inputCols())))
        .addIfNotNull(
            DisplayData.item(
                "outputCols", outputCols() == null ? null : String.join(",", outputCols())))
        .add(DisplayData.item("threshold", threshold()));
  }
}
