package org.beamlink.models.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.io.ModelFile;

/**
 * Scores one row at a time with a saved pipeline model (or any fitted stage) in plain Java, without
 * any runner: for serving inside a service. It runs the same stage code as the Beam pipeline, so
 * its outputs are the pipeline's to the last bit. One instance may be shared by any number of
 * threads.
 *
 * <pre>{@code
 * LocalPredictor predictor = LocalPredictor.load(Path.of("churn.blm"));
 * Row scored = predictor.predict(Row.withSchema(predictor.inputSchema()).addValues(...).build());
 * Row same = predictor.predict(Map.of("age", 42.0, "plan", "basic"));
 * }</pre>
 */
public final class LocalPredictor {
  private final Transformer model;
  private final Schema inputSchema;
  private final Transformer.Bound bound;

  private LocalPredictor(Transformer model, Schema inputSchema) {
    this.model = model;
    this.inputSchema = inputSchema;
    this.bound = model.bind(inputSchema);
  }

  /**
   * A predictor of rows of {@code inputSchema}.
   *
   * @throws IllegalArgumentException when {@code inputSchema} lacks a column a stage reads, naming
   *     it
   */
  public static LocalPredictor of(Transformer model, Schema inputSchema) {
    return new LocalPredictor(model, inputSchema);
  }

  /**
   * A predictor of rows of the schema the pipeline model in {@code path} was fitted on.
   *
   * @throws IOException when the file is not a readable model file or holds no pipeline model
   */
  public static LocalPredictor load(Path path) throws IOException {
    PipelineModel model = ModelFile.read(path, PipelineModel.class);
    return new LocalPredictor(model, model.inputSchema());
  }

  /**
   * A predictor of rows of {@code inputSchema} (the label column, for one, may be left out) with
   * the model in {@code path}.
   *
   * @throws IOException when the file is not a readable model file or holds no fitted stage
   * @throws IllegalArgumentException when {@code inputSchema} lacks a column a stage reads
   */
  public static LocalPredictor load(Path path, Schema inputSchema) throws IOException {
    return new LocalPredictor(ModelFile.read(path, Transformer.class), inputSchema);
  }

  /** The model. */
  public Transformer model() {
    return model;
  }

  /** The schema of the rows {@link #predict} takes. */
  public Schema inputSchema() {
    return inputSchema;
  }

  /** The schema of the rows {@link #predict} returns: the input columns, then the appended ones. */
  public Schema outputSchema() {
    return bound.outputSchema();
  }

  /**
   * The scored row.
   *
   * @throws IllegalArgumentException when the row's schema is not {@link #inputSchema()}, or for a
   *     value a stage cannot take (naming column and value)
   */
  public Row predict(Row row) {
    Schema schema = row.getSchema();
    if (schema != inputSchema && !schema.equals(inputSchema)) {
      throw new IllegalArgumentException(
          "The row has columns "
              + schema.getFieldNames()
              + " but this predictor takes rows of "
              + inputSchema.getFieldNames()
              + " with their types in that order");
    }
    return bound.apply(row);
  }

  /**
   * The scored row made from named values; every input column must be given (null for a nullable
   * column).
   *
   * @throws IllegalArgumentException naming a missing or unknown column, or a value of the wrong
   *     type
   */
  public Row predict(Map<String, ?> values) {
    for (String name : values.keySet()) {
      if (!inputSchema.hasField(name)) {
        throw new IllegalArgumentException(
            "Unknown column '" + name + "'; this predictor takes " + inputSchema.getFieldNames());
      }
    }
    List<Object> list = new ArrayList<>(inputSchema.getFieldCount());
    for (Schema.Field f : inputSchema.getFields()) {
      if (!values.containsKey(f.getName())) {
        throw new IllegalArgumentException(
            "Column '"
                + f.getName()
                + "' is missing; this predictor takes "
                + inputSchema.getFieldNames());
      }
      list.add(values.get(f.getName()));
    }
    return bound.apply(Row.withSchema(inputSchema).addValues(list).build());
  }
}
