package org.beamlink.models.tree;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.RowScorer;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.rows.OutputColumns;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Scores rows of one schema with any {@link TreeModel}: the features are extracted and their number
 * checked against the row, then a regression model appends its value and a classifier the label of
 * the largest probability (the first among equals) and the probabilities. Decision trees, forests
 * and boosted trees differ only in {@link TreeModel#predictValue}.
 */
record TreeScorer(
    Schema outputSchema, FeatureColumns.Bound features, int numFeatures, Object @Nullable [] labels)
    implements RowScorer<TreeModel> {

  /** The scorer of {@code model} for rows of {@code input}, with its labels parsed once. */
  static TreeScorer of(TreeModel model, Schema input) {
    Object[] parsed = null;
    if (model.labelType() != null) {
      parsed =
          model.labelValues().stream().map(l -> LabelValues.parse(l, model.labelType())).toArray();
    }
    return new TreeScorer(
        model.outputSchema(input), model.features().bind(input), model.numFeatures(), parsed);
  }

  @Override
  public Row score(TreeModel model, Row row) {
    Vector x = features.extract(row);
    features.checkSize(x, numFeatures, row);
    double[] value = model.predictValue(x);
    if (labels == null) {
      return OutputColumns.row(outputSchema, row, value[0]);
    }
    Vector probabilities = Vector.dense(value);
    return OutputColumns.row(outputSchema, row, labels[probabilities.argmax()], probabilities);
  }
}
