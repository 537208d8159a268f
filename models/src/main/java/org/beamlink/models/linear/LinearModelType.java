package org.beamlink.models.linear;

/**
 * What a {@link LinearModel} predicts and how it reads its margins.
 *
 * <pre>{@code
 * if (model.type() == LinearModelType.LOGISTIC) { ... }
 * }</pre>
 */
public enum LinearModelType {
  /** Binary logistic regression: probability of the second label {@code sigmoid(x . beta + b)}. */
  LOGISTIC(true),
  /** Multinomial logistic regression: one margin per class, probabilities by softmax. */
  SOFTMAX(true),
  /** Binary linear SVM: the second label when {@code x . beta + b > 0}; no probabilities. */
  SVM(true),
  /** Linear regression: the prediction is the margin. */
  REGRESSION(false);

  private final boolean classifier;

  LinearModelType(boolean classifier) {
    this.classifier = classifier;
  }

  /** True for the classifiers, whose models keep label values. */
  public boolean isClassifier() {
    return classifier;
  }
}
