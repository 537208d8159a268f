package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.beamlink.models.feature.NormalizerMapper;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.pipeline.MapRows;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Scales each vector of a column to unit {@code p}-norm ({@link NormalizerMapper}), as Spark ML's
 * and scikit-learn's {@code Normalizer}; learns nothing. A vector of norm 0 stays as it is, and a
 * sparse vector stays sparse.
 *
 * <p>NaN and null: a vector with a NaN coordinate comes out all NaN (its norm is NaN), as in Spark;
 * a null vector is an error naming column and row.
 *
 * <p>Parameters: {@code inputCol} (a vector column, required, in the factory), {@code outputCol}
 * (the appended vector column, required), {@code p} (default 2; at least 1, or {@code
 * Double.POSITIVE_INFINITY} for the maximum norm). A missing {@code outputCol} fails at pipeline
 * construction.
 *
 * <pre>{@code
 * PCollection<Row> unit = rows.apply(Normalizer.of("features").withOutputCol("unit").withP(1));
 * }</pre>
 */
@AutoValue
public abstract class Normalizer extends MapRows {
  private static final String NAME = "Normalizer";

  abstract String inputCol();

  abstract @Nullable String outputCol();

  abstract double p();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setInputCol(String inputCol);

    abstract Builder setOutputCol(String outputCol);

    abstract Builder setP(double p);

    abstract Normalizer build();
  }

  /**
   * Normalizes the vectors of {@code inputCol}, with p = 2; set the output column with {@link
   * #withOutputCol}.
   *
   * <pre>{@code
   * rows.apply(Normalizer.of("features").withOutputCol("unit"));
   * }</pre>
   */
  public static Normalizer of(String inputCol) {
    return new AutoValue_Normalizer.Builder()
        .setInputCol(FitParams.columnName(inputCol, "inputCol"))
        .setP(2.0)
        .build();
  }

  /**
   * The vector column to append; required.
   *
   * <pre>{@code
   * Normalizer.of("features").withOutputCol("unit");
   * }</pre>
   */
  public Normalizer withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(FitParams.columnName(outputCol, "outputCol")).build();
  }

  /**
   * The norm's order: at least 1, or {@code Double.POSITIVE_INFINITY}; default 2.
   *
   * <pre>{@code
   * Normalizer.of("features").withOutputCol("unit").withP(Double.POSITIVE_INFINITY);
   * }</pre>
   */
  public Normalizer withP(double p) {
    if (!(p >= 1.0)) {
      throw new IllegalArgumentException("Expected p >= 1, got " + p);
    }
    return toBuilder().setP(p).build();
  }

  /**
   * The mapper this transform applies; fails when {@link #withOutputCol} was not called.
   *
   * <pre>{@code
   * Transformer t = Normalizer.of("features").withOutputCol("unit").transformer();
   * }</pre>
   */
  @Override
  public Transformer transformer() {
    FitParams.require(outputCol(), "withOutputCol", NAME);
    return NormalizerMapper.of(inputCol(), outputCol(), p());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCol", inputCol()))
        .addIfNotNull(DisplayData.item("outputCol", outputCol()))
        .add(DisplayData.item("p", p()));
  }
}
