package org.beamlink.transforms.regression;

import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.tree.RandomForestModel;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.tree.Impurity;
import org.beamlink.transforms.tree.RandomForestFit;

/**
 * A random forest of regression trees, as Spark's: {@link #fit()} trains a {@link
 * RandomForestModel} on the iteration shim, all trees one level per superstep (VARIANCE impurity),
 * each tree on Poisson-weighted rows and each node on a third of the features by default; {@link
 * #predict} appends the mean of the trees' values. See {@link RandomForestFit} for every parameter.
 *
 * <pre>{@code
 * PCollection<RandomForestModel> model =
 *     rows.apply(RandomForestRegressor.fit().withLabelCol("price").withVectorCol("features")
 *         .withNumTrees(50).withMinInstancesPerNode(5));
 * PCollection<Row> scored = rows.apply(RandomForestRegressor.predict(model));
 * }</pre>
 */
public final class RandomForestRegressor {
  private RandomForestRegressor() {}

  /** A trainer with every default set: 20 trees, feature subsets "auto", maxDepth 5. */
  public static RandomForestFit fit() {
    return RandomForestFit.of("RandomForestRegressor", Impurity.VARIANCE);
  }

  /** Scores rows with the model in {@code model}; see {@link RandomForestFit#predict}. */
  public static ApplyModel<RandomForestModel> predict(PCollection<RandomForestModel> model) {
    return RandomForestFit.predict(model);
  }
}
