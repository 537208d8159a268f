package org.beamlink.transforms.regression;

import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.tree.DecisionTreeModel;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.tree.DecisionTreeFit;
import org.beamlink.transforms.tree.Impurity;

/**
 * A regression tree (CART, variance impurity): {@link #fit()} trains a {@link DecisionTreeModel} on
 * the iteration shim, one superstep per level; {@link #predict} appends the leaf's mean label. With
 * {@code maxBins} at least each feature's number of distinct values the tree equals scikit-learn's
 * {@code DecisionTreeRegressor} of the same {@code max_depth} and {@code min_samples_leaf}. See
 * {@link DecisionTreeFit} for every parameter.
 *
 * <pre>{@code
 * PCollection<DecisionTreeModel> model =
 *     rows.apply(DecisionTreeRegressor.fit().withLabelCol("price").withVectorCol("features"));
 * PCollection<Row> scored = rows.apply(DecisionTreeRegressor.predict(model));
 * }</pre>
 */
public final class DecisionTreeRegressor {
  private DecisionTreeRegressor() {}

  /** A trainer with every default set: VARIANCE, maxDepth 5, maxBins 32, minInstancesPerNode 1. */
  public static DecisionTreeFit fit() {
    return DecisionTreeFit.of("DecisionTreeRegressor", Impurity.VARIANCE);
  }

  /** Scores rows with the model in {@code model}; see {@link DecisionTreeFit#predict}. */
  public static ApplyModel<DecisionTreeModel> predict(PCollection<DecisionTreeModel> model) {
    return DecisionTreeFit.predict(model);
  }
}
