package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.List;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.beamlink.models.feature.IndexToStringMapper;
import org.beamlink.models.feature.StringIndexerModel;
import org.beamlink.transforms.pipeline.MapRows;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Maps an index column back to its labels, as Spark ML's {@code IndexToString} ({@link
 * IndexToStringMapper}): a numeric {@code inputCol} holding {@code i} gives the STRING {@code
 * labels[i]} in {@code outputCol}. The labels are given, or taken from a fitted {@link
 * StringIndexerModel} (for one of its input columns).
 *
 * <p>A null, NaN, non-integer or out-of-range index fails the row naming the column, the value and
 * the row ({@code withFailures()} routes such rows aside).
 *
 * <p>Parameters: {@code inputCol} (a numeric column, required, in the factory), {@code outputCol}
 * (the appended STRING column, required) and {@code labels} (required, by {@link #withLabels} or
 * {@link #withLabelsOf}). A missing {@code outputCol} or {@code labels} fails at pipeline
 * construction.
 *
 * <pre>{@code
 * PCollection<Row> named = predictions.apply(
 *     IndexToString.of("prediction").withOutputCol("species")
 *         .withLabelsOf(indexerModel, "species"));
 * }</pre>
 */
@AutoValue
public abstract class IndexToString extends MapRows {
  private static final String NAME = "IndexToString";

  abstract String inputCol();

  abstract @Nullable String outputCol();

  abstract @Nullable List<String> labels();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setInputCol(String inputCol);

    abstract Builder setOutputCol(String outputCol);

    abstract Builder setLabels(List<String> labels);

    abstract IndexToString build();
  }

  /**
   * Maps the indices of the numeric column {@code inputCol} to labels; set the output column with
   * {@link #withOutputCol} and the labels with {@link #withLabels} or {@link #withLabelsOf}.
   *
   * <pre>{@code
   * rows.apply(IndexToString.of("prediction").withOutputCol("label").withLabels(labels));
   * }</pre>
   */
  public static IndexToString of(String inputCol) {
    return new AutoValue_IndexToString.Builder()
        .setInputCol(FitParams.columnName(inputCol, "inputCol"))
        .build();
  }

  /**
   * The STRING column to append; required.
   *
   * <pre>{@code
   * IndexToString.of("prediction").withOutputCol("label");
   * }</pre>
   */
  public IndexToString withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(FitParams.columnName(outputCol, "outputCol")).build();
  }

  /**
   * The labels, in index order (index {@code i} maps to {@code labels.get(i)}); at least one.
   * Required, unless set by {@link #withLabelsOf}.
   *
   * <pre>{@code
   * IndexToString.of("i").withOutputCol("s").withLabels(List.of("no", "yes"));
   * }</pre>
   */
  public IndexToString withLabels(List<String> labels) {
    if (labels == null || labels.isEmpty()) {
      throw new IllegalArgumentException("Expected at least one label, got " + labels);
    }
    return toBuilder().setLabels(List.copyOf(labels)).build();
  }

  /**
   * The labels {@code model} learned for its input column {@code indexedCol}, as {@link
   * #withLabels}.
   *
   * <pre>{@code
   * IndexToString.of("species_index").withOutputCol("species_again")
   *     .withLabelsOf(indexerModel, "species");
   * }</pre>
   */
  public IndexToString withLabelsOf(StringIndexerModel model, String indexedCol) {
    return withLabels(model.labels(indexedCol));
  }

  /**
   * The mapper this transform applies; fails when {@link #withOutputCol} or the labels were not
   * set.
   *
   * <pre>{@code
   * IndexToStringMapper m =
   *     IndexToString.of("i").withOutputCol("s").withLabels(List.of("a")).transformer();
   * }</pre>
   */
  @Override
  public IndexToStringMapper transformer() {
    FitParams.require(outputCol(), "withOutputCol", NAME);
    FitParams.require(labels(), "withLabels", NAME);
    return IndexToStringMapper.of(inputCol(), outputCol(), labels());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCol", inputCol()))
        .addIfNotNull(DisplayData.item("outputCol", outputCol()))
        .addIfNotNull(DisplayData.item("labels", String.valueOf(labels())));
  }
}
