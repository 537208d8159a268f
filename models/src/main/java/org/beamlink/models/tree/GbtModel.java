package org.beamlink.models.tree;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.optim.LogisticLoss;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.rows.OutputColumns;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Gradient-boosted trees: a base score plus the sum of the leaf values (learning rate included) of
 * a list of regression trees ({@link DecisionTree}s of one value per node), the raw score. A
 * regression model appends the raw score (DOUBLE); a binary classifier over two labels (kept as
 * text, {@link LabelValues}; the second is the positive class) takes the sigmoid of the raw score
 * as the positive class's probability and appends the more probable label (the first when both are
 * 0.5) and the probabilities of both labels (a vector). Immutable.
 *
 * <p>Format {@code gbt-model} ({@link GbtModelCoder}).
 *
 * <pre>{@code
 * GbtModel model = ...; // from GbtRegressor.fit()
 * double y = model.predict(Vector.dense(0.2, 1.5));
 * double afterTenRounds = model.rawScore(Vector.dense(0.2, 1.5), 10);
 * Row scored = model.withOutputCols("y_hat").bind(schema).apply(row);
 * }</pre>
 */
public final class GbtModel implements TreeModel {
  private static final long serialVersionUID = 1L;

  private final List<DecisionTree> trees;
  private final double baseScore;
  private final int numFeatures;
  private final @Nullable List<String> labels;
  private final @Nullable TypeName labelType;
  private final FeatureColumns features;
  private final Provenance provenance;
  private final OutputColumns outputCols;

  private GbtModel(
      List<DecisionTree> trees,
      double baseScore,
      int numFeatures,
      @Nullable List<String> labels,
      @Nullable TypeName labelType,
      FeatureColumns features,
      Provenance provenance,
      OutputColumns outputCols) {
    this.trees = trees;
    this.baseScore = baseScore;
    this.numFeatures = numFeatures;
    this.labels = labels;
    this.labelType = labelType;
    this.features = Objects.requireNonNull(features);
    this.provenance = Objects.requireNonNull(provenance);
    this.outputCols = outputCols;
  }

  /**
   * A regression model writing to "prediction".
   *
   * @throws IllegalArgumentException when a tree has more than one value per node, a split uses a
   *     feature beyond {@code numFeatures} or the base score is not finite
   */
  public static GbtModel regression(
      List<DecisionTree> trees,
      double baseScore,
      int numFeatures,
      FeatureColumns features,
      Provenance provenance) {
    check(trees, baseScore, numFeatures);
    return new GbtModel(
        List.copyOf(trees),
        baseScore,
        numFeatures,
        null,
        null,
        features,
        provenance,
        OutputColumns.of("prediction"));
  }

  /**
   * A binary classifier over {@code labels} (two, as text; the second is the positive class) of a
   * column of type {@code labelType}, writing to "prediction" and "predictionDetail".
   *
   * @throws IllegalArgumentException for other than two labels, or as {@link #regression}
   */
  public static GbtModel classifier(
      List<DecisionTree> trees,
      double baseScore,
      int numFeatures,
      List<String> labels,
      TypeName labelType,
      FeatureColumns features,
      Provenance provenance) {
    if (labels.size() != 2) {
      throw new IllegalArgumentException(
          "A boosted binary classifier needs two labels; got " + labels);
    }
    check(trees, baseScore, numFeatures);
    return new GbtModel(
        List.copyOf(trees),
        baseScore,
        numFeatures,
        List.copyOf(labels),
        Objects.requireNonNull(labelType),
        features,
        provenance,
        OutputColumns.of("prediction", "predictionDetail"));
  }

  private static void check(List<DecisionTree> trees, double baseScore, int numFeatures) {
    if (!Double.isFinite(baseScore)) {
      throw new IllegalArgumentException("Expected a finite base score, got " + baseScore);
    }
    for (int t = 0; t < trees.size(); t++) {
      DecisionTree tree = trees.get(t);
      if (tree.valueSize() != 1) {
        throw new IllegalArgumentException(
            "Tree " + t + " has " + tree.valueSize() + " values per node; boosting needs one");
      }
      if (tree.maxFeature() >= numFeatures) {
        throw new IllegalArgumentException(
            "Tree " + t + " splits on feature " + tree.maxFeature() + " of only " + numFeatures);
      }
    }
  }

  /**
   * The same model writing to other columns: a classifier's prediction and probabilities, a
   * regression model's prediction (give one name).
   *
   * @throws IllegalArgumentException for the wrong number of names, an empty or repeated name
   */
  public GbtModel withOutputCols(String... cols) {
    int expected = isClassifier() ? 2 : 1;
    if (cols.length != expected) {
      throw new IllegalArgumentException(
          "A boosted "
              + (isClassifier() ? "classifier" : "regression model")
              + " writes "
              + expected
              + " columns; got "
              + List.of(cols));
    }
    return new GbtModel(
        trees,
        baseScore,
        numFeatures,
        labels,
        labelType,
        features,
        provenance,
        OutputColumns.of(cols));
  }

  /** The columns the model appends. */
  public OutputColumns outputCols() {
    return outputCols;
  }

  /** True for a classifier. */
  public boolean isClassifier() {
    return labels != null;
  }

