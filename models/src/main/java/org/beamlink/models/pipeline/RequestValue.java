package org.beamlink.models.pipeline;

import java.math.BigDecimal;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;

/**
 * A value given by name to {@link LocalPredictor#predict(java.util.Map)}, as its column's type: a
 * Java number becomes the column's number type when it is exactly representable there ({@code 42}
 * for DOUBLE, {@code 3.0} for INT64); a number that is not ({@code 2.5} for INT64, {@code 2^53 + 1}
 * for DOUBLE), and a value of another kind for a number, string or boolean column, is an error
 * naming column, value and type.
 *
 * <pre>{@code
 * Object v = RequestValue.of(schema.getField("age"), 42); // 42.0 for a DOUBLE column
 * }</pre>
 */
final class RequestValue {
  private RequestValue() {}

  /**
   * {@code value} as the type of {@code field}.
   *
   * @throws IllegalArgumentException for a null in a column that is not nullable, or a value that
   *     the column's type cannot hold exactly
   */
  static Object of(Schema.Field field, Object value) {
    Schema.FieldType type = field.getType();
    TypeName name = type.getTypeName();
    if (value == null) {
      if (!type.getNullable()) {
        throw new IllegalArgumentException(
            "Column '" + field.getName() + "' is null; the model needs a value of type " + type);
      }
      return null;
    }
    if (name.isNumericType() && value instanceof Number number) {
      Object converted = number(name, number);
      if (converted == null) {
        throw error(field, value);
      }
      return converted;
    }
    boolean expected =
        switch (name) {
          case BYTE, INT16, INT32, INT64, FLOAT, DOUBLE, DECIMAL -> false;
          case STRING -> value instanceof String;
          case BOOLEAN -> value instanceof Boolean;
          default -> true;
        };
    if (!expected) {
      throw error(field, value);
    }
    return value;
  }

  /** {@code n} as a {@code type}, or null when it is not exactly representable. */
  private static Object number(TypeName type, Number n) {
    if (type == TypeName.DOUBLE && (n instanceof Double || n instanceof Float)) {
      return n.doubleValue();
    }
    if (type == TypeName.FLOAT && n instanceof Float) {
      return n;
    }
    if (type == TypeName.FLOAT
        && n instanceof Double d
        && (Double.isNaN(d) || (float) (double) d == d)) {
      return (float) (double) d;
    }
    BigDecimal exact = exact(n);
    if (exact == null) {
      return null;
    }
    try {
      return switch (type) {
        case BYTE -> exact.byteValueExact();
        case INT16 -> exact.shortValueExact();
        case INT32 -> exact.intValueExact();
        case INT64 -> exact.longValueExact();
        case DECIMAL -> exact;
        case DOUBLE -> sameValue(exact, exact.doubleValue()) ? exact.doubleValue() : null;
        case FLOAT -> sameValue(exact, exact.floatValue()) ? exact.floatValue() : null;
        default -> null;
      };
    } catch (ArithmeticException notExact) {
      return null;
    }
  }

  /** The exact value of {@code n}, or null for NaN, an infinity or an unknown kind of number. */
  private static BigDecimal exact(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? new BigDecimal(d) : null;
    }
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return BigDecimal.valueOf(n.longValue());
    }
    return null;
  }

  private static boolean sameValue(BigDecimal exact, double d) {
    return Double.isFinite(d) && new BigDecimal(d).compareTo(exact) == 0;
  }

  private static IllegalArgumentException error(Schema.Field field, Object value) {
    return new IllegalArgumentException(
        "Column '"
            + field.getName()
            + "' has value "
            + value
            + " ("
            + value.getClass().getSimpleName()
            + "), which is not a "
            + field.getType().getTypeName()
            + " value; the model reads the column as "
            + field.getType());
  }
}
