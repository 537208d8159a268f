package org.beamlink.models.nlp;

import java.util.Collection;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.rows.RowText;

/**
 * The type of a token column, an array of STRING (Spark's {@code array<string>}), and the column
 * checks and reads the text stages share, with messages naming stage, column and row.
 *
 * <pre>{@code
 * Schema schema = Schema.builder().addField("tokens", TokenColumns.FIELD_TYPE).build();
 * Row row = Row.withSchema(schema).addValue(List.of("hello", "world")).build();
 * }</pre>
 */
public final class TokenColumns {
  private TokenColumns() {}

  /** The type of a token column: an array of (non-null) STRING. */
  public static final FieldType FIELD_TYPE = FieldType.array(FieldType.STRING);

  /**
   * True when {@code type} is an array of STRING (nullable or not, with nullable elements or not).
   */
  public static boolean isTokens(FieldType type) {
    return type.getTypeName() == Schema.TypeName.ARRAY
        && type.getCollectionElementType().getTypeName() == Schema.TypeName.STRING;
  }

  /** The field of text column {@code name}: a STRING. */
  static Schema.Field textColumn(Schema schema, String name, String stage) {
    Schema.Field field = field(schema, name, stage);
    if (field.getType().getTypeName() != Schema.TypeName.STRING) {
      throw new IllegalArgumentException(
          stage
              + ": column '"
              + name
              + "' has type "
              + field.getType()
              + "; expected a STRING column of text");
    }
    return field;
  }

  /**
   * The field of token column {@code name}: an array of STRING.
   *
   * @throws IllegalArgumentException naming {@code stage} and the column when it is missing or of
   *     another type
   */
  public static Schema.Field tokenColumn(Schema schema, String name, String stage) {
    Schema.Field field = field(schema, name, stage);
    if (!isTokens(field.getType())) {
      throw new IllegalArgumentException(
          stage
              + ": column '"
              + name
              + "' has type "
              + field.getType()
              + "; expected an array of STRING tokens (as a Tokenizer outputs)");
    }
    return field;
  }

  private static Schema.Field field(Schema schema, String name, String stage) {
    if (!schema.hasField(name)) {
      throw new IllegalArgumentException(
          stage
              + ": column '"
              + name
              + "' not found; the input has columns "
              + schema.getFieldNames());
    }
    return schema.getField(name);
  }

  /**
   * The tokens in column {@code index} of {@code row}, or null for a null array.
   *
   * @throws IllegalArgumentException for a null token, naming stage, column and row
   */
  @SuppressWarnings("unchecked")
  static List<String> tokensOrNull(Row row, int index, String name, String stage) {
    Collection<String> tokens = (Collection<String>) row.getValue(index);
    if (tokens == null) {
      return null;
    }
    List<String> list = tokens instanceof List<String> l ? l : List.copyOf(tokens);
    for (String t : list) {
      if (t == null) {
        throw new IllegalArgumentException(
            stage + ": column '" + name + "' holds a null token in row " + RowText.of(row));
      }
    }
    return list;
  }

  /**
   * The tokens in column {@code index} of {@code row}.
   *
   * @throws IllegalArgumentException for a null array or a null token, naming stage, column and row
   */
  public static List<String> tokens(Row row, int index, String name, String stage) {
    List<String> tokens = tokensOrNull(row, index, name, stage);
    if (tokens == null) {
      throw new IllegalArgumentException(
          stage
              + ": column '"
              + name
              + "' is null in row "
              + RowText.of(row)
              + "; expected tokens (fill missing text before tokenizing)");
    }
    return tokens;
  }
}
