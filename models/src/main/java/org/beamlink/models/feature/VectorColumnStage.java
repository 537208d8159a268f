package org.beamlink.models.feature;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.OutputColumns;

/**
 * A stage that maps the vector of {@code inputCol} to a new vector in {@code outputCol}: the shape
 * of the scalers, the normalizer, the slicer and the polynomial expansion, and (through {@link
 * FiniteVectorStage}, which reads only finite vectors of the fitted size) of PCA and the
 * chi-squared selector.
 */
abstract class VectorColumnStage implements Transformer {
  private static final long serialVersionUID = 1L;

  final String inputCol;
  final String outputCol;

  VectorColumnStage(String inputCol, String outputCol) {
    if (inputCol == null || inputCol.isEmpty() || outputCol == null || outputCol.isEmpty()) {
      throw new IllegalArgumentException(
          "Expected input and output column names, got " + inputCol + " and " + outputCol);
    }
    this.inputCol = inputCol;
    this.outputCol = outputCol;
  }

  /** The stage's name in messages. */
  abstract String stageName();

  /**
   * The mapped vector; {@code row} only for messages.
   *
   * @throws IllegalArgumentException for a vector the stage cannot map
   */
  abstract Vector map(Vector v, Row row);

  /** The stage's own parameters and fitted numbers, after the columns. */
  abstract void addParameters(Map<String, String> parameters);

  /** The vector column read. */
  public String inputCol() {
    return inputCol;
  }

  /** The vector column appended. */
  public String outputCol() {
    return outputCol;
  }

  @Override
  public Schema outputSchema(Schema input) {
    StageColumns.vectorColumn(input, inputCol, stageName());
    return OutputColumns.append(input, Schema.Field.of(outputCol, VectorLogicalType.FIELD_TYPE));
  }

  @Override
  public Bound bind(Schema input) {
    Schema output = outputSchema(input);
    int index = input.indexOf(inputCol);
    return new Bound() {
      @Override
      public Schema outputSchema() {
        return output;
      }

      @Override
      public Row apply(Row row) {
        Vector v = StageColumns.vector(row, index, inputCol, stageName());
        return OutputColumns.row(output, row, map(v, row));
      }
    };
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("inputCol", inputCol);
    p.put("outputCol", outputCol);
    addParameters(p);
    return p;
  }
}
