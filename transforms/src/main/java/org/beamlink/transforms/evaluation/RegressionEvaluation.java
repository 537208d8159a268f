package org.beamlink.transforms.evaluation;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.transforms.stats.ColumnSummary;
import org.beamlink.transforms.stats.Moments;
import org.beamlink.transforms.stats.MomentsCoder;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/**
 * Evaluates regression: a numeric label column against a numeric prediction column, giving {@link
 * RegressionMetrics} (MSE, RMSE, MAE, R2, explained variance, MAPE and the count) with
 * scikit-learn's definitions, its MAPE epsilon and its {@code force_finite} edge cases included
 * (see {@link RegressionMetrics}).
 *
 * <p>One mergeable pass: the combine keeps three {@link Moments} (of the label, of the residual
 * {@code y - p} and of the absolute percentage error), whose means and squared deviations are
 * merged with Chan et al.'s formula, so the result does not depend on how the runner splits the
 * rows and {@code R2} keeps its digits for labels far from 0. Memory is constant.
 *
 * <p>Errors: a null, NaN or infinite label or prediction fails with a message naming the column,
 * the value and the row; a missing or non-numeric column fails when the pipeline is built. Empty
 * input in the global window fails ("no rows to evaluate"); an empty window gives no result.
 *
 * <p>Windowing follows {@link EvaluationWindowing}: one result for bounded input, one per window
 * for windowed input, or a running result with {@link #cumulative}.
 *
 * <pre>{@code
 * PCollection<RegressionMetrics> m = scored.apply(RegressionEvaluation.of("label", "prediction"));
 * PCollection<Row> perMinute =
 *     stream
 *         .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))))
 *         .apply(RegressionEvaluation.of("label", "prediction"))
 *         .apply(MetricsRows.of(RegressionMetrics.schema()));
 * }</pre>
 */
@AutoValue
public abstract class RegressionEvaluation
    extends PTransform<PCollection<Row>, PCollection<RegressionMetrics>> {
  private static final String NAME = "RegressionEvaluation";

  /** scikit-learn's MAPE floor for the label's magnitude: {@code np.finfo(np.float64).eps}. */
  static final double MAPE_EPSILON = Math.ulp(1.0);

  abstract String labelCol();

  abstract String predictionCol();

  abstract @Nullable Duration cumulativeEvery();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setLabelCol(String labelCol);

    abstract Builder setPredictionCol(String predictionCol);

    abstract Builder setCumulativeEvery(Duration every);

    abstract RegressionEvaluation build();
  }

  /**
   * Evaluates the numeric {@code predictionCol} against the numeric {@code labelCol}.
   *
   * <pre>{@code
   * rows.apply(RegressionEvaluation.of("label", "prediction"));
   * }</pre>
   */
  public static RegressionEvaluation of(String labelCol, String predictionCol) {
    return new AutoValue_RegressionEvaluation.Builder()
        .setLabelCol(checkName(labelCol, "labelCol"))
        .setPredictionCol(checkName(predictionCol, "predictionCol"))
        .build();
  }

  private static String checkName(String name, String what) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Expected a column name for " + what + ", got " + name);
    }
    return name;
  }

  /**
   * Evaluates everything seen so far in the global window, emitted {@code every} of processing time
   * (accumulating panes) and when the input ends (see {@link EvaluationWindowing}).
   *
   * <pre>{@code
   * stream.apply(RegressionEvaluation.of("label", "prediction").cumulative(Duration.standardSeconds(5)));
   * }</pre>
   */
  public RegressionEvaluation cumulative(Duration every) {
    return toBuilder().setCumulativeEvery(EvaluationWindowing.checkEvery(every)).build();
  }

  @Override
  public PCollection<RegressionMetrics> expand(PCollection<Row> input) {
    Schema schema = input.getSchema();
    int label = numericColumn(schema, labelCol(), "Label");
    int prediction = numericColumn(schema, predictionCol(), "Prediction");
    return EvaluationWindowing.combine(
        input,
        new ErrorsFn(labelCol(), label, predictionCol(), prediction),
        RegressionMetrics.Coder.of(),
        cumulativeEvery(),
        NAME + ": no rows to evaluate");
  }

  private static int numericColumn(Schema schema, String name, String role) {
    if (!schema.hasField(name)) {
      throw new IllegalArgumentException(
          role
              + " column '"
              + name
              + "' not found; the input has columns "
              + schema.getFieldNames());
    }
    FieldType type = schema.getField(name).getType();
    if (!FeatureColumns.isNumeric(type)) {
      throw new IllegalArgumentException(
          role + " column '" + name + "' has type " + type + "; expected a numeric column");
    }
    return schema.indexOf(name);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("labelCol", labelCol()))
        .add(DisplayData.item("predictionCol", predictionCol()));
    if (cumulativeEvery() != null) {
      builder.add(DisplayData.item("cumulativeEvery", cumulativeEvery()));
    }
  }

  /**
   * The combine: moments of the label, the residual and the absolute percentage error, in that
   * order.
   */
  static final class ErrorsFn extends MetricsCombineFn<Row, List<Moments>, RegressionMetrics> {
    private final String labelCol;
    private final int label;
    private final String predictionCol;
    private final int prediction;

    ErrorsFn(String labelCol, int label, String predictionCol, int prediction) {
      this.labelCol = labelCol;
      this.label = label;
      this.predictionCol = predictionCol;
      this.prediction = prediction;
    }

    @Override
    public List<Moments> createAccumulator() {
      List<Moments> acc = new ArrayList<>(3);
      for (int i = 0; i < 3; i++) {
        acc.add(Moments.ofNumber());
      }
      return acc;
    }

    @Override
    public List<Moments> addInput(List<Moments> acc, Row row) {
      double y = FeatureColumns.numericValue(row, label, labelCol);
      double p = FeatureColumns.numericValue(row, prediction, predictionCol);
      double e = y - p;
      acc.get(0).add(y);
      acc.get(1).add(e);
      acc.get(2).add(Math.abs(e) / Math.max(Math.abs(y), MAPE_EPSILON));
      return acc;
    }

    @Override
    public List<Moments> mergeAccumulators(Iterable<List<Moments>> accumulators) {
      Iterator<List<Moments>> it = accumulators.iterator();
      List<Moments> merged = it.next();
      while (it.hasNext()) {
        List<Moments> next = it.next();
        for (int i = 0; i < merged.size(); i++) {
          merged.get(i).merge(next.get(i));
        }
      }
      return merged;
    }

    @Override
    public RegressionMetrics extractOutput(List<Moments> acc) {
      ColumnSummary y = acc.get(0).summary(0, labelCol);
      ColumnSummary e = acc.get(1).summary(0, "residual");
      ColumnSummary ape = acc.get(2).summary(0, "percentage error");
      long n = y.count();
      return RegressionMetrics.of(
          n,
          y.mean(),
          deviations(y),
          e.mean(),
          deviations(e),
          e.normL2() * e.normL2(),
          e.normL1(),
          ape.sum());
    }

    /** {@code sum (x - mean)^2}: the sample variance times {@code n - 1}; 0 for one value. */
    private static double deviations(ColumnSummary s) {
      return s.count() < 2 ? 0.0 : s.variance() * (s.count() - 1);
    }

    @Override
    public Coder<List<Moments>> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return ListCoder.of(MomentsCoder.of());
    }
  }
}
