package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.codec.digest.MurmurHash3;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;

/**
 * Hashes numeric, STRING and BOOLEAN columns into one sparse vector of {@code numFeatures}
 * coordinates, with exactly Spark ML 3's {@code FeatureHasher} semantics (the hashing trick):
 *
 * <ul>
 *   <li>a numeric column {@code c} (not in {@code categoricalCols}) adds its value at index {@code
 *       nonNegativeMod(murmur3("c"), numFeatures)};
 *   <li>a STRING or BOOLEAN column, or a numeric column in {@code categoricalCols}, adds 1.0 at the
 *       index of {@code murmur3("c=" + value)}, the value as Java's {@code String.valueOf} writes
 *       it ({@code "true"}, {@code "3"}, {@code "3.0"});
 *   <li>values that land on the same index are summed; coordinates that sum to zero are not stored.
 * </ul>
 *
 * <p>{@code murmur3} is MurmurHash3 x86_32 (seed 42) of the UTF-8 bytes, which is Spark's {@code
 * Murmur3_x86_32.hashUnsafeBytes2}; this class uses commons-codec's {@code MurmurHash3.hash32x86}.
 * Null values are skipped (they add nothing), as Spark; a NaN or infinite number is added as it is,
 * as Spark.
 *
 * <pre>{@code
 * FeatureHasherMapper m = FeatureHasherMapper.of(List.of("age", "city"), "features", 1 << 18, List.of());
 * Row out = m.bind(schema).apply(row); // sparse vector with age's value and a 1.0 for city=...
 * }</pre>
 */
public final class FeatureHasherMapper implements Transformer {
  private static final long serialVersionUID = 1L;

  /** Spark's default number of features, 2^18. */
  public static final int DEFAULT_NUM_FEATURES = 1 << 18;

  /** Spark's seed for the feature hash. */
  static final int SEED = 42;

  private static final int NUMERIC = 0;
  private static final int BOOLEAN = 1;
  private static final int STRING = 2;
  private static final int CATEGORICAL_NUMBER = 3;

  private final List<String> inputCols;
  private final String outputCol;
  private final int numFeatures;
  private final List<String> categoricalCols;

  private FeatureHasherMapper(
      List<String> inputCols, String outputCol, int numFeatures, List<String> categoricalCols) {
    this.inputCols = inputCols;
    this.outputCol = outputCol;
    this.numFeatures = numFeatures;
    this.categoricalCols = categoricalCols;
  }

  /**
   * Hashes {@code inputCols} into {@code numFeatures} coordinates of {@code outputCol}; the numeric
   * columns in {@code categoricalCols} are hashed as categories.
   *
   * @throws IllegalArgumentException for no input columns, repeated ones, {@code numFeatures < 1}
   *     or a categorical column that is not an input column
   */
  public static FeatureHasherMapper of(
      List<String> inputCols, String outputCol, int numFeatures, List<String> categoricalCols) {
    if (inputCols.isEmpty()) {
      throw new IllegalArgumentException("Expected at least one input column, got none");
    }
    if (inputCols.stream().distinct().count() != inputCols.size()) {
      throw new IllegalArgumentException("Expected distinct input columns, got " + inputCols);
    }
    if (numFeatures < 1) {
      throw new IllegalArgumentException("Expected numFeatures >= 1, got " + numFeatures);
    }
    for (String c : categoricalCols) {
      if (!inputCols.contains(c)) {
        throw new IllegalArgumentException(
            "Categorical column '" + c + "' is not one of the input columns " + inputCols);
      }
    }
    return new FeatureHasherMapper(
        List.copyOf(inputCols),
        Objects.requireNonNull(outputCol),
        numFeatures,
        List.copyOf(categoricalCols));
  }

  /** The input columns. */
  public List<String> inputCols() {
    return inputCols;
  }

  /** The output vector column. */
  public String outputCol() {
    return outputCol;
  }

  /** The size of the output vectors. */
  public int numFeatures() {
    return numFeatures;
  }

  /** The numeric columns hashed as categories. */
  public List<String> categoricalCols() {
    return categoricalCols;
  }

