package org.beamlink.models.clustering;

import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.RowScorer;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;

/**
 * Appends the nearest cluster (INT32) and the distance to it (DOUBLE) to rows of one schema. The
 * feature columns are the model's; they are checked against the schema with the first model seen.
 *
 * <pre>{@code
 * KMeansScorer scorer = KMeansScorer.of(schema, "prediction", "distance");
 * Row out = scorer.score(model, row);
 * }</pre>
 */
public final class KMeansScorer implements RowScorer<KMeansModel> {
  private static final long serialVersionUID = 1L;

  private final Schema inputSchema;
  private final Schema outputSchema;
  private transient volatile BoundFeatures cache;

  private KMeansScorer(Schema inputSchema, Schema outputSchema) {
    this.inputSchema = inputSchema;
    this.outputSchema = outputSchema;
  }

  /**
   * A scorer for rows of {@code inputSchema}.
   *
   * @throws IllegalArgumentException when an output column already exists or the names are equal
   */
  public static KMeansScorer of(Schema inputSchema, String predictionCol, String distanceCol) {
    for (String col : List.of(predictionCol, distanceCol)) {
      if (inputSchema.hasField(col)) {
        throw new IllegalArgumentException(
            "Output column '"
                + col
                + "' already exists in the input "
                + inputSchema.getFieldNames());
      }
    }
    if (predictionCol.equals(distanceCol)) {
      throw new IllegalArgumentException(
          "Prediction and distance columns are both named '" + predictionCol + "'");
    }
    Schema output =
        Schema.builder()
            .addFields(inputSchema.getFields())
            .addInt32Field(predictionCol)
            .addDoubleField(distanceCol)
            .build();
    return new KMeansScorer(inputSchema, output);
  }

  @Override
  public Schema outputSchema() {
    return outputSchema;
  }

  @Override
  public Row score(KMeansModel model, Row row) {
    Vector x = features(model).extract(row);
    if (x.size() != model.dimension()) {
      throw new IllegalArgumentException(
          "Features from "
              + model.features()
              + " have size "
              + x.size()
              + " but the model's centroids have size "
              + model.dimension()
              + ", in row "
              + RowText.of(row));
    }
    int cluster = model.nearest(x);
    return OutputColumns.row(outputSchema, row, cluster, model.distance(x, cluster));
  }

  private FeatureColumns.Bound features(KMeansModel model) {
    BoundFeatures c = cache;
    if (c == null || c.columns() != model.features()) {
      c = new BoundFeatures(model.features(), model.features().bind(inputSchema));
      cache = c;
    }
    return c.bound();
  }

  /** The features of the last model seen, bound to the input: one value, so threads share it. */
  private record BoundFeatures(FeatureColumns columns, FeatureColumns.Bound bound) {}
}
