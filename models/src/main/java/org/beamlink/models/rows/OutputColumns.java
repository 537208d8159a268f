package org.beamlink.models.rows;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Columns a stage appends to its input: the output schema, checked when the pipeline is built, and
 * output rows built without a second type check of every value (the stage made them of the right
 * type), which keeps scoring one row fast.
 *
 * <pre>{@code
 * Schema out = OutputColumns.append(input, Schema.Field.of("scaled", VectorLogicalType.FIELD_TYPE));
 * Row scaled = OutputColumns.row(out, row, Vector.dense(0.5, -1));
 * }</pre>
 */
public final class OutputColumns {
  private OutputColumns() {}

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
