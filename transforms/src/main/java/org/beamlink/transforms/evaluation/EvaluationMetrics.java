package org.beamlink.transforms.evaluation;

import java.io.Serializable;
import org.apache.beam.sdk.values.Row;

/**
 * The result of an evaluation: an immutable value holding every metric of one metric family (for
 * example {@link BinaryMetrics} or {@link MultiClassMetrics}).
 *
 * <p>Each implementation has a static {@code schema()} (the schema of {@link #toRow()}, known
 * without a value, so that {@link MetricsRows} can build its output schema at pipeline
 * construction) and a deterministic coder.
 *
 * <pre>{@code
 * PCollection<BinaryMetrics> metrics = rows.apply(BinaryClassificationEvaluation.of("label", "p"));
 * PCollection<Row> table = metrics.apply(MetricsRows.of(BinaryMetrics.schema()));
 * }</pre>
 */
public interface EvaluationMetrics extends Serializable {

  /**
   * Every scalar metric as a field (camelCase names such as {@code auc}, {@code logLoss}, {@code
   * accuracy}) plus the counts the metrics were computed from; the row's schema is the
   * implementation's static {@code schema()}.
   *
   * <pre>{@code
   * double auc = metrics.toRow().getDouble("auc");
   * }</pre>
   */
  Row toRow();

  /**
   * A readable multi-line table of the metrics, each line ending with a line break.
   *
   * <pre>{@code
   * System.out.print(metrics.report());
   * }</pre>
   */
  String report();
}
