package org.beamlink.models.linear;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.optim.LogisticLoss;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A trained linear model: coefficients on the original feature scale, intercepts, the label values
 * of a classifier (in the order its probabilities use), the feature columns and how it was made.
 * Binary models (logistic, SVM) have one coefficient vector and the second label is the positive
 * class; softmax models have one vector per class. Immutable.
 *
 * <p>As a pipeline stage ({@link Transformer}, scoring with {@link LinearScorer}) the model also
 * carries the columns its predictions go to, as Spark's {@code LogisticRegressionModel} carries its
 * {@code predictionCol}: a classifier appends {@code prediction} (a label, of the label column's
 * type) and {@code predictionDetail} (a vector), and optionally a binary logistic model's positive
 * class probability ({@link #withProbabilityCol}); a regression model appends {@code prediction}.
 *
 * <p>Formats: a model from {@code fit()} records no output columns and saves as {@code
 * linear-model}; one given columns with {@link #withOutputCols} saves as {@code linear-model-stage}
 * (version 1: the prediction and detail column names and the model; version 2, written only for a
 * model with a probability column, adds its name).
 *
 * <pre>{@code
 * LinearModel model = ...; // from LogisticRegression.fit()
 * double[] p = model.probabilities(x); // {P(labels[0]), P(labels[1])}
 * String label = model.labelValues().get(model.predictIndex(x));
 * Row scored = model.withOutputCols("label", "p").withProbabilityCol("pYes").bind(schema).apply(row);
 * }</pre>
 */
public final class LinearModel implements Transformer {
  private static final long serialVersionUID = 1L;

  /** The columns of a model that records none: "prediction" and "predictionDetail". */
  public static final OutputColumns DEFAULT_OUTPUT_COLS =
      OutputColumns.of("prediction", "predictionDetail");

  private final LinearModelType type;
  private final int numFeatures;
  private final double[] coefficients;
  private final double[] intercepts;
  private final List<String> labelValues;
  private final TypeName labelType;
  private final FeatureColumns features;
  private final Provenance provenance;
  private final @Nullable OutputColumns outputCols;

  private LinearModel(
      LinearModelType type,
      int numFeatures,
      double[] coefficients,
      double[] intercepts,
      List<String> labelValues,
      TypeName labelType,
      FeatureColumns features,
      Provenance provenance,
      @Nullable OutputColumns outputCols) {
    this.type = type;
    this.numFeatures = numFeatures;
    this.coefficients = coefficients;
    this.intercepts = intercepts;
    this.labelValues = labelValues;
    this.labelType = labelType;
    this.features = features;
    this.provenance = provenance;
    this.outputCols = outputCols;
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
        Objects.requireNonNull(provenance),
        null);
  }

  /**
   * The same model, appending its prediction to {@code predictionCol} and, for a classifier, the
   * class probabilities (or an SVM's decision values) to {@code predictionDetailCol}, which a
   * regression model records but does not append.
   *
   * @throws IllegalArgumentException for an empty name or two equal names
   */
  public LinearModel withOutputCols(String predictionCol, String predictionDetailCol) {
    return withOutputCols(OutputColumns.of(predictionCol, predictionDetailCol));
  }

  /**
   * The same model, also appending {@code probabilityCol}: a DOUBLE column with the probability of
   * the positive class (the model's second label), {@code predictionDetail[1]}; null for none.
   *
   * @throws IllegalArgumentException when the model is not a binary logistic regression model, or
   *     the name is one of the other output columns
   */
  public LinearModel withProbabilityCol(@Nullable String probabilityCol) {
    OutputColumns cols = outputCols();
    if (probabilityCol == null) {
      return outputCols == null ? this : withOutputCols(OutputColumns.of(cols.get(0), cols.get(1)));
    }
    if (type != LinearModelType.LOGISTIC) {
      throw new IllegalArgumentException(
          "A probability column needs a binary logistic regression model; this is a "
              + type
              + " model");
    }
    return withOutputCols(OutputColumns.of(cols.get(0), cols.get(1), probabilityCol));
  }

  private LinearModel withOutputCols(@Nullable OutputColumns cols) {
    return new LinearModel(
        type,
        numFeatures,
        coefficients,
        intercepts,
        labelValues,
        labelType,
        features,
        provenance,
        cols);
  }

  /** The same model without recorded output columns, as {@code fit()} makes it. */
  public LinearModel withoutOutputCols() {
    return withOutputCols((OutputColumns) null);
  }

  /** Whether the model records its output columns ({@link #withOutputCols}). */
  public boolean hasOutputCols() {
    return outputCols != null;
  }

  /**
   * The prediction, detail and (when there is one) probability columns: the recorded ones, else
   * {@link #DEFAULT_OUTPUT_COLS}.
   */
  public OutputColumns outputCols() {
    return outputCols == null ? DEFAULT_OUTPUT_COLS : outputCols;
  }

  /** The column of the positive class's probability, or null when the model appends none. */
  public @Nullable String probabilityCol() {
    return outputCols().size() > 2 ? outputCols().get(2) : null;
  }

  /**
   * The schema of rows of {@code input} scored by a model of this kind into {@code outputCols}: a
   * classifier of labels of {@code labelType}, or a regression model when it is null. What a
   * pipeline knows before the model is fitted.
   *
   * @throws IllegalArgumentException when an output column already exists in {@code input}
   */
  public static Schema outputSchema(
      Schema input, @Nullable TypeName labelType, OutputColumns outputCols) {
    return scorer(input, labelType, outputCols).outputSchema();
  }

  private static LinearScorer scorer(
      Schema input, @Nullable TypeName labelType, OutputColumns cols) {
    return labelType == null
        ? LinearScorer.regression(input, cols.get(0))
        : LinearScorer.classifier(
            input, labelType, cols.get(0), cols.get(1), cols.size() > 2 ? cols.get(2) : null);
  }

  @Override
  public Schema outputSchema(Schema input) {
    return outputSchema(input, type.isClassifier() ? labelType : null, outputCols());
  }

  @Override
  public Bound bind(Schema input) {
    LinearScorer scorer = scorer(input, type.isClassifier() ? labelType : null, outputCols());
    features.bind(input);
    return Bound.scoring(scorer, this);
  }

  /** The model's kind, features, labels, output columns and provenance. */
  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("type", type.name());
    p.put("features", features.toString());
    p.put("numFeatures", Integer.toString(numFeatures));
    p.put("labels", labelValues.toString());
    p.put("predictionCol", outputCols().get(0));
    p.put("predictionDetailCol", outputCols().get(1));
    if (probabilityCol() != null) {
      p.put("probabilityCol", probabilityCol());
    }
    p.put("provenance", provenance.toString());
    return p;
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
        && provenance.equals(other.provenance)
        && Objects.equals(outputCols, other.outputCols);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        type, numFeatures, Arrays.hashCode(coefficients), labelValues, provenance, outputCols);
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
    if (outputCols != null) {
      s.append("\n  output ").append(outputCols);
    }
    return s.append("\n  ").append(provenance).toString();
  }
}
