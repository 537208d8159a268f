package org.beamlink.transforms.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The JSON objects of a flat schema (INT32, INT64, DOUBLE, STRING and BOOLEAN fields) read straight
 * into rows with Jackson's streaming parser, where Beam's {@code RowJson} builds a tree per record
 * and looks up each field's access path per row (a JFR profile of {@code bench ftrl --kafka} put
 * 21% of the job's time there). It answers only for the records it reads exactly as {@code RowJson}
 * would: every field of the schema once, each a JSON value of the field's own kind (an integer
 * within range for INT32 and INT64, a finite number with a fraction or exponent for DOUBLE, a
 * string, true or false), and nothing else. Anything else (a missing, null, unknown or repeated
 * field, another kind of value, malformed JSON) gives null, and the caller parses the record with
 * {@code RowJson}, whose row or error stands.
 *
 * <pre>{@code
 * FlatJsonRows flat = FlatJsonRows.of(schema);          // null when the schema is not flat
 * Row row = flat == null ? null : flat.parse(text);
 * if (row == null) {
 *   row = RowJsonUtils.jsonToRow(mapper, text);
 * }
 * }</pre>
 */
final class FlatJsonRows {
  private static final Set<Schema.TypeName> FLAT =
      Set.of(
          Schema.TypeName.INT32,
          Schema.TypeName.INT64,
          Schema.TypeName.DOUBLE,
          Schema.TypeName.STRING,
          Schema.TypeName.BOOLEAN);

  private final Schema schema;
  private final Schema.TypeName[] types;
  private final Map<String, Integer> index = new HashMap<>();
  private final JsonFactory factory =
      JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  private FlatJsonRows(Schema schema) {
    this.schema = schema;
    this.types = new Schema.TypeName[schema.getFieldCount()];
    for (int i = 0; i < types.length; i++) {
      types[i] = schema.getField(i).getType().getTypeName();
      index.put(schema.getField(i).getName(), i);
    }
  }

  /** The parser of {@code schema}'s records, or null when a field is not of a flat type. */
  static @Nullable FlatJsonRows of(Schema schema) {
    for (Schema.Field f : schema.getFields()) {
      if (!FLAT.contains(f.getType().getTypeName())) {
        return null;
      }
    }
    return new FlatJsonRows(schema);
  }

  /** {@code text}'s row, or null when {@code RowJson} must read it (see the class). */
  @Nullable Row parse(String text) {
    try (JsonParser p = factory.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Object[] values = new Object[types.length];
      int found = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t != JsonToken.FIELD_NAME) {
          return null;
        }
        Integer i = index.get(p.currentName());
        if (i == null || values[i] != null) {
          return null;
        }
        Object value = value(p, p.nextToken(), types[i]);
        if (value == null) {
          return null;
        }
        values[i] = value;
        found++;
      }
      if (found != types.length || p.nextToken() != null) {
        return null;
      }
      return Row.withSchema(schema).attachValues(Arrays.asList(values));
    } catch (IOException e) {
      return null;
    }
  }

  private static @Nullable Object value(JsonParser p, JsonToken token, Schema.TypeName type)
      throws IOException {
    switch (type) {
      case INT32:
        return token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
            ? p.getIntValue()
            : null;
      case INT64:
        return token == JsonToken.VALUE_NUMBER_INT
                && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
            ? p.getLongValue()
            : null;
      case DOUBLE:
        if (token != JsonToken.VALUE_NUMBER_FLOAT) {
          return null;
        }
        double d = p.getDoubleValue();
        return Double.isFinite(d) ? d : null;
      case STRING:
        return token == JsonToken.VALUE_STRING ? p.getText() : null;
      case BOOLEAN:
        return token == JsonToken.VALUE_TRUE
            ? Boolean.TRUE
            : token == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
      default:
        return null;
    }
  }
}
