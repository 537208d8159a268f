package org.beamlink.models.rows;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Columns a stage appends to its input. As a value, the names a fitted model writes its outputs to
 * (a KMeans model's cluster and distance, a classifier's prediction, detail and probability), in
 * the order the model appends them; the model gives their types. Statically, the output schema,
 * checked when the pipeline is built, and output rows built without a second type check of every
 * value (the stage made them of the right type), which keeps scoring one row fast.
 *
 * <pre>{@code
 * OutputColumns cols = OutputColumns.of("cluster", "distance");
 * Schema out = cols.appendTo(input, FieldType.INT32, FieldType.DOUBLE);
 * Schema scaledOut = OutputColumns.append(input, Schema.Field.of("scaled", VectorLogicalType.FIELD_TYPE));
 * Row scaled = OutputColumns.row(scaledOut, row, Vector.dense(0.5, -1));
 * }</pre>
 */
public final class OutputColumns implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> names;

  private OutputColumns(List<String> names) {
    this.names = names;
  }

  /**
   * The columns named {@code names}, in order.
   *
   * @throws IllegalArgumentException for no names, an empty or null name, or a name given twice
   */
  public static OutputColumns of(String... names) {
    if (names.length == 0) {
      throw new IllegalArgumentException("Expected at least one output column, got none");
    }
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException(
            "Expected output column names, got " + Arrays.toString(names));
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("Two output columns are both named '" + name + "'");
      }
    }
    return new OutputColumns(List.of(names));
  }

  /** The names, in order. */
  public List<String> names() {
    return names;
  }

  /** The name of column {@code i}. */
  public String get(int i) {
    return names.get(i);
  }

  /** How many columns. */
  public int size() {
    return names.size();
  }

  /**
   * {@code input} with these columns appended, column {@code i} of type {@code types[i]}.
   *
   * @throws IllegalArgumentException when a column already exists in {@code input}
   */
  public Schema appendTo(Schema input, Schema.FieldType... types) {
    if (types.length != names.size()) {
      throw new IllegalArgumentException(
          "Expected a type for each of the columns " + names + ", got " + types.length);
    }
    Schema.Field[] fields = new Schema.Field[types.length];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = Schema.Field.of(names.get(i), types[i]);
    }
    return append(input, fields);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OutputColumns c && names.equals(c.names);
  }

  @Override
  public int hashCode() {
    return names.hashCode();
  }

  @Override
  public String toString() {
    return names.toString();
  }

  /**
   * {@code input} with {@code fields} appended.
   *
   * @throws IllegalArgumentException when a new column already exists or two have the same name
   */
  public static Schema append(Schema input, Schema.Field... fields) {
    Set<String> seen = new HashSet<>();
    for (Schema.Field f : fields) {
      if (input.hasField(f.getName())) {
        throw new IllegalArgumentException(
            "Output column '"
                + f.getName()
                + "' already exists in the input "
                + input.getFieldNames());
      }
      if (!seen.add(f.getName())) {
        throw new IllegalArgumentException(
            "Two output columns are both named '" + f.getName() + "'");
      }
    }
    return Schema.builder().addFields(input.getFields()).addFields(fields).build();
  }

  /** A row of {@code output}: the values of {@code row}, then {@code appended}, in order. */
  public static Row row(Schema output, Row row, Object... appended) {
    List<Object> in = row.getValues();
    // One copy into an array of the output's size; the row keeps the array as its storage.
    Object[] values = in.toArray(new Object[output.getFieldCount()]);
    System.arraycopy(appended, 0, values, in.size(), appended.length);
    return Row.withSchema(output).attachValues(Arrays.asList(values));
  }
}
