/**
 * Evaluation of predictions: binary classification ({@link
 * org.beamlink.transforms.evaluation.BinaryClassificationEvaluation}), multi-class classification
 * ({@link org.beamlink.transforms.evaluation.MultiClassEvaluation}), regression, clustering and
 * ranking ({@link org.beamlink.transforms.evaluation.RankingEvaluation}).
 *
 * <p>Every evaluation is a transform from rows to an immutable {@link
 * org.beamlink.transforms.evaluation.EvaluationMetrics} value. On input in the global window (a
 * bounded data set) it emits one value; on windowed input (fixed or sliding windows, usually over
 * an unbounded stream) one value per window; with {@code cumulative(every)} a running value over
 * everything seen so far (see {@link org.beamlink.transforms.evaluation.EvaluationWindowing}).
 * {@link org.beamlink.transforms.evaluation.MetricsRows} turns any of these values into rows with
 * the window's bounds.
 */
package org.beamlink.transforms.evaluation;
