package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.pipeline.SchemaMapping;

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
public final class StringIndexerModel extends CategoricalModel<Double> {
  private static final long serialVersionUID = 1L;
  private static final String STAGE = "StringIndexer";

  private final StringOrderType stringOrderType;

  private StringIndexerModel(
      List<String> inputCols,
      List<String> outputCols,
      List<List<String>> labels,
      StringOrderType stringOrderType,
      HandleInvalid handleInvalid) {
    super(inputCols, outputCols, labels, handleInvalid);
    this.stringOrderType = stringOrderType;
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
    List<List<String>> checked =
        checkedValues(inputCols, outputCols, labels, "label", "Labels", true);
    checkHandleInvalid(handleInvalid);
    return new StringIndexerModel(
        List.copyOf(inputCols),
        List.copyOf(outputCols),
        checked,
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

  private static void checkHandleInvalid(HandleInvalid handleInvalid) {
    if (Objects.requireNonNull(handleInvalid) == HandleInvalid.IGNORE) {
      throw new IllegalArgumentException(
          "Expected handleInvalid ERROR, SKIP or KEEP for StringIndexer, got IGNORE");
    }
  }

  /** This model with another {@code handleInvalid} (not IGNORE). */
  public StringIndexerModel withHandleInvalid(HandleInvalid handleInvalid) {
    checkHandleInvalid(handleInvalid);
    return new StringIndexerModel(inputCols, outputCols, values, stringOrderType, handleInvalid);
  }

  /** The labels of every input column, in index order. */
  public List<List<String>> labels() {
    return values;
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
    return values.get(c);
  }

  /** How the labels were ordered. */
  public StringOrderType stringOrderType() {
    return stringOrderType;
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
    return input -> outputSchema(in, out, input, STAGE, Schema.FieldType.DOUBLE);
  }

  @Override
  String stageName() {
    return STAGE;
  }

  @Override
  String singular() {
    return "label";
  }

  @Override
  String plural() {
    return "Labels";
  }

  @Override
  Schema.FieldType outputType() {
    return Schema.FieldType.DOUBLE;
  }

  /** The slot itself: KEEP's index for an invalid value is the number of labels. */
  @Override
  Double encoding(int column, int slot) {
    return (double) slot;
  }

  @Override
  void addParameters(Map<String, String> p) {
    p.put("stringOrderType", stringOrderType.paramValue());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StringIndexerModel m && sameFit(m) && stringOrderType == m.stringOrderType;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCols, outputCols, values, stringOrderType, handleInvalid);
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
      StringListCoding.writeStringLists(value.values, data);
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
