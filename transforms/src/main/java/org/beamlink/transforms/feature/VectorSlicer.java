package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.Arrays;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.beamlink.models.feature.VectorSlicerMapper;
import org.beamlink.transforms.pipeline.MapRows;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Picks coordinates of a vector column by index, as Spark ML's {@code VectorSlicer} with {@code
 * indices} ({@link VectorSlicerMapper}): output coordinate {@code k} is input coordinate {@code
 * indices[k]}; dense stays dense and sparse stays sparse. Selection by name is not supported
 * (vector columns carry no feature names).
 *
 * <p>NaN is copied. A null vector or an index beyond a row's vector fails the row naming the
 * column, the index, the vector's size and the row.
 *
 * <p>Parameters: {@code inputCol} (a vector column, required, in the factory), {@code indices}
 * (required; at least one, distinct, >= 0), {@code outputCol} (the appended vector column,
 * required). A missing {@code indices} or {@code outputCol} fails at pipeline construction.
 *
 * <pre>{@code
 * PCollection<Row> picked =
 *     rows.apply(VectorSlicer.of("features").withIndices(0, 3).withOutputCol("picked"));
 * }</pre>
 */
@AutoValue
public abstract class VectorSlicer extends MapRows {
  private static final String NAME = "VectorSlicer";

  abstract String inputCol();

  @SuppressWarnings("mutable")
  abstract int @Nullable [] indices();

  abstract @Nullable String outputCol();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setInputCol(String inputCol);

    abstract Builder setIndices(int[] indices);

    abstract Builder setOutputCol(String outputCol);

    abstract VectorSlicer build();
  }

  /**
   * Slices the vectors of {@code inputCol}; set the indices with {@link #withIndices} and the
   * output column with {@link #withOutputCol}.
   *
   * <pre>{@code
   * rows.apply(VectorSlicer.of("features").withIndices(2, 0).withOutputCol("picked"));
   * }</pre>
   */
  public static VectorSlicer of(String inputCol) {
    return new AutoValue_VectorSlicer.Builder()
        .setInputCol(FitParams.columnName(inputCol, "inputCol"))
        .build();
  }

  /**
   * The coordinates to pick, in this order (output coordinate {@code k} is input coordinate {@code
   * indices[k]}); required; at least one, distinct, each >= 0.
   *
   * <pre>{@code
   * VectorSlicer.of("features").withIndices(3, 0).withOutputCol("picked");
   * }</pre>
   */
  public VectorSlicer withIndices(int... indices) {
    if (indices == null) {
      throw new IllegalArgumentException("Expected at least one index, got null");
    }
    // The mapper's own checks, with placeholder columns, so that bad indices fail here.
    VectorSlicerMapper.of("in", "out", indices);
    return toBuilder().setIndices(indices.clone()).build();
  }

  /**
   * The vector column to append; required.
   *
   * <pre>{@code
   * VectorSlicer.of("features").withIndices(0).withOutputCol("first");
   * }</pre>
   */
  public VectorSlicer withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(FitParams.columnName(outputCol, "outputCol")).build();
  }

  /**
   * The mapper this transform applies; fails when {@link #withIndices} or {@link #withOutputCol}
   * was not called.
   *
   * <pre>{@code
   * VectorSlicerMapper m = VectorSlicer.of("v").withIndices(1).withOutputCol("s").transformer();
   * }</pre>
   */
  @Override
  public VectorSlicerMapper transformer() {
    FitParams.require(indices(), "withIndices", NAME);
    FitParams.require(outputCol(), "withOutputCol", NAME);
    return VectorSlicerMapper.of(inputCol(), outputCol(), indices());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCol", inputCol()))
        .addIfNotNull(
            DisplayData.item("indices", indices() == null ? null : Arrays.toString(indices())))
        .addIfNotNull(DisplayData.item("outputCol", outputCol()));
  }
}
