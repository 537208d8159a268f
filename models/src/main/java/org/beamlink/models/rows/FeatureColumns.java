package org.beamlink.models.rows;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.Field;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;

/**
 * Where a row's feature vector comes from: several numeric columns ({@code featureCols}) or one
 * vector column ({@code vectorCol}). {@link #bind} checks a schema when a pipeline is built; {@link
 * #extract} reads a row and fails with a message that names the column and value.
 *
 * <pre>{@code
 * FeatureColumns.Bound features = FeatureColumns.of(List.of("x", "y")).bind(rows.getSchema());
 * Vector v = features.extract(row); // dense (x, y); NaN or null is an error
 * }</pre>
 */
public final class FeatureColumns implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> featureCols;
  private final String vectorCol;

  private FeatureColumns(List<String> featureCols, String vectorCol) {
    this.featureCols = featureCols;
    this.vectorCol = vectorCol;
  }

  /** Features from numeric columns, in this order. */
  public static FeatureColumns of(List<String> featureCols) {
    if (featureCols == null || featureCols.isEmpty()) {
      throw new IllegalArgumentException("Expected at least one feature column, got none");
    }
    return new FeatureColumns(List.copyOf(featureCols), null);
  }

  /** Features from one vector column. */
  public static FeatureColumns ofVector(String vectorCol) {
    if (vectorCol == null || vectorCol.isEmpty()) {
      throw new IllegalArgumentException("Expected a vector column name, got none");
    }
    return new FeatureColumns(null, vectorCol);
  }

  /**
   * Features from {@code featureCols} when given, else from {@code vectorCol}: how a trainer with
   * both parameters resolves them.
   *
   * @throws IllegalArgumentException naming {@code trainer} when neither is given
   */
  public static FeatureColumns of(List<String> featureCols, String vectorCol, String trainer) {
    if (featureCols != null) {
      return of(featureCols);
    }
    if (vectorCol != null) {
      return ofVector(vectorCol);
    }
    throw new IllegalArgumentException(
        trainer + " needs features: set withFeatureCols(..) or withVectorCol(..)");
  }

  /** The names of the numeric columns of {@code schema} not in {@code excluded}, in order. */
  public static List<String> numericColumns(Schema schema, Collection<String> excluded) {
    List<String> numeric = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      if (isNumeric(f.getType()) && !excluded.contains(f.getName())) {
        numeric.add(f.getName());
      }
    }
    return numeric;
  }

  /** The numeric feature columns, or null when features come from a vector column. */
  public List<String> featureCols() {
    return featureCols;
  }

  /** The vector column, or null when features come from numeric columns. */
  public String vectorCol() {
    return vectorCol;
  }

  /**
   * Checks that {@code schema} has the columns with usable types.
   *
   * @throws IllegalArgumentException naming a missing column or a column of the wrong type
   */
  public Bound bind(Schema schema) {
    if (vectorCol != null) {
      FieldType type = field(schema, vectorCol).getType();
      if (!VectorLogicalType.isVector(type)) {
        throw new IllegalArgumentException(
            "Column '" + vectorCol + "' has type " + type + "; expected a vector column");
      }
      return new Bound(this, new int[] {schema.indexOf(vectorCol)});
    }
    int[] indices = new int[featureCols.size()];
    for (int i = 0; i < indices.length; i++) {
      String name = featureCols.get(i);
      FieldType type = field(schema, name).getType();
      if (!isNumeric(type)) {
        throw new IllegalArgumentException(
            "Feature column '" + name + "' has type " + type + "; expected a numeric column");
      }
      indices[i] = schema.indexOf(name);
    }
    return new Bound(this, indices);
  }

  /** True for the numeric field types a feature column may have. */
  public static boolean isNumeric(FieldType type) {
    return type.getTypeName().isNumericType();
  }

  static Field field(Schema schema, String name) {
    if (!schema.hasField(name)) {
      throw new IllegalArgumentException(
          "Column '" + name + "' not found; the input has columns " + schema.getFieldNames());
    }
    return schema.getField(name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureColumns f
        && java.util.Objects.equals(featureCols, f.featureCols)
        && java.util.Objects.equals(vectorCol, f.vectorCol);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(featureCols, vectorCol);
  }

  @Override
  public String toString() {
    return vectorCol != null ? "vectorCol=" + vectorCol : "featureCols=" + featureCols;
  }

  /** Feature columns checked against a schema: reads vectors out of rows of that schema. */
  public static final class Bound implements Serializable {
    private static final long serialVersionUID = 1L;

    private final FeatureColumns columns;
    private final int[] indices;

    private Bound(FeatureColumns columns, int[] indices) {
      this.columns = columns;
      this.indices = indices;
    }

    @Override
    public String toString() {
      return columns.toString();
    }

    /** The dimension for numeric columns; -1 for a vector column (known from the data). */
    public int dimension() {
      return columns.vectorCol != null ? -1 : indices.length;
    }

    /**
     * The row's features.
     *
     * @throws IllegalArgumentException for a null, NaN or infinite value, naming column and row
     */
    public Vector extract(Row row) {
      if (columns.vectorCol != null) {
        Vector v = row.getLogicalTypeValue(indices[0], Vector.class);
        if (v == null) {
          throw new IllegalArgumentException(
              "Vector column '" + columns.vectorCol + "' is null in row " + RowText.of(row));
        }
        if (v.hasNonFinite()) {
          throw new IllegalArgumentException(
              "Vector column '"
                  + columns.vectorCol
                  + "' has NaN or infinite values in row "
                  + RowText.of(row));
        }
        return v;
      }
      double[] values = new double[indices.length];
      for (int i = 0; i < indices.length; i++) {
        values[i] = numericValue(row, indices[i], columns.featureCols.get(i));
      }
      return Vector.dense(values);
    }

    /** Checks that {@code v} has {@code expectedSize} coordinates. */
    public void checkSize(Vector v, int expectedSize, Row row) {
      if (v.size() != expectedSize) {
        throw new IllegalArgumentException(
            "Features from "
                + columns
                + " have size "
                + v.size()
                + " but "
                + expectedSize
                + " was expected, in row "
                + RowText.of(row));
      }
    }
  }

  /**
   * A finite number read from a numeric column.
   *
   * @throws IllegalArgumentException for null, NaN or infinite values, naming column and row
   */
  public static double numericValue(Row row, int index, String name) {
    Object value = row.getValue(index);
    if (value == null) {
      throw new IllegalArgumentException("Column '" + name + "' is null in row " + RowText.of(row));
    }
    double d = ((Number) value).doubleValue();
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException(
          "Column '"
              + name
              + "' has value "
              + d
              + " in row "
              + RowText.of(row)
              + "; expected a finite number");
    }
    return d;
  }
}
