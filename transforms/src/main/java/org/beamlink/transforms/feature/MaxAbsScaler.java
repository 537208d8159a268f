package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.List;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.MaxAbsScalerModel;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.beamlink.transforms.stats.ColumnSummary;
import org.checkerframework.checker.nullness.qual.Nullable;

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
  public abstract static class Fit
      extends PTransform<PCollection<Row>, PCollection<MaxAbsScalerModel>>
      implements PipelineStage {
    abstract @Nullable String inputCol();

    abstract @Nullable String outputCol();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setInputCol(String inputCol);

      abstract Builder setOutputCol(String outputCol);

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

    /** What the fitted model does to a schema: known from the parameters alone. */
    SchemaMapping mapping() {
      FitParams.require(inputCol(), "withInputCol", NAME);
      FitParams.require(outputCol(), "withOutputCol", NAME);
      return MaxAbsScalerModel.of(inputCol(), outputCol(), new double[0])::outputSchema;
    }

    @Override
    public PCollection<MaxAbsScalerModel> expand(PCollection<Row> input) {
      SchemaMapping mapping = mapping();
      mapping.outputSchema(input.getSchema());
      String in = inputCol();
      String out = outputCol();
      return ModelCombineFn.fitGlobally(
          input,
          new VectorStatsFn<>(
              NAME,
              in,
              input.getSchema().indexOf(in),
              MaxAbsScalerModel.class,
              mapping,
              coordinates -> model(in, out, coordinates)),
          VectorStatsFn.noRows(NAME));
    }

    private static MaxAbsScalerModel model(String in, String out, List<ColumnSummary> coords) {
      double[] maxAbs = new double[coords.size()];
      for (int j = 0; j < maxAbs.length; j++) {
        maxAbs[j] = Math.max(Math.abs(coords.get(j).min()), Math.abs(coords.get(j).max()));
      }
      return MaxAbsScalerModel.of(in, out, maxAbs);
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
          .addIfNotNull(DisplayData.item("outputCol", outputCol()));
    }
  }
}
