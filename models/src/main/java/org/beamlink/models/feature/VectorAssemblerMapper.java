package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
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
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Concatenates numeric and vector columns into one vector column, as Spark ML's {@code
 * VectorAssembler}: a numeric column adds one coordinate, a vector column all of its coordinates,
 * in {@code inputCols} order.
 *
 * <p>The output is sparse when that is smaller, with Spark's rule ({@code Vector.compressed}): with
 * {@code nnz} nonzeros out of {@code size}, sparse when {@code 1.5 * (nnz + 1) < size}, else dense.
 *
 * <p>Invalid values, as Spark: a null in any input column, or NaN in a numeric column. NaN and
 * infinities inside a vector and infinite numbers are copied as they are. {@link
 * HandleInvalid#ERROR} (default) fails the row naming column and row; {@link HandleInvalid#KEEP}
 * writes NaN for a null or NaN number, but still fails on a null vector (its size is unknown, as in
 * Spark without a size hint); {@link HandleInvalid#SKIP} makes the {@code VectorAssembler}
 * transform drop the row, and fails it in {@code apply} (a bound stage maps every row to one row).
 *
 * <pre>{@code
 * VectorAssemblerMapper m = VectorAssemblerMapper.of(List.of("x", "embedding"), "features", HandleInvalid.ERROR);
 * Row out = m.bind(schema).apply(row); // features = (x, embedding...)
 * }</pre>
 */
public final class VectorAssemblerMapper implements Transformer {
  private static final long serialVersionUID = 1L;

  private final List<String> inputCols;
  private final String outputCol;
  private final HandleInvalid handleInvalid;

  private VectorAssemblerMapper(
      List<String> inputCols, String outputCol, HandleInvalid handleInvalid) {
    this.inputCols = inputCols;
    this.outputCol = outputCol;
    this.handleInvalid = handleInvalid;
  }

  /**
   * Assembles {@code inputCols} into {@code outputCol}.
   *
   * @throws IllegalArgumentException for no input columns or {@link HandleInvalid#IGNORE}
   */
  public static VectorAssemblerMapper of(
      List<String> inputCols, String outputCol, HandleInvalid handleInvalid) {
    if (inputCols.isEmpty()) {
      throw new IllegalArgumentException("Expected at least one input column, got none");
    }
    if (Objects.requireNonNull(handleInvalid) == HandleInvalid.IGNORE) {
      throw new IllegalArgumentException(
          "Expected handleInvalid ERROR, SKIP or KEEP for VectorAssembler, got IGNORE");
    }
    return new VectorAssemblerMapper(
        List.copyOf(inputCols), Objects.requireNonNull(outputCol), handleInvalid);
  }

  /** The input columns. */
  public List<String> inputCols() {
    return inputCols;
  }

  /** The output vector column. */
  public String outputCol() {
    return outputCol;
  }

  /** What happens to a null or NaN. */
  public HandleInvalid handleInvalid() {
    return handleInvalid;
  }

  @Override
  public Schema outputSchema(Schema input) {
    for (String c : inputCols) {
      if (!input.hasField(c)) {
        throw new IllegalArgumentException(
            "VectorAssembler: column '"
                + c
                + "' not found; the input has columns "
                + input.getFieldNames());
      }
      Schema.FieldType type = input.getField(c).getType();
      if (!FeatureColumns.isNumeric(type) && !VectorLogicalType.isVector(type)) {
        throw new IllegalArgumentException(
            "VectorAssembler: column '"
                + c
                + "' has type "
                + type
                + "; expected a numeric or vector column");
      }
    }
    return OutputColumns.append(input, Schema.Field.of(outputCol, VectorLogicalType.FIELD_TYPE));
  }

  @Override
  public SkippingBound bind(Schema input) {
    Schema output = outputSchema(input);
    int n = inputCols.size();
    int[] columns = new int[n];
    boolean[] isVector = new boolean[n];
    for (int c = 0; c < n; c++) {
      columns[c] = input.indexOf(inputCols.get(c));
      isVector[c] = VectorLogicalType.isVector(input.getField(columns[c]).getType());
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
        Coordinates out = new Coordinates(n);
        for (int c = 0; c < n; c++) {
          if (isVector[c]) {
            Vector v = row.getLogicalTypeValue(columns[c], Vector.class);
            if (v == null) {
              if (skip) {
                return null;
              }
              throw invalid(c, "is null", row);
            }
            out.add(v);
          } else {
            Object value = row.getValue(columns[c]);
            double d = value == null ? Double.NaN : ((Number) value).doubleValue();
            if (Double.isNaN(d) && handleInvalid != HandleInvalid.KEEP) {
              if (skip) {
                return null;
              }
              throw invalid(c, value == null ? "is null" : "is NaN", row);
            }
            out.add(d);
          }
        }
        return OutputColumns.row(output, row, out.toVector());
      }
    };
  }

  private IllegalArgumentException invalid(int c, String what, Row row) {
    boolean nullVector = handleInvalid == HandleInvalid.KEEP;
    return new IllegalArgumentException(
        "VectorAssembler: column '"
            + inputCols.get(c)
            + "' "
            + what
            + " in row "
            + RowText.of(row)
            + " (handleInvalid="
            + handleInvalid.paramValue()
            + (nullVector
                ? "; a null vector cannot be kept, its size is unknown)"
                : handleInvalid == HandleInvalid.SKIP
                    ? "; a pipeline stage cannot drop rows, the VectorAssembler transform can)"
                    : ")"));
  }

  /** The nonzero coordinates of the assembled vector, and its size so far. */
  private static final class Coordinates {
    private int[] indices;
    private double[] values;
    private int nnz;
    private int size;

    Coordinates(int capacity) {
      indices = new int[capacity];
      values = new double[capacity];
    }

    void add(double v) {
      if (v != 0.0) {
        put(size, v);
      }
      size++;
    }

    void add(Vector v) {
      int offset = size;
      v.forEachNonzero(
          (i, x) -> {
            if (x != 0.0) {
              put(offset + i, x);
            }
          });
      size += v.size();
    }

    private void put(int index, double v) {
      if (nnz == indices.length) {
        indices = Arrays.copyOf(indices, 2 * nnz + 1);
        values = Arrays.copyOf(values, 2 * nnz + 1);
      }
      indices[nnz] = index;
      values[nnz] = v;
      nnz++;
    }

    /** Sparse when that is smaller, as Spark's {@code Vector.compressed}. */
    Vector toVector() {
      if (1.5 * (nnz + 1.0) < size) {
        return Vector.sparse(size, Arrays.copyOf(indices, nnz), Arrays.copyOf(values, nnz));
      }
      double[] dense = new double[size];
      for (int k = 0; k < nnz; k++) {
        dense[indices[k]] = values[k];
      }
      return Vector.dense(dense);
    }
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("inputCols", inputCols.toString());
    p.put("outputCol", outputCol);
    p.put("handleInvalid", handleInvalid.paramValue());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VectorAssemblerMapper m
        && inputCols.equals(m.inputCols)
        && outputCol.equals(m.outputCol)
        && handleInvalid == m.handleInvalid;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCols, outputCol, handleInvalid);
  }

  @Override
  public String toString() {
    return "VectorAssemblerMapper" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link VectorAssemblerMapper}.
   *
   * <pre>{@code
   * VectorAssemblerMapper.Coder.of().encode(mapper, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<VectorAssemblerMapper> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(VectorAssemblerMapper value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      StringListCoding.writeStrings(value.inputCols, data);
      StringListCoding.writeString(value.outputCol, data);
      data.writeByte(value.handleInvalid.ordinal());
      data.flush();
    }

    @Override
    public VectorAssemblerMapper decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "vector assembler");
      DataInputStream data = new DataInputStream(in);
      List<String> inputCols = StringListCoding.readStrings(data);
      String outputCol = StringListCoding.readString(data);
      HandleInvalid handleInvalid = HandleInvalid.values()[data.readByte()];
      return new VectorAssemblerMapper(inputCols, outputCol, handleInvalid);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
