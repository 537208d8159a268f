package org.beamlink.transforms.stats;

import java.io.Serializable;

/**
 * The chi-square test of independence of one feature against the label, as {@link ChiSquareTest}
 * computes it.
 *
 * <pre>{@code
 * FeatureChiSquare t = FeatureChiSquare.of("petal_bin", new long[][] {{50, 0}, {0, 50}});
 * t.pValue(); // about 1.5e-23: statistic 100 with 1 degree of freedom
 * }</pre>
 *
 * @param column the feature column
 * @param statistic Pearson's chi-square statistic, {@code sum (O - E)^2 / E}; NaN without rows
 * @param pValue the probability of a statistic at least this large under independence; NaN without
 *     rows
 * @param degreesOfFreedom {@code (values - 1) (labels - 1)}
 * @param values the number of distinct values of the feature
 */
public record FeatureChiSquare(
    String column, double statistic, double pValue, long degreesOfFreedom, int values)
    implements Serializable {

  /**
   * The test of a contingency table of counts, a row per feature value and a column per label,
   * every row and column with a positive total.
   *
   * <pre>{@code
   * FeatureChiSquare t = FeatureChiSquare.of("x", new long[][] {{10, 20}, {30, 40}});
   * }</pre>
   *
   * @throws IllegalArgumentException for a table without cells, of ragged rows, or with a row or
   *     column that sums to 0
   */
  public static FeatureChiSquare of(String column, long[][] observed) {
    int r = observed.length;
    int c = r == 0 ? 0 : observed[0].length;
    if (r == 0 || c == 0) {
      throw new IllegalArgumentException("Expected a contingency table with cells, got none");
    }
    long[] rowTotals = new long[r];
    long[] colTotals = new long[c];
    long n = 0;
    for (int i = 0; i < r; i++) {
      if (observed[i].length != c) {
        throw new IllegalArgumentException(
            "Expected " + c + " counts in every row, got " + observed[i].length + " in row " + i);
      }
      for (int j = 0; j < c; j++) {
        rowTotals[i] += observed[i][j];
        colTotals[j] += observed[i][j];
        n += observed[i][j];
      }
    }
    for (int i = 0; i < r; i++) {
      if (rowTotals[i] <= 0) {
        throw new IllegalArgumentException("Row " + i + " of the contingency table sums to 0");
      }
    }
    for (int j = 0; j < c; j++) {
      if (colTotals[j] <= 0) {
        throw new IllegalArgumentException("Column " + j + " of the contingency table sums to 0");
      }
    }
    double statistic = 0;
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        double expected = (double) rowTotals[i] * colTotals[j] / n;
        double d = observed[i][j] - expected;
        statistic += d * d / expected;
      }
    }
    long df = (long) (r - 1) * (c - 1);
    return new FeatureChiSquare(column, statistic, ChiSquareTest.pValue(statistic, df), df, r);
  }
}
