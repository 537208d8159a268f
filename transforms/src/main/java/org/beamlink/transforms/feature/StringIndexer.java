package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.feature.StringIndexerModel;
import org.beamlink.models.feature.StringOrderType;
import org.beamlink.models.pipeline.SchemaMapping;

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
  public abstract static class Fit extends CategoricalFit<StringIndexerModel, Fit> {
    abstract StringOrderType stringOrderType();

    @Override
    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder implements ColumnsBuilder<Fit> {
      abstract Builder setStringOrderType(StringOrderType stringOrderType);
    }

    /** How labels are ordered (index 0 first); default FREQUENCY_DESC. */
    public Fit withStringOrderType(StringOrderType stringOrderType) {
      if (stringOrderType == null) {
        throw new IllegalArgumentException("Expected a StringOrderType, got null");
      }
      return toBuilder().setStringOrderType(stringOrderType).build();
    }

    @Override
    String stageName() {
      return NAME;
    }

    @Override
    Class<StringIndexerModel> modelType() {
      return StringIndexerModel.class;
    }

    /** ERROR, SKIP or KEEP; see {@link StringIndexer}. */
    @Override
    Set<HandleInvalid> handleInvalidChoices() {
      return EnumSet.of(HandleInvalid.ERROR, HandleInvalid.SKIP, HandleInvalid.KEEP);
    }

    @Override
    SchemaMapping mappingOf(List<String> in, List<String> out) {
      return StringIndexerModel.mapping(in, out);
    }

    @Override
    SerializableFunction<List<Map<String, Long>>, StringIndexerModel> modelOf(
        Schema schema, List<String> in, List<String> out) {
      StringOrderType order = stringOrderType();
      HandleInvalid handleInvalid = handleInvalid();
      return counts -> StringIndexerModel.fromCounts(in, out, counts, order, handleInvalid);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.add(DisplayData.item("stringOrderType", stringOrderType().paramValue()));
    }
  }
}
