package org.beamlink.transforms.evaluation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Regression metrics with scikit-learn's definitions ({@code mean_squared_error}, {@code
 * mean_absolute_error}, {@code r2_score}, {@code explained_variance_score}, {@code
 * mean_absolute_percentage_error}), for {@code n} rows of label {@code y} and prediction {@code p},
 * with residual {@code e = y - p}:
 *
 * <ul>
 *   <li>{@code mse = sum e^2 / n}, {@code rmse = sqrt(mse)}, {@code mae = sum |e| / n}.
 *   <li>{@code r2 = 1 - sum e^2 / sum (y - mean y)^2}.
 *   <li>{@code explainedVariance = 1 - sum (e - mean e)^2 / sum (y - mean y)^2}.
 *   <li>{@code mape = sum (|e| / max(|y|, eps)) / n}, {@code eps} the machine epsilon 2^-52, so a
 *       label of 0 gives a huge but finite term, as in scikit-learn. A fraction, not a percentage.
 * </ul>
 *
 * <p>As scikit-learn's {@code force_finite=True}: when every label is equal (the denominator of
 * {@code r2} and {@code explainedVariance} is 0), the score is 1 for perfect predictions (numerator
 * 0) and 0 otherwise. With fewer than two rows {@code r2} and {@code explainedVariance} are NaN
 * (scikit-learn warns and returns NaN for {@code r2}).
 *
 * <p>The value holds the sufficient statistics, computed in one mergeable pass by {@link
 * RegressionEvaluation}; the metrics are computed from them on request.
 *
 * <pre>{@code
 * RegressionMetrics m = ...;
 * double rmse = m.rmse();
 * System.out.print(m.report());
 * }</pre>
 */
@DefaultCoder(RegressionMetrics.Coder.class)
public final class RegressionMetrics implements EvaluationMetrics {
  private static final long serialVersionUID = 1L;

  private static final Schema SCHEMA =
      Schema.builder()
          .addInt64Field("count")
          .addDoubleField("mse")
          .addDoubleField("rmse")
          .addDoubleField("mae")
          .addDoubleField("r2")
          .addDoubleField("explainedVariance")
          .addDoubleField("mape")
          .addDoubleField("labelMean")
          .addDoubleField("predictionMean")
          .build();

  private final long count;
  private final double labelMean;
  private final double labelDeviations;
  private final double residualMean;
  private final double residualDeviations;
  private final double squaredErrors;
  private final double absoluteErrors;
  private final double percentageErrors;

  /**
   * Metrics from sufficient statistics of {@code count} rows.
   *
   * <pre>{@code
   * RegressionMetrics m = RegressionMetrics.of(3, 2.0, 2.0, 0.0, 0.5, 0.5, 1.0, 0.75);
   * }</pre>
   *
   * @param count rows, at least 1
   * @param labelMean the mean label
   * @param labelDeviations {@code sum (y - mean y)^2}
   * @param residualMean the mean residual {@code y - p}
   * @param residualDeviations {@code sum (e - mean e)^2}
   * @param squaredErrors {@code sum e^2}
   * @param absoluteErrors {@code sum |e|}
   * @param percentageErrors {@code sum |e| / max(|y|, eps)}
   * @throws IllegalArgumentException for a count below 1 or a negative sum
   */
  public static RegressionMetrics of(
      long count,
      double labelMean,
      double labelDeviations,
      double residualMean,
      double residualDeviations,
      double squaredErrors,
      double absoluteErrors,
      double percentageErrors) {
    if (count < 1) {
      throw new IllegalArgumentException("Expected count >= 1, got " + count);
    }
    for (double sum :
        new double[] {
          labelDeviations, residualDeviations, squaredErrors, absoluteErrors, percentageErrors
        }) {
      if (sum < 0) {
        throw new IllegalArgumentException(
            "Expected sums of squares and absolute values >= 0, got " + sum);
      }
    }
    return new RegressionMetrics(
        count,
        labelMean,
        labelDeviations,
        residualMean,
        residualDeviations,
        squaredErrors,
        absoluteErrors,
        percentageErrors);
  }

