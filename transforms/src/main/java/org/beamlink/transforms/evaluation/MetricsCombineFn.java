package org.beamlink.transforms.evaluation;

import org.apache.beam.sdk.transforms.Combine.CombineFn;

/**
 * A combine computing one {@link EvaluationMetrics} value from all input elements of a window.
 *
 * <p>Beam asks a global combine for its result on empty input while the pipeline is built ({@code
 * defaultValue}), when an evaluation cannot fail yet; this base class answers null there, and
 * {@link EvaluationWindowing#combine} fails at run time instead, with the evaluation's message, in
 * a step after the combine. {@link #extractOutput} is only called on accumulators that saw input.
 *
 * <pre>{@code
 * class CountFn extends MetricsCombineFn<Row, long[], MyMetrics> { ... }
 * PCollection<MyMetrics> m =
 *     EvaluationWindowing.combine(rows, new CountFn(), MyMetrics.Coder.of(), null, "no rows");
 * }</pre>
 *
 * @param <InputT> the combined elements
 * @param <AccumT> the accumulator
 * @param <M> the metrics
 */
public abstract class MetricsCombineFn<InputT, AccumT, M extends EvaluationMetrics>
    extends CombineFn<InputT, AccumT, M> {

  /** Null: there are no metrics without data (see the class comment). */
  @Override
  public M defaultValue() {
    return null;
  }
}
