package org.beamlink.models.tree;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.rows.OutputColumns;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A random forest: decision trees ({@link DecisionTree}s) whose predictions are averaged, as
 * Spark's {@code RandomForestClassificationModel} and {@code RandomForestRegressionModel}. A
 * classifier's trees hold class probabilities in the order of its labels (kept as text, {@link
 * LabelValues}); it appends the label of the largest mean probability (the first among equals) and
 * the mean probabilities (a vector). A regression forest's trees hold one value per node; it
 * appends their mean (DOUBLE). Immutable.
 *
 * <p>Format {@code random-forest-model} ({@link RandomForestModelCoder}).
 *
 * <pre>{@code
 * RandomForestModel model = ...; // from RandomForestClassifier.fit()
 * Object label = model.predictLabel(Vector.dense(5.1, 3.5, 1.4, 0.2)); // "setosa"
 * double[] importances = model.featureImportances();
 * Row scored = model.withOutputCols("species_hat", "p").bind(schema).apply(row);
 * }</pre>
 */
public final class RandomForestModel implements TreeModel {
  private static final long serialVersionUID = 1L;

  private final List<DecisionTree> trees;
  private final int numFeatures;
  private final @Nullable List<String> labels;
  private final @Nullable TypeName labelType;
  private final FeatureColumns features;
  private final Provenance provenance;
  private final OutputColumns outputCols;

  private RandomForestModel(
      List<DecisionTree> trees,
      int numFeatures,
      @Nullable List<String> labels,
      @Nullable TypeName labelType,
      FeatureColumns features,
      Provenance provenance,
      OutputColumns outputCols) {
    this.trees = trees;
    this.numFeatures = numFeatures;
    this.labels = labels;
    this.labelType = labelType;
    this.features = Objects.requireNonNull(features);
    this.provenance = Objects.requireNonNull(provenance);
    this.outputCols = outputCols;
  }

  /**
   * A classifier over {@code labels} (as text, in the order of the leaves' probabilities) of a
   * column of type {@code labelType}, writing to "prediction" and "predictionDetail".
   *
   * @throws IllegalArgumentException for no trees, fewer than two labels, leaves without one
   *     probability per label or a split on a feature beyond {@code numFeatures}
   */
  public static RandomForestModel classifier(
      List<DecisionTree> trees,
      int numFeatures,
      List<String> labels,
      TypeName labelType,
      FeatureColumns features,
      Provenance provenance) {
    if (labels.size() < 2) {
      throw new IllegalArgumentException(
          "A classification forest needs at least two labels; got " + labels);
    }
    check(trees, numFeatures, labels.size());
    return new RandomForestModel(
        List.copyOf(trees),
        numFeatures,
        List.copyOf(labels),
        Objects.requireNonNull(labelType),
        features,
        provenance,
        OutputColumns.of("prediction", "predictionDetail"));
  }

  /**
   * A regression forest (one value per node), writing to "prediction".
   *
   * @throws IllegalArgumentException for no trees, a tree of more than one value per node or a
   *     split on a feature beyond {@code numFeatures}
   */
  public static RandomForestModel regression(
      List<DecisionTree> trees, int numFeatures, FeatureColumns features, Provenance provenance) {
    check(trees, numFeatures, 1);
    return new RandomForestModel(
        List.copyOf(trees),
        numFeatures,
        null,
        null,
        features,
        provenance,
        OutputColumns.of("prediction"));
  }

  private static void check(List<DecisionTree> trees, int numFeatures, int valueSize) {
    if (trees.isEmpty()) {
      throw new IllegalArgumentException("A random forest needs at least one tree; got none");
    }
    for (int t = 0; t < trees.size(); t++) {
      DecisionTree tree = trees.get(t);
      if (tree.valueSize() != valueSize) {
        throw new IllegalArgumentException(
            "Tree " + t + " has " + tree.valueSize() + " values per node; expected " + valueSize);
      }
      if (tree.maxFeature() >= numFeatures) {
        throw new IllegalArgumentException(
            "Tree " + t + " splits on feature " + tree.maxFeature() + " of only " + numFeatures);
      }
    }
  }

