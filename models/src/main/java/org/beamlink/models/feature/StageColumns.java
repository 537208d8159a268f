package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.RowText;

/** Column checks and reads shared by the feature stages, with messages naming stage and column. */
final class StageColumns {
  private StageColumns() {}

  /** At most this many values of an array in a model file's header. */
  static final int PREVIEW = 16;

  /**
   * An array for a model file's header: all of it when short, else its first values and its length,
   * so that a model of 2^18 coordinates keeps a header of a few lines.
   */
  static String preview(double[] values) {
    if (values.length <= PREVIEW) {
      return java.util.Arrays.toString(values);
    }
    return java.util.Arrays.toString(java.util.Arrays.copyOf(values, PREVIEW))
            .replace("]", ", ...]")
        + " ("
        + values.length
        + " values)";
  }

  /** As {@link #preview(double[])}, for indices. */
  static String preview(int[] values) {
    if (values.length <= PREVIEW) {
      return java.util.Arrays.toString(values);
    }
    return java.util.Arrays.toString(java.util.Arrays.copyOf(values, PREVIEW))
            .replace("]", ", ...]")
        + " ("
        + values.length
        + " values)";
  }

  /** The index of vector column {@code name} in {@code schema}. */
  static int vectorColumn(Schema schema, String name, String stage) {
    FieldType type = field(schema, name, stage).getType();
    if (!VectorLogicalType.isVector(type)) {
      throw new IllegalArgumentException(
          stage + ": column '" + name + "' has type " + type + "; expected a vector column");
    }
    return schema.indexOf(name);
  }

  /** The index of numeric column {@code name} in {@code schema}. */
  static int numericColumn(Schema schema, String name, String stage) {
    FieldType type = field(schema, name, stage).getType();
    if (!FeatureColumns.isNumeric(type)) {
      throw new IllegalArgumentException(
          stage + ": column '" + name + "' has type " + type + "; expected a numeric column");
    }
    return schema.indexOf(name);
  }

  private static Schema.Field field(Schema schema, String name, String stage) {
    if (!schema.hasField(name)) {
      throw new IllegalArgumentException(
          stage
              + ": column '"
              + name
              + "' not found; the input has columns "
              + schema.getFieldNames());
    }
    return schema.getField(name);
  }

  /** The vector in column {@code index} of {@code row}; a null is an error. */
  static Vector vector(Row row, int index, String name, String stage) {
    Vector v = row.getLogicalTypeValue(index, Vector.class);
    if (v == null) {
      throw new IllegalArgumentException(
          stage + ": vector column '" + name + "' is null in row " + RowText.of(row));
    }
    return v;
  }

  /** Checks that {@code v} has {@code size} coordinates. */
  static void checkSize(Vector v, int size, String name, String stage, Row row) {
    if (v.size() != size) {
      throw new IllegalArgumentException(
          stage
              + ": vector column '"
              + name
              + "' has size "
              + v.size()
              + " but the stage was fitted on size "
              + size
              + ", in row "
              + RowText.of(row));
    }
  }

  /** Checks that a list of input columns and its list of output columns are usable together. */
  static void checkColumnLists(List<String> inputCols, List<String> outputCols, String stage) {
    if (inputCols.isEmpty()) {
      throw new IllegalArgumentException(stage + ": expected at least one input column, got none");
    }
    if (inputCols.size() != outputCols.size()) {
      throw new IllegalArgumentException(
          stage
              + ": expected as many output columns as input columns "
              + inputCols
              + ", got "
              + outputCols);
    }
  }

  static void writeStrings(List<String> values, DataOutputStream out) throws IOException {
    out.writeInt(values.size());
    for (String v : values) {
      out.writeUTF(v);
    }
  }

  static List<String> readStrings(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("Negative list length " + n);
    }
    List<String> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      values.add(in.readUTF());
    }
    return List.copyOf(values);
  }
}
