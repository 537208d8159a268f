package org.beamlink.transforms.classification;

import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.tree.DecisionTreeModel;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.tree.DecisionTreeFit;
import org.beamlink.transforms.tree.Impurity;

/**
 * A classification tree (CART): {@link #fit()} trains a {@link DecisionTreeModel} on the iteration
 * shim, one superstep per level, with GINI impurity by default (or ENTROPY); {@link #predict}
 * appends the predicted label and the leaf's class probabilities. With {@code maxBins} at least
 * each feature's number of distinct values the tree equals scikit-learn's {@code
 * DecisionTreeClassifier} of the same {@code max_depth} and {@code min_samples_leaf} (up to ties
 * between equally good splits). See {@link DecisionTreeFit} for every parameter.
 *
 * <pre>{@code
 * PCollection<DecisionTreeModel> model =
 *     rows.apply(DecisionTreeClassifier.fit().withLabelCol("species")
 *         .withFeatureCols("sepal_length", "sepal_width", "petal_length", "petal_width"));
 * PCollection<Row> scored = rows.apply(DecisionTreeClassifier.predict(model));
 * }</pre>
 */
public final class DecisionTreeClassifier {
  private DecisionTreeClassifier() {}

  /** A trainer with every default set: GINI, maxDepth 5, maxBins 32, minInstancesPerNode 1. */
  public static DecisionTreeFit fit() {
    return DecisionTreeFit.of("DecisionTreeClassifier", Impurity.GINI);
  }

  /** Scores rows with the model in {@code model}; see {@link DecisionTreeFit#predict}. */
  public static ApplyModel<DecisionTreeModel> predict(PCollection<DecisionTreeModel> model) {
    return DecisionTreeFit.predict(model);
  }
}
