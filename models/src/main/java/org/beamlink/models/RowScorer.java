package org.beamlink.models;

import java.io.Serializable;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Scores rows of one input schema with a model: the same code for batch prediction, streaming
 * prediction and local scoring without any runner. The output schema is known before any model
 * exists, so a pipeline's schema is checked when it is built.
 *
 * <pre>{@code
 * RowScorer<KMeansModel> scorer = KMeansModel.scorer(rows.getSchema(), features, "cluster", "distance");
 * Row scored = scorer.score(model, row); // input columns + cluster + distance
 * }</pre>
 *
 * @param <M> the model type
 */
public interface RowScorer<M> extends Serializable {
  /** The input schema plus the appended prediction columns. */
  Schema outputSchema();

  /**
   * The row with prediction columns appended.
   *
   * @throws IllegalArgumentException for a row the model cannot score, saying why
   */
  Row score(M model, Row row);
}
