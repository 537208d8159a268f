package org.beamlink.transforms.feature;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The estimator of a categorical stage (StringIndexer, OneHotEncoder): STRING or numeric input
 * columns, one appended column each, fitted by one {@link CategoryCountsFn} (each column's value
 * counts) that a subclass turns into its model, and a {@code handleInvalid} rule for values the fit
 * did not see.
 *
 * <p>A subclass is an AutoValue class whose builder implements {@link ColumnsBuilder}; it adds its
 * own parameters, their display data, {@link #mappingOf} and {@link #modelOf}.
 *
 * @param <M> the fitted model
 * @param <F> the concrete estimator, returned by the setters
 */
abstract class CategoricalFit<M extends Transformer, F extends CategoricalFit<M, F>>
    extends PTransform<PCollection<Row>, PCollection<M>> implements PipelineStage {

  /** The setters of the shared parameters, implemented by the subclass's AutoValue builder. */
  interface ColumnsBuilder<F> {
    ColumnsBuilder<F> setInputCols(List<String> inputCols);

    ColumnsBuilder<F> setOutputCols(List<String> outputCols);

    ColumnsBuilder<F> setHandleInvalid(HandleInvalid handleInvalid);

    F build();
  }

  abstract @Nullable List<String> inputCols();

  abstract @Nullable List<String> outputCols();

  abstract HandleInvalid handleInvalid();

  abstract ColumnsBuilder<F> toBuilder();

  /** The name errors and display data give the stage. */
  abstract String stageName();

  /** The model class, for the model's coder. */
  abstract Class<M> modelType();

  /** The rules of {@code handleInvalid} this stage supports. */
  abstract Set<HandleInvalid> handleInvalidChoices();

  /** What a model with these columns does to a schema. */
  abstract SchemaMapping mappingOf(List<String> inputCols, List<String> outputCols);

  /**
   * The model of each input column's value counts (keyed by the value's string form). The function
   * is serialized into the combine: it must capture values, not this transform.
   */
  abstract SerializableFunction<List<Map<String, Long>>, M> modelOf(
      Schema schema, List<String> inputCols, List<String> outputCols);

  /** The STRING or numeric columns to fit on; required. */
  public F withInputCols(String... inputCols) {
    return toBuilder().setInputCols(FitParams.columnNames(inputCols, "inputCols")).build();
  }

  /** The columns to append, one per input column; required. */
  public F withOutputCols(String... outputCols) {
    return toBuilder().setOutputCols(FitParams.columnNames(outputCols, "outputCols")).build();
  }

  /** What the model does with values the fit did not see, null and NaN; default ERROR. */
  public F withHandleInvalid(HandleInvalid handleInvalid) {
    if (handleInvalid == null || !handleInvalidChoices().contains(handleInvalid)) {
      throw new IllegalArgumentException(
          "Expected handleInvalid one of " + handleInvalidChoices() + ", got " + handleInvalid);
    }
    return toBuilder().setHandleInvalid(handleInvalid).build();
  }

  /** What the fitted model does to a schema: known from the parameters alone. */
  SchemaMapping mapping() {
    FitParams.require(inputCols(), "withInputCols", stageName());
    FitParams.require(outputCols(), "withOutputCols", stageName());
    if (inputCols().size() != outputCols().size()) {
      throw new IllegalArgumentException(
          stageName()
              + ": expected as many output columns as input columns, got "
              + inputCols()
              + " and "
              + outputCols());
    }
    return mappingOf(inputCols(), outputCols());
  }

  @Override
  public PCollection<M> expand(PCollection<Row> input) {
    SchemaMapping mapping = mapping();
    Schema schema = input.getSchema();
    mapping.outputSchema(schema);
    int[] columns = inputCols().stream().mapToInt(schema::indexOf).toArray();
    return ModelCombineFn.fitGlobally(
        input,
        new CategoryCountsFn<>(
            columns, modelType(), mapping, modelOf(schema, inputCols(), outputCols())),
        stageName() + ": no rows to fit on");
  }

  @Override
  public PCollection<Transformer> fitStage(PCollection<Row> input) {
    return PipelineStage.fitted(input.apply(this), mapping());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .addIfNotNull(DisplayData.item("inputCols", String.valueOf(inputCols())))
        .addIfNotNull(DisplayData.item("outputCols", String.valueOf(outputCols())))
        .add(DisplayData.item("handleInvalid", handleInvalid().paramValue()));
  }
}
