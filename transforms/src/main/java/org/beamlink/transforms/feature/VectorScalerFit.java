package org.beamlink.transforms.feature;

import java.util.List;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.beamlink.transforms.stats.ColumnSummary;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The estimator of a vector scaler (MinMaxScaler, MaxAbsScaler, StandardScaler): one required
 * vector column in, one required vector column appended, fitted by one {@link VectorStatsFn}
 * (per-coordinate count, mean, variance, min and max) that a subclass turns into its model.
 *
 * <p>A subclass is an AutoValue class whose builder implements {@link ColumnsBuilder}; it adds its
 * own parameters, their display data, and {@link #modelOf}.
 *
 * @param <M> the fitted model
 * @param <F> the concrete estimator, returned by the column setters
 */
abstract class VectorScalerFit<M extends Transformer, F extends VectorScalerFit<M, F>>
    extends PTransform<PCollection<Row>, PCollection<M>> implements PipelineStage {

  /** The setters of the two columns, implemented by the subclass's AutoValue builder. */
  interface ColumnsBuilder<F> {
    ColumnsBuilder<F> setInputCol(String inputCol);

    ColumnsBuilder<F> setOutputCol(String outputCol);

    F build();
  }

  abstract @Nullable String inputCol();

  abstract @Nullable String outputCol();

  abstract ColumnsBuilder<F> toBuilder();

  /** The name errors and display data give the stage. */
  abstract String stageName();

  /** The model class, for the model's coder. */
  abstract Class<M> modelType();

  /**
   * The model of the coordinates' summaries; an empty list gives the placeholder whose output
   * schema is the fitted model's. The function is serialized into the combine: it must capture
   * values, not this transform.
   */
  abstract SerializableFunction<List<ColumnSummary>, M> modelOf(String inputCol, String outputCol);

  /** The vector column to scale; required. */
  public F withInputCol(String inputCol) {
    return toBuilder().setInputCol(FitParams.columnName(inputCol, "inputCol")).build();
  }

  /** The vector column to append; required, and not already in the input. */
  public F withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(FitParams.columnName(outputCol, "outputCol")).build();
  }

  /** What the fitted model does to a schema: known from the parameters alone. */
  SchemaMapping mapping() {
    FitParams.require(inputCol(), "withInputCol", stageName());
    FitParams.require(outputCol(), "withOutputCol", stageName());
    return modelOf(inputCol(), outputCol()).apply(List.of())::outputSchema;
  }

  @Override
  public PCollection<M> expand(PCollection<Row> input) {
    SchemaMapping mapping = mapping();
    mapping.outputSchema(input.getSchema());
    String in = inputCol();
    return ModelCombineFn.fitGlobally(
        input,
        new VectorStatsFn<>(
            stageName(),
            in,
            input.getSchema().indexOf(in),
            modelType(),
            mapping,
            modelOf(in, outputCol())),
        VectorStatsFn.noRows(stageName()));
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
