package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.feature.StringIndexerModel;
import org.beamlink.models.feature.StringOrderType;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Indexes categorical columns, as Spark ML's {@code StringIndexer}: {@link #fit()} learns each
 * input column's labels and orders them ({@link StringOrderType}, default most frequent first with
 * ties alphabetical, as Spark 3); {@link #transform} appends one DOUBLE column per input column
 * with the index of the row's value ({@link StringIndexerModel}).
 *
 * <p>Input columns are STRING or numeric; a number is indexed by its string form as Spark does
 * ({@code String.valueOf}: INT32 {@code 3} is label {@code "3"}, DOUBLE {@code 3.0} is {@code
 * "3.0"}). The fit is one {@code Combine.globally} of per-column value counts (partial counts are
 * merged; no worker collects the rows). Null and NaN are never labels.
 *
 * <p>Invalid values at transform time (unseen labels, null, NaN), by {@code handleInvalid}: {@link
 * HandleInvalid#ERROR} (default) fails naming column, value and row; {@link HandleInvalid#KEEP}
 * gives index {@code numLabels}; {@link HandleInvalid#SKIP} drops the row in {@link #transform}.
 * Inside a pipeline model (or {@code ApplyModel}, or a local predictor) a stage cannot drop rows,
 * so SKIP fails the row there as ERROR does (use {@code withFailures()} to route such rows aside).
 * An empty input fails the fit ("no rows to fit on").
 *
 * <p>Parameters: {@code inputCols} and {@code outputCols} (required, same length), {@code
 * stringOrderType} (default FREQUENCY_DESC), {@code handleInvalid} (default ERROR).
 *
 * <pre>{@code
 * PCollection<StringIndexerModel> model =
 *     rows.apply(StringIndexer.fit().withInputCols("species").withOutputCols("label"));
 * PCollection<Row> indexed = rows.apply(StringIndexer.transform(model));
 * }</pre>
 */
public final class StringIndexer {
  private static final String NAME = "StringIndexer";

  private StringIndexer() {}

  /** The estimator, with every default set: FREQUENCY_DESC order, handleInvalid ERROR. */
  public static Fit fit() {
    return new AutoValue_StringIndexer_Fit.Builder()
        .setStringOrderType(StringOrderType.FREQUENCY_DESC)
        .setHandleInvalid(HandleInvalid.ERROR)
        .build();
  }

  /**
   * Indexes rows with the one model in {@code model}, bounded or unbounded input; with
   * handleInvalid SKIP, rows with invalid values are dropped.
   *
   * <pre>{@code
   * PCollection<Row> indexed = stream.apply(StringIndexer.transform(model));
   * }</pre>
   */
  public static SkipInvalidRows<StringIndexerModel> transform(
      PCollection<StringIndexerModel> model) {
    return SkipInvalidRows.of(model);
  }

  /**
   * The transform {@link #fit()} returns: rows in, one {@link StringIndexerModel} out.
   *
   * <pre>{@code
   * rows.apply(StringIndexer.fit().withInputCols("a", "b").withOutputCols("ai", "bi"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Fit
      extends PTransform<PCollection<Row>, PCollection<StringIndexerModel>>
      implements PipelineStage {
    abstract @Nullable List<String> inputCols();

    abstract @Nullable List<String> outputCols();

    abstract StringOrderType stringOrderType();

    abstract HandleInvalid handleInvalid();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setInputCols(List<String> inputCols);

      abstract Builder setOutputCols(List<String> outputCols);

      abstract Builder setStringOrderType(StringOrderType stringOrderType);

      abstract Builder setHandleInvalid(HandleInvalid handleInvalid);

      abstract Fit build();
    }

    /** The STRING or numeric columns to index; required. */
    public Fit withInputCols(String... inputCols) {
      return toBuilder().setInputCols(FitParams.columnNames(inputCols, "inputCols")).build();
    }

    /** The DOUBLE index columns to append, one per input column; required. */
    public Fit withOutputCols(String... outputCols) {
      return toBuilder().setOutputCols(FitParams.columnNames(outputCols, "outputCols")).build();
    }

    /** How labels are ordered (index 0 first); default FREQUENCY_DESC. */
    public Fit withStringOrderType(StringOrderType stringOrderType) {
      if (stringOrderType == null) {
        throw new IllegalArgumentException("Expected a StringOrderType, got null");
      }
      return toBuilder().setStringOrderType(stringOrderType).build();
    }

    /** ERROR (default), SKIP or KEEP; see {@link StringIndexer}. */
    public Fit withHandleInvalid(HandleInvalid handleInvalid) {
      if (handleInvalid == null || handleInvalid == HandleInvalid.IGNORE) {
        throw new IllegalArgumentException(
            "Expected handleInvalid ERROR, SKIP or KEEP, got " + handleInvalid);
      }
      return toBuilder().setHandleInvalid(handleInvalid).build();
    }

    /** What the fitted model does to a schema: known from the parameters alone. */
    SchemaMapping mapping() {
      FitParams.require(inputCols(), "withInputCols", NAME);
      FitParams.require(outputCols(), "withOutputCols", NAME);
      if (inputCols().size() != outputCols().size()) {
        throw new IllegalArgumentException(
            NAME
                + ": expected as many output columns as input columns, got "
                + inputCols()
                + " and "
                + outputCols());
      }
      return StringIndexerModel.mapping(inputCols(), outputCols());
    }

    @Override
    public PCollection<StringIndexerModel> expand(PCollection<Row> input) {
      SchemaMapping mapping = mapping();
      Schema schema = input.getSchema();
      mapping.outputSchema(schema);
      List<String> in = inputCols();
      List<String> out = outputCols();
      StringOrderType order = stringOrderType();
      HandleInvalid handleInvalid = handleInvalid();
      int[] columns = in.stream().mapToInt(schema::indexOf).toArray();
      return ModelCombineFn.fitGlobally(
          input,
          new CategoryCountsFn<>(
              columns,
              StringIndexerModel.class,
              mapping,
              (List<Map<String, Long>> counts) ->
                  StringIndexerModel.fromCounts(in, out, counts, order, handleInvalid)),
          NAME + ": no rows to fit on");
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
          .add(DisplayData.item("stringOrderType", stringOrderType().paramValue()))
          .add(DisplayData.item("handleInvalid", handleInvalid().paramValue()));
    }
  }
}
