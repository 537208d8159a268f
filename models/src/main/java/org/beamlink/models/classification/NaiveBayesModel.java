package org.beamlink.models.classification;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.FeatureColumnsCoding;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A fitted naive Bayes classifier and its scoring, as a pipeline stage: it appends the predicted
 * label ({@code predictionCol}, of the label column's type) and the class probabilities ({@code
 * predictionDetailCol}, a dense vector in {@link #labelValues()} order), and for a model of two
 * labels optionally the probability of the positive (second) label as a DOUBLE column ({@link
 * #withProbabilityCol}).
 *
 * <p>The model keeps scikit-learn's fitted attributes: the (weighted) row count of each class
 * ({@code class_count_}), and per class either the feature sums ({@code feature_count_}, for
 * MULTINOMIAL and BERNOULLI) or the feature means and variances ({@code theta_}, {@code var_}, for
 * GAUSSIAN); the log-probabilities are derived from them:
 *
 * <ul>
 *   <li>class log-prior {@code log(count_c / sum(count))} (scikit-learn's {@code fit_prior=True};
 *       Spark also adds the smoothing to the class counts);
 *   <li>MULTINOMIAL: {@code log P(j|c) = log(F_cj + a) - log(sum_j (F_cj + a))}, and a row scores
 *       {@code prior_c + sum_j x_j log P(j|c)}: a sparse dot product over the row's non-zeros;
 *   <li>BERNOULLI: {@code log P(j|c) = log(F_cj + a) - log(count_c + 2a)}, and a row scores {@code
 *       prior_c + sum_j [b_j log P(j|c) + (1 - b_j) log(1 - P(j|c))]} with {@code b_j = x_j >
 *       binarize}, computed as a constant per class plus a sum over the present features only;
 *   <li>GAUSSIAN: {@code prior_c - 0.5 sum_j [log(2 pi v_cj) + (x_j - m_cj)^2 / v_cj]} with {@code
 *       v_cj} the class variance plus {@code epsilon}.
 * </ul>
 *
 * <p>{@code a} is the smoothing, raised to 1e-10 when smaller, as scikit-learn's {@code
 * force_alpha=False} does, so that every log-probability is finite. Probabilities are the joint log
 * likelihoods normalized with log-sum-exp; the prediction is the most likely class, the first in
 * label order on ties (scikit-learn's {@code argmax}).
 *
 * <p>Rows: a null, NaN or infinite feature, a vector of another size than the model's, or (for
 * MULTINOMIAL and BERNOULLI) a negative feature value fails with the column, value and row named.
 * The label column is not read when scoring.
 *
 * <p>Format: version 1; a model with a probability column is written as version 2, which adds its
 * name after the detail column's, so a model without one keeps the bytes of version 1.
 *
 * <pre>{@code
 * NaiveBayesModel model = ...; // from NaiveBayes.fit()
 * Row scored = model.bind(schema).apply(row); // + prediction, predictionDetail
 * double[] p = model.probabilities(Vector.sparse(4, new int[] {0, 3}, new double[] {2, 1}));
 * }</pre>
 */
public final class NaiveBayesModel implements Transformer {
  private static final long serialVersionUID = 1L;

  /** The columns of a fitted model until told others: "prediction" and "predictionDetail". */
  public static final OutputColumns DEFAULT_OUTPUT_COLS =
      OutputColumns.of("prediction", "predictionDetail");

  /** The smallest smoothing used, as scikit-learn's {@code force_alpha=False}. */
  public static final double MIN_SMOOTHING = 1e-10;

  private final NaiveBayesModelType type;
  private final FeatureColumns features;
  private final int numFeatures;
  private final List<String> labelValues;
  private final TypeName labelType;
  private final double[] classCounts;

  /** Class by class: feature sums (MULTINOMIAL, BERNOULLI) or feature means (GAUSSIAN). */
  private final double[] featureStats;

  /** Class by class: GAUSSIAN feature variances without epsilon; empty otherwise. */
  private final double[] variances;

  private final double smoothing;
  private final double binarize;
  private final double epsilon;
  private final Provenance provenance;
  private final OutputColumns outputCols;

  /** The scoring tables derived from the statistics above. */
  private final NaiveBayesLikelihood likelihood;

  private NaiveBayesModel(
      NaiveBayesModelType type,
      FeatureColumns features,
      List<String> labelValues,
      TypeName labelType,
      double[] classCounts,
      double[] featureStats,
      double[] variances,
      double smoothing,
      double binarize,
      double epsilon,
      Provenance provenance,
      OutputColumns outputCols) {
    this.type = Objects.requireNonNull(type);
    this.features = Objects.requireNonNull(features);
    this.labelValues = List.copyOf(labelValues);
    this.labelType = labelType;
    this.classCounts = classCounts;
    this.featureStats = featureStats;
    this.variances = variances;
    this.smoothing = smoothing;
    this.binarize = binarize;
    this.epsilon = epsilon;
    this.provenance = Objects.requireNonNull(provenance);
    this.outputCols = outputCols;
    int k = labelValues.size();
    if (k < 1 || new HashSet<>(labelValues).size() != k) {
      throw new IllegalArgumentException(
          "Expected one or more distinct label values, got " + labelValues);
    }
    if (outputCols.size() > 2 && k != 2) {
      throw new IllegalArgumentException(
          "A probability column needs a model of two labels; this one has "
              + k
              + ": "
              + labelValues);
    }
    if (labelType == null || !LabelValues.isLabelType(FieldType.of(labelType))) {
      throw new IllegalArgumentException(
          "Expected a string, boolean or numeric label type, got " + labelType);
    }
    if (classCounts.length != k) {
      throw new IllegalArgumentException(
          "Expected " + k + " class counts, one per label, got " + classCounts.length);
    }
    for (int c = 0; c < k; c++) {
      if (!(classCounts[c] > 0) || Double.isInfinite(classCounts[c])) {
        throw new IllegalArgumentException(
            "Expected class counts > 0 and finite, got "
                + classCounts[c]
                + " for label "
                + labelValues.get(c));
      }
    }
    if (featureStats.length % k != 0) {
      throw new IllegalArgumentException(
          "Expected " + k + " x d feature values, got " + featureStats.length);
    }
    this.numFeatures = featureStats.length / k;
    if (numFeatures < 1) {
      throw new IllegalArgumentException("Expected at least one feature, got none");
    }
    this.likelihood =
        new NaiveBayesLikelihood(
            type,
            labelValues,
            numFeatures,
            classCounts,
            featureStats,
            variances,
            smoothing,
            binarize,
            epsilon);
  }

  /**
   * A MULTINOMIAL or BERNOULLI model from its sufficient statistics.
   *
   * @param labelValues the class labels as text ({@link LabelValues#text}), in probability order
   * @param labelType the type of the label column, which predictions take
   * @param classCounts the (weighted) number of rows of each class, all above 0
   * @param featureCounts per class, the (weighted) sum of each feature (MULTINOMIAL) or the
   *     (weighted) number of rows where it is above {@code binarize} (BERNOULLI)
   * @param smoothing additive (Laplace / Lidstone) smoothing, at least 0
   * @param binarize BERNOULLI's presence threshold, at least 0 (ignored for MULTINOMIAL)
   * @throws IllegalArgumentException for inconsistent sizes or values out of range
   */
  public static NaiveBayesModel discrete(
      NaiveBayesModelType type,
      FeatureColumns features,
      List<String> labelValues,
      TypeName labelType,
      double[] classCounts,
      double[][] featureCounts,
      double smoothing,
      double binarize,
      Provenance provenance) {
    if (type == NaiveBayesModelType.GAUSSIAN) {
      throw new IllegalArgumentException("A GAUSSIAN model is made with gaussian(..)");
    }
    return new NaiveBayesModel(
        type,
        features,
        labelValues,
        labelType,
        classCounts.clone(),
        flatten(featureCounts),
        new double[0],
        smoothing,
        binarize,
        0.0,
        provenance,
        DEFAULT_OUTPUT_COLS);
  }

  /**
   * A GAUSSIAN model from per-class means and (population, weighted) variances; {@code epsilon} is
   * added to every variance, as scikit-learn's {@code var_smoothing * max(var(X))}.
   *
   * @throws IllegalArgumentException for inconsistent sizes, values out of range, or a variance
   *     that is 0 after adding {@code epsilon}
   */
  public static NaiveBayesModel gaussian(
      FeatureColumns features,
      List<String> labelValues,
      TypeName labelType,
      double[] classCounts,
      double[][] means,
      double[][] variances,
      double epsilon,
      Provenance provenance) {
    return new NaiveBayesModel(
        NaiveBayesModelType.GAUSSIAN,
        features,
        labelValues,
        labelType,
        classCounts.clone(),
        flatten(means),
        flatten(variances),
        0.0,
        0.0,
        epsilon,
        provenance,
        DEFAULT_OUTPUT_COLS);
  }

  /**
   * The same model appending its predictions to {@code predictionCol} and its class probabilities
   * to {@code predictionDetailCol}; by default "prediction" and "predictionDetail".
   */
  public NaiveBayesModel withPredictionCols(String predictionCol, String predictionDetailCol) {
    return withOutputCols(predictionCol, predictionDetailCol, probabilityCol());
  }

  /**
   * The same model, also appending {@code probabilityCol}: a DOUBLE column with the probability of
   * the positive class, the second of the two labels ({@code predictionDetail[1]}); null for none.
   *
   * @throws IllegalArgumentException when the model does not have exactly two labels
   */
  public NaiveBayesModel withProbabilityCol(@Nullable String probabilityCol) {
    return withOutputCols(predictionCol(), predictionDetailCol(), probabilityCol);
  }

  private NaiveBayesModel withOutputCols(
      String predictionCol, String predictionDetailCol, @Nullable String probabilityCol) {
    OutputColumns cols =
        probabilityCol == null
            ? OutputColumns.of(predictionCol, predictionDetailCol)
            : OutputColumns.of(predictionCol, predictionDetailCol, probabilityCol);
    return new NaiveBayesModel(
        type,
        features,
        labelValues,
        labelType,
        classCounts,
        featureStats,
        variances,
        smoothing,
        binarize,
        epsilon,
        provenance,
        cols);
  }

  private static double[] flatten(double[][] rows) {
    if (rows.length == 0) {
      return new double[0];
    }
    int d = rows[0].length;
    double[] flat = new double[rows.length * d];
    for (int c = 0; c < rows.length; c++) {
      if (rows[c].length != d) {
        throw new IllegalArgumentException(
            "Expected " + d + " features for every class, got " + rows[c].length);
      }
      System.arraycopy(rows[c], 0, flat, c * d, d);
    }
    return flat;
  }

  private double[][] unflatten(double[] flat) {
    double[][] rows = new double[classCounts.length][];
    for (int c = 0; c < rows.length; c++) {
      rows[c] = Arrays.copyOfRange(flat, c * numFeatures, (c + 1) * numFeatures);
    }
    return rows;
  }

  /** The event model. */
  public NaiveBayesModelType type() {
    return type;
  }

  /** The feature columns. */
  public FeatureColumns features() {
    return features;
  }

  /** The number of features. */
  public int numFeatures() {
    return numFeatures;
  }

  /** The class labels, as text, in the order of the probabilities. */
  public List<String> labelValues() {
    return labelValues;
  }

  /** The type of the label column the model was fitted on, which its predictions have. */
  public TypeName labelType() {
    return labelType;
  }

  /** The (weighted) number of rows of each class: scikit-learn's {@code class_count_}. */
  public double[] classCounts() {
    return classCounts.clone();
  }

  /** {@code log(count_c / sum(count))}: scikit-learn's {@code class_log_prior_}. */
  public double[] classLogPrior() {
    return likelihood.classLogPrior();
  }

  /**
   * Per class, the (weighted) feature sums (MULTINOMIAL) or presence counts (BERNOULLI):
   * scikit-learn's {@code feature_count_}.
   *
   * @throws IllegalStateException for a GAUSSIAN model
   */
  public double[][] featureCounts() {
    requireDiscrete("feature counts");
    return unflatten(featureStats);
  }

  /**
   * Per class, the smoothed {@code log P(feature | class)}: scikit-learn's {@code
   * feature_log_prob_}.
   *
   * @throws IllegalStateException for a GAUSSIAN model
   */
  public double[][] featureLogProb() {
    requireDiscrete("feature log-probabilities");
    return unflatten(likelihood.perFeature());
  }

  /**
   * Per class, the feature means: scikit-learn's {@code theta_}.
   *
   * @throws IllegalStateException unless the model is GAUSSIAN
   */
  public double[][] theta() {
    requireGaussian("means");
    return unflatten(featureStats);
  }

  /**
   * Per class, the feature variances plus {@code epsilon}: scikit-learn's {@code var_}.
   *
   * @throws IllegalStateException unless the model is GAUSSIAN
   */
  public double[][] var() {
    requireGaussian("variances");
    return unflatten(likelihood.perFeature());
  }

  /** GAUSSIAN: the variance added to every class variance ({@code epsilon_}); 0 otherwise. */
  public double epsilon() {
    return epsilon;
  }

  /** MULTINOMIAL and BERNOULLI: the smoothing as given (see {@link #MIN_SMOOTHING}). */
  public double smoothing() {
    return smoothing;
  }

  /** BERNOULLI: a feature is present when above this threshold. */
  public double binarize() {
    return binarize;
  }

  /** How the model was made. */
  public Provenance provenance() {
    return provenance;
  }

  /** The prediction, detail and (when there is one) probability columns, in that order. */
  public OutputColumns outputCols() {
    return outputCols;
  }

  /** The column the predicted label goes to. */
  public String predictionCol() {
    return outputCols.get(0);
  }

  /** The column the class probabilities go to. */
  public String predictionDetailCol() {
    return outputCols.get(1);
  }

  /** The column of the positive class's probability, or null when the model appends none. */
  public @Nullable String probabilityCol() {
    return outputCols.size() > 2 ? outputCols.get(2) : null;
  }

  private void requireDiscrete(String what) {
    if (type == NaiveBayesModelType.GAUSSIAN) {
      throw new IllegalStateException("A GAUSSIAN model has no " + what);
    }
  }

  private void requireGaussian(String what) {
    if (type != NaiveBayesModelType.GAUSSIAN) {
      throw new IllegalStateException("Only a GAUSSIAN model has " + what + "; this is " + type);
    }
  }

  /**
   * The joint log likelihood {@code log P(c) + log P(x | c)} of each class, in label order:
   * scikit-learn's {@code _joint_log_likelihood}.
   *
   * @throws IllegalArgumentException for a vector of another size, a non-finite value, or a
   *     negative value in a MULTINOMIAL or BERNOULLI model
   */
  public double[] jointLogLikelihood(Vector x) {
    return jointLogLikelihood(x, null);
  }

  /** Class probabilities in label order: the joint log likelihoods normalized by log-sum-exp. */
  public double[] probabilities(Vector x) {
    return NaiveBayesLikelihood.normalize(jointLogLikelihood(x));
  }

  /** The index in {@link #labelValues()} of the most likely class, the first on ties. */
  public int predictIndex(Vector x) {
    return Vector.dense(jointLogLikelihood(x)).argmax();
  }

  private double[] jointLogLikelihood(Vector x, Row row) {
    if (x.size() != numFeatures) {
      throw new IllegalArgumentException(
          "Features from "
              + features
              + " have size "
              + x.size()
              + " but the model has "
              + numFeatures
              + " features"
              + where(row));
    }
    if (x.hasNonFinite()) {
      throw new IllegalArgumentException(
          "Features from " + features + " have NaN or infinite values" + where(row));
    }
    if (type != NaiveBayesModelType.GAUSSIAN) {
      checkNonNegative(x, row);
    }
    return likelihood.jointLogLikelihood(x);
  }

  private void checkNonNegative(Vector x, Row row) {
    x.forEachNonzero(
        (j, v) -> {
          if (v < 0) {
            throw new IllegalArgumentException(
                "Features from "
                    + features
                    + " have negative value "
                    + v
                    + " at index "
                    + j
                    + where(row)
                    + "; a "
                    + type
                    + " naive Bayes model needs non-negative features (counts, frequencies or"
                    + " TF-IDF)");
          }
        });
  }

  private static String where(Row row) {
    return row == null ? "" : ", in row " + RowText.of(row);
  }

  /**
   * {@code input} with the prediction column (of {@code labelType}) and the probability vector
   * column appended: what a model with these parameters does to a schema, known before fitting.
   *
   * @throws IllegalArgumentException naming a missing or non-numeric feature column, or an output
   *     column that already exists
   */
  public static Schema outputSchema(
      Schema input,
      FeatureColumns features,
      TypeName labelType,
      String predictionCol,
      String predictionDetailCol) {
    return outputSchema(input, features, labelType, predictionCol, predictionDetailCol, null);
  }

  /**
   * As {@link #outputSchema(Schema, FeatureColumns, TypeName, String, String)}, then {@code
   * probabilityCol} (DOUBLE) when it is not null.
   */
  public static Schema outputSchema(
      Schema input,
      FeatureColumns features,
      TypeName labelType,
      String predictionCol,
      String predictionDetailCol,
      @Nullable String probabilityCol) {
    features.bind(input);
    Schema.Field prediction = Schema.Field.of(predictionCol, FieldType.of(labelType));
    Schema.Field detail = Schema.Field.of(predictionDetailCol, VectorLogicalType.FIELD_TYPE);
    return probabilityCol == null
        ? OutputColumns.append(input, prediction, detail)
        : OutputColumns.append(
            input, prediction, detail, Schema.Field.of(probabilityCol, FieldType.DOUBLE));
  }

  @Override
  public Schema outputSchema(Schema input) {
    return outputSchema(
        input, features, labelType, predictionCol(), predictionDetailCol(), probabilityCol());
  }

  @Override
  public Bound bind(Schema input) {
    Schema output = outputSchema(input);
    FeatureColumns.Bound bound = features.bind(input);
    Object[] labels = new Object[labelValues.size()];
    for (int c = 0; c < labels.length; c++) {
      labels[c] = LabelValues.parse(labelValues.get(c), labelType);
    }
    return new Bound() {
      @Override
      public Schema outputSchema() {
        return output;
      }

      @Override
      public Row apply(Row row) {
        double[] jll = jointLogLikelihood(bound.extract(row), row);
        double[] p = NaiveBayesLikelihood.normalize(jll);
        Object label = labels[Vector.dense(jll).argmax()];
        return outputCols.size() == 2
            ? OutputColumns.row(output, row, label, Vector.dense(p))
            : OutputColumns.row(output, row, label, Vector.dense(p), p[1]);
      }
    };
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    // Not "type": a model file's header already has that key (the format's type name).
    p.put("modelType", type.name());
    p.put("features", features.toString());
    p.put("numFeatures", Integer.toString(numFeatures));
    p.put("labels", labelValues.toString());
    if (type == NaiveBayesModelType.GAUSSIAN) {
      p.put("epsilon", Double.toString(epsilon));
    } else {
      p.put("smoothing", Double.toString(smoothing));
    }
    if (type == NaiveBayesModelType.BERNOULLI) {
      p.put("binarize", Double.toString(binarize));
    }
    p.put("predictionCol", predictionCol());
    p.put("predictionDetailCol", predictionDetailCol());
    if (probabilityCol() != null) {
      p.put("probabilityCol", probabilityCol());
    }
    p.put("provenance", provenance.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NaiveBayesModel m
        && type == m.type
        && features.equals(m.features)
        && labelValues.equals(m.labelValues)
        && labelType == m.labelType
        && Arrays.equals(classCounts, m.classCounts)
        && Arrays.equals(featureStats, m.featureStats)
        && Arrays.equals(variances, m.variances)
        && Double.compare(smoothing, m.smoothing) == 0
        && Double.compare(binarize, m.binarize) == 0
        && Double.compare(epsilon, m.epsilon) == 0
        && provenance.equals(m.provenance)
        && outputCols.equals(m.outputCols);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        type,
        features,
        labelValues,
        Arrays.hashCode(classCounts),
        Arrays.hashCode(featureStats),
        provenance,
        outputCols);
  }

  @Override
  public String toString() {
    return "NaiveBayesModel" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link NaiveBayesModel}.
   *
   * <pre>{@code
   * NaiveBayesModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<NaiveBayesModel> {
    /** Version 1: no probability column; version 2: with one. */
    private static final int VERSION = 1;

    private static final int WITH_PROBABILITY = 2;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(NaiveBayesModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(value.outputCols.size() == 2 ? VERSION : WITH_PROBABILITY);
      data.writeUTF(value.type.name());
      data.writeUTF(value.labelType.name());
      data.writeInt(value.labelValues.size());
      for (String label : value.labelValues) {
        data.writeUTF(label);
      }
      data.writeDouble(value.smoothing);
      data.writeDouble(value.binarize);
      data.writeDouble(value.epsilon);
      for (String col : value.outputCols.names()) {
        data.writeUTF(col);
      }
      data.flush();
      ArrayEncoding.writeDoubles(value.classCounts, out);
      ArrayEncoding.writeDoubles(value.featureStats, out);
      ArrayEncoding.writeDoubles(value.variances, out);
      FeatureColumnsCoding.write(value.features, out);
      value.provenance.writeTo(out);
    }

    @Override
    public NaiveBayesModel decode(InputStream in) throws IOException {
      int version = ArrayEncoding.readVersion(in, VERSION, WITH_PROBABILITY, "naive Bayes model");
      DataInputStream data = new DataInputStream(in);
      NaiveBayesModelType type;
      TypeName labelType;
      try {
        type = NaiveBayesModelType.valueOf(data.readUTF());
        labelType = TypeName.valueOf(data.readUTF());
      } catch (IllegalArgumentException e) {
        throw new CoderException("Unknown model or label type in naive Bayes model", e);
      }
      int numLabels = data.readInt();
      if (numLabels < 0) {
        throw new CoderException("Corrupt naive Bayes model: " + numLabels + " labels");
      }
      List<String> labels = new ArrayList<>(numLabels);
      for (int i = 0; i < numLabels; i++) {
        labels.add(data.readUTF());
      }
      double smoothing = data.readDouble();
      double binarize = data.readDouble();
      double epsilon = data.readDouble();
      String prediction = data.readUTF();
      String detail = data.readUTF();
      String probability = version == WITH_PROBABILITY ? data.readUTF() : null;
      double[] classCounts = ArrayEncoding.readDoubles(in);
      double[] featureStats = ArrayEncoding.readDoubles(in);
      double[] variances = ArrayEncoding.readDoubles(in);
      FeatureColumns features = FeatureColumnsCoding.read(in);
      Provenance provenance = Provenance.readFrom(in);
      try {
        return new NaiveBayesModel(
            type,
            features,
            labels,
            labelType,
            classCounts,
            featureStats,
            variances,
            smoothing,
            binarize,
            epsilon,
            provenance,
            probability == null
                ? OutputColumns.of(prediction, detail)
                : OutputColumns.of(prediction, detail, probability));
      } catch (IllegalArgumentException e) {
        throw new CoderException("Corrupt naive Bayes model: " + e.getMessage(), e);
      }
    }

    @Override
    public void verifyDeterministic() {}
  }
}
