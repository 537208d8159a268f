package org.beamlink.transforms.classification;

import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.linear.LinearPredict;

/**
 * Multinomial logistic (softmax) regression: one coefficient vector and intercept per class, as
 * scikit-learn's {@code LogisticRegression(multi_class="multinomial")} and Spark's multinomial
 * family. Labels may be strings or numbers, up to {@value LinearFit#MAX_CLASSES} classes, kept in
 * their natural order. See {@link LinearFit} for the objective and every parameter.
 *
 * <pre>{@code
 * PCollection<LinearModel> model =
 *     rows.apply(Softmax.fit().withLabelCol("species").withFeatureCols("a", "b", "c", "d"));
 * PCollection<Row> scored = rows.apply(Softmax.predict(model));
 * }</pre>
 */
public final class Softmax {
  private Softmax() {}

  /** A trainer with every default set. */
  public static LinearFit fit() {
    return LinearFit.of("Softmax", LinearModelType.SOFTMAX);
  }

  /** Scores rows with the model in {@code model}; see {@link LinearPredict}. */
  public static LinearPredict predict(PCollection<LinearModel> model) {
    return LinearPredict.of(model);
  }
}
