package org.beamlink.models.feature;

import java.math.BigDecimal;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.beamlink.models.rows.FeatureColumns;

/**
 * Values of a categorical column (STRING or numeric) by their string form, the key under which
 * StringIndexer and OneHotEncoder learn and look them up: a string as is, a number as Java's (and
 * Spark's cast to string) {@code String.valueOf}, so INT32 {@code 1} is {@code "1"} and DOUBLE
 * {@code 1.0} is {@code "1.0"}. Null and NaN have no key (they are invalid values).
 */
final class CategoryValues {
  private CategoryValues() {}

  /**
   * The index of {@code column} in {@code schema}.
   *
   * @throws IllegalArgumentException naming the column when it is missing or neither STRING nor
   *     numeric
   */
  static int checkColumn(Schema schema, String column, String stage) {
    if (!schema.hasField(column)) {
      throw new IllegalArgumentException(
          stage
              + ": column '"
              + column
              + "' not found; the input has columns "
              + schema.getFieldNames());
    }
    FieldType type = schema.getField(column).getType();
    if (type.getTypeName() != Schema.TypeName.STRING && !FeatureColumns.isNumeric(type)) {
      throw new IllegalArgumentException(
          stage
              + ": column '"
              + column
              + "' has type "
              + type
              + "; expected a STRING or numeric column");
    }
    return schema.indexOf(column);
  }

  /** True when values of {@code type} are numbers (categories then sort numerically). */
  static boolean isNumeric(Schema schema, String column) {
    return FeatureColumns.isNumeric(schema.getField(column).getType());
  }

  /** The key of {@code value}, or null for null and NaN. */
  static String key(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Double d && d.isNaN() || value instanceof Float f && f.isNaN()) {
      return null;
    }
    if (value instanceof BigDecimal b) {
      return b.toString();
    }
    return value.toString();
  }

  /** Compares keys of a numeric column by their numbers, as scikit-learn sorts categories. */
  static int compareNumeric(String a, String b) {
    double da = Double.parseDouble(a);
    double db = Double.parseDouble(b);
    int c = Double.compare(da, db);
    if (c != 0 || Double.isInfinite(da)) {
      return c;
    }
    // Equal as doubles: longs beyond 2^53 and decimals still differ exactly.
    return new BigDecimal(a).compareTo(new BigDecimal(b));
  }

  /** Compares strings by Unicode code point, as Spark compares UTF-8 strings byte by byte. */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
