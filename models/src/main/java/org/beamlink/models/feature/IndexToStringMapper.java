package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;

/**
 * Maps an index column back to labels, as Spark ML's {@code IndexToString}: a numeric {@code
 * inputCol} holding {@code i} (typically a StringIndexer's DOUBLE output or a classifier's
 * prediction) becomes the STRING {@code labels.get(i)} in {@code outputCol}.
 *
 * <p>A null, NaN, non-integer or out-of-range index fails the row with a message naming the column,
 * the value and the row (Spark fails too).
 *
 * <pre>{@code
 * IndexToStringMapper m = IndexToStringMapper.of("colorIndex", "color", List.of("red", "blue"));
 * Row out = m.bind(schema).apply(row); // 1.0 -> "blue"
 * }</pre>
 */
public final class IndexToStringMapper implements Transformer {
  private static final long serialVersionUID = 1L;

  private final String inputCol;
  private final String outputCol;
  private final List<String> labels;

  private IndexToStringMapper(String inputCol, String outputCol, List<String> labels) {
    this.inputCol = inputCol;
    this.outputCol = outputCol;
    this.labels = labels;
  }

  /** Maps index {@code i} of {@code inputCol} to {@code labels.get(i)} in {@code outputCol}. */
  public static IndexToStringMapper of(String inputCol, String outputCol, List<String> labels) {
    return new IndexToStringMapper(
        Objects.requireNonNull(inputCol), Objects.requireNonNull(outputCol), List.copyOf(labels));
  }

  /** The index column. */
  public String inputCol() {
    return inputCol;
  }

  /** The label column. */
  public String outputCol() {
    return outputCol;
  }

  /** The labels, in index order. */
  public List<String> labels() {
    return labels;
  }

  @Override
  public Schema outputSchema(Schema input) {
    if (!input.hasField(inputCol)) {
      throw new IllegalArgumentException(
          "IndexToString: column '"
              + inputCol
              + "' not found; the input has columns "
              + input.getFieldNames());
    }
    Schema.FieldType type = input.getField(inputCol).getType();
    if (!FeatureColumns.isNumeric(type)) {
      throw new IllegalArgumentException(
          "IndexToString: column '" + inputCol + "' has type " + type + "; expected numeric");
    }
    return OutputColumns.append(input, Schema.Field.of(outputCol, Schema.FieldType.STRING));
  }

  @Override
  public Bound bind(Schema input) {
    Schema output = outputSchema(input);
    int column = input.indexOf(inputCol);
    String[] byIndex = labels.toArray(new String[0]);
    return new Bound() {
      @Override
      public Schema outputSchema() {
        return output;
      }

      @Override
      public Row apply(Row row) {
        Object value = row.getValue(column);
        double d = value == null ? Double.NaN : ((Number) value).doubleValue();
        if (!(d >= 0 && d < byIndex.length && d == Math.rint(d))) {
          throw new IllegalArgumentException(
              "IndexToString: column '"
                  + inputCol
                  + "' has value "
                  + value
                  + " in row "
                  + RowText.of(row)
                  + "; expected an integer index in [0, "
                  + byIndex.length
                  + ")");
        }
        return OutputColumns.row(output, row, byIndex[(int) d]);
      }
    };
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("inputCol", inputCol);
    p.put("outputCol", outputCol);
    p.put("labels", labels.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndexToStringMapper m
        && inputCol.equals(m.inputCol)
        && outputCol.equals(m.outputCol)
        && labels.equals(m.labels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCol, outputCol, labels);
  }

  @Override
  public String toString() {
    return "IndexToStringMapper" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link IndexToStringMapper}.
   *
   * <pre>{@code
   * IndexToStringMapper.Coder.of().encode(mapper, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<IndexToStringMapper> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(IndexToStringMapper value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      StringListCoding.writeString(value.inputCol, data);
      StringListCoding.writeString(value.outputCol, data);
      StringListCoding.writeStrings(value.labels, data);
      data.flush();
    }

    @Override
    public IndexToStringMapper decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "index-to-string mapper");
      DataInputStream data = new DataInputStream(in);
      String inputCol = StringListCoding.readString(data);
      String outputCol = StringListCoding.readString(data);
      return new IndexToStringMapper(inputCol, outputCol, StringListCoding.readStrings(data));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
