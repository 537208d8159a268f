package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.List;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.MinMaxScalerModel;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.beamlink.transforms.stats.ColumnSummary;
import org.checkerframework.checker.nullness.qual.Nullable;

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
  public abstract static class Fit
      extends PTransform<PCollection<Row>, PCollection<MinMaxScalerModel>>
      implements PipelineStage {
    abstract @Nullable String inputCol();

    abstract @Nullable String outputCol();

    abstract double min();

    abstract double max();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setInputCol(String inputCol);

      abstract Builder setOutputCol(String outputCol);

      abstract Builder setMin(double min);

      abstract Builder setMax(double max);

      abstract Fit build();
    }

    /** The vector column to scale; required. */
    public Fit withInputCol(String inputCol) {
      return toBuilder().setInputCol(FitParams.columnName(inputCol, "inputCol")).build();
    }

    /** The vector column to append; required, and not already in the input. */
    public Fit withOutputCol(String outputCol) {
      return toBuilder().setOutputCol(FitParams.columnName(outputCol, "outputCol")).build();
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

    /** What the fitted model does to a schema: known from the parameters alone. */
    SchemaMapping mapping() {
      FitParams.require(inputCol(), "withInputCol", NAME);
      FitParams.require(outputCol(), "withOutputCol", NAME);
      return MinMaxScalerModel.of(
              inputCol(), outputCol(), min(), max(), new double[0], new double[0])
          ::outputSchema;
    }

    @Override
    public PCollection<MinMaxScalerModel> expand(PCollection<Row> input) {
      SchemaMapping mapping = mapping();
      mapping.outputSchema(input.getSchema());
      String in = inputCol();
      String out = outputCol();
      double min = min();
      double max = max();
      return ModelCombineFn.fitGlobally(
          input,
          new VectorStatsFn<>(
              NAME,
              in,
              input.getSchema().indexOf(in),
              MinMaxScalerModel.class,
              mapping,
              coordinates -> model(in, out, min, max, coordinates)),
          VectorStatsFn.noRows(NAME));
    }

    private static MinMaxScalerModel model(
        String in, String out, double min, double max, List<ColumnSummary> coords) {
      double[] lows = new double[coords.size()];
      double[] highs = new double[coords.size()];
      for (int j = 0; j < lows.length; j++) {
        lows[j] = coords.get(j).min();
        highs[j] = coords.get(j).max();
      }
      return MinMaxScalerModel.of(in, out, min, max, lows, highs);
    }

    @Override
    public PCollection<Transformer> fitStage(PCollection<Row> input) {
      return PipelineStage.fitted(input.apply(this), mapping());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("inputCol", inputCol()))
          .addIfNotNull(DisplayData.item("outputCol", outputCol()))
          .add(DisplayData.item("min", min()))
          .add(DisplayData.item("max", max()));
    }
  }
}
