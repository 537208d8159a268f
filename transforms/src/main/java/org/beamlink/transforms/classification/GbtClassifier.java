package org.beamlink.transforms.classification;

import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.tree.GbtModel;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.tree.GbtFit;

/**
 * Gradient-boosted trees for binary classification (logistic loss): {@link #fit()} trains a {@link
 * GbtModel} on the iteration shim, one superstep per tree level, from the log-odds of the positive
 * (second) label; {@link #predict} appends the more probable label and both labels' probabilities,
 * the positive one the sigmoid of the raw score. See {@link GbtFit} for every parameter.
 *
 * <pre>{@code
 * PCollection<GbtModel> model =
 *     rows.apply(GbtClassifier.fit().withLabelCol("churned").withVectorCol("features"));
 * PCollection<Row> scored = rows.apply(GbtClassifier.predict(model));
 * }</pre>
 */
public final class GbtClassifier {
  private GbtClassifier() {}

  /** A trainer with every default set: 20 rounds, learning rate 0.1, maxDepth 5, maxBins 32. */
  public static GbtFit fit() {
    return GbtFit.of("GbtClassifier", true);
  }

  /** Scores rows with the model in {@code model}; see {@link GbtFit#predict}. */
  public static ApplyModel<GbtModel> predict(PCollection<GbtModel> model) {
    return GbtFit.predict(model);
  }
}
