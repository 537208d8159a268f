package org.beamlink.models.linear;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.optim.LogisticLoss;
import org.beamlink.models.rows.FeatureColumns;

/**
 * A trained linear model: coefficients on the original feature scale, intercepts, the label values
 * of a classifier (in the order its probabilities use), the feature columns and how it was made.
 * Binary models (logistic, SVM) have one coefficient vector and the second label is the positive
 * class; softmax models have one vector per class. Immutable.
 *
 * <pre>{@code
 * LinearModel model = ...; // from LogisticRegression.fit()
 * double[] p = model.probabilities(x); // {P(labels[0]), P(labels[1])}
 * String label = model.labelValues().get(model.predictIndex(x));
 * }</pre>
 */
public final class LinearModel implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LinearModelType type;
  private final int numFeatures;
  private final double[] coefficients;
  private final double[] intercepts;
  private final List<String> labelValues;
  private final TypeName labelType;
  private final FeatureColumns features;
  private final Provenance provenance;

  private LinearModel(
      LinearModelType type,
      int numFeatures,
      double[] coefficients,
      double[] intercepts,
      List<String> labelValues,
      TypeName labelType,
      FeatureColumns features,
      Provenance provenance) {
    this.type = type;
    this.numFeatures = numFeatures;
    this.coefficients = coefficients;
    this.intercepts = intercepts;
    this.labelValues = labelValues;
    this.labelType = labelType;
    this.features = features;
    this.provenance = provenance;
  }

  /**
   * A model of {@code type} with {@code coefficients} ({@code numClasses * numFeatures} values,
   * class by class, for softmax; {@code numFeatures} otherwise) and one intercept per coefficient
   * vector. Classifiers need their label values (two for binary models) and the label column's
   * type; regression takes an empty list and a null type.
   */
  public static LinearModel of(
      LinearModelType type,
      int numFeatures,
      double[] coefficients,
      double[] intercepts,
      List<String> labelValues,
      TypeName labelType,
      FeatureColumns features,
      Provenance provenance) {
    int vectors = type == LinearModelType.SOFTMAX ? labelValues.size() : 1;
    if (type.isClassifier()) {
      int expected = type == LinearModelType.SOFTMAX ? labelValues.size() : 2;
      if (labelValues.size() != expected || expected < 2 || labelType == null) {
        throw new IllegalArgumentException(
            type
                + " model needs "
                + (expected < 2 ? "2 or more" : expected)
                + " label values and a label type, got "
                + labelValues
                + " of type "
                + labelType);
      }
    } else if (!labelValues.isEmpty()) {
      throw new IllegalArgumentException("A regression model has no label values: " + labelValues);
    }
    if (coefficients.length != (long) vectors * numFeatures || intercepts.length != vectors) {
      throw new IllegalArgumentException(
          "Expected "
              + vectors
              + " x "
              + numFeatures
              + " coefficients and "
              + vectors
              + " intercepts, got "
              + coefficients.length
              + " and "
              + intercepts.length);
    }
    return new LinearModel(
        type,
        numFeatures,
        coefficients.clone(),
        intercepts.clone(),
        List.copyOf(labelValues),
        labelType,
        Objects.requireNonNull(features),
        Objects.requireNonNull(provenance));
  }

  /** The kind of model. */
  public LinearModelType type() {
    return type;
  }

  /** The number of features. */
  public int numFeatures() {
    return numFeatures;
  }

  /** Number of coefficient vectors: the number of classes for softmax, else 1. */
  public int numVectors() {
    return intercepts.length;
  }

  /** All coefficients, vector by vector (a copy). */
  public double[] coefficients() {
    return coefficients.clone();
  }

  /** Coefficient vector {@code c} (a copy). */
  public double[] coefficients(int c) {
    return Arrays.copyOfRange(coefficients, c * numFeatures, (c + 1) * numFeatures);
  }

  /** The intercepts, one per coefficient vector (a copy). */
  public double[] intercepts() {
    return intercepts.clone();
  }

  /** A classifier's label values in the order of its probabilities; empty for regression. */
  public List<String> labelValues() {
    return labelValues;
  }

  /** The type of the label column a classifier was trained on; null for regression. */
  public TypeName labelType() {
    return labelType;
  }

  /** The feature columns. */
  public FeatureColumns features() {
    return features;
  }

  /** How the model was made, with the loss curve. */
  public Provenance provenance() {
    return provenance;
  }

  /** The margins {@code x . beta_c + b_c} of every coefficient vector. */
  public double[] margins(Vector x) {
    checkSize(x);
    double[] m = new double[intercepts.length];
    for (int c = 0; c < m.length; c++) {
      m[c] = x.dot(coefficients, c * numFeatures) + intercepts[c];
    }
    return m;
  }

  /**
   * Class probabilities in label order (logistic and softmax), or for an SVM its decision values
   * {@code {-m, m}}.
   */
  public double[] probabilities(Vector x) {
    double[] m = margins(x);
    return switch (type) {
      case LOGISTIC -> {
        double p = LogisticLoss.sigmoid(m[0]);
        yield new double[] {1.0 - p, p};
      }
      case SVM -> new double[] {-m[0], m[0]};
      case SOFTMAX -> softmax(m);
      case REGRESSION -> throw new IllegalStateException("A regression model has no classes");
    };
  }

  /** The predicted class index (classifiers): the highest probability, the first on ties. */
  public int predictIndex(Vector x) {
    double[] p = probabilities(x);
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }

  /** The prediction of a regression model. */
  public double predictValue(Vector x) {
    if (type != LinearModelType.REGRESSION) {
      throw new IllegalStateException(type + " model predicts classes, not values");
    }
    return margins(x)[0];
  }

  private void checkSize(Vector x) {
    if (x.size() != numFeatures) {
      throw new IllegalArgumentException(
          "Features have size "
              + x.size()
              + " but the model has "
              + numFeatures
              + " coefficients per class");
    }
  }

  static double[] softmax(double[] m) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : m) {
      max = Math.max(max, v);
    }
    double sum = 0.0;
    double[] p = new double[m.length];
    for (int c = 0; c < m.length; c++) {
      p[c] = Math.exp(m[c] - max);
      sum += p[c];
    }
    for (int c = 0; c < m.length; c++) {
      p[c] /= sum;
    }
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinearModel other
        && type == other.type
        && numFeatures == other.numFeatures
        && Arrays.equals(coefficients, other.coefficients)
        && Arrays.equals(intercepts, other.intercepts)
        && labelValues.equals(other.labelValues)
        && labelType == other.labelType
        && features.equals(other.features)
        && provenance.equals(other.provenance);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, numFeatures, Arrays.hashCode(coefficients), labelValues, provenance);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(type + " model on " + features);
    if (type.isClassifier()) {
      s.append(" labels=").append(labelValues);
    }
    int shown = Math.min(numFeatures, 10);
    for (int c = 0; c < intercepts.length; c++) {
      s.append(intercepts.length > 1 ? "\n  class " + labelValues.get(c) + ":" : "\n ")
          .append(" intercept=")
          .append(intercepts[c])
          .append(" coefficients=")
          .append(
              Arrays.toString(
                  Arrays.copyOfRange(coefficients, c * numFeatures, c * numFeatures + shown)));
      if (shown < numFeatures) {
        s.append(" ... (").append(numFeatures).append(" in all)");
      }
    }
    return s.append("\n  ").append(provenance).toString();
  }
}
