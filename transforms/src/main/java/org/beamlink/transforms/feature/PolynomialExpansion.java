package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.beamlink.models.feature.PolynomialExpansionMapper;
import org.beamlink.transforms.pipeline.MapRows;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Expands a vector column into its monomials of degree 1 to {@code degree} ({@link
 * PolynomialExpansionMapper}), in scikit-learn's {@code PolynomialFeatures(include_bias=False)}
 * order: for {@code (a, b)} and degree 2, {@code (a, b, a², ab, b²)}. Spark ML's {@code
 * PolynomialExpansion} has the same monomials in a different order; this follows scikit-learn.
 *
 * <p>Dense input gives dense output, sparse input sparse output. NaN propagates into the monomials
 * it is a factor of; a null vector fails the row naming column and row.
 *
 * <p>Parameters: {@code inputCol} (a vector column, required, in the factory), {@code outputCol}
 * (the appended vector column, required), {@code degree} (>= 1, default 2). A missing {@code
 * outputCol} fails at pipeline construction.
 *
 * <pre>{@code
 * PCollection<Row> expanded =
 *     rows.apply(PolynomialExpansion.of("x").withOutputCol("poly").withDegree(3));
 * }</pre>
 */
@AutoValue
public abstract class PolynomialExpansion extends MapRows {
  private static final String NAME = "PolynomialExpansion";

  abstract String inputCol();

  abstract @Nullable String outputCol();

  abstract int degree();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setInputCol(String inputCol);

    abstract Builder setOutputCol(String outputCol);

    abstract Builder setDegree(int degree);

    abstract PolynomialExpansion build();
  }

  /**
   * Expands the vectors of {@code inputCol}, with degree 2; set the output column with {@link
   * #withOutputCol}.
   *
   * <pre>{@code
   * rows.apply(PolynomialExpansion.of("x").withOutputCol("poly"));
   * }</pre>
   */
  public static PolynomialExpansion of(String inputCol) {
    return new AutoValue_PolynomialExpansion.Builder()
        .setInputCol(FitParams.columnName(inputCol, "inputCol"))
        .setDegree(2)
        .build();
  }

  /**
   * The vector column to append; required.
   *
   * <pre>{@code
   * PolynomialExpansion.of("x").withOutputCol("poly");
   * }</pre>
   */
  public PolynomialExpansion withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(FitParams.columnName(outputCol, "outputCol")).build();
  }

  /**
   * The highest degree, >= 1; default 2.
   *
   * <pre>{@code
   * PolynomialExpansion.of("x").withOutputCol("poly").withDegree(3);
   * }</pre>
   */
  public PolynomialExpansion withDegree(int degree) {
    if (degree < 1) {
      throw new IllegalArgumentException("Expected degree >= 1, got " + degree);
    }
    return toBuilder().setDegree(degree).build();
  }

  /**
   * The mapper this transform applies; fails when {@link #withOutputCol} was not called.
   *
   * <pre>{@code
   * PolynomialExpansionMapper m = PolynomialExpansion.of("x").withOutputCol("p").transformer();
   * }</pre>
   */
  @Override
  public PolynomialExpansionMapper transformer() {
    FitParams.require(outputCol(), "withOutputCol", NAME);
    return PolynomialExpansionMapper.of(inputCol(), outputCol(), degree());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCol", inputCol()))
        .addIfNotNull(DisplayData.item("outputCol", outputCol()))
        .add(DisplayData.item("degree", degree()));
  }
}
