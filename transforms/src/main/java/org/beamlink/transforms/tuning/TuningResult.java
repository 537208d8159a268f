package org.beamlink.transforms.tuning;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.beamlink.models.pipeline.PipelineModel;

/**
 * What a search ({@link CrossValidation}, {@link TrainValidationSplit}) produces: the best
 * candidate's pipeline refitted on all the rows, and a table with one row per candidate.
 *
 * <p>The table's columns: {@code candidate} (INT32, the candidate's index in the search), one
 * column per parameter named as in the search (DOUBLE when every value is a number, BOOLEAN when
 * every value is a boolean, else STRING with the value's text), {@code metric} (the metric's name),
 * {@code mean} and {@code std} (the metric over the folds: mean and population standard deviation,
 * scikit-learn's {@code mean_test_score} and {@code std_test_score}), {@code rank} (INT32, 1 for
 * the best; equal values share the smaller rank, a NaN mean ranks last) and {@code fold0}, {@code
 * fold1}, ... (the metric on each fold). The best candidate is the one of rank 1 with the smallest
 * index, as scikit-learn's {@code best_index_}.
 *
 * <pre>{@code
 * TuningResult result = rows.apply(CrossValidation.of(grid, TuningMetric.auc("label", "p")));
 * result.bestModel().apply(WriteModel.to("/models/best.blm"));
 * PCollection<Row> table = result.table();
 * }</pre>
 */
public final class TuningResult implements POutput {
  private static final TupleTag<PipelineModel> BEST = new TupleTag<>("bestModel");
  private static final TupleTag<Row> TABLE = new TupleTag<>("table");

  private final Pipeline pipeline;
  private final PCollection<PipelineModel> bestModel;
  private final PCollection<Row> table;
  private final boolean oneLoop;

  TuningResult(
      Pipeline pipeline,
      PCollection<PipelineModel> bestModel,
      PCollection<Row> table,
      boolean oneLoop) {
    this.pipeline = pipeline;
    this.bestModel = bestModel;
    this.table = table;
    this.oneLoop = oneLoop;
  }

  /**
   * True when every fit of the search trains in one loop of the iteration shim (a linear model
   * whose candidates share their data, see {@link CrossValidation}); false when each candidate x
   * split is a branch of the pipeline. Known when the pipeline is built.
   */
  public boolean oneLoop() {
    return oneLoop;
  }

  /** One element: the best candidate's pipeline fitted on all the rows. */
  public PCollection<PipelineModel> bestModel() {
    return bestModel;
  }

  /** One row per candidate (see the class comment for the columns). */
  public PCollection<Row> table() {
    return table;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(BEST, bestModel, TABLE, table);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}
