package org.beamlink.models.pipeline;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.RowScorer;

/**
 * Scores rows with whichever model arrives, for rows of one schema, through the model's {@link
 * Transformer} contract: makes each new model a stage (itself, or itself given output columns, as
 * {@code KMeans.predict} does), binds it once and keeps it. The output schema comes from the
 * stage's {@link SchemaMapping}, known before any model is fitted. This is the one path by which
 * Beamlink applies a fitted model to rows in a pipeline, bounded or unbounded, with a fixed model
 * or a model stream.
 *
 * <pre>{@code
 * TransformerScorer<PipelineModel> scorer = TransformerScorer.of(mapping, rows.getSchema());
 * Row out = scorer.score(pipelineModel, row);
 * TransformerScorer<KMeansModel> clusters = TransformerScorer.of(
 *     in -> KMeansModel.outputSchema(in, cols), rows.getSchema(), m -> m.withOutputCols("c", "d"));
 * }</pre>
 *
 * @param <M> the model type
 */
public final class TransformerScorer<M> implements RowScorer<M> {
  private static final long serialVersionUID = 1L;

  private final Schema inputSchema;
  private final Schema outputSchema;
  private final SerializableFunction<M, ? extends Transformer> asStage;
  private transient volatile BoundStage cache;

  private TransformerScorer(
      Schema inputSchema,
      Schema outputSchema,
      SerializableFunction<M, ? extends Transformer> asStage) {
    this.inputSchema = inputSchema;
    this.outputSchema = outputSchema;
    this.asStage = asStage;
  }

  /**
   * A scorer of rows of {@code inputSchema} by stages that map schemas as {@code mapping} does.
   *
   * @throws IllegalArgumentException as {@link SchemaMapping#outputSchema}
   */
  public static <T extends Transformer> TransformerScorer<T> of(
      SchemaMapping mapping, Schema inputSchema) {
    return of(mapping, inputSchema, t -> t);
  }

  /**
   * A scorer of rows of {@code inputSchema} by the stage {@code asStage} makes of each model (the
   * model given its output columns), a stage that maps schemas as {@code mapping} does.
   *
   * @throws IllegalArgumentException as {@link SchemaMapping#outputSchema}
   */
  public static <M> TransformerScorer<M> of(
      SchemaMapping mapping,
      Schema inputSchema,
      SerializableFunction<M, ? extends Transformer> asStage) {
    return new TransformerScorer<>(inputSchema, mapping.outputSchema(inputSchema), asStage);
  }

  @Override
  public Schema outputSchema() {
    return outputSchema;
  }

  @Override
  public Row score(M model, Row row) {
    BoundStage c = cache;
    if (c == null || c.model() != model) {
      Transformer.Bound bound = bindExpecting(asStage.apply(model), inputSchema, outputSchema);
      c = new BoundStage(model, bound);
      cache = c;
    }
    return c.bound().apply(row);
  }

  /**
   * {@code stage} bound to {@code input}, checked to output the columns {@code output} has (the
   * schema a pipeline was built with).
   *
   * @throws IllegalArgumentException when it outputs other columns
   */
  public static Transformer.Bound bindExpecting(Transformer stage, Schema input, Schema output) {
    Transformer.Bound bound = stage.bind(input);
    // Fields, not Schema.equals: a Schema compares the hash it cached when it was built, in which
    // enums hash by identity, so the schema a pipeline was built with in the launching JVM never
    // equals one built on a cluster's worker (an embedded runner shares the JVM).
    if (!bound.outputSchema().getFields().equals(output.getFields())) {
      throw new IllegalArgumentException(
          "The stage "
              + stage
              + " outputs columns "
              + bound.outputSchema().getFieldNames()
              + " but the pipeline was built for "
              + output.getFieldNames());
    }
    return bound;
  }

  /** The last model seen, as a stage bound to the input: one value, so threads share it safely. */
  private record BoundStage(Object model, Transformer.Bound bound) {}
}
