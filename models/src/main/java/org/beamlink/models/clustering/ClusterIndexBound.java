package org.beamlink.models.clustering;

import java.util.function.ToIntFunction;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;

/**
 * The binding of a clustering model that appends one cluster index to each row: the row's features
 * are read, checked against the model's dimension and assigned. Bisecting k-means and DBSCAN bind
 * through it.
 *
 * <pre>{@code
 * return new ClusterIndexBound(outputSchema(input), features.bind(input), dimension, this::predict);
 * }</pre>
 */
final class ClusterIndexBound implements Transformer.Bound {
  private final Schema output;
  private final FeatureColumns.Bound features;
  private final int dimension;
  private final ToIntFunction<Vector> assign;

  /**
   * @param output the input schema with the cluster column (INT32) appended last
   * @param assign a vector of {@code dimension} coordinates to its cluster; an {@link
   *     IllegalArgumentException} it throws is rethrown naming the features and the row
   */
  ClusterIndexBound(
      Schema output, FeatureColumns.Bound features, int dimension, ToIntFunction<Vector> assign) {
    this.output = output;
    this.features = features;
    this.dimension = dimension;
    this.assign = assign;
  }

  @Override
  public Schema outputSchema() {
    return output;
  }

  @Override
  public Row apply(Row row) {
    Vector x = features.extract(row);
    features.checkSize(x, dimension, row);
    int cluster;
    try {
      cluster = assign.applyAsInt(x);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage() + ": features from " + features + " in row " + RowText.of(row), e);
    }
    return OutputColumns.row(output, row, cluster);
  }
}
