package org.beamlink.examples.cli;

import java.util.List;

/**
 * A JSON object written field by field, for the machine-readable output of the commands: strings,
 * integers, doubles (NaN and infinities, which JSON lacks, become {@code null}) and arrays of
 * objects.
 *
 * <pre>{@code
 * String json = new JsonObject().put("rows", 150).put("mean", 5.84).toString();
 * // {"rows":150,"mean":5.84}
 * }</pre>
 */
final class JsonObject {
  private final StringBuilder fields = new StringBuilder();

  /** Adds a string field. */
  JsonObject put(String key, String value) {
    key(key);
    quote(value);
    return this;
  }

  /** Adds an integer field. */
  JsonObject put(String key, long value) {
    key(key);
    fields.append(value);
    return this;
  }

  /** Adds a number field; NaN and infinities become {@code null}. */
  JsonObject put(String key, double value) {
    key(key);
    fields.append(Double.isFinite(value) ? Double.toString(value) : "null");
    return this;
  }

  /** Adds an array of objects. */
  JsonObject put(String key, List<JsonObject> values) {
    key(key);
    fields.append('[');
    for (int i = 0; i < values.size(); i++) {
      fields.append(i == 0 ? "" : ",").append(values.get(i));
    }
    fields.append(']');
    return this;
  }

  private void key(String key) {
    if (fields.length() > 0) {
      fields.append(',');
    }
    quote(key);
    fields.append(':');
  }

  private void quote(String s) {
    fields.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> fields.append("\\\"");
        case '\\' -> fields.append("\\\\");
        case '\n' -> fields.append("\\n");
        case '\r' -> fields.append("\\r");
        case '\t' -> fields.append("\\t");
        default -> {
          if (c < 0x20) {
            fields.append(String.format("\\u%04x", (int) c));
          } else {
            fields.append(c);
          }
        }
      }
    }
    fields.append('"');
  }

  /** The object, compact, on one line. */
  @Override
  public String toString() {
    return "{" + fields + "}";
  }
}
