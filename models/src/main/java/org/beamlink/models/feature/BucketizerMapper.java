package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;

/**
 * Maps numbers to bucket indices, as Spark ML's {@code Bucketizer}: with splits {@code s_0 < s_1 <
 * ... < s_n}, bucket {@code i} holds {@code [s_i, s_{i+1})}, and the last bucket also holds {@code
 * s_n}. Each numeric input column has its own splits; its output is a DOUBLE column holding the
 * bucket index (a double, as in Spark). Splits may start at {@code -Infinity} and end at {@code
 * +Infinity} to catch every number.
 *
 * <p>A value is invalid when it is null, NaN or outside {@code [s_0, s_n]}. {@code handleInvalid}
 * says what happens to it:
 *
 * <ul>
 *   <li>{@link HandleInvalid#ERROR}: an error naming column, value and row (the default).
 *   <li>{@link HandleInvalid#KEEP}: the extra bucket {@code n} (Spark keeps only NaN this way).
 *   <li>{@link HandleInvalid#SKIP}: the row is dropped by the {@code Bucketizer} transform (through
 *       {@link SkippingBound#applyOrSkip}). A stage applied row by row (in a pipeline model, by
 *       {@code ApplyModel}) cannot drop a row, so there the row fails as with {@code ERROR}; use
 *       {@code withFailures()} to set such rows aside.
 * </ul>
 *
 * <pre>{@code
 * BucketizerMapper b = BucketizerMapper.of(List.of("age"), List.of("age_bucket"),
 *     List.of(new double[] {0, 18, 65, Double.POSITIVE_INFINITY}), HandleInvalid.KEEP);
 * Row out = b.bind(schema).apply(row);
 * }</pre>
 */
public final class BucketizerMapper implements Transformer {
  private static final long serialVersionUID = 1L;

  private final List<String> inputCols;
  private final List<String> outputCols;
  private final List<double[]> splits;
  private final HandleInvalid handleInvalid;

  private BucketizerMapper(
      List<String> inputCols,
      List<String> outputCols,
      List<double[]> splits,
      HandleInvalid handleInvalid) {
    StageColumns.checkColumnLists(inputCols, outputCols, "Bucketizer");
    if (splits.size() != inputCols.size()) {
      throw new IllegalArgumentException(
          "Bucketizer: expected one array of splits per input column "
              + inputCols
              + ", got "
              + splits.size());
    }
    List<double[]> copies = new ArrayList<>();
    for (double[] s : splits) {
      checkSplits(s);
      copies.add(s.clone());
    }
    this.inputCols = List.copyOf(inputCols);
    this.outputCols = List.copyOf(outputCols);
    this.splits = List.copyOf(copies);
    if (handleInvalid == HandleInvalid.IGNORE) {
      throw new IllegalArgumentException(
          "Bucketizer: expected handleInvalid ERROR, SKIP or KEEP, got IGNORE");
    }
    this.handleInvalid = Objects.requireNonNull(handleInvalid);
  }

  /**
   * Checks that {@code splits} has at least two values, strictly increasing, none NaN.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static void checkSplits(double[] splits) {
    if (splits.length < 2) {
      throw new IllegalArgumentException(
          "Expected at least 2 splits, got " + Arrays.toString(splits));
    }
    for (int i = 0; i < splits.length; i++) {
      if (Double.isNaN(splits[i]) || (i > 0 && !(splits[i - 1] < splits[i]))) {
        throw new IllegalArgumentException(
            "Expected strictly increasing splits without NaN, got " + Arrays.toString(splits));
      }
    }
  }

  /**
   * Buckets {@code inputCols.get(i)} by {@code splits.get(i)} into {@code outputCols.get(i)}.
   *
   * @throws IllegalArgumentException for lists of different lengths, no columns, or bad splits
   */
  public static BucketizerMapper of(
      List<String> inputCols,
      List<String> outputCols,
      List<double[]> splits,
      HandleInvalid handleInvalid) {
    return new BucketizerMapper(inputCols, outputCols, splits, handleInvalid);
  }

  /** The numeric columns read. */
  public List<String> inputCols() {
    return inputCols;
  }

  /** The DOUBLE bucket-index columns appended. */
  public List<String> outputCols() {
    return outputCols;
  }

  /** The splits of each input column (copies). */
  public List<double[]> splits() {
    List<double[]> copies = new ArrayList<>();
    for (double[] s : splits) {
      copies.add(s.clone());
    }
    return copies;
  }

  /** What happens to invalid values. */
  public HandleInvalid handleInvalid() {
    return handleInvalid;
  }

