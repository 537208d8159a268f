package org.beamlink.transforms.classification;

import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.linear.LinearPredict;

/**
 * Binary linear support vector machine: hinge loss by default, as Spark's {@code LinearSVC}; {@code
 * withLoss(new SmoothHingeLoss())} or {@code new SquaredHingeLoss()} (scikit-learn's {@code
 * LinearSVC} default) converge more tightly, since the hinge has a kink quasi-Newton methods only
 * approach. Prediction appends the label and the decision values {@code {-m, m}}. See {@link
 * LinearFit} for the objective and every parameter.
 *
 * <pre>{@code
 * PCollection<LinearModel> model =
 *     rows.apply(LinearSvm.fit().withLabelCol("label").withVectorCol("features").withL2(0.01));
 * }</pre>
 */
public final class LinearSvm {
  private LinearSvm() {}

  /** A trainer with every default set (hinge loss). */
  public static LinearFit fit() {
    return LinearFit.of("LinearSvm", LinearModelType.SVM);
  }

  /** Scores rows with the model in {@code model}; see {@link LinearPredict}. */
  public static LinearPredict predict(PCollection<LinearModel> model) {
    return LinearPredict.of(model);
  }
}
