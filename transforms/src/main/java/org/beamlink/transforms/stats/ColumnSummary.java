package org.beamlink.transforms.stats;

import java.io.Serializable;

/**
 * Statistics of one numeric column, or of one coordinate of a vector column (named {@code
 * features[3]}), as {@link Summarizer} computes them.
 *
 * <ul>
 *   <li>{@code count}: values that are not missing; {@code missing}: nulls and NaNs. Coordinates a
 *       sparse vector leaves out are zeros and count as values.
 *   <li>{@code mean}, {@code min}, {@code max}: over the values; NaN when there is none.
 *   <li>{@code variance}: the sample variance, with {@code count - 1} in the denominator as in
 *       Spark's {@code Summarizer} and numpy's {@code var(ddof=1)}; NaN for fewer than two values
 *       (numpy's and pandas' choice; Spark returns 0 there).
 *   <li>{@code sum}, {@code normL1} (sum of absolute values), {@code normL2} (square root of the
 *       sum of squares): 0 when there is no value. {@code numNonzeros}: values other than 0.
 * </ul>
 *
 * <p>Infinite values take part as numbers, so they make the mean and variance infinite or NaN.
 *
 * <pre>{@code
 * ColumnSummary x = summary.column("x");
 * double sd = x.stddev();
 * }</pre>
 */
public record ColumnSummary(
    String column,
    long count,
    long missing,
    double mean,
    double variance,
    double min,
    double max,
    double sum,
    double normL1,
    double normL2,
    long numNonzeros)
    implements Serializable {

  /** The sample standard deviation, the square root of {@link #variance()}. */
  public double stddev() {
    return Math.sqrt(variance);
  }
}
