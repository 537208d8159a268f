package org.beamlink.models.tree;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What every model of the tree family has besides its trees: the columns it writes, the labels it
 * predicts (none for regression), the number of features it reads and where they come from, how it
 * was trained, and its value for a feature vector. {@link TreeModelCoder} writes these the same way
 * for every tree model, and every tree model scores rows the same way from {@link #predictValue}: a
 * regression model appends its value (DOUBLE), a classifier the label of the largest probability
 * (the first among equals; of the label column's type) and the probabilities (a vector).
 *
 * <pre>{@code
 * TreeModel model = DecisionTreeModel.regression(tree, 2, features, provenance);
 * boolean classifier = model.labelType() != null; // false
 * double value = model.predictValue(Vector.dense(0.5, 1.0))[0];
 * Row scored = model.bind(schema).apply(row); // + prediction
 * }</pre>
 */
public interface TreeModel extends Transformer {
  /**
   * The model writing to {@code cols}: the prediction and, for a classifier, the probabilities.
   *
   * @throws IllegalArgumentException for a number of columns the model does not write
   */
  TreeModel withOutputCols(String... cols);

  /** The columns the model appends. */
  OutputColumns outputCols();

  /** The labels in class order, empty for regression. */
  List<String> labelValues();

  /** The type of the predicted label, null for regression. */
  @Nullable TypeName labelType();

  /** The number of features the trees read. */
  int numFeatures();

  /** The feature columns the model reads. */
  FeatureColumns features();

  /** How the model was trained. */
  Provenance provenance();

  /**
   * The model's value for {@code x}: a classifier's probability of each label in class order, a
   * regression model's prediction as one number.
   *
   * @throws IllegalArgumentException when {@code x} has not {@link #numFeatures()} entries
   */
  double[] predictValue(Vector x);

  /** The feature columns' names for text output, {@code feature j} where the model has none. */
  default List<String> featureNames() {
    List<String> names = new ArrayList<>();
    List<String> cols = features().featureCols();
    for (int j = 0; j < numFeatures(); j++) {
      names.add(cols != null && j < cols.size() ? cols.get(j) : "feature " + j);
    }
    return names;
  }

  /**
   * The schema of rows of {@code input} scored into {@code outputCols}: a classifier of labels of
   * {@code labelType} (two columns), or a regression model when it is null (one column). What a
   * pipeline knows before the model is fitted.
   *
   * @throws IllegalArgumentException when an output column already exists in {@code input}
   */
  static Schema outputSchema(Schema input, @Nullable TypeName labelType, OutputColumns outputCols) {
    return labelType == null
        ? outputCols.appendTo(input, FieldType.DOUBLE)
        : outputCols.appendTo(input, FieldType.of(labelType), VectorLogicalType.FIELD_TYPE);
  }

  @Override
  default Schema outputSchema(Schema input) {
    return outputSchema(input, labelType(), outputCols());
  }

  @Override
  default Bound bind(Schema input) {
    return Bound.scoring(TreeScorer.of(this, input), this);
  }
}
