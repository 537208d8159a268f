package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.SchemaMapping;

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
public final class OneHotEncoderModel extends CategoricalModel<Vector> {
  private static final long serialVersionUID = 1L;
  private static final String STAGE = "OneHotEncoder";

  private final boolean dropLast;

  private OneHotEncoderModel(
      List<String> inputCols,
      List<String> outputCols,
      List<List<String>> categories,
      boolean dropLast,
      HandleInvalid handleInvalid) {
    super(inputCols, outputCols, categories, handleInvalid);
    this.dropLast = dropLast;
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
    return new OneHotEncoderModel(
        List.copyOf(inputCols),
        List.copyOf(outputCols),
        checkedValues(inputCols, outputCols, categories, "category", "Categories", false),
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

  /** The categories of every input column, in slot order. */
  public List<List<String>> categories() {
    return values;
  }

  /** Whether the last slot is dropped. */
  public boolean dropLast() {
    return dropLast;
  }

  /** The size of the vector of input column {@code c} (0-based). */
  public int vectorSize(int c) {
    return values.get(c).size()
        + (handleInvalid == HandleInvalid.KEEP ? 1 : 0)
        - (dropLast ? 1 : 0);
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
    return input -> outputSchema(in, out, input, STAGE, VectorLogicalType.FIELD_TYPE);
  }

  @Override
  String stageName() {
    return STAGE;
  }

  @Override
  String singular() {
    return "category";
  }

  @Override
  String plural() {
    return "Categories";
  }

  @Override
  Schema.FieldType outputType() {
    return VectorLogicalType.FIELD_TYPE;
  }

  /** A 1.0 at {@code slot}, or all zeros when {@code slot} was dropped (or is the ignore slot). */
  @Override
  Vector encoding(int column, int slot) {
    int size = vectorSize(column);
    return slot < size
        ? Vector.sparse(size, new int[] {slot}, new double[] {1.0})
        : Vector.sparse(size, new int[0], new double[0]);
  }

  @Override
  void addParameters(Map<String, String> p) {
    p.put("dropLast", Boolean.toString(dropLast));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OneHotEncoderModel m && sameFit(m) && dropLast == m.dropLast;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCols, outputCols, values, dropLast, handleInvalid);
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
      StringListCoding.writeStringLists(value.values, data);
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
