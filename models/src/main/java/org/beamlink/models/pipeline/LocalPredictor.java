package org.beamlink.models.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.io.ModelFile;

/**
 * Scores one row at a time with a saved pipeline model (or any fitted stage) in plain Java, without
 * any runner: for serving inside a service. It runs the same stage code as the Beam pipeline, so
 * its outputs are the pipeline's to the last bit. One instance may be shared by any number of
 * threads.
 *
 * <p>Columns: a request needs only the columns the stages read, not every column the pipeline was
 * fitted on (not the label, for one). They are found from the stages themselves: a column is read
 * when the pipeline does not bind to the training schema without it (every stage checks the columns
 * it reads when it is bound).
 *
 * <p>Types: a column the model reads must have the type it had when the pipeline was fitted (its
 * nullability aside); another type is refused when the predictor is made, naming the column and
 * both types, because a stage would read it as other values (a DOUBLE {@code 3.0} is not the INT64
 * category {@code 3}). {@link #predict(Map)} converts a Java number to the column's type when the
 * value is exactly representable there ({@code 42} for a DOUBLE column, {@code 3.0} for an INT64
 * one), and refuses any other value, naming column, value and type.
 *
 * <pre>{@code
 * LocalPredictor predictor = LocalPredictor.load(Path.of("churn.blm"));   // columns it reads
 * Row scored = predictor.predict(Row.withSchema(predictor.inputSchema()).addValues(...).build());
 * Row same = predictor.predict(Map.of("age", 42, "plan", "basic"));
 * }</pre>
 */
public final class LocalPredictor {
  private final Transformer model;
  private final Schema inputSchema;
  private final Set<String> ignoredColumns;
  private final Transformer.Bound bound;

  /** For rows of the schema the pipeline was fitted on, when that is not the input schema. */
  private final Schema fittedSchema;

  private final Transformer.Bound fittedBound;

  private LocalPredictor(Transformer model, Schema inputSchema) {
    this.model = model;
    this.inputSchema = inputSchema;
    this.bound = model.bind(inputSchema);
    Set<String> ignored = new HashSet<>();
    if (model instanceof PipelineModel pipeline && !pipeline.inputSchema().equals(inputSchema)) {
      checkTypes(pipeline, inputSchema);
      ignored.addAll(pipeline.inputSchema().getFieldNames());
      ignored.removeAll(inputSchema.getFieldNames());
      this.fittedSchema = pipeline.inputSchema();
      this.fittedBound = model.bind(fittedSchema);
    } else {
      this.fittedSchema = null;
      this.fittedBound = null;
    }
    this.ignoredColumns = Set.copyOf(ignored);
  }

  /**
   * A predictor of rows of {@code inputSchema}.
   *
   * @throws IllegalArgumentException when {@code inputSchema} lacks a column a stage reads, or has
   *     it with another type than the pipeline was fitted on, naming it
   */
  public static LocalPredictor of(Transformer model, Schema inputSchema) {
    return new LocalPredictor(model, inputSchema);
  }

  /**
   * A predictor of rows of the columns the pipeline model in {@code path} reads, with the types
   * they had when it was fitted, in that order: the training schema without the label and any other
   * column no stage reads.
   *
   * @throws IOException when the file is not a readable model file or holds no pipeline model
   */
  public static LocalPredictor load(Path path) throws IOException {
    PipelineModel model = ModelFile.read(path, PipelineModel.class);
    return new LocalPredictor(model, columnsRead(model, model.inputSchema()));
  }

  /**
   * A predictor of rows of {@code inputSchema} (the label column, for one, may be left out) with
   * the model in {@code path}.
   *
   * @throws IOException when the file is not a readable model file or holds no fitted stage
   * @throws IllegalArgumentException when {@code inputSchema} lacks a column a stage reads, or has
   *     it with another type than the pipeline was fitted on
   */
  public static LocalPredictor load(Path path, Schema inputSchema) throws IOException {
    return new LocalPredictor(ModelFile.read(path, Transformer.class), inputSchema);
  }

  /**
   * The columns of {@code schema} that {@code model} reads, in {@code schema}'s order: those it
   * does not bind without.
   */
  private static Schema columnsRead(Transformer model, Schema schema) {
    List<Schema.Field> kept = new ArrayList<>(schema.getFields());
    for (Schema.Field f : schema.getFields()) {
      List<Schema.Field> without = new ArrayList<>(kept);
      without.remove(f);
      try {
        model.bind(Schema.builder().addFields(without).build());
        kept = without;
      } catch (IllegalArgumentException needed) {
        // The model reads f.
      }
    }
    return Schema.builder().addFields(kept).build();
  }

  private static void checkTypes(PipelineModel model, Schema input) {
    Schema fitted = model.inputSchema();
    for (Schema.Field f : columnsRead(model, input).getFields()) {
      if (!fitted.hasField(f.getName())) {
        continue;
      }
      FieldType expected = fitted.getField(f.getName()).getType();
      if (!expected.equivalent(f.getType(), Schema.EquivalenceNullablePolicy.IGNORE)) {
        throw new IllegalArgumentException(
            "Column '"
                + f.getName()
                + "' has type "
                + f.getType()
                + " but the pipeline was fitted on "
                + expected
                + ": convert it to "
                + expected.getTypeName()
                + " before scoring (the stages would read other values)");
      }
    }
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
   * The scored row: its columns, then the appended ones. It is a row of {@link #inputSchema()}, or
   * of the schema the pipeline was fitted on (a training row, label included).
   *
   * @throws IllegalArgumentException when the row has another schema, or for a value a stage cannot
   *     take (naming column and value)
   */
  public Row predict(Row row) {
    Schema schema = row.getSchema();
    if (schema == inputSchema || schema.equals(inputSchema)) {
      return bound.apply(row);
    }
    if (fittedSchema != null && schema.equals(fittedSchema)) {
      return fittedBound.apply(row);
    }
    throw new IllegalArgumentException(
        "The row has columns "
            + schema.getFieldNames()
            + " but this predictor takes rows of "
            + inputSchema.getFieldNames()
            + (fittedSchema == null
                ? ""
                : " or of the training schema " + fittedSchema.getFieldNames())
            + " with their types in that order");
  }

  /**
   * The scored row made from named values: every column of {@link #inputSchema()} must be given
   * (null for a nullable column); other columns the pipeline was fitted on (the label) may be given
   * and are ignored. A number is converted to its column's type when it is exactly representable
   * there.
   *
   * @throws IllegalArgumentException naming a missing or unknown column, or a value that is not of
   *     its column's type
   */
  public Row predict(Map<String, ?> values) {
    for (String name : values.keySet()) {
      if (!inputSchema.hasField(name) && !ignoredColumns.contains(name)) {
        throw new IllegalArgumentException(
            "Unknown column '" + name + "'; this predictor reads " + inputSchema.getFieldNames());
      }
    }
    List<Object> list = new ArrayList<>(inputSchema.getFieldCount());
    for (Schema.Field f : inputSchema.getFields()) {
      if (!values.containsKey(f.getName())) {
        throw new IllegalArgumentException(
            "Column '"
                + f.getName()
                + "' is missing; this predictor reads "
                + inputSchema.getFieldNames());
      }
      list.add(RequestValue.of(f, values.get(f.getName())));
    }
    return bound.apply(Row.withSchema(inputSchema).addValues(list).build());
  }
}
