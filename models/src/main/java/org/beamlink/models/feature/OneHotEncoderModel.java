package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A fitted OneHotEncoder: for every input column (STRING or numeric), its categories, sorted as
 * scikit-learn's {@code OneHotEncoder.categories_} (numbers numerically, strings by code point); it
 * appends one sparse vector column per input column with a 1.0 at the value's category.
 *
 * <p>Vector layout, as Spark ML's {@code OneHotEncoder}: slot {@code i} is category {@code i}; with
 * {@link HandleInvalid#KEEP} one more slot, after the categories, is for every invalid value; with
 * {@code dropLast} (the default) the last slot is dropped, so the last category (or, with KEEP, the
 * invalid slot) is all zeros. The vector size is {@code numCategories + (KEEP ? 1 : 0) - (dropLast
 * ? 1 : 0)}. scikit-learn's {@code drop=None} is {@code dropLast=false}; its {@code drop='first'}
 * drops the first category instead and has no equivalent here.
 *
 * <p>Invalid values are values not seen when fitting, null and NaN. {@link HandleInvalid#ERROR}
 * (default) fails the row naming column, value and row; {@link HandleInvalid#KEEP} encodes them in
 * the extra slot; {@link HandleInvalid#IGNORE} encodes them as all zeros (scikit-learn's {@code
 * handle_unknown='ignore'}); {@link HandleInvalid#SKIP} makes the {@code OneHotEncoder} transform
 * drop the row, and fails it in {@code apply} (a bound stage maps every row to one row).
 *
 * <pre>{@code
 * OneHotEncoderModel m = OneHotEncoderModel.of(List.of("color"), List.of("colorVec"),
 *     List.of(List.of("blue", "red")), false, HandleInvalid.ERROR);
 * Row out = m.bind(schema).apply(row); // "red" -> sparse(2, [1], [1.0])
 * }</pre>
 */
public final class OneHotEncoderModel implements Transformer {
  private static final long serialVersionUID = 1L;
  private static final String STAGE = "OneHotEncoder";

  private final List<String> inputCols;
  private final List<String> outputCols;
  private final List<List<String>> categories;
  private final boolean dropLast;
  private final HandleInvalid handleInvalid;

  private OneHotEncoderModel(
      List<String> inputCols,
      List<String> outputCols,
      List<List<String>> categories,
      boolean dropLast,
      HandleInvalid handleInvalid) {
    this.inputCols = inputCols;
    this.outputCols = outputCols;
    this.categories = categories;
    this.dropLast = dropLast;
    this.handleInvalid = handleInvalid;
  }

  /**
   * A model with the given categories per column (by their string forms, as {@code String.valueOf}
   * gives them for numbers), in slot order.
   *
   * @throws IllegalArgumentException for lists of different lengths, a column without categories or
   *     repeated categories
   */
  public static OneHotEncoderModel of(
      List<String> inputCols,
      List<String> outputCols,
      List<List<String>> categories,
      boolean dropLast,
      HandleInvalid handleInvalid) {
    if (inputCols.isEmpty() || inputCols.size() != outputCols.size()) {
      throw new IllegalArgumentException(
          "Expected as many output columns as input columns (at least one), got "
              + inputCols
              + " and "
              + outputCols);
    }
    if (categories.size() != inputCols.size()) {
      throw new IllegalArgumentException(
          "Expected one category list per input column, got "
              + categories.size()
              + " for "
              + inputCols);
    }
    List<List<String>> copy = new ArrayList<>();
    for (int c = 0; c < categories.size(); c++) {
      List<String> l = List.copyOf(categories.get(c));
      if (l.isEmpty()) {
        throw new IllegalArgumentException(
            "Column '" + inputCols.get(c) + "' has no categories (only nulls or NaN when fitted?)");
      }
      if (new HashSet<>(l).size() != l.size()) {
        throw new IllegalArgumentException(
            "Categories of column '" + inputCols.get(c) + "' repeat a value: " + l);
      }
      copy.add(l);
    }
    return new OneHotEncoderModel(
        List.copyOf(inputCols),
        List.copyOf(outputCols),
        List.copyOf(copy),
        dropLast,
        Objects.requireNonNull(handleInvalid));
  }

  /**
   * {@code values} sorted as scikit-learn sorts categories: numerically for a numeric column, else
   * by Unicode code point.
   */
  public static List<String> sortCategories(Collection<String> values, boolean numeric) {
    List<String> l = new ArrayList<>(values);
    l.sort(numeric ? CategoryValues::compareNumeric : CategoryValues::compareCodePoints);
    return l;
  }

  /** The input columns. */
  public List<String> inputCols() {
    return inputCols;
  }

  /** The output (vector) columns. */
  public List<String> outputCols() {
    return outputCols;
  }

  /** The categories of every input column, in slot order. */
  public List<List<String>> categories() {
    return categories;
  }

  /** Whether the last slot is dropped. */
  public boolean dropLast() {
    return dropLast;
  }

  /** What happens to an unseen, null or NaN value. */
  public HandleInvalid handleInvalid() {
    return handleInvalid;
  }

  /** The size of the vector of input column {@code c} (0-based). */
  public int vectorSize(int c) {
    return categories.get(c).size()
        + (handleInvalid == HandleInvalid.KEEP ? 1 : 0)
        - (dropLast ? 1 : 0);
  }

  @Override
  public Schema outputSchema(Schema input) {
    return outputSchema(inputCols, outputCols, input);
  }

  /**
   * What a model with these columns does to a schema, known before fitting: checks the input
   * columns (STRING or numeric) and appends the output columns.
   *
   * <pre>{@code
   * SchemaMapping m = OneHotEncoderModel.mapping(List.of("color"), List.of("out"));
   * }</pre>
   */
  public static SchemaMapping mapping(List<String> inputCols, List<String> outputCols) {
    List<String> in = List.copyOf(inputCols);
    List<String> out = List.copyOf(outputCols);
    return input -> outputSchema(in, out, input);
  }

  private static Schema outputSchema(
      List<String> inputCols, List<String> outputCols, Schema input) {
    for (String c : inputCols) {
      CategoryValues.checkColumn(input, c, STAGE);
    }
    Schema.Field[] fields = new Schema.Field[outputCols.size()];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = Schema.Field.of(outputCols.get(i), VectorLogicalType.FIELD_TYPE);
    }
    return OutputColumns.append(input, fields);
  }

  @Override
  public SkippingBound bind(Schema input) {
    Schema output = outputSchema(input);
    int n = inputCols.size();
    int[] columns = new int[n];
    List<Map<String, Vector>> encodings = new ArrayList<>(n);
    Vector[] invalidEncoding = new Vector[n];
    for (int c = 0; c < n; c++) {
      columns[c] = input.indexOf(inputCols.get(c));
      int size = vectorSize(c);
      List<String> l = categories.get(c);
      // Vectors are immutable: one per category, shared by every row.
      Map<String, Vector> m = new HashMap<>(l.size() * 2);
      for (int i = 0; i < l.size(); i++) {
        m.put(l.get(i), unit(size, i));
      }
      encodings.add(m);
      invalidEncoding[c] = unit(size, l.size());
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
        Object[] values = new Object[n];
        for (int c = 0; c < n; c++) {
          Object value = row.getValue(columns[c]);
          String key = CategoryValues.key(value);
          Vector v = key == null ? null : encodings.get(c).get(key);
          if (v == null) {
            if (skip) {
              return null;
            }
            if (handleInvalid == HandleInvalid.ERROR || handleInvalid == HandleInvalid.SKIP) {
              throw invalid(inputCols.get(c), value, row);
            }
            v = invalidEncoding[c];
          }
          values[c] = v;
        }
        return OutputColumns.row(output, row, values);
      }
    };
  }

  /** A 1.0 at {@code slot}, or all zeros when {@code slot} was dropped (or is the ignore slot). */
  private static Vector unit(int size, int slot) {
    return slot < size
        ? Vector.sparse(size, new int[] {slot}, new double[] {1.0})
        : Vector.sparse(size, new int[0], new double[0]);
  }

  private IllegalArgumentException invalid(String column, Object value, Row row) {
    String what =
        value == null
            ? "is null"
            : CategoryValues.key(value) == null
                ? "is NaN"
                : "has value '" + value + "', a category not seen when fitting,";
    return new IllegalArgumentException(
        STAGE
            + ": column '"
            + column
            + "' "
            + what
            + " in row "
            + RowText.of(row)
            + " (handleInvalid="
            + handleInvalid.paramValue()
            + (handleInvalid == HandleInvalid.SKIP
                ? "; a pipeline stage cannot drop rows, the OneHotEncoder transform can)"
                : ")"));
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("inputCols", inputCols.toString());
    p.put("outputCols", outputCols.toString());
    p.put("dropLast", Boolean.toString(dropLast));
    p.put("handleInvalid", handleInvalid.paramValue());
    List<Integer> sizes = new ArrayList<>();
    for (List<String> l : categories) {
      sizes.add(l.size());
    }
    p.put("numCategories", sizes.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OneHotEncoderModel m
        && inputCols.equals(m.inputCols)
        && outputCols.equals(m.outputCols)
        && categories.equals(m.categories)
        && dropLast == m.dropLast
        && handleInvalid == m.handleInvalid;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCols, outputCols, categories, dropLast, handleInvalid);
  }

  @Override
  public String toString() {
    return "OneHotEncoderModel" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link OneHotEncoderModel}.
   *
   * <pre>{@code
   * OneHotEncoderModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<OneHotEncoderModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(OneHotEncoderModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      StringListCoding.writeStrings(value.inputCols, data);
      StringListCoding.writeStrings(value.outputCols, data);
      StringListCoding.writeStringLists(value.categories, data);
      data.writeBoolean(value.dropLast);
      data.writeByte(value.handleInvalid.ordinal());
      data.flush();
    }

    @Override
    public OneHotEncoderModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "one-hot encoder model");
      DataInputStream data = new DataInputStream(in);
      List<String> inputCols = StringListCoding.readStrings(data);
      List<String> outputCols = StringListCoding.readStrings(data);
      List<List<String>> categories = StringListCoding.readStringLists(data);
      boolean dropLast = data.readBoolean();
      HandleInvalid handleInvalid = HandleInvalid.values()[data.readByte()];
      return new OneHotEncoderModel(inputCols, outputCols, categories, dropLast, handleInvalid);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
