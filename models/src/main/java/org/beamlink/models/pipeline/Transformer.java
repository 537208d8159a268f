package org.beamlink.models.pipeline;

import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.RowScorer;

/**
 * A fitted pipeline stage, as Spark ML's {@code Transformer} or Alink's mappers: model data (if
 * any) plus the columns it reads and appends, applied to one row at a time in plain Java. The same
 * value scores rows in a Beam pipeline, on a stream, and in a {@link LocalPredictor}; it is saved
 * with {@link org.beamlink.models.io.ModelFile}.
 *
 * <p>{@link #outputSchema} depends on the stage's parameters only, never on its fitted data. A
 * {@link Bound} is immutable and may be shared by threads.
 *
 * <pre>{@code
 * Transformer.Bound scaler = scalerModel.bind(rows.getSchema());
 * Row scaled = scaler.apply(row); // input columns + the scaled vector
 * }</pre>
 */
public interface Transformer extends SchemaMapping {
  /**
   * This stage checked against rows of {@code input}.
   *
   * @throws IllegalArgumentException as {@link #outputSchema}
   */
  Bound bind(Schema input);

  /**
   * The stage's parameters (columns, options and, for trained models, how they were trained), in a
   * stable order: what a model file's header shows.
   */
  Map<String, String> parameters();

  /** A transformer checked against one input schema: maps rows of that schema. */
  interface Bound {
    /** The input schema plus the appended columns. */
    Schema outputSchema();

    /**
     * The row with this stage's columns appended.
     *
     * @throws IllegalArgumentException for a row the stage cannot map (a null or NaN where a value
     *     is needed, a vector of the wrong size, an unseen category), naming column and value
     */
    Row apply(Row row);

    /** The binding that maps rows with {@code scorer} and {@code model}: a model's own scorer. */
    static <M> Bound scoring(RowScorer<M> scorer, M model) {
      return new Bound() {
        @Override
        public Schema outputSchema() {
          return scorer.outputSchema();
        }

        @Override
        public Row apply(Row row) {
          return scorer.score(model, row);
        }
      };
    }
  }
}
