package org.beamlink.models.pipeline;

import java.io.Serializable;
import org.apache.beam.sdk.schemas.Schema;

/**
 * What a pipeline stage does to a schema, known before the stage is fitted: the columns it reads
 * (checked) and the columns it appends. This is what lets a pipeline fail at construction on a
 * misspelt column rather than hours into a job.
 *
 * <pre>{@code
 * SchemaMapping scale = input -> OutputColumns.append(input, Schema.Field.of("scaled", VectorLogicalType.FIELD_TYPE));
 * Schema out = scale.outputSchema(rows.getSchema());
 * }</pre>
 */
@FunctionalInterface
public interface SchemaMapping extends Serializable {
  /**
   * The schema of the rows this stage outputs for rows of {@code input}.
   *
   * @throws IllegalArgumentException naming the column when {@code input} lacks a column the stage
   *     reads, has it with the wrong type, or already has a column the stage would append
   */
  Schema outputSchema(Schema input);
}
