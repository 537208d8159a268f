package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.List;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.feature.StandardScalerModel;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.stats.ColumnSummary;

/**
 * Standardizes a vector column: learns each coordinate's mean and sample standard deviation, then
 * maps {@code x} to {@code (x - mean) / std} ({@link StandardScalerModel}).
 *
 * <p>Semantics are Spark ML's {@code StandardScaler}: {@code withMean} (default false) and {@code
 * withStd} (default true); the standard deviation is the sample one ({@code n - 1}; scikit-learn's
 * {@code StandardScaler} uses {@code n}); a coordinate of zero spread scales to 0 (scikit-learn
 * leaves it unscaled). With {@code withMean} the output is dense; without it a sparse vector stays
 * sparse.
 *
 * <p>NaN and null: a NaN coordinate is left out of the fit and stays NaN when scaled
 * (scikit-learn's rule); a null vector, an infinite coordinate in the fit, or vectors of different
 * sizes fail with the column and row. An empty input fails the fit ("no rows to fit on").
 *
 * <p>The fit is one {@code Combine.globally} of per-coordinate {@code Moments} (Welford / Chan et
 * al.), so it is exact to rounding on any runner and split.
 *
 * <p>Parameters: {@code inputCol} (a vector column, required), {@code outputCol} (the appended
 * vector column, required), {@code withMean} (default false), {@code withStd} (default true).
 *
 * <pre>{@code
 * PCollection<StandardScalerModel> model =
 *     rows.apply(StandardScaler.fit().withInputCol("features").withOutputCol("scaled").withMean(true));
 * PCollection<Row> scaled = rows.apply(StandardScaler.transform(model));
 * }</pre>
 */
public final class StandardScaler {
  private static final String NAME = "StandardScaler";

  private StandardScaler() {}

  /** The estimator, with every default set: withMean false, withStd true. */
  public static Fit fit() {
    return new AutoValue_StandardScaler_Fit.Builder().setWithMean(false).setWithStd(true).build();
  }

  /**
   * Scales rows with the one model in {@code model}, bounded or unbounded input.
   *
   * <pre>{@code
   * PCollection<Row> scaled = stream.apply(StandardScaler.transform(model));
   * }</pre>
   */
  public static ApplyModel<StandardScalerModel> transform(PCollection<StandardScalerModel> model) {
    return ApplyModel.of(model);
  }

  /**
   * The transform {@link #fit()} returns: rows in, one {@link StandardScalerModel} out.
   *
   * <pre>{@code
   * rows.apply(StandardScaler.fit().withInputCol("features").withOutputCol("scaled"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Fit extends VectorScalerFit<StandardScalerModel, Fit> {
    abstract boolean withMean();

    abstract boolean withStd();

    @Override
    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder implements ColumnsBuilder<Fit> {
      abstract Builder setWithMean(boolean withMean);

      abstract Builder setWithStd(boolean withStd);
    }

    /** Whether to subtract the mean (the output is then dense); default false. */
    public Fit withMean(boolean withMean) {
      return toBuilder().setWithMean(withMean).build();
    }

    /** Whether to divide by the sample standard deviation; default true. */
    public Fit withStd(boolean withStd) {
      return toBuilder().setWithStd(withStd).build();
    }

    @Override
    String stageName() {
      return NAME;
    }

    @Override
    Class<StandardScalerModel> modelType() {
      return StandardScalerModel.class;
    }

    @Override
    SerializableFunction<List<ColumnSummary>, StandardScalerModel> modelOf(String in, String out) {
      boolean withMean = withMean();
      boolean withStd = withStd();
      return coords -> {
        double[] means = new double[coords.size()];
        double[] stds = new double[coords.size()];
        for (int j = 0; j < means.length; j++) {
          means[j] = coords.get(j).mean();
          // One value has no spread: Spark's 0, where the sample variance is undefined (NaN).
          stds[j] = coords.get(j).count() > 1 ? coords.get(j).stddev() : 0.0;
        }
        return StandardScalerModel.of(in, out, withMean, withStd, means, stds);
      };
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("withMean", withMean()))
          .add(DisplayData.item("withStd", withStd()));
    }
  }
}
