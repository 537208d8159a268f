package org.beamlink.models.feature;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;

/**
 * A {@link VectorColumnStage} whose input vectors must be finite and of the size it was fitted on:
 * the shape of PCA's projection and of the chi-squared selection, which, unlike the scalers, have
 * no rule to carry a NaN through. Rows are read as the learners read their features ({@link
 * FeatureColumns}), so a null vector, a NaN or infinite value, or another size fails naming the
 * column and the row before {@link #map} sees the vector.
 */
abstract class FiniteVectorStage extends VectorColumnStage {
  private static final long serialVersionUID = 1L;

  FiniteVectorStage(String inputCol, String outputCol) {
    super(inputCol, outputCol);
  }

  /** The input dimension the stage was fitted on. */
  public abstract int numFeatures();

  /**
   * The input plus a vector column {@code outputCol}, after checking that {@code inputCol} is a
   * vector column.
   */
  static Schema appendVector(Schema input, String inputCol, String outputCol) {
    FeatureColumns.ofVector(inputCol).bind(input);
    return OutputColumns.append(input, Schema.Field.of(outputCol, VectorLogicalType.FIELD_TYPE));
  }

  @Override
  public Schema outputSchema(Schema input) {
    return appendVector(input, inputCol, outputCol);
  }

  @Override
  public Bound bind(Schema input) {
    Schema output = outputSchema(input);
    FeatureColumns.Bound features = FeatureColumns.ofVector(inputCol).bind(input);
    int size = numFeatures();
    return new Bound() {
      @Override
      public Schema outputSchema() {
        return output;
      }

      @Override
      public Row apply(Row row) {
        Vector x = features.extract(row);
        features.checkSize(x, size, row);
        return OutputColumns.row(output, row, map(x, row));
      }
    };
  }
}
