package org.beamlink.transforms.classification;

import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.linear.LinearPredict;

/**
 * Binary logistic regression: {@link #fit()} trains a {@link LinearModel} of type LOGISTIC on the
 * iteration shim (L-BFGS, or OWL-QN with an L1 penalty, by default); {@link #predict} appends the
 * predicted label and the probabilities of both labels. The label column may hold any two values;
 * the model keeps them in their natural order and the second is the positive class. See {@link
 * LinearFit} for the objective and every parameter.
 *
 * <pre>{@code
 * PCollection<LinearModel> model =
 *     rows.apply(LogisticRegression.fit().withLabelCol("clicked").withVectorCol("features").withL2(1e-4));
 * PCollection<Row> scored = rows.apply(LogisticRegression.predict(model));
 * }</pre>
 *
 * <p>References: Liu and Nocedal, On the limited memory BFGS method (1989); Andrew and Gao,
 * Scalable training of L1-regularized log-linear models (ICML 2007).
 */
public final class LogisticRegression {
  private LogisticRegression() {}

  /** A trainer with every default set: l1 = l2 = 0, intercept, standardization, maxIter 100. */
  public static LinearFit fit() {
    return LinearFit.of("LogisticRegression", LinearModelType.LOGISTIC);
  }

  /** Scores rows with the model in {@code model}; see {@link LinearPredict}. */
  public static LinearPredict predict(PCollection<LinearModel> model) {
    return LinearPredict.of(model);
  }
}
