package org.beamlink.transforms.classification;

import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.tree.RandomForestModel;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.tree.Impurity;
import org.beamlink.transforms.tree.RandomForestFit;

/**
 * A random forest classifier, as Spark's: {@link #fit()} trains a {@link RandomForestModel} on the
 * iteration shim, all trees one level per superstep, GINI impurity by default (or ENTROPY), each
 * tree on Poisson-weighted rows and each node on {@code sqrt(d)} features by default; {@link
 * #predict} appends the label of the largest mean probability and the trees' mean class
 * probabilities. See {@link RandomForestFit} for every parameter.
 *
 * <pre>{@code
 * PCollection<RandomForestModel> model =
 *     rows.apply(RandomForestClassifier.fit().withLabelCol("species")
 *         .withFeatureCols("sepal_length", "sepal_width", "petal_length", "petal_width")
 *         .withNumTrees(50).withSeed(7));
 * PCollection<Row> scored = rows.apply(RandomForestClassifier.predict(model));
 * }</pre>
 */
public final class RandomForestClassifier {
  private RandomForestClassifier() {}

  /** A trainer with every default set: 20 trees, GINI, feature subsets "auto", maxDepth 5. */
  public static RandomForestFit fit() {
    return RandomForestFit.of("RandomForestClassifier", Impurity.GINI);
  }

  /** Scores rows with the model in {@code model}; see {@link RandomForestFit#predict}. */
  public static ApplyModel<RandomForestModel> predict(PCollection<RandomForestModel> model) {
    return RandomForestFit.predict(model);
  }
}
