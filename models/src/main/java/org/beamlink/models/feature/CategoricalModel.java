package org.beamlink.models.feature;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A fitted categorical stage (StringIndexer, OneHotEncoder): for every STRING or numeric input
 * column, the values the fit kept in slot order, looked up by their {@link CategoryValues#key}; it
 * appends one column per input column holding the value's encoding, and applies its {@code
 * handleInvalid} rule to values without a slot (unseen, null, NaN): ERROR and SKIP fail the row
 * ({@link SkippingBound#applyOrSkip} drops it under SKIP), KEEP and IGNORE encode the extra slot
 * after the values.
 *
 * <p>A subclass names its values ({@link #singular()}, {@link #plural()}), gives the appended
 * column's type and the encoding of each slot, and adds its own parameter.
 *
 * @param <T> the type of an encoding: what the appended column holds
 */
abstract class CategoricalModel<T> implements Transformer {
  private static final long serialVersionUID = 1L;

  final List<String> inputCols;
  final List<String> outputCols;
  final List<List<String>> values;
  final HandleInvalid handleInvalid;

  CategoricalModel(
      List<String> inputCols,
      List<String> outputCols,
      List<List<String>> values,
      HandleInvalid handleInvalid) {
    this.inputCols = inputCols;
    this.outputCols = outputCols;
    this.values = values;
    this.handleInvalid = handleInvalid;
  }

  /** The stage's name in messages. */
  abstract String stageName();

  /** What one value is called in messages: "category", "label". */
  abstract String singular();

  /** What the values are called in messages and parameters, capitalized: "Categories". */
  abstract String plural();

  /** The type of the appended columns. */
  abstract Schema.FieldType outputType();

  /**
   * The encoding of slot {@code slot} of input column {@code column}; slot {@code values.size()} is
   * the one of an invalid value under KEEP and IGNORE.
   */
  abstract T encoding(int column, int slot);

  /** The stage's own parameter, between the columns and {@code handleInvalid}. */
  abstract void addParameters(Map<String, String> parameters);

  /**
   * {@code values} copied after checking them against the columns: one list per input column, no
   * repeated value, and (with {@code allowEmpty} false) no empty list.
   *
   * @throws IllegalArgumentException naming the column otherwise
   */
  static List<List<String>> checkedValues(
      List<String> inputCols,
      List<String> outputCols,
      List<List<String>> values,
      String singular,
      String plural,
      boolean allowEmpty) {
    if (inputCols.isEmpty() || inputCols.size() != outputCols.size()) {
      throw new IllegalArgumentException(
          "Expected as many output columns as input columns (at least one), got "
              + inputCols
              + " and "
              + outputCols);
    }
    if (values.size() != inputCols.size()) {
      throw new IllegalArgumentException(
          "Expected one "
              + singular
              + " list per input column, got "
              + values.size()
              + " for "
              + inputCols);
    }
    List<List<String>> copy = new ArrayList<>();
    for (int c = 0; c < values.size(); c++) {
      List<String> l = List.copyOf(values.get(c));
      if (l.isEmpty() && !allowEmpty) {
        throw new IllegalArgumentException(
            "Column '"
                + inputCols.get(c)
                + "' has no "
                + plural.toLowerCase(Locale.ROOT)
                + " (only nulls or NaN when fitted?)");
      }
      if (new HashSet<>(l).size() != l.size()) {
        throw new IllegalArgumentException(
            plural + " of column '" + inputCols.get(c) + "' repeat a value: " + l);
      }
      copy.add(l);
    }
    return List.copyOf(copy);
  }

  /**
   * What a model with these columns does to a schema: checks the input columns (STRING or numeric)
   * and appends the output columns of type {@code outputType}.
   */
  static Schema outputSchema(
      List<String> inputCols,
      List<String> outputCols,
      Schema input,
      String stage,
      Schema.FieldType outputType) {
    for (String c : inputCols) {
      CategoryValues.checkColumn(input, c, stage);
    }
    Schema.Field[] fields = new Schema.Field[outputCols.size()];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = Schema.Field.of(outputCols.get(i), outputType);
    }
    return OutputColumns.append(input, fields);
  }

  /** The input columns. */
  public List<String> inputCols() {
    return inputCols;
  }

  /** The appended columns, one per input column. */
  public List<String> outputCols() {
    return outputCols;
  }

  /** What happens to an unseen, null or NaN value. */
  public HandleInvalid handleInvalid() {
    return handleInvalid;
  }

  @Override
  public Schema outputSchema(Schema input) {
    return outputSchema(inputCols, outputCols, input, stageName(), outputType());
  }

  @Override
  public SkippingBound bind(Schema input) {
    Schema output = outputSchema(input);
    int n = inputCols.size();
    int[] columns = new int[n];
    List<Map<String, T>> encodings = new ArrayList<>(n);
    List<T> invalidEncodings = new ArrayList<>(n);
    for (int c = 0; c < n; c++) {
      columns[c] = input.indexOf(inputCols.get(c));
      List<String> l = values.get(c);
      // One encoding per slot, shared by every row (encodings are immutable).
      Map<String, T> m = new HashMap<>(l.size() * 2);
      for (int i = 0; i < l.size(); i++) {
        m.put(l.get(i), encoding(c, i));
      }
      encodings.add(m);
      invalidEncodings.add(encoding(c, l.size()));
    }
    return new SkippingBound() {
      @Override
      public Schema outputSchema() {
        return output;
      }

      @Override
      public Row apply(Row row) {
        return map(row, false);
      }

      @Override
      public @Nullable Row applyOrSkip(Row row) {
        return map(row, handleInvalid == HandleInvalid.SKIP);
      }

      private Row map(Row row, boolean skip) {
        Object[] out = new Object[n];
        for (int c = 0; c < n; c++) {
          Object value = row.getValue(columns[c]);
          String key = CategoryValues.key(value);
          T encoded = key == null ? null : encodings.get(c).get(key);
          if (encoded == null) {
            if (skip) {
              return null;
            }
            if (handleInvalid == HandleInvalid.ERROR || handleInvalid == HandleInvalid.SKIP) {
              throw invalid(inputCols.get(c), value, row);
            }
            encoded = invalidEncodings.get(c);
          }
          out[c] = encoded;
        }
        return OutputColumns.row(output, row, out);
      }
    };
  }

  private IllegalArgumentException invalid(String column, Object value, Row row) {
    String what =
        value == null
            ? "is null"
            : CategoryValues.key(value) == null
                ? "is NaN"
                : "has value '" + value + "', a " + singular() + " not seen when fitting,";
    return new IllegalArgumentException(
        stageName()
            + ": column '"
            + column
            + "' "
            + what
            + " in row "
            + RowText.of(row)
            + " (handleInvalid="
            + handleInvalid.paramValue()
            + (handleInvalid == HandleInvalid.SKIP
                ? "; a pipeline stage cannot drop rows, the " + stageName() + " transform can)"
                : ")"));
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("inputCols", inputCols.toString());
    p.put("outputCols", outputCols.toString());
    addParameters(p);
    p.put("handleInvalid", handleInvalid.paramValue());
    List<Integer> sizes = new ArrayList<>();
    for (List<String> l : values) {
      sizes.add(l.size());
    }
    p.put("num" + plural(), sizes.toString());
    return p;
  }

  /** True when {@code other} has the same columns, values and {@code handleInvalid}. */
  boolean sameFit(CategoricalModel<?> other) {
    return inputCols.equals(other.inputCols)
        && outputCols.equals(other.outputCols)
        && values.equals(other.values)
        && handleInvalid == other.handleInvalid;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + parameters();
  }
}
