package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.List;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.feature.MaxAbsScalerModel;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.stats.ColumnSummary;

/**
 * Scales a vector column by each coordinate's largest absolute value, so that the fitted data lies
 * in {@code [-1, 1]} ({@link MaxAbsScalerModel}), as Spark ML's and scikit-learn's {@code
 * MaxAbsScaler} (the same numbers). A coordinate that is 0 in every row is left unscaled. Zeros
 * stay zeros: a sparse vector stays sparse.
 *
 * <p>NaN and null: a NaN coordinate is left out of the fit and stays NaN when scaled
 * (scikit-learn's rule); a null vector, an infinite coordinate in the fit, or vectors of different
 * sizes fail with the column and row. An empty input fails the fit ("no rows to fit on").
 *
 * <p>The fit is one {@code Combine.globally} of per-coordinate {@code Moments} (min and max).
 *
 * <p>Parameters: {@code inputCol} (a vector column, required), {@code outputCol} (the appended
 * vector column, required).
 *
 * <pre>{@code
 * PCollection<MaxAbsScalerModel> model =
 *     rows.apply(MaxAbsScaler.fit().withInputCol("features").withOutputCol("scaled"));
 * PCollection<Row> scaled = rows.apply(MaxAbsScaler.transform(model));
 * }</pre>
 */
public final class MaxAbsScaler {
  private static final String NAME = "MaxAbsScaler";

  private MaxAbsScaler() {}

  /** The estimator; it has no parameter with a default. */
  public static Fit fit() {
    return new AutoValue_MaxAbsScaler_Fit.Builder().build();
  }

  /**
   * Scales rows with the one model in {@code model}, bounded or unbounded input.
   *
   * <pre>{@code
   * PCollection<Row> scaled = stream.apply(MaxAbsScaler.transform(model));
   * }</pre>
   */
  public static ApplyModel<MaxAbsScalerModel> transform(PCollection<MaxAbsScalerModel> model) {
    return ApplyModel.of(model);
  }

  /**
   * The transform {@link #fit()} returns: rows in, one {@link MaxAbsScalerModel} out.
   *
   * <pre>{@code
   * rows.apply(MaxAbsScaler.fit().withInputCol("features").withOutputCol("scaled"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Fit extends VectorScalerFit<MaxAbsScalerModel, Fit> {
    @Override
    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder implements ColumnsBuilder<Fit> {}

    @Override
    String stageName() {
      return NAME;
    }

    @Override
    Class<MaxAbsScalerModel> modelType() {
      return MaxAbsScalerModel.class;
    }

    @Override
    SerializableFunction<List<ColumnSummary>, MaxAbsScalerModel> modelOf(String in, String out) {
      return coords -> {
        double[] maxAbs = new double[coords.size()];
        for (int j = 0; j < maxAbs.length; j++) {
          maxAbs[j] = Math.max(Math.abs(coords.get(j).min()), Math.abs(coords.get(j).max()));
        }
        return MaxAbsScalerModel.of(in, out, maxAbs);
      };
    }
  }
}
