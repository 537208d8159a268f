package org.beamlink.transforms.tuning;

import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.transforms.evaluation.BinaryClassificationEvaluation;
import org.beamlink.transforms.evaluation.BinaryMetrics;
import org.beamlink.transforms.evaluation.EvaluationMetrics;
import org.beamlink.transforms.evaluation.MultiClassEvaluation;
import org.beamlink.transforms.evaluation.MultiClassMetrics;
import org.beamlink.transforms.evaluation.RegressionEvaluation;
import org.beamlink.transforms.evaluation.RegressionMetrics;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The number a search ranks candidates by: an evaluation from the evaluation package applied to the
 * scored validation rows, one value read from its metrics, and the direction (greater is better, or
 * smaller). {@link #maximize} and {@link #minimize} take any evaluation; {@link #auc}, {@link
 * #logLoss}, {@link #accuracy}, {@link #mse} and {@link #r2} are the common ones.
 *
 * <p>A binary metric ({@link #auc}, {@link #logLoss}, or any with {@link #needsBothClassesIn})
 * makes a search check that every validation fold holds both classes of its label column before it
 * evaluates, and fail naming the fold otherwise (scikit-learn's {@code roc_auc_score} raises there
 * too).
 *
 * <pre>{@code
 * TuningMetric<BinaryMetrics> auc = TuningMetric.auc("label", "probability");
 * TuningMetric<RegressionMetrics> mae =
 *     TuningMetric.minimize("mae", RegressionEvaluation.of("y", "prediction"), RegressionMetrics::mae);
 * }</pre>
 *
 * @param <T> the evaluation's metrics type
 */
public final class TuningMetric<T extends EvaluationMetrics> implements java.io.Serializable {
  private final String name;
  private final transient PTransform<PCollection<Row>, PCollection<T>> evaluation;
  private final SerializableFunction<T, Double> value;
  private final boolean greaterIsBetter;
  private final @Nullable String bothClassesCol;

  private TuningMetric(
      String name,
      PTransform<PCollection<Row>, PCollection<T>> evaluation,
      SerializableFunction<T, Double> value,
      boolean greaterIsBetter,
      @Nullable String bothClassesCol) {
    this.name = name;
    this.evaluation = evaluation;
    this.value = value;
    this.greaterIsBetter = greaterIsBetter;
    this.bothClassesCol = bothClassesCol;
  }

  /** {@code value} of {@code evaluation}'s metrics, greater is better; named {@code name}. */
  public static <T extends EvaluationMetrics> TuningMetric<T> maximize(
      String name,
      PTransform<PCollection<Row>, PCollection<T>> evaluation,
      SerializableFunction<T, Double> value) {
    return of(name, evaluation, value, true);
  }

  /** {@code value} of {@code evaluation}'s metrics, smaller is better; named {@code name}. */
  public static <T extends EvaluationMetrics> TuningMetric<T> minimize(
      String name,
      PTransform<PCollection<Row>, PCollection<T>> evaluation,
      SerializableFunction<T, Double> value) {
    return of(name, evaluation, value, false);
  }

  private static <T extends EvaluationMetrics> TuningMetric<T> of(
      String name,
      PTransform<PCollection<Row>, PCollection<T>> evaluation,
      SerializableFunction<T, Double> value,
      boolean greaterIsBetter) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Expected a metric name, got " + name);
    }
    if (evaluation == null || value == null) {
      throw new IllegalArgumentException("Metric " + name + ": expected an evaluation and a value");
    }
    return new TuningMetric<>(name, evaluation, value, greaterIsBetter, null);
  }

  /** Area under the ROC curve of the positive class's {@code scoreCol} against {@code labelCol}. */
  public static TuningMetric<BinaryMetrics> auc(String labelCol, String scoreCol) {
    return maximize(
            "auc", BinaryClassificationEvaluation.of(labelCol, scoreCol), BinaryMetrics::auc)
        .needsBothClassesIn(labelCol);
  }

  /** Log loss of the positive class's probability {@code scoreCol}; smaller is better. */
  public static TuningMetric<BinaryMetrics> logLoss(String labelCol, String scoreCol) {
    return minimize(
            "logLoss",
            BinaryClassificationEvaluation.of(labelCol, scoreCol),
            BinaryMetrics::logLoss)
        .needsBothClassesIn(labelCol);
  }

  /** Accuracy of the predicted class {@code predictionCol} against {@code labelCol}. */
  public static TuningMetric<MultiClassMetrics> accuracy(String labelCol, String predictionCol) {
    return maximize(
        "accuracy", MultiClassEvaluation.of(labelCol, predictionCol), MultiClassMetrics::accuracy);
  }

  /** Mean squared error of {@code predictionCol} against {@code labelCol}; smaller is better. */
  public static TuningMetric<RegressionMetrics> mse(String labelCol, String predictionCol) {
    return minimize(
        "mse", RegressionEvaluation.of(labelCol, predictionCol), RegressionMetrics::mse);
  }

  /** Coefficient of determination of {@code predictionCol} against {@code labelCol}. */
  public static TuningMetric<RegressionMetrics> r2(String labelCol, String predictionCol) {
    return maximize("r2", RegressionEvaluation.of(labelCol, predictionCol), RegressionMetrics::r2);
  }

  /**
   * This metric, and a search using it checks that every validation fold has at least two distinct
   * values in {@code labelCol} before it evaluates.
   */
  public TuningMetric<T> needsBothClassesIn(String labelCol) {
    if (labelCol == null || labelCol.isEmpty()) {
      throw new IllegalArgumentException("Expected a label column, got " + labelCol);
    }
    return new TuningMetric<>(name, evaluation, value, greaterIsBetter, labelCol);
  }

  /** The metric's name, as the table shows it. */
  public String name() {
    return name;
  }

  /** Whether a greater value is better. */
  public boolean greaterIsBetter() {
    return greaterIsBetter;
  }

  /** The label column every validation fold must hold two classes of, or null. */
  public @Nullable String bothClassesCol() {
    return bothClassesCol;
  }

  /** The evaluation, applied to a candidate's scored validation rows. */
  PTransform<PCollection<Row>, PCollection<T>> evaluation() {
    return evaluation;
  }

  /** The metric's value in {@code metrics}. */
  double valueOf(T metrics) {
    return value.apply(metrics);
  }
}
