package org.beamlink.models.pipeline;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.RowScorer;

/**
 * Scores rows with whichever fitted stage arrives, for rows of one schema: binds each new stage
 * once and keeps it. The output schema comes from the stage's {@link SchemaMapping}, known before
 * any stage is fitted.
 *
 * <pre>{@code
 * TransformerScorer<PipelineModel> scorer = TransformerScorer.of(mapping, rows.getSchema());
 * Row out = scorer.score(pipelineModel, row);
 * }</pre>
 *
 * @param <T> the stage type
 */
public final class TransformerScorer<T extends Transformer> implements RowScorer<T> {
  private static final long serialVersionUID = 1L;

  private final Schema inputSchema;
  private final Schema outputSchema;
  private transient volatile BoundStage cache;

  private TransformerScorer(Schema inputSchema, Schema outputSchema) {
    this.inputSchema = inputSchema;
    this.outputSchema = outputSchema;
  }

  /**
   * A scorer of rows of {@code inputSchema} by stages that map schemas as {@code mapping} does.
   *
   * @throws IllegalArgumentException as {@link SchemaMapping#outputSchema}
   */
  public static <T extends Transformer> TransformerScorer<T> of(
      SchemaMapping mapping, Schema inputSchema) {
    return new TransformerScorer<>(inputSchema, mapping.outputSchema(inputSchema));
  }

  @Override
  public Schema outputSchema() {
    return outputSchema;
  }

  @Override
  public Row score(T stage, Row row) {
    BoundStage c = cache;
    if (c == null || c.stage() != stage) {
      Transformer.Bound bound = stage.bind(inputSchema);
      if (!bound.outputSchema().equals(outputSchema)) {
        throw new IllegalArgumentException(
            "The stage "
                + stage
                + " outputs columns "
                + bound.outputSchema().getFieldNames()
                + " but the pipeline was built for "
                + outputSchema.getFieldNames());
      }
      c = new BoundStage(stage, bound);
      cache = c;
    }
    return c.bound().apply(row);
  }

  /** The last stage seen, bound to the input: one value, so threads share it safely. */
  private record BoundStage(Transformer stage, Transformer.Bound bound) {}
}
