package org.beamlink.models.rows;

import java.util.Comparator;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.Row;

/**
 * Class labels of any primitive column type, held as text so that a model can keep them in one
 * form: {@link #text} writes a label, {@link #parse} reads it back as the column's type, and {@link
 * #order} sorts them as their type does (numbers by value, strings and booleans as Java does).
 *
 * <pre>{@code
 * String t = LabelValues.text(row, "label");                  // "1" for an INT32 label 1
 * Object back = LabelValues.parse(t, TypeName.INT32);        // Integer 1
 * List<String> sorted = values.stream().sorted(LabelValues.order(TypeName.DOUBLE)).toList();
 * }</pre>
 */
public final class LabelValues {
  private static final Set<TypeName> LABEL_TYPES =
      Set.of(
          TypeName.STRING,
          TypeName.BOOLEAN,
          TypeName.BYTE,
          TypeName.INT16,
          TypeName.INT32,
          TypeName.INT64,
          TypeName.FLOAT,
          TypeName.DOUBLE);

  private LabelValues() {}

  /** True when a column of this type can hold class labels. */
  public static boolean isLabelType(FieldType type) {
    return LABEL_TYPES.contains(type.getTypeName());
  }

  /**
   * The label of {@code row} in column {@code col} as text.
   *
   * @throws IllegalArgumentException for a null, NaN or infinite label, naming the row
   */
  public static String text(Row row, String col) {
    Object value = row.getValue(col);
    if (value == null) {
      throw new IllegalArgumentException(
          "Label column '" + col + "' is null in row " + RowText.of(row));
    }
    if ((value instanceof Double d && !Double.isFinite(d))
        || (value instanceof Float f && !Float.isFinite(f))) {
      throw new IllegalArgumentException(
          "Label column '" + col + "' has value " + value + " in row " + RowText.of(row));
    }
    return String.valueOf(value);
  }

  /**
   * The text of a numeric label read as a double (as blocks carry labels): the same text {@link
   * #text(Row, String)} gives for the original value of {@code type}.
   */
  public static String text(double value, TypeName type) {
    return switch (type) {
      case BYTE, INT16, INT32, INT64 -> Long.toString((long) value);
      case FLOAT -> Float.toString((float) value);
      case DOUBLE -> Double.toString(value);
      default -> throw new IllegalArgumentException(type + " labels are not numeric");
    };
  }

  /** The label {@code text} as a value of {@code type}. */
  public static Object parse(String text, TypeName type) {
    return switch (type) {
      case STRING -> text;
      case BOOLEAN -> Boolean.valueOf(text);
      case BYTE -> Byte.valueOf(text);
      case INT16 -> Short.valueOf(text);
      case INT32 -> Integer.valueOf(text);
      case INT64 -> Long.valueOf(text);
      case FLOAT -> Float.valueOf(text);
      case DOUBLE -> Double.valueOf(text);
      default -> throw new IllegalArgumentException("Labels cannot have type " + type);
    };
  }

  /** The natural order of labels of {@code type}, on their text. */
  public static Comparator<String> order(TypeName type) {
    return switch (type) {
      case STRING -> Comparator.naturalOrder();
      case BOOLEAN -> Comparator.comparing(Boolean::valueOf);
      case BYTE, INT16, INT32, INT64 -> Comparator.comparingLong(Long::parseLong);
      case FLOAT, DOUBLE -> Comparator.comparingDouble(Double::parseDouble);
      default -> throw new IllegalArgumentException("Labels cannot have type " + type);
    };
  }
}
