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
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;

/**
 * Thresholds numbers to 0 or 1, as Spark ML's and scikit-learn's {@code Binarizer}: a value {@code
 * > threshold} becomes 1.0, any other 0.0. Each input column is numeric (its output is a DOUBLE
 * column) or a vector (its output is a vector of the same size). For {@code threshold >= 0} zeros
 * stay zeros and a sparse vector stays sparse; for a negative threshold zeros become 1 and the
 * output is dense.
 *
 * <p>A NaN, in a number or a vector, is an error naming column, value and row (Spark maps it to 0,
 * scikit-learn rejects it; neither 0 nor 1 says "unknown"). A null is an error too. Infinities are
 * ordinary values.
 *
 * <pre>{@code
 * BinarizerMapper b = BinarizerMapper.of(List.of("x", "features"), List.of("x_bin", "features_bin"), 0.5);
 * Row out = b.bind(schema).apply(row);
 * }</pre>
 */
public final class BinarizerMapper implements Transformer {
  private static final long serialVersionUID = 1L;

  private final List<String> inputCols;
  private final List<String> outputCols;
  private final double threshold;

  private BinarizerMapper(List<String> inputCols, List<String> outputCols, double threshold) {
    StageColumns.checkColumnLists(inputCols, outputCols, "Binarizer");
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("Expected a threshold that is a number, got NaN");
    }
    this.inputCols = List.copyOf(inputCols);
    this.outputCols = List.copyOf(outputCols);
    this.threshold = threshold;
  }

  /**
   * Binarizes {@code inputCols.get(i)} into {@code outputCols.get(i)}.
   *
   * @throws IllegalArgumentException for lists of different lengths, no columns, or a NaN threshold
   */
  public static BinarizerMapper of(
      List<String> inputCols, List<String> outputCols, double threshold) {
    return new BinarizerMapper(inputCols, outputCols, threshold);
  }

  /** The numeric or vector columns read. */
  public List<String> inputCols() {
    return inputCols;
  }

  /** The columns appended: DOUBLE for a numeric input, a vector for a vector input. */
  public List<String> outputCols() {
    return outputCols;
  }

  /** Values above it become 1.0. */
  public double threshold() {
    return threshold;
  }

  @Override
  public Schema outputSchema(Schema input) {
    Schema.Field[] fields = new Schema.Field[outputCols.size()];
    for (int i = 0; i < fields.length; i++) {
      String name = inputCols.get(i);
      if (!input.hasField(name)) {
        StageColumns.numericColumn(input, name, "Binarizer");
      }
      Schema.FieldType type = input.getField(name).getType();
      if (VectorLogicalType.isVector(type)) {
        fields[i] = Schema.Field.of(outputCols.get(i), VectorLogicalType.FIELD_TYPE);
      } else if (FeatureColumns.isNumeric(type)) {
        fields[i] = Schema.Field.of(outputCols.get(i), Schema.FieldType.DOUBLE);
      } else {
        throw new IllegalArgumentException(
            "Binarizer: column '" + name + "' has type " + type + "; expected a number or vector");
      }
    }
    return OutputColumns.append(input, fields);
  }

  @Override
  public Bound bind(Schema input) {
    Schema output = outputSchema(input);
    int[] indices = new int[inputCols.size()];
    boolean[] vectors = new boolean[indices.length];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = input.indexOf(inputCols.get(i));
      vectors[i] = VectorLogicalType.isVector(input.getField(indices[i]).getType());
    }
    return new Bound() {
      @Override
      public Schema outputSchema() {
        return output;
      }

      @Override
      public Row apply(Row row) {
        Object[] values = new Object[indices.length];
        for (int i = 0; i < indices.length; i++) {
          String name = inputCols.get(i);
          if (vectors[i]) {
            values[i] =
                binarize(StageColumns.vector(row, indices[i], name, "Binarizer"), name, row);
          } else {
            Object value = row.getValue(indices[i]);
            if (value == null) {
              throw new IllegalArgumentException(
                  "Binarizer: column '" + name + "' is null in row " + RowText.of(row));
            }
            values[i] = binarize(((Number) value).doubleValue(), name, row);
          }
        }
        return OutputColumns.row(output, row, values);
      }
    };
  }

  private double binarize(double x, String name, Row row) {
    if (Double.isNaN(x)) {
      throw new IllegalArgumentException(
          "Binarizer: column '"
              + name
              + "' has value NaN in row "
              + RowText.of(row)
              + "; expected a number");
    }
    return x > threshold ? 1.0 : 0.0;
  }

  private Vector binarize(Vector v, String name, Row row) {
    if (v instanceof SparseVector sparse && threshold >= 0.0) {
      int[] indices = sparse.indices();
      double[] values = sparse.values();
      int kept = 0;
      for (int k = 0; k < indices.length; k++) {
        if (binarize(values[k], name, row) == 1.0) {
          indices[kept] = indices[k];
          values[kept++] = 1.0;
        }
      }
      return Vector.sparse(v.size(), Arrays.copyOf(indices, kept), Arrays.copyOf(values, kept));
    }
    double[] out = v.toArray();
    for (int i = 0; i < out.length; i++) {
      out[i] = binarize(out[i], name, row);
    }
    return Vector.dense(out);
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("inputCols", inputCols.toString());
    p.put("outputCols", outputCols.toString());
    p.put("threshold", Double.toString(threshold));
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BinarizerMapper m
        && inputCols.equals(m.inputCols)
        && outputCols.equals(m.outputCols)
        && Double.compare(threshold, m.threshold) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCols, outputCols, threshold);
  }

  @Override
  public String toString() {
    return "BinarizerMapper" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link BinarizerMapper}.
   *
   * <pre>{@code
   * BinarizerMapper.Coder.of().encode(mapper, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<BinarizerMapper> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(BinarizerMapper value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      StageColumns.writeStrings(value.inputCols, data);
      StageColumns.writeStrings(value.outputCols, data);
      data.writeDouble(value.threshold);
      data.flush();
    }

    @Override
    public BinarizerMapper decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "binarizer");
      DataInputStream data = new DataInputStream(in);
      List<String> inputCols = StageColumns.readStrings(data);
      List<String> outputCols = StageColumns.readStrings(data);
      return new BinarizerMapper(inputCols, outputCols, data.readDouble());
    }

    @Override
    public void verifyDeterministic() {}
  }
}