  /**
   * The index Spark's FeatureHasher gives {@code term} ({@code "column"} for a numeric column,
   * {@code "column=value"} for a category) in vectors of {@code numFeatures}.
   */
  public static int indexOf(String term, int numFeatures) {
    byte[] bytes = term.getBytes(StandardCharsets.UTF_8);
    return Math.floorMod(MurmurHash3.hash32x86(bytes, 0, bytes.length, SEED), numFeatures);
  }

  @Override
  public Schema outputSchema(Schema input) {
    for (String c : inputCols) {
      kind(input, c);
    }
    return OutputColumns.append(input, Schema.Field.of(outputCol, VectorLogicalType.FIELD_TYPE));
  }

  private int kind(Schema input, String c) {
    if (!input.hasField(c)) {
      throw new IllegalArgumentException(
          "FeatureHasher: column '"
              + c
              + "' not found; the input has columns "
              + input.getFieldNames());
    }
    Schema.FieldType type = input.getField(c).getType();
    if (FeatureColumns.isNumeric(type)) {
      return categoricalCols.contains(c) ? CATEGORICAL_NUMBER : NUMERIC;
    }
    if (type.getTypeName() == Schema.TypeName.BOOLEAN) {
      return BOOLEAN;
    }
    if (type.getTypeName() == Schema.TypeName.STRING) {
      return STRING;
    }
    throw new IllegalArgumentException(
        "FeatureHasher: column '"
            + c
            + "' has type "
            + type
            + "; expected a numeric, STRING or BOOLEAN column");
  }

  @Override
  public Bound bind(Schema input) {
    Schema output = outputSchema(input);
    int m = inputCols.size();
    int[] columns = new int[m];
    int[] kinds = new int[m];
    // Per column: the index of a numeric column, or of "c=true" / "c=false".
    int[] fixedIndex = new int[m];
    int[] falseIndex = new int[m];
    byte[][] prefixes = new byte[m][];
    // Numeric columns first, by their fixed index: the (index, value) pairs of a row then come
    // nearly sorted and the insertion sort in Scratch.toVector is linear. Equal indices keep the
    // column order, so colliding values are summed in the same order as before.
    Integer[] order = new Integer[m];
    for (int c = 0; c < m; c++) {
      order[c] = c;
    }
    java.util.Arrays.sort(
        order,
        java.util.Comparator.comparingInt(
            (Integer c) ->
                kind(input, inputCols.get(c)) == NUMERIC
                    ? indexOf(inputCols.get(c), numFeatures)
                    : Integer.MAX_VALUE));
    for (int c = 0; c < m; c++) {
      String name = inputCols.get(order[c]);
      columns[c] = input.indexOf(name);
      kinds[c] = kind(input, name);
      prefixes[c] = (name + "=").getBytes(StandardCharsets.UTF_8);
      if (kinds[c] == NUMERIC) {
        fixedIndex[c] = indexOf(name, numFeatures);
      } else if (kinds[c] == BOOLEAN) {
        fixedIndex[c] = indexOf(name + "=true", numFeatures);
        falseIndex[c] = indexOf(name + "=false", numFeatures);
      }
    }
    ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(() -> new Scratch(m));
    return new Bound() {
      @Override
      public Schema outputSchema() {
        return output;
      }

      @Override
      public Row apply(Row row) {
        Scratch s = scratch.get();
        int[] idx = s.indices;
        double[] val = s.values;
        int k = 0;
        for (int c = 0; c < m; c++) {
          Object value = row.getValue(columns[c]);
          if (value == null) {
            continue;
          }
          switch (kinds[c]) {
            case NUMERIC -> {
              idx[k] = fixedIndex[c];
              val[k] = ((Number) value).doubleValue();
            }
            case BOOLEAN -> {
              idx[k] = (Boolean) value ? fixedIndex[c] : falseIndex[c];
              val[k] = 1.0;
            }
            case STRING -> {
              idx[k] = s.hash(prefixes[c], (String) value, numFeatures);
              val[k] = 1.0;
            }
            default -> {
              idx[k] = s.hash(prefixes[c], value.toString(), numFeatures);
              val[k] = 1.0;
            }
          }
          k++;
        }
        return OutputColumns.row(output, row, s.toVector(k, numFeatures));
      }
    };
  }

  /**
   * One thread's working arrays, so that hashing a row allocates only the output vector: the
   * (index, value) pairs and the bytes of a term.
   */
  private static final class Scratch {
    final int[] indices;
    final double[] values;
    byte[] bytes = new byte[64];

