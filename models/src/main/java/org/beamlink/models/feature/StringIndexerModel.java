package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A fitted StringIndexer, as Spark ML's {@code StringIndexerModel}: for every input column (STRING
 * or numeric), its labels in index order; it appends to each row one DOUBLE column per input column
 * holding the value's index (DOUBLE, as Spark, so that the index feeds numeric stages directly).
 *
 * <p>A value is looked up by its string form (a number by {@code String.valueOf}, as Spark casts a
 * numeric column to string: INT32 {@code 3} is label {@code "3"}, DOUBLE {@code 3.0} is {@code
 * "3.0"}). Null and NaN are invalid values, as are labels the model did not see. With {@link
 * HandleInvalid#ERROR} (default) an invalid value fails the row with a message naming the column,
 * the value and the row; with {@link HandleInvalid#KEEP} it gets index {@code numLabels} of its
 * column; with {@link HandleInvalid#SKIP} the {@code StringIndexer} transform drops the row, while
 * {@link #bind}'s {@code apply} (a pipeline model, a local predictor) fails it as ERROR does, since
 * a bound stage maps every row to one row ({@link SkippingBound#applyOrSkip} returns null instead).
 *
 * <pre>{@code
 * StringIndexerModel m = StringIndexerModel.of(
 *     List.of("color"), List.of("colorIndex"), List.of(List.of("red", "blue")),
 *     StringOrderType.FREQUENCY_DESC, HandleInvalid.ERROR);
 * Row out = m.bind(schema).apply(row); // "red" -> 0.0, "blue" -> 1.0
 * }</pre>
 */
public final class StringIndexerModel implements Transformer {
  private static final long serialVersionUID = 1L;
  private static final String STAGE = "StringIndexer";

  private final List<String> inputCols;
  private final List<String> outputCols;
  private final List<List<String>> labels;
  private final StringOrderType stringOrderType;
  private final HandleInvalid handleInvalid;

  private StringIndexerModel(
      List<String> inputCols,
      List<String> outputCols,
      List<List<String>> labels,
      StringOrderType stringOrderType,
      HandleInvalid handleInvalid) {
    this.inputCols = inputCols;
    this.outputCols = outputCols;
    this.labels = labels;
    this.stringOrderType = stringOrderType;
    this.handleInvalid = handleInvalid;
  }

  /**
   * A model with the given labels per column, in index order ({@code stringOrderType} is recorded
   * only).
   *
   * @throws IllegalArgumentException for lists of different lengths, repeated labels or {@link
   *     HandleInvalid#IGNORE}
   */
  public static StringIndexerModel of(
      List<String> inputCols,
      List<String> outputCols,
      List<List<String>> labels,
      StringOrderType stringOrderType,
      HandleInvalid handleInvalid) {
    if (inputCols.isEmpty() || inputCols.size() != outputCols.size()) {
      throw new IllegalArgumentException(
          "Expected as many output columns as input columns (at least one), got "
              + inputCols
              + " and "
              + outputCols);
    }
    if (labels.size() != inputCols.size()) {
      throw new IllegalArgumentException(
          "Expected one label list per input column, got " + labels.size() + " for " + inputCols);
    }
    checkHandleInvalid(handleInvalid);
    List<List<String>> copy = new ArrayList<>();
    for (int c = 0; c < labels.size(); c++) {
      List<String> l = List.copyOf(labels.get(c));
      if (new java.util.HashSet<>(l).size() != l.size()) {
        throw new IllegalArgumentException(
            "Labels of column '" + inputCols.get(c) + "' repeat a value: " + l);
      }
      copy.add(l);
    }
    return new StringIndexerModel(
        List.copyOf(inputCols),
        List.copyOf(outputCols),
        List.copyOf(copy),
        Objects.requireNonNull(stringOrderType),
        handleInvalid);
  }

  /**
   * The model of the label counts {@code counts} (one map per input column, label to count),
   * ordering each column's labels by {@code stringOrderType}: what fitting computes.
   */
  public static StringIndexerModel fromCounts(
      List<String> inputCols,
      List<String> outputCols,
      List<Map<String, Long>> counts,
      StringOrderType stringOrderType,
      HandleInvalid handleInvalid) {
    List<List<String>> labels = new ArrayList<>();
    for (Map<String, Long> c : counts) {
      List<String> l = new ArrayList<>(c.keySet());
      l.sort(stringOrderType.comparator(c));
      labels.add(l);
    }
    return of(inputCols, outputCols, labels, stringOrderType, handleInvalid);
  }

  static void checkHandleInvalid(HandleInvalid handleInvalid) {
    if (Objects.requireNonNull(handleInvalid) == HandleInvalid.IGNORE) {
      throw new IllegalArgumentException(
          "Expected handleInvalid ERROR, SKIP or KEEP for StringIndexer, got IGNORE");
    }
  }

  /** This model with another {@code handleInvalid} (not IGNORE). */
  public StringIndexerModel withHandleInvalid(HandleInvalid handleInvalid) {
    checkHandleInvalid(handleInvalid);
    return new StringIndexerModel(inputCols, outputCols, labels, stringOrderType, handleInvalid);
  }

  /** The input columns. */
  public List<String> inputCols() {
    return inputCols;
  }

  /** The output (index) columns. */
  public List<String> outputCols() {
    return outputCols;
  }

  /** The labels of every input column, in index order. */
  public List<List<String>> labels() {
    return labels;
  }

  /**
   * The labels of input column {@code inputCol}, in index order: what {@code IndexToString} maps
   * indices back to.
   *
   * @throws IllegalArgumentException when the model has no such input column
   */
  public List<String> labels(String inputCol) {
    int c = inputCols.indexOf(inputCol);
    if (c < 0) {
      throw new IllegalArgumentException(
          "StringIndexerModel has no input column '" + inputCol + "'; it has " + inputCols);
    }
    return labels.get(c);
  }

  /** How the labels were ordered. */
  public StringOrderType stringOrderType() {
    return stringOrderType;
  }

  /** What happens to an unseen, null or NaN value. */
  public HandleInvalid handleInvalid() {
    return handleInvalid;
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
   * SchemaMapping m = StringIndexerModel.mapping(List.of("color"), List.of("out"));
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
      fields[i] = Schema.Field.of(outputCols.get(i), Schema.FieldType.DOUBLE);
    }
    return OutputColumns.append(input, fields);
  }

  @Override
  public SkippingBound bind(Schema input) {
    Schema output = outputSchema(input);
    int n = inputCols.size();
    int[] columns = new int[n];
    List<Map<String, Double>> index = new ArrayList<>(n);
    Double[] keepIndex = new Double[n];
    for (int c = 0; c < n; c++) {
      columns[c] = input.indexOf(inputCols.get(c));
      List<String> l = labels.get(c);
      Map<String, Double> m = new HashMap<>(l.size() * 2);
      for (int i = 0; i < l.size(); i++) {
        m.put(l.get(i), (double) i);
      }
      index.add(m);
      keepIndex[c] = (double) l.size();
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
          Double i = key == null ? null : index.get(c).get(key);
          if (i == null) {
            if (skip) {
              return null;
            }
            if (handleInvalid != HandleInvalid.KEEP) {
              throw invalid(inputCols.get(c), value, row, handleInvalid);
            }
            i = keepIndex[c];
          }
          values[c] = i;
        }
        return OutputColumns.row(output, row, values);
      }
    };
  }

  static IllegalArgumentException invalid(
      String column, Object value, Row row, HandleInvalid handleInvalid) {
    String what =
        value == null
            ? "is null"
            : CategoryValues.key(value) == null
                ? "is NaN"
                : "has value '" + value + "', a label not seen when fitting,";
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
                ? "; a pipeline stage cannot drop rows, the StringIndexer transform can)"
                : ")"));
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("inputCols", inputCols.toString());
    p.put("outputCols", outputCols.toString());
    p.put("stringOrderType", stringOrderType.paramValue());
    p.put("handleInvalid", handleInvalid.paramValue());
    List<Integer> sizes = new ArrayList<>();
    for (List<String> l : labels) {
      sizes.add(l.size());
    }
    p.put("numLabels", sizes.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StringIndexerModel m
        && inputCols.equals(m.inputCols)
        && outputCols.equals(m.outputCols)
        && labels.equals(m.labels)
        && stringOrderType == m.stringOrderType
        && handleInvalid == m.handleInvalid;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCols, outputCols, labels, stringOrderType, handleInvalid);
  }

  @Override
  public String toString() {
    return "StringIndexerModel" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link StringIndexerModel}.
   *
   * <pre>{@code
   * StringIndexerModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<StringIndexerModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(StringIndexerModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      StringListCoding.writeStrings(value.inputCols, data);
      StringListCoding.writeStrings(value.outputCols, data);
      StringListCoding.writeStringLists(value.labels, data);
      data.writeByte(value.stringOrderType.ordinal());
      data.writeByte(value.handleInvalid.ordinal());
      data.flush();
    }

    @Override
    public StringIndexerModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "string indexer model");
      DataInputStream data = new DataInputStream(in);
      List<String> inputCols = StringListCoding.readStrings(data);
      List<String> outputCols = StringListCoding.readStrings(data);
      List<List<String>> labels = StringListCoding.readStringLists(data);
      StringOrderType order = StringOrderType.values()[data.readByte()];
      HandleInvalid handleInvalid = HandleInvalid.values()[data.readByte()];
      return new StringIndexerModel(inputCols, outputCols, labels, order, handleInvalid);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
