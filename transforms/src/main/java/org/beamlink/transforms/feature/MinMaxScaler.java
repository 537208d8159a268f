package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.List;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.feature.MinMaxScalerModel;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.stats.ColumnSummary;

/**
 * Rescales each coordinate of a vector column linearly from its fitted range {@code [originalMin,
 * originalMax]} to {@code [min, max]} ({@link MinMaxScalerModel}), as Spark ML's and scikit-learn's
 * {@code MinMaxScaler}. A coordinate that is constant in the fit maps to {@code (min + max) / 2},
 * Spark's rule (scikit-learn maps it to {@code min}). The output is dense.
 *
 * <p>NaN and null: a NaN coordinate is left out of the fit and stays NaN when scaled (Spark's and
 * scikit-learn's rule); a null vector, an infinite coordinate in the fit, or vectors of different
 * sizes fail with the column and row. An empty input fails the fit ("no rows to fit on").
 *
 * <p>The fit is one {@code Combine.globally} of per-coordinate {@code Moments} (min and max).
 *
 * <p>Parameters: {@code inputCol} (a vector column, required), {@code outputCol} (the appended
 * vector column, required), {@code min} (default 0), {@code max} (default 1), finite with {@code
 * min < max}.
 *
 * <pre>{@code
 * PCollection<MinMaxScalerModel> model =
 *     rows.apply(MinMaxScaler.fit().withInputCol("features").withOutputCol("scaled").withMin(-1));
 * PCollection<Row> scaled = rows.apply(MinMaxScaler.transform(model));
 * }</pre>
 */
public final class MinMaxScaler {
  private static final String NAME = "MinMaxScaler";

  private MinMaxScaler() {}

  /** The estimator, with every default set: min 0, max 1. */
  public static Fit fit() {
    return new AutoValue_MinMaxScaler_Fit.Builder().setMin(0.0).setMax(1.0).build();
  }

  /**
   * Scales rows with the one model in {@code model}, bounded or unbounded input.
   *
   * <pre>{@code
   * PCollection<Row> scaled = stream.apply(MinMaxScaler.transform(model));
   * }</pre>
   */
  public static ApplyModel<MinMaxScalerModel> transform(PCollection<MinMaxScalerModel> model) {
    return ApplyModel.of(model);
  }

  /**
   * The transform {@link #fit()} returns: rows in, one {@link MinMaxScalerModel} out.
   *
   * <pre>{@code
   * rows.apply(MinMaxScaler.fit().withInputCol("features").withOutputCol("scaled"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Fit extends VectorScalerFit<MinMaxScalerModel, Fit> {
    abstract double min();

    abstract double max();

    @Override
    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder implements ColumnsBuilder<Fit> {
      abstract Builder setMin(double min);

      abstract Builder setMax(double max);
    }

    /** The lower end of the output range, finite; default 0. */
    public Fit withMin(double min) {
      FitParams.finite(min, "min");
      return toBuilder().setMin(min).build();
    }

    /** The upper end of the output range, finite; default 1. */
    public Fit withMax(double max) {
      FitParams.finite(max, "max");
      return toBuilder().setMax(max).build();
    }

    @Override
    String stageName() {
      return NAME;
    }

    @Override
    Class<MinMaxScalerModel> modelType() {
      return MinMaxScalerModel.class;
    }

    @Override
    SerializableFunction<List<ColumnSummary>, MinMaxScalerModel> modelOf(String in, String out) {
      double min = min();
      double max = max();
      return coords -> {
        double[] lows = new double[coords.size()];
        double[] highs = new double[coords.size()];
        for (int j = 0; j < lows.length; j++) {
          lows[j] = coords.get(j).min();
          highs[j] = coords.get(j).max();
        }
        return MinMaxScalerModel.of(in, out, min, max, lows, highs);
      };
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.add(DisplayData.item("min", min())).add(DisplayData.item("max", max()));
    }
  }
}