  /** The trees, one per round, in order. */
  public List<DecisionTree> trees() {
    return trees;
  }

  /** The raw score before any tree: the mean label, or the log-odds of the positive class. */
  public double baseScore() {
    return baseScore;
  }

  /** The number of features the model reads. */
  public int numFeatures() {
    return numFeatures;
  }

  /** A classifier's two labels as text, the positive one second; empty for regression. */
  public List<String> labelValues() {
    return labels == null ? List.of() : labels;
  }

  /** A classifier's label type; null for regression. */
  public @Nullable TypeName labelType() {
    return labelType;
  }

  /** The feature columns the model reads. */
  public FeatureColumns features() {
    return features;
  }

  /** How the model was made. */
  public Provenance provenance() {
    return provenance;
  }

  /** The raw score of {@code x}: the base score plus every tree's leaf value. */
  public double rawScore(Vector x) {
    return rawScore(x, trees.size());
  }

  /** The raw score of {@code x} after the first {@code rounds} trees (0 gives the base score). */
  public double rawScore(Vector x, int rounds) {
    checkSize(x);
    if (rounds < 0 || rounds > trees.size()) {
      throw new IllegalArgumentException(
          "Expected rounds in [0, " + trees.size() + "], got " + rounds);
    }
    double score = baseScore;
    for (int t = 0; t < rounds; t++) {
      DecisionTree tree = trees.get(t);
      score += tree.firstValue(tree.leaf(x));
    }
    return score;
  }

  /** A regression model's prediction for {@code x}: its raw score. */
  public double predict(Vector x) {
    if (labels != null) {
      throw new IllegalStateException("A classifier predicts labels: use predictLabel(x)");
    }
    return rawScore(x);
  }

  /** A classifier's probability of the positive (second) label for {@code x}. */
  public double probability(Vector x) {
    if (labels == null) {
      throw new IllegalStateException("A regression model predicts numbers: use predict(x)");
    }
    return LogisticLoss.sigmoid(rawScore(x));
  }

  /** A classifier's more probable label for {@code x} (the first at 0.5), of its label type. */
  public Object predictLabel(Vector x) {
    return LabelValues.parse(labels.get(Vector.dense(predictValue(x)).argmax()), labelType);
  }

  /**
   * A classifier's probabilities of its two labels for {@code x}, {@code 1 - p} and {@code p}; a
   * regression model's raw score as one number.
   */
  @Override
  public double[] predictValue(Vector x) {
    if (labels == null) {
      return new double[] {rawScore(x)};
    }
    double p = probability(x);
    return new double[] {1 - p, p};
  }

  private void checkSize(Vector x) {
    if (x.size() != numFeatures) {
      throw new IllegalArgumentException(
          "Vector has size " + x.size() + " but the model was trained on " + numFeatures);
    }
  }

  /**
   * Each feature's share of the total gain of every tree's splits (sums to 1; all zero when no tree
   * splits), as LightGBM's gain importance.
   */
  public double[] featureImportances() {
    double[] importance = new double[numFeatures];
    double total = 0;
    for (DecisionTree tree : trees) {
      for (int i = 0; i < tree.numNodes(); i++) {
        if (!tree.isLeaf(i)) {
          importance[tree.feature(i)] += tree.decrease(i);
          total += tree.decrease(i);
        }
      }
    }
    if (total > 0) {
      for (int j = 0; j < numFeatures; j++) {
        importance[j] /= total;
      }
    }
    return importance;
  }

  /** The base score and every tree as text, with the feature columns' names (or feature j). */
  public String toDebugString() {
    List<String> names = featureNames();
    StringBuilder s =
        new StringBuilder(isClassifier() ? "GbtClassifier" : "GbtRegressor")
            .append(" of ")
            .append(trees.size())
            .append(" trees, base score ")
            .append(baseScore)
            .append('\n');
    for (int t = 0; t < trees.size(); t++) {
      s.append("tree ").append(t).append('\n');
      s.append(trees.get(t).toText(names, v -> Double.toString(v[0])));
    }
    return s.toString();
  }

  /** The model's kind, features, labels, trees, output columns and provenance. */
  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("type", isClassifier() ? "classification" : "regression");
    p.put("features", features.toString());
    p.put("numFeatures", Integer.toString(numFeatures));
    if (labels != null) {
      p.put("labels", labels.toString());
    }
    p.put("trees", Integer.toString(trees.size()));
    p.put("baseScore", Double.toString(baseScore));
    p.put("outputCols", outputCols.toString());
    p.put("provenance", provenance.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GbtModel m
        && numFeatures == m.numFeatures
        && Double.compare(baseScore, m.baseScore) == 0
        && trees.equals(m.trees)
        && Objects.equals(labels, m.labels)
        && labelType == m.labelType
        && features.equals(m.features)
        && provenance.equals(m.provenance)
        && outputCols.equals(m.outputCols);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trees, baseScore, numFeatures, labels, outputCols);
  }

  @Override
  public String toString() {
    return "GbtModel("
        + (isClassifier() ? "labels " + labels : "regression")
        + ", "
        + features
        + ", "
        + trees.size()
        + " trees, base score "
        + baseScore
        + ", output "
        + outputCols
        + ")";
  }
}
