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
 * <p>Parameters: {@code indices} (required, in the factory; distinct, >= 0), {@code inputCol} and
 * {@code outputCol} (required).
 *
 * <pre>{@code
 * PCollection<Row> picked =
 *     rows.apply(VectorSlicer.of(0, 3).withInputCol("features").withOutputCol("picked"));
 * }</pre>
 */
@AutoValue
public abstract class VectorSlicer extends MapRows {
  private static final String NAME = "VectorSlicer";

  @SuppressWarnings("mutable")
  abstract int[] indices();

  abstract @Nullable String inputCol();

  abstract @Nullable String outputCol();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setIndices(int[] indices);

    abstract Builder setInputCol(String inputCol);

    abstract Builder setOutputCol(String outputCol);

    abstract VectorSlicer build();
  }

  /** Picks {@code indices} (distinct, >= 0), in this order. */
  public static VectorSlicer of(int... indices) {
    VectorSlicerMapper.of("in", "out", indices);
    return new AutoValue_VectorSlicer.Builder().setIndices(indices.clone()).build();
  }

  /** The vector column to slice; required. */
  public VectorSlicer withInputCol(String inputCol) {
    return toBuilder().setInputCol(FitParams.columnName(inputCol, "inputCol")).build();
  }

  /** The vector column to append; required. */
  public VectorSlicer withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(FitParams.columnName(outputCol, "outputCol")).build();
  }

  @Override
  public VectorSlicerMapper transformer() {
    FitParams.require(inputCol(), "withInputCol", NAME);
    FitParams.require(outputCol(), "withOutputCol", NAME);
    return VectorSlicerMapper.of(inputCol(), outputCol(), indices());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("indices", Arrays.toString(indices())))
        .addIfNotNull(DisplayData.item("inputCol", inputCol()))
        .addIfNotNull(DisplayData.item("outputCol", outputCol()));
  }
}