  private RegressionMetrics(
      long count,
      double labelMean,
      double labelDeviations,
      double residualMean,
      double residualDeviations,
      double squaredErrors,
      double absoluteErrors,
      double percentageErrors) {
    this.count = count;
    this.labelMean = labelMean;
    this.labelDeviations = labelDeviations;
    this.residualMean = residualMean;
    this.residualDeviations = residualDeviations;
    this.squaredErrors = squaredErrors;
    this.absoluteErrors = absoluteErrors;
    this.percentageErrors = percentageErrors;
  }

  /** The schema of {@link #toRow()}. */
  public static Schema schema() {
    return SCHEMA;
  }

  /** Rows evaluated. */
  public long count() {
    return count;
  }

  /** Mean squared error. */
  public double mse() {
    return squaredErrors / count;
  }

  /** Root mean squared error. */
  public double rmse() {
    return Math.sqrt(mse());
  }

  /** Mean absolute error. */
  public double mae() {
    return absoluteErrors / count;
  }

  /** Coefficient of determination (see the class comment for the edge cases). */
  public double r2() {
    return score(squaredErrors);
  }

  /** Explained variance score (see the class comment for the edge cases). */
  public double explainedVariance() {
    return score(residualDeviations);
  }

  private double score(double numerator) {
    if (count < 2) {
      return Double.NaN;
    }
    if (numerator == 0.0) {
      return 1.0;
    }
    if (labelDeviations == 0.0) {
      return 0.0;
    }
    return 1.0 - numerator / labelDeviations;
  }

  /** Mean absolute percentage error, as a fraction (scikit-learn's). */
  public double mape() {
    return percentageErrors / count;
  }

  /** The mean label. */
  public double labelMean() {
    return labelMean;
  }

  /** The mean prediction. */
  public double predictionMean() {
    return labelMean - residualMean;
  }

  @Override
  public Row toRow() {
    return Row.withSchema(SCHEMA)
        .addValues(
            count,
            mse(),
            rmse(),
            mae(),
            r2(),
            explainedVariance(),
            mape(),
            labelMean(),
            predictionMean())
        .build();
  }

  @Override
  public String report() {
    ReportTable table = new ReportTable("metric", "value");
    table.add("mse", mse());
    table.add("rmse", rmse());
    table.add("mae", mae());
    table.add("r2", r2());
    table.add("explainedVariance", explainedVariance());
    table.add("mape", mape());
    table.add("labelMean", labelMean());
    table.add("predictionMean", predictionMean());
    return "Regression: " + count + " rows\n\n" + table;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegressionMetrics m
        && count == m.count
        && Double.compare(labelMean, m.labelMean) == 0
        && Double.compare(labelDeviations, m.labelDeviations) == 0
        && Double.compare(residualMean, m.residualMean) == 0
        && Double.compare(residualDeviations, m.residualDeviations) == 0
        && Double.compare(squaredErrors, m.squaredErrors) == 0
        && Double.compare(absoluteErrors, m.absoluteErrors) == 0
        && Double.compare(percentageErrors, m.percentageErrors) == 0;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(count) * 31 + Double.hashCode(squaredErrors);
  }

  @Override
  public String toString() {
    return "RegressionMetrics count="
        + count
        + " rmse="
        + rmse()
        + " mae="
        + mae()
        + " r2="
        + r2()
        + " mape="
        + mape();
  }

  /** A deterministic coder: a version byte, the count, then the seven sufficient statistics. */
  public static final class Coder extends CustomCoder<RegressionMetrics> {
    private static final int VERSION = 1;
    private static final Coder INSTANCE = new Coder();

    /** The coder. */
    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(RegressionMetrics value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeLong(value.count);
      data.writeDouble(value.labelMean);
      data.writeDouble(value.labelDeviations);
      data.writeDouble(value.residualMean);
      data.writeDouble(value.residualDeviations);
      data.writeDouble(value.squaredErrors);
      data.writeDouble(value.absoluteErrors);
      data.writeDouble(value.percentageErrors);
      data.flush();
    }

    @Override
    public RegressionMetrics decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      int version = data.readByte();
      if (version != VERSION) {
        throw new CoderException(
            "Cannot decode RegressionMetrics of version "
                + version
                + "; this coder reads version "
                + VERSION);
      }
      return new RegressionMetrics(
          data.readLong(),
          data.readDouble(),
          data.readDouble(),
          data.readDouble(),
          data.readDouble(),
          data.readDouble(),
          data.readDouble(),
          data.readDouble());
    }

    @Override
    public void verifyDeterministic() {}
  }
}