  /**
   * The same model writing to other columns: a classifier's prediction and probabilities, a
   * regression forest's prediction (give one name).
   *
   * @throws IllegalArgumentException for the wrong number of names, an empty or repeated name
   */
  public RandomForestModel withOutputCols(String... cols) {
    int expected = isClassifier() ? 2 : 1;
    if (cols.length != expected) {
      throw new IllegalArgumentException(
          "A "
              + (isClassifier() ? "classification" : "regression")
              + " forest writes "
              + expected
              + " columns; got "
              + Arrays.toString(cols));
    }
    return new RandomForestModel(
        trees, numFeatures, labels, labelType, features, provenance, OutputColumns.of(cols));
  }

  /** The columns the model appends. */
  public OutputColumns outputCols() {
    return outputCols;
  }

  /** True for a classifier. */
  public boolean isClassifier() {
    return labels != null;
  }

  /** The trees, in the order they were drawn. */
  public List<DecisionTree> trees() {
    return trees;
  }

  /** The number of features the model reads. */
  public int numFeatures() {
    return numFeatures;
  }

  /** A classifier's labels as text, in the order of its probabilities; empty for regression. */
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

  /** The mean of the trees' leaf values for {@code x}: class probabilities, or one number. */
  @Override
  public double[] predictValue(Vector x) {
    if (x.size() != numFeatures) {
      throw new IllegalArgumentException(
          "Vector has size " + x.size() + " but the forest was trained on " + numFeatures);
    }
    int size = trees.get(0).valueSize();
    double[] mean = new double[size];
    for (DecisionTree tree : trees) {
      double[] value = tree.value(tree.leaf(x));
      for (int c = 0; c < size; c++) {
        mean[c] += value[c];
      }
    }
    for (int c = 0; c < size; c++) {
      mean[c] /= trees.size();
    }
    return mean;
  }

  /** A regression forest's prediction for {@code x}: the mean of its trees' values. */
  public double predict(Vector x) {
    if (labels != null) {
      throw new IllegalStateException("A classifier predicts labels: use predictLabel(x)");
    }
    return predictValue(x)[0];
  }

  /** A classifier's label of the largest mean probability for {@code x}, of its label type. */
  public Object predictLabel(Vector x) {
    if (labels == null) {
      throw new IllegalStateException("A regression forest predicts numbers: use predict(x)");
    }
    return LabelValues.parse(labels.get(Vector.dense(predictValue(x)).argmax()), labelType);
  }

  /**
   * Each feature's importance as Spark's forests compute it: every tree's impurity decreases per
   * feature normalised to sum to 1 (a tree without splits adds nothing), summed over the trees and
   * normalised again (all zero when no tree splits).
   */
  public double[] featureImportances() {
    double[] importance = new double[numFeatures];
    for (DecisionTree tree : trees) {
      double[] own = tree.featureImportances(numFeatures);
      for (int j = 0; j < numFeatures; j++) {
        importance[j] += own[j];
      }
    }
    double total = Arrays.stream(importance).sum();
    if (total > 0) {
      for (int j = 0; j < numFeatures; j++) {
        importance[j] /= total;
      }
    }
    return importance;
  }

  /** Every tree as text, with the feature columns' names (or {@code feature j}) and leaf values. */
  public String toDebugString() {
    List<String> names = featureNames();
    StringBuilder s =
        new StringBuilder(isClassifier() ? "RandomForestClassifier" : "RandomForestRegressor")
            .append(" of ")
            .append(trees.size())
            .append(" trees\n");
    for (int t = 0; t < trees.size(); t++) {
      s.append("tree ").append(t).append('\n');
      s.append(
          trees
              .get(t)
              .toText(
                  names,
                  v ->
                      labels == null
                          ? Double.toString(v[0])
                          : labels.get(Vector.dense(v).argmax()) + " " + Arrays.toString(v)));
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
    p.put("outputCols", outputCols.toString());
    p.put("provenance", provenance.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RandomForestModel m
        && numFeatures == m.numFeatures
        && trees.equals(m.trees)
        && Objects.equals(labels, m.labels)
        && labelType == m.labelType
        && features.equals(m.features)
        && provenance.equals(m.provenance)
        && outputCols.equals(m.outputCols);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trees, numFeatures, labels, outputCols);
  }

  @Override
  public String toString() {
    return "RandomForestModel("
        + (isClassifier() ? "labels " + labels : "regression")
        + ", "
        + features
        + ", "
        + trees.size()
        + " trees, output "
        + outputCols
        + ")";
  }
}
