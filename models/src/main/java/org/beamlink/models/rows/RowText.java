package org.beamlink.models.rows;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;

/**
 * A row as one line of text for an error message: {@code {x: 1.5, name: "a", features: [1.0,
 * 2.0]}}. Beam's {@code Row.toString()} spreads a row over several lines and prints a vector column
 * as the bytes of its base type; an error about one row should be one line that a person reads.
 * Long texts and vectors are cut, saying how long they were.
 *
 * <pre>{@code
 * throw new IllegalArgumentException("Column 'x' is null in row " + RowText.of(row));
 * }</pre>
 */
public final class RowText {
  /** Characters of one value shown before it is cut. */
  private static final int MAX_VALUE = 80;

  private RowText() {}

  /** {@code row} on one line; "null" for a null row. */
  public static String of(Row row) {
    if (row == null) {
      return "null";
    }
    StringBuilder s = new StringBuilder("{");
    Schema schema = row.getSchema();
    for (int i = 0; i < schema.getFieldCount(); i++) {
      if (i > 0) {
        s.append(", ");
      }
      s.append(schema.getField(i).getName()).append(": ").append(value(row.getValue(i)));
    }
    return s.append('}').toString();
  }

  private static String value(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Row nested) {
      return of(nested);
    }
    if (value instanceof CharSequence text) {
      return '"' + cut(text.toString().replace("\n", "\\n").replace("\r", "\\r")) + '"';
    }
    if (value instanceof Vector v) {
      return cut(v.toString());
    }
    if (value instanceof Map<?, ?> map) {
      StringBuilder s = new StringBuilder("{");
      Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
      while (entries.hasNext()) {
        Map.Entry<?, ?> e = entries.next();
        s.append(value(e.getKey())).append(": ").append(value(e.getValue()));
        if (entries.hasNext()) {
          s.append(", ");
        }
      }
      return cut(s.append('}').toString());
    }
    if (value instanceof Collection<?> list) {
      StringBuilder s = new StringBuilder("[");
      Iterator<?> items = list.iterator();
      while (items.hasNext()) {
        s.append(value(items.next()));
        if (items.hasNext()) {
          s.append(", ");
        }
      }
      return cut(s.append(']').toString());
    }
    return cut(String.valueOf(value));
  }

  private static String cut(String text) {
    if (text.length() <= MAX_VALUE) {
      return text;
    }
    return text.substring(0, MAX_VALUE) + "...(" + text.length() + " chars)";
  }
}
