package org.beamlink.transforms.regression;

import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.tree.GbtModel;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.tree.GbtFit;

/**
 * Gradient-boosted regression trees (squared loss): {@link #fit()} trains a {@link GbtModel} on the
 * iteration shim, one superstep per tree level; {@link #predict} appends the mean label plus the
 * trees' leaf values. With {@code maxBins} at least each feature's number of distinct values the
 * model equals scikit-learn's {@code HistGradientBoostingRegressor} with {@code
 * max_leaf_nodes=None}. See {@link GbtFit} for every parameter.
 *
 * <pre>{@code
 * PCollection<GbtModel> model =
 *     rows.apply(GbtRegressor.fit().withLabelCol("price").withVectorCol("features"));
 * PCollection<Row> scored = rows.apply(GbtRegressor.predict(model));
 * }</pre>
 */
public final class GbtRegressor {
  private GbtRegressor() {}

  /** A trainer with every default set: 20 rounds, learning rate 0.1, maxDepth 5, maxBins 32. */
  public static GbtFit fit() {
    return GbtFit.of("GbtRegressor", false);
  }

  /** Scores rows with the model in {@code model}; see {@link GbtFit#predict}. */
  public static ApplyModel<GbtModel> predict(PCollection<GbtModel> model) {
    return GbtFit.predict(model);
  }
}
