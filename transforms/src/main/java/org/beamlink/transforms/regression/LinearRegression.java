package org.beamlink.transforms.regression;

import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.linear.LinearPredict;

/**
 * Linear regression: least squares (OLS), ridge ({@code l2}), lasso ({@code l1}) and elastic net,
 * or Huber with {@code withLoss(new HuberLoss(delta))}. The objective uses {@code (y - m)^2 / 2},
 * so scikit-learn's {@code Lasso(alpha)} is {@code l1 = alpha} and {@code Ridge(alpha)} is {@code
 * l2 = alpha / n}; see {@link LinearFit} for every parameter.
 *
 * <pre>{@code
 * PCollection<LinearModel> model =
 *     rows.apply(LinearRegression.fit().withLabelCol("y").withFeatureCols("a", "b").withL1(0.1));
 * PCollection<Row> scored = rows.apply(LinearRegression.predict(model)); // + prediction (DOUBLE)
 * }</pre>
 */
public final class LinearRegression {
  private LinearRegression() {}

  /** A trainer with every default set. */
  public static LinearFit fit() {
    return LinearFit.of("LinearRegression", LinearModelType.REGRESSION);
  }

  /** Scores rows with the model in {@code model}; see {@link LinearPredict}. */
  public static LinearPredict predict(PCollection<LinearModel> model) {
    return LinearPredict.of(model);
  }
}
