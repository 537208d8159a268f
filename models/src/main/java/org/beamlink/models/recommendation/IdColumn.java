package org.beamlink.models.recommendation;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.rows.RowText;

/**
 * A user or item id column (INT32 or INT64) of the recommenders' rows: its checked index, and the
 * id read from a row.
 *
 * <pre>{@code
 * int user = IdColumn.index(schema, "user", "user", "ItemCF");
 * long id = IdColumn.value(row, user);
 * }</pre>
 */
public final class IdColumn {
  private IdColumn() {}

  /**
   * The index of the id column {@code col} of {@code input}; {@code what} ("user" or "item") and
   * {@code family} ("ALS", "ItemCF", ...) name it in errors.
   *
   * @throws IllegalArgumentException when it is missing or not INT32 or INT64
   */
  public static int index(Schema input, String col, String what, String family) {
    if (!input.hasField(col)) {
      throw new IllegalArgumentException(
          family
              + " "
              + what
              + " column '"
              + col
              + "' is not in the input "
              + input.getFieldNames());
    }
    TypeName type = input.getField(col).getType().getTypeName();
    if (type != TypeName.INT32 && type != TypeName.INT64) {
      throw new IllegalArgumentException(
          family
              + " "
              + what
              + " column '"
              + col
              + "' has type "
              + type
              + "; expected INT32 or INT64");
    }
    return input.indexOf(col);
  }

  /**
   * The id in column {@code index} of {@code row} (INT32 or INT64, as {@link #index} checked).
   *
   * @throws IllegalArgumentException for a null id, naming the column and the row
   */
  public static long value(Row row, int index) {
    Object v = row.getValue(index);
    if (v == null) {
      throw new IllegalArgumentException(
          "Null id in column '"
              + row.getSchema().getField(index).getName()
              + "' of row "
              + RowText.of(row));
    }
    return ((Number) v).longValue();
  }
}