    Scratch(int m) {
      indices = new int[m];
      values = new double[m];
    }

    /** The index of the UTF-8 bytes of {@code prefix + value}. */
    int hash(byte[] prefix, String value, int numFeatures) {
      int max = prefix.length + 3 * value.length();
      if (bytes.length < max) {
        bytes = new byte[Math.max(max, 2 * bytes.length)];
      }
      System.arraycopy(prefix, 0, bytes, 0, prefix.length);
      int n = encodeUtf8(value, bytes, prefix.length);
      return Math.floorMod(MurmurHash3.hash32x86(bytes, 0, n, SEED), numFeatures);
    }

    /** Sorts the first {@code k} pairs by index, sums repeats, drops zeros: the vector. */
    Vector toVector(int k, int size) {
      for (int i = 1; i < k; i++) {
        int ix = indices[i];
        double v = values[i];
        int j = i - 1;
        while (j >= 0 && indices[j] > ix) {
          indices[j + 1] = indices[j];
          values[j + 1] = values[j];
          j--;
        }
        indices[j + 1] = ix;
        values[j + 1] = v;
      }
      int nnz = 0;
      for (int i = 0; i < k; i++) {
        if (nnz > 0 && indices[nnz - 1] == indices[i]) {
          values[nnz - 1] += values[i];
        } else {
          indices[nnz] = indices[i];
          values[nnz] = values[i];
          nnz++;
        }
      }
      int kept = 0;
      for (int i = 0; i < nnz; i++) {
        if (values[i] != 0.0) {
          indices[kept] = indices[i];
          values[kept] = values[i];
          kept++;
        }
      }
      return Vector.sparseOwning(size, Arrays.copyOf(indices, kept), Arrays.copyOf(values, kept));
    }
  }

  /**
   * Writes the UTF-8 bytes of {@code s} into {@code out} from {@code offset} (room for 3 bytes a
   * char is the caller's); returns the end. An unpaired surrogate becomes '?', as {@code
   * String.getBytes(UTF_8)} does.
   */
  static int encodeUtf8(String s, byte[] out, int offset) {
    int p = offset;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char ch = s.charAt(i);
      if (ch < 0x80) {
        out[p++] = (byte) ch;
      } else if (ch < 0x800) {
        out[p++] = (byte) (0xC0 | (ch >> 6));
        out[p++] = (byte) (0x80 | (ch & 0x3F));
      } else if (Character.isSurrogate(ch)) {
        if (Character.isHighSurrogate(ch)
            && i + 1 < len
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(ch, s.charAt(++i));
          out[p++] = (byte) (0xF0 | (cp >> 18));
          out[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          out[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          out[p++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          out[p++] = (byte) '?';
        }
      } else {
        out[p++] = (byte) (0xE0 | (ch >> 12));
        out[p++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
        out[p++] = (byte) (0x80 | (ch & 0x3F));
      }
    }
    return p;
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("inputCols", inputCols.toString());
    p.put("outputCol", outputCol);
    p.put("numFeatures", Integer.toString(numFeatures));
    p.put("categoricalCols", categoricalCols.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureHasherMapper f
        && inputCols.equals(f.inputCols)
        && outputCol.equals(f.outputCol)
        && numFeatures == f.numFeatures
        && categoricalCols.equals(f.categoricalCols);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCols, outputCol, numFeatures, categoricalCols);
  }

  @Override
  public String toString() {
    return "FeatureHasherMapper" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link FeatureHasherMapper}.
   *
   * <pre>{@code
   * FeatureHasherMapper.Coder.of().encode(mapper, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<FeatureHasherMapper> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(FeatureHasherMapper value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      StringListCoding.writeStrings(value.inputCols, data);
      StringListCoding.writeString(value.outputCol, data);
      data.writeInt(value.numFeatures);
      StringListCoding.writeStrings(value.categoricalCols, data);
      data.flush();
    }

    @Override
    public FeatureHasherMapper decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "feature hasher");
      DataInputStream data = new DataInputStream(in);
      List<String> inputCols = StringListCoding.readStrings(data);
      String outputCol = StringListCoding.readString(data);
      int numFeatures = data.readInt();
      return new FeatureHasherMapper(
          inputCols, outputCol, numFeatures, StringListCoding.readStrings(data));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
