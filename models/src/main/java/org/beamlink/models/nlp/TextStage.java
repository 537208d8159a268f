package org.beamlink.models.nlp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.OutputColumns;

/**
 * A stage that maps text (a STRING column) or tokens (an array of STRING) in {@code inputCol} to
 * tokens in {@code outputCol}: the shape of the tokenizers, the stop-word remover, n-grams and the
 * segmenter. A null input gives a null output (SQL's null in, null out, as Spark's {@code split}
 * and {@code lower}); the output column is nullable exactly when the input column is.
 *
 * @param <T> {@code String} for a text input, {@code List<String>} for a token input
 */
abstract class TextStage<T> implements Transformer {
  private static final long serialVersionUID = 1L;

  final String inputCol;
  final String outputCol;

  TextStage(String inputCol, String outputCol) {
    if (inputCol == null || inputCol.isEmpty() || outputCol == null || outputCol.isEmpty()) {
      throw new IllegalArgumentException(
          "Expected input and output column names, got " + inputCol + " and " + outputCol);
    }
    this.inputCol = inputCol;
    this.outputCol = outputCol;
  }

  /** The stage's name in messages. */
  abstract String stageName();

  /** True when the input is a token column, false for a text column. */
  abstract boolean readsTokens();

  /**
   * The mapping of one non-null input value, made once per {@link #bind} (so that it may hold
   * resources that are not serializable); it is called by any number of threads at once.
   */
  abstract TokenFunction<T> function();

  /** The stage's own parameters, after the columns. */
  abstract void addParameters(Map<String, String> parameters);

  /**
   * The mapping of one input value to tokens.
   *
   * @param <T> the input value's type
   */
  @FunctionalInterface
  interface TokenFunction<T> {
    /** The tokens of {@code value}; {@code row} only for messages. */
    List<String> apply(T value, Row row);
  }

  /** The column read. */
  public String inputCol() {
    return inputCol;
  }

  /** The token column appended. */
  public String outputCol() {
    return outputCol;
  }

  @Override
  public Schema outputSchema(Schema input) {
    Schema.Field in =
        readsTokens()
            ? TokenColumns.tokenColumn(input, inputCol, stageName())
            : TokenColumns.textColumn(input, inputCol, stageName());
    return OutputColumns.append(
        input,
        Schema.Field.of(outputCol, TokenColumns.FIELD_TYPE)
            .withNullable(Boolean.TRUE.equals(in.getType().getNullable())));
  }

  @Override
  @SuppressWarnings("unchecked")
  public Bound bind(Schema input) {
    Schema output = outputSchema(input);
    int index = input.indexOf(inputCol);
    boolean tokens = readsTokens();
    String stage = stageName();
    TokenFunction<T> fn = function();
    return new Bound() {
      @Override
      public Schema outputSchema() {
        return output;
      }

      @Override
      public Row apply(Row row) {
        Object value =
            tokens ? TokenColumns.tokensOrNull(row, index, inputCol, stage) : row.getValue(index);
        return OutputColumns.row(output, row, value == null ? null : fn.apply((T) value, row));
      }
    };
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("inputCol", inputCol);
    p.put("outputCol", outputCol);
    addParameters(p);
    return p;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + parameters();
  }
}
