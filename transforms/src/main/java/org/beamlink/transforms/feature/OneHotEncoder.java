package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.feature.OneHotEncoderModel;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.rows.FeatureColumns;

/**
 * One-hot encodes categorical columns: {@link #fit()} learns each input column's categories from
 * the data, sorted as scikit-learn's {@code OneHotEncoder.categories_} (numbers numerically,
 * strings by code point); {@link #transform} appends one sparse vector column per input column
 * ({@link OneHotEncoderModel}).
 *
 * <p>Layout and {@code dropLast} are Spark ML's: with {@code dropLast} (default true) the last
 * category encodes as all zeros; {@code dropLast=false} is scikit-learn's {@code drop=None}. (Spark
 * one-hot encodes indices, typically a StringIndexer's output; this class learns the categories
 * itself, as scikit-learn does, so no StringIndexer is needed first.)
 *
 * <p>Input columns are STRING or numeric (a number is matched by its string form, {@code
 * String.valueOf}). The fit is one {@code Combine.globally} of per-column value counts. Null and
 * NaN are never categories. Invalid values at transform time (unseen, null, NaN), by {@code
 * handleInvalid}: {@link HandleInvalid#ERROR} (default) fails naming column, value and row; {@link
 * HandleInvalid#KEEP} adds a slot after the categories for them (Spark's keep; dropped by {@code
 * dropLast}); {@link HandleInvalid#IGNORE} encodes them as all zeros (scikit-learn's {@code
 * handle_unknown='ignore'}); {@link HandleInvalid#SKIP} drops the row in {@link #transform} (inside
 * a pipeline model a stage cannot drop rows, and SKIP fails the row there as ERROR does). A column
 * with no category (only nulls or NaN), or an empty input, fails the fit.
 *
 * <p>Parameters: {@code inputCols} and {@code outputCols} (required, same length), {@code dropLast}
 * (default true), {@code handleInvalid} (default ERROR).
 *
 * <pre>{@code
 * PCollection<OneHotEncoderModel> model =
 *     rows.apply(OneHotEncoder.fit().withInputCols("species").withOutputCols("speciesVec"));
 * PCollection<Row> encoded = rows.apply(OneHotEncoder.transform(model));
 * }</pre>
 */
public final class OneHotEncoder {
  private static final String NAME = "OneHotEncoder";

  private OneHotEncoder() {}

  /** The estimator, with every default set: dropLast true, handleInvalid ERROR. */
  public static Fit fit() {
    return new AutoValue_OneHotEncoder_Fit.Builder()
        .setDropLast(true)
        .setHandleInvalid(HandleInvalid.ERROR)
        .build();
  }

  /**
   * Encodes rows with the one model in {@code model}, bounded or unbounded input; with
   * handleInvalid SKIP, rows with invalid values are dropped.
   *
   * <pre>{@code
   * PCollection<Row> encoded = stream.apply(OneHotEncoder.transform(model));
   * }</pre>
   */
  public static SkipInvalidRows<OneHotEncoderModel> transform(
      PCollection<OneHotEncoderModel> model) {
    return SkipInvalidRows.of(model);
  }

  /**
   * The transform {@link #fit()} returns: rows in, one {@link OneHotEncoderModel} out.
   *
   * <pre>{@code
   * rows.apply(OneHotEncoder.fit().withInputCols("a").withOutputCols("aVec").withDropLast(false));
   * }</pre>
   */
  @AutoValue
  public abstract static class Fit extends CategoricalFit<OneHotEncoderModel, Fit> {
    abstract boolean dropLast();

    @Override
    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder implements ColumnsBuilder<Fit> {
      abstract Builder setDropLast(boolean dropLast);
    }

    /** Whether the last slot is dropped (Spark's default true; false is sklearn's drop=None). */
    public Fit withDropLast(boolean dropLast) {
      return toBuilder().setDropLast(dropLast).build();
    }

    @Override
    String stageName() {
      return NAME;
    }

    @Override
    Class<OneHotEncoderModel> modelType() {
      return OneHotEncoderModel.class;
    }

    /** ERROR, SKIP, KEEP or IGNORE; see {@link OneHotEncoder}. */
    @Override
    Set<HandleInvalid> handleInvalidChoices() {
      return EnumSet.allOf(HandleInvalid.class);
    }

    @Override
    SchemaMapping mappingOf(List<String> in, List<String> out) {
      return OneHotEncoderModel.mapping(in, out);
    }

    @Override
    SerializableFunction<List<Map<String, Long>>, OneHotEncoderModel> modelOf(
        Schema schema, List<String> in, List<String> out) {
      boolean dropLast = dropLast();
      HandleInvalid handleInvalid = handleInvalid();
      boolean[] numeric = new boolean[in.size()];
      for (int c = 0; c < numeric.length; c++) {
        numeric[c] = FeatureColumns.isNumeric(schema.getField(in.get(c)).getType());
      }
      return counts -> {
        List<List<String>> categories = new ArrayList<>();
        for (int c = 0; c < counts.size(); c++) {
          if (counts.get(c).isEmpty()) {
            throw new IllegalArgumentException(
                NAME + ": column '" + in.get(c) + "' has only nulls or NaN; no categories");
          }
          categories.add(OneHotEncoderModel.sortCategories(counts.get(c).keySet(), numeric[c]));
        }
        return OneHotEncoderModel.of(in, out, categories, dropLast, handleInvalid);
      };
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.add(DisplayData.item("dropLast", dropLast()));
    }
  }
}
