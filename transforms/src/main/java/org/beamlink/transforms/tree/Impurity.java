package org.beamlink.transforms.tree;

/**
 * How a decision tree measures a node's impurity: GINI and ENTROPY (base 2) for classification,
 * VARIANCE for regression, as Spark's {@code impurity} and scikit-learn's {@code criterion} ({@code
 * gini}, {@code entropy}, {@code squared_error}).
 *
 * <pre>{@code
 * DecisionTreeClassifier.fit().withImpurity(Impurity.ENTROPY);
 * }</pre>
 */
public enum Impurity {
  /** {@code 1 - sum_c p_c^2}. */
  GINI,
  /** {@code -sum_c p_c log2 p_c}. */
  ENTROPY,
  /** The weighted variance of the label. */
  VARIANCE;

  /** True for the classification impurities. */
  public boolean isClassification() {
    return this != VARIANCE;
  }

  /**
   * The impurity of a node from its statistics at {@code at}: class weights for a classification
   * impurity ({@code numClasses} of them), else weight, weighted sum and weighted sum of squares.
   */
  double of(double[] stats, int at, int numClasses) {
    if (this == VARIANCE) {
      double w = stats[at];
      if (w <= 0) {
        return 0;
      }
      double mean = stats[at + 1] / w;
      return Math.max(0, stats[at + 2] / w - mean * mean);
    }
    double w = 0;
    for (int c = 0; c < numClasses; c++) {
      w += stats[at + c];
    }
    if (w <= 0) {
      return 0;
    }
    double sum = 0;
    for (int c = 0; c < numClasses; c++) {
      double p = stats[at + c] / w;
      if (this == GINI) {
        sum += p * p;
      } else if (p > 0) {
        sum -= p * Math.log(p) / Math.log(2);
      }
    }
    return this == GINI ? 1 - sum : sum;
  }
}
