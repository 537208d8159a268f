package org.beamlink.transforms.stats;

import com.google.auto.value.AutoValue;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.rows.FeatureColumns;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Pearson and Spearman correlation matrices of numeric columns or of the coordinates of a vector
 * column, over bounded input: one {@link CorrelationMatrix}.
 *
 * <p><b>Pearson</b> is one pass: a {@code Combine.globally} of {@link CoMoments} (means and
 * co-moments, updated with Welford's formula and merged with Chan et al.'s), so the result does not
 * depend on how the runner splits the rows. {@code r = C_ij / sqrt(C_ii C_jj)}, clipped to [-1, 1],
 * as numpy's {@code corrcoef}.
 *
 * <p><b>Spearman</b> is the Pearson correlation of the ranks, ties getting the average of the ranks
 * they span (scipy's {@code spearmanr}, {@code rankdata(method="average")}). The ranks need a
 * global sort of each column; it is done without gathering a column on one worker:
 *
 * <ol>
 *   <li>Count the rows of every distinct (column, value) (a combine per key).
 *   <li>Cut each column's distinct values into {@value #RANGES} ranges at their approximate
 *       quantiles (Beam's {@code ApproximateQuantiles}, a small side input).
 *   <li>Group the distinct values by (column, range) and sort each range on its own; the rows below
 *       each range are the sum of the counts of the ranges before it (a side input of {@code
 *       columns x }{@value #RANGES} totals). The rank of a value is then {@code below + (count + 1)
 *       / 2}.
 *   <li>Join the ranks back to the rows by (column, value) and regroup them per row, keyed by a
 *       128-bit hash of the row's values (equal rows share a key and are added with their
 *       multiplicity; distinct rows colliding is a chance of about {@code n^2 / 2^129}), then the
 *       Pearson combine above on the rank vectors.
 * </ol>
 *
 * Memory: a worker holds the distinct values of one range, at most about 3/64 of a column's
 * distinct values (the quantiles' rank error is 1/65 of them), and the ranks of one row; nothing
 * grows with the number of rows. The cost is three shuffles of {@code rows x columns} elements.
 *
 * <p>Values: a null, NaN or infinite value fails the job, naming the column, the value and the row
 * (numpy propagates NaN into a whole row and column of the matrix, scipy's {@code spearmanr} fails
 * or omits; an error is the safer of these). A column without spread (constant, or fewer than two
 * rows) gets NaN in its row and column, diagonal included, as numpy's {@code corrcoef} and scipy
 * give it. Empty input gives a matrix of NaN over the numeric columns with {@code rows() == 0}, and
 * a matrix without columns for a vector column, whose size is unknown. Vectors of different sizes
 * fail the job.
 *
 * <p>Parameters: {@code columns} (numeric; default every numeric column of the input, in schema
 * order) or {@code vectorCol} (one vector column, dense or sparse, whose coordinates are named
 * {@code vectorCol[i]}); not both.
 *
 * <pre>{@code
 * PCollection<CorrelationMatrix> pearson = rows.apply(Correlation.pearson());
 * PCollection<CorrelationMatrix> spearman =
 *     rows.apply(Correlation.spearman().withColumns("sepal_length", "petal_length"));
 * PCollection<CorrelationMatrix> coords = rows.apply(Correlation.pearson().withVectorCol("features"));
 * }</pre>
 */
public final class Correlation {
  /** The number of ranges the distinct values of a column are sorted in, for Spearman's ranks. */
  public static final int RANGES = 64;

  /** The correlation coefficient. */
  public enum Method {
    /** Pearson's product-moment correlation. */
    PEARSON,
    /** Spearman's rank correlation: Pearson's on the ranks, ties averaged. */
    SPEARMAN;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private Correlation() {}

  /**
   * Pearson correlation of every numeric column.
   *
   * <pre>{@code
   * PCollection<CorrelationMatrix> m = rows.apply(Correlation.pearson());
   * }</pre>
   */
  public static Globally pearson() {
    return of(Method.PEARSON);
  }

  /**
   * Spearman rank correlation of every numeric column.
   *
   * <pre>{@code
   * PCollection<CorrelationMatrix> m = rows.apply(Correlation.spearman());
   * }</pre>
   */
  public static Globally spearman() {
    return of(Method.SPEARMAN);
  }

  /**
   * The correlation {@code method} of every numeric column.
   *
   * <pre>{@code
   * PCollection<CorrelationMatrix> m = rows.apply(Correlation.of(Method.SPEARMAN));
   * }</pre>
   */
  public static Globally of(Method method) {
    if (method == null) {
      throw new IllegalArgumentException("Expected a correlation method, got null");
    }
    return new AutoValue_Correlation_Globally.Builder().setMethod(method).build();
  }

  /**
   * The transform {@link #pearson()} and {@link #spearman()} return.
   *
   * <pre>{@code
   * PCollection<CorrelationMatrix> m = rows.apply(Correlation.pearson().withColumns("x", "y"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Globally
      extends PTransform<PCollection<Row>, PCollection<CorrelationMatrix>> {
    abstract Method method();

    abstract @Nullable List<String> columns();

    abstract @Nullable String vectorCol();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setMethod(Method method);

      abstract Builder setColumns(@Nullable List<String> columns);

      abstract Builder setVectorCol(@Nullable String vectorCol);

      abstract Globally build();
    }

    /**
     * The numeric columns to correlate, at least two, in this order; default every numeric column.
     *
     * <pre>{@code
     * Correlation.pearson().withColumns("sepal_length", "petal_length");
     * }</pre>
     */
    public Globally withColumns(String... columns) {
      if (columns.length < 2) {
        throw new IllegalArgumentException("Expected at least 2 columns, got " + List.of(columns));
      }
      return toBuilder().setColumns(List.of(columns)).build();
    }

    /**
     * A vector column whose coordinates to correlate, instead of numeric columns.
     *
     * <pre>{@code
     * Correlation.spearman().withVectorCol("features");
     * }</pre>
     */
    public Globally withVectorCol(String vectorCol) {
      if (vectorCol == null || vectorCol.isEmpty()) {
        throw new IllegalArgumentException("Expected a vector column name, got none");
      }
      return toBuilder().setVectorCol(vectorCol).build();
    }

    @Override
    public PCollection<CorrelationMatrix> expand(PCollection<Row> input) {
      Schema schema = input.getSchema();
      if (columns() != null && vectorCol() != null) {
        throw new IllegalArgumentException(
            "Correlation takes numeric columns or a vector column, not both; got columns "
                + columns()
                + " and vectorCol "
                + vectorCol());
      }
      List<String> names = null;
      FeatureColumns features;
      if (vectorCol() != null) {
        features = FeatureColumns.ofVector(vectorCol());
      } else {
        names = columns() != null ? columns() : FeatureColumns.numericColumns(schema, Set.of());
        if (names.size() < 2) {
          throw new IllegalArgumentException(
              "Correlation needs at least 2 numeric columns; got "
                  + names
                  + " of the columns "
                  + schema.getFieldNames());
        }
        features = FeatureColumns.of(names);
      }
      FeatureColumns.Bound bound = features.bind(schema);
      String label = method().label();
      if (method() == Method.PEARSON) {
        return input
            .apply(
                "Co-moments",
                Combine.globally(new CorrelationMatrixFn.RowsFn(bound, label, names, vectorCol())))
            .setCoder(CorrelationMatrix.Coder.of());
      }
      return input
          .apply("Ranks", new RankVectors(bound))
          .apply(
              "Co-moments of ranks",
              Combine.globally(new CorrelationMatrixFn.RankVectorsFn(label, names, vectorCol())))
          .setCoder(CorrelationMatrix.Coder.of());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("method", method().label()))
          .addIfNotNull(
              DisplayData.item("columns", columns() == null ? null : String.join(",", columns())))
          .addIfNotNull(DisplayData.item("vectorCol", vectorCol()));
    }
  }
}
