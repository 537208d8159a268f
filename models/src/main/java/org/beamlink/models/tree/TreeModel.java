package org.beamlink.models.tree;

import java.util.List;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.beamlink.models.Provenance;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What every model of the tree family has besides its trees: the columns it writes, the labels it
 * predicts (none for regression), the number of features it reads and where they come from, and how
 * it was trained. {@link TreeModelCoder} writes these the same way for every tree model.
 *
 * <pre>{@code
 * TreeModel model = DecisionTreeModel.regression(tree, 2, features, provenance);
 * boolean classifier = model.labelType() != null; // false
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
}
