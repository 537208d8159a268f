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
 * <p>Parameters: {@code inputCol}, {@code outputCol} and {@code labels}, all required.
 *
 * <pre>{@code
 * PCollection<Row> named = predictions.apply(
 *     IndexToString.of().withInputCol("prediction").withOutputCol("species")
 *         .withLabelsOf(indexerModel, "species"));
 * }</pre>
 */
@AutoValue
public abstract class IndexToString extends MapRows {
  private static final String NAME = "IndexToString";

  abstract @Nullable String inputCol();

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

  /** The transform with nothing set yet: set the columns and the labels. */
  public static IndexToString of() {
    return new AutoValue_IndexToString.Builder().build();
  }

  /** The numeric index column; required. */
  public IndexToString withInputCol(String inputCol) {
    return toBuilder().setInputCol(FitParams.columnName(inputCol, "inputCol")).build();
  }

  /** The STRING column to append; required. */
  public IndexToString withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(FitParams.columnName(outputCol, "outputCol")).build();
  }

  /** The labels, in index order. */
  public IndexToString withLabels(List<String> labels) {
    if (labels == null || labels.isEmpty()) {
      throw new IllegalArgumentException("Expected at least one label, got " + labels);
    }
    return toBuilder().setLabels(List.copyOf(labels)).build();
  }

  /** The labels {@code model} learned for its input column {@code indexedCol}. */
  public IndexToString withLabelsOf(StringIndexerModel model, String indexedCol) {
    return withLabels(model.labels(indexedCol));
  }

  @Override
  public IndexToStringMapper transformer() {
    FitParams.require(inputCol(), "withInputCol", NAME);
    FitParams.require(outputCol(), "withOutputCol", NAME);
    FitParams.require(labels(), "withLabels", NAME);
    return IndexToStringMapper.of(inputCol(), outputCol(), labels());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .addIfNotNull(DisplayData.item("inputCol", inputCol()))
        .addIfNotNull(DisplayData.item("outputCol", outputCol()))
        .addIfNotNull(DisplayData.item("labels", String.valueOf(labels())));
  }
}