  /**
   * The bucket of {@code x} for {@code splits}, or -1 when {@code x} is NaN or out of range. Bucket
   * {@code i} is {@code [s_i, s_{i+1})}; the last one includes its upper bound.
   */
  public static int bucket(double[] splits, double x) {
    int last = splits.length - 1;
    if (Double.isNaN(x) || x < splits[0] || x > splits[last]) {
      return -1;
    }
    if (x == splits[last]) {
      return last - 1;
    }
    int found = Arrays.binarySearch(splits, x);
    // An exact hit on s_i is bucket i; otherwise the insertion point minus one.
    return found >= 0 ? found : -found - 2;
  }

  @Override
  public Schema outputSchema(Schema input) {
    Schema.Field[] fields = new Schema.Field[outputCols.size()];
    for (int i = 0; i < fields.length; i++) {
      StageColumns.numericColumn(input, inputCols.get(i), "Bucketizer");
      fields[i] = Schema.Field.of(outputCols.get(i), Schema.FieldType.DOUBLE);
    }
    return OutputColumns.append(input, fields);
  }

  @Override
  public SkippingBound bind(Schema input) {
    Schema output = outputSchema(input);
    int[] indices = new int[inputCols.size()];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = input.indexOf(inputCols.get(i));
    }
    return new Bound(output, indices);
  }

  /** The bucketizer checked against one input schema. */
  private final class Bound implements SkippingBound {
    private final Schema output;
    private final int[] indices;

    private Bound(Schema output, int[] indices) {
      this.output = output;
      this.indices = indices;
    }

    @Override
    public Schema outputSchema() {
      return output;
    }

    @Override
    public Row applyOrSkip(Row row) {
      return handleInvalid == HandleInvalid.SKIP && !isValid(row) ? null : apply(row);
    }

    private boolean isValid(Row row) {
      for (int i = 0; i < indices.length; i++) {
        Object value = row.getValue(indices[i]);
        if (value == null || bucket(splits.get(i), ((Number) value).doubleValue()) < 0) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Row apply(Row row) {
      Object[] values = new Object[indices.length];
      for (int i = 0; i < indices.length; i++) {
        double[] s = splits.get(i);
        Object value = row.getValue(indices[i]);
        int b = value == null ? -1 : bucket(s, ((Number) value).doubleValue());
        if (b < 0) {
          if (handleInvalid != HandleInvalid.KEEP) {
            throw new IllegalArgumentException(
                "Bucketizer: column '"
                    + inputCols.get(i)
                    + "' has value "
                    + value
                    + " outside the splits "
                    + Arrays.toString(s)
                    + " (null and NaN included) in row "
                    + RowText.of(row)
                    + (handleInvalid == HandleInvalid.SKIP
                        ? "; a stage applied row by row cannot skip rows"
                        : "; use handleInvalid KEEP or SKIP to accept it"));
          }
          b = s.length - 1;
        }
        values[i] = (double) b;
      }
      return OutputColumns.row(output, row, values);
    }
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("inputCols", inputCols.toString());
    p.put("outputCols", outputCols.toString());
    p.put("splits", splits.stream().map(Arrays::toString).toList().toString());
    p.put("handleInvalid", handleInvalid.name());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BucketizerMapper m)
        || !inputCols.equals(m.inputCols)
        || !outputCols.equals(m.outputCols)
        || handleInvalid != m.handleInvalid) {
      return false;
    }
    for (int i = 0; i < splits.size(); i++) {
      if (!Arrays.equals(splits.get(i), m.splits.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(inputCols, outputCols, handleInvalid);
    for (double[] s : splits) {
      h = 31 * h + Arrays.hashCode(s);
    }
    return h;
  }

  @Override
  public String toString() {
    return "BucketizerMapper" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link BucketizerMapper}.
   *
   * <pre>{@code
   * BucketizerMapper.Coder.of().encode(mapper, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<BucketizerMapper> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(BucketizerMapper value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      StageColumns.writeStrings(value.inputCols, data);
      StageColumns.writeStrings(value.outputCols, data);
      data.writeUTF(value.handleInvalid.name());
      data.flush();
      for (double[] s : value.splits) {
        ArrayEncoding.writeDoubles(s, out);
      }
    }

    @Override
    public BucketizerMapper decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "bucketizer");
      DataInputStream data = new DataInputStream(in);
      List<String> inputCols = StageColumns.readStrings(data);
      List<String> outputCols = StageColumns.readStrings(data);
      HandleInvalid handleInvalid = HandleInvalid.valueOf(data.readUTF());
      List<double[]> splits = new ArrayList<>();
      for (int i = 0; i < inputCols.size(); i++) {
        splits.add(ArrayEncoding.readDoubles(in));
      }
      return new BucketizerMapper(inputCols, outputCols, splits, handleInvalid);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
