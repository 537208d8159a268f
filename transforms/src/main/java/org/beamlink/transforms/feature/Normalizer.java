package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.beamlink.models.feature.NormalizerMapper;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.pipeline.MapRows;

/**
 * Scales each vector of a column to unit {@code p}-norm ({@link NormalizerMapper}), as Spark ML's
 * and scikit-learn's {@code Normalizer}; learns nothing. A vector of norm 0 stays as it is, and a
 * sparse vector stays sparse.
 *
 * <p>NaN and null: a vector with a NaN coordinate comes out all NaN (its norm is NaN), as in Spark;
 * a null vector is an error naming column and row.
 *
 * <p>Parameters: {@code inputCol} and {@code outputCol} (given to {@link #of}), {@code p} (default
 * 2; at least 1, or {@code Double.POSITIVE_INFINITY} for the maximum norm).
 *
 * <pre>{@code
 * PCollection<Row> unit = rows.apply(Normalizer.of("features", "unit").withP(1));
 * }</pre>
 */
@AutoValue
public abstract class Normalizer extends MapRows {
  abstract String inputCol();

  abstract String outputCol();

  abstract double p();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setInputCol(String inputCol);

    abstract Builder setOutputCol(String outputCol);

    abstract Builder setP(double p);

    abstract Normalizer build();
  }

  /** Normalizes the vectors of {@code inputCol} into {@code outputCol}, with p = 2. */
  public static Normalizer of(String inputCol, String outputCol) {
    return new AutoValue_Normalizer.Builder()
        .setInputCol(FitParams.columnName(inputCol, "inputCol"))
        .setOutputCol(FitParams.columnName(outputCol, "outputCol"))
        .setP(2.0)
        .build();
  }

  /** The norm's order: at least 1, or {@code Double.POSITIVE_INFINITY}; default 2. */
  public Normalizer withP(double p) {
    if (!(p >= 1.0)) {
      throw new IllegalArgumentException("Expected p >= 1, got " + p);
    }
    return toBuilder().setP(p).build();
  }

  @Override
  public Transformer transformer() {
    return NormalizerMapper.of(inputCol(), outputCol(), p());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCol", inputCol()))
        .add(DisplayData.item("outputCol", outputCol()))
        .add(DisplayData.item("p", p()));
  }
}
