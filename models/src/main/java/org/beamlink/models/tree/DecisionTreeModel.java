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
 * A trained decision tree ({@link DecisionTree}) with the feature columns it reads, its provenance
 * and the columns it appends. A classifier's leaves hold class probabilities in the order of its
 * labels (kept as text, {@link LabelValues}) and it appends the most probable label (of the label
 * column's type; the first label among equals) and the probabilities (a vector); a regression
 * tree's leaves hold the mean label and it appends that (DOUBLE). Immutable.
 *
 * <p>Format {@code decision-tree-model} ({@link DecisionTreeModelCoder}).
 *
 * <pre>{@code
 * DecisionTreeModel model = ...; // from DecisionTreeClassifier.fit()
 * Object label = model.predictLabel(Vector.dense(5.1, 3.5, 1.4, 0.2)); // "setosa"
 * double[] importances = model.featureImportances();
 * System.out.println(model.toDebugString());
 * Row scored = model.withOutputCols("species_hat", "p").bind(schema).apply(row);
 * }</pre>
 */
public final class DecisionTreeModel implements TreeModel {
  private static final long serialVersionUID = 1L;

  private final DecisionTree tree;
  private final int numFeatures;
  private final @Nullable List<String> labels;
  private final @Nullable TypeName labelType;
  private final FeatureColumns features;
  private final Provenance provenance;
  private final OutputColumns outputCols;

  private DecisionTreeModel(
      DecisionTree tree,
      int numFeatures,
      @Nullable List<String> labels,
      @Nullable TypeName labelType,
      FeatureColumns features,
      Provenance provenance,
      OutputColumns outputCols) {
    this.tree = tree;
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
   * @throws IllegalArgumentException when the leaves' values are not one probability per label or a
   *     split uses a feature beyond {@code numFeatures}
   */
  public static DecisionTreeModel classifier(
      DecisionTree tree,
      int numFeatures,
      List<String> labels,
      TypeName labelType,
      FeatureColumns features,
      Provenance provenance) {
    if (labels.size() < 2 || tree.valueSize() != labels.size()) {
      throw new IllegalArgumentException(
          "A classification tree needs at least two labels and one probability per label; got "
              + labels
              + " and values of size "
              + tree.valueSize());
    }
    checkFeatures(tree, numFeatures);
    return new DecisionTreeModel(
        tree,
        numFeatures,
        List.copyOf(labels),
        Objects.requireNonNull(labelType),
        features,
        provenance,
        OutputColumns.of("prediction", "predictionDetail"));
  }

  /**
   * A regression tree (one value per node), writing to "prediction".
   *
   * @throws IllegalArgumentException when a node's value is not one number or a split uses a
   *     feature beyond {@code numFeatures}
   */
  public static DecisionTreeModel regression(
      DecisionTree tree, int numFeatures, FeatureColumns features, Provenance provenance) {
    if (tree.valueSize() != 1) {
      throw new IllegalArgumentException(
          "A regression tree has one value per node; got " + tree.valueSize());
    }
    checkFeatures(tree, numFeatures);
    return new DecisionTreeModel(
        tree, numFeatures, null, null, features, provenance, OutputColumns.of("prediction"));
  }

  private static void checkFeatures(DecisionTree tree, int numFeatures) {
    if (tree.maxFeature() >= numFeatures) {
      throw new IllegalArgumentException(
          "The tree splits on feature " + tree.maxFeature() + " of only " + numFeatures);
    }
  }

  /**
   * The same model writing to other columns: a classifier's prediction and probabilities, a
   * regression tree's prediction (give one name).
   *
   * @throws IllegalArgumentException for the wrong number of names, an empty or repeated name
   */
  public DecisionTreeModel withOutputCols(String... cols) {
    int expected = isClassifier() ? 2 : 1;
    if (cols.length != expected) {
      throw new IllegalArgumentException(
          "A "
              + (isClassifier() ? "classification" : "regression")
              + " tree writes "
              + expected
              + " columns; got "
              + Arrays.toString(cols));
    }
    return new DecisionTreeModel(
        tree, numFeatures, labels, labelType, features, provenance, OutputColumns.of(cols));
  }

  /** The columns the model appends. */
  public OutputColumns outputCols() {
    return outputCols;
  }

  /** True for a classifier. */
  public boolean isClassifier() {
    return labels != null;
  }

  /** The tree. */
  public DecisionTree tree() {
    return tree;
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

  /** Each feature's share of the tree's total weighted impurity decrease (sums to 1). */
  public double[] featureImportances() {
    return tree.featureImportances(numFeatures);
  }

  /** The leaf value {@code x} reaches: class probabilities, or the regression value. */
  @Override
  public double[] predictValue(Vector x) {
    checkSize(x);
    return tree.value(tree.leaf(x));
  }

  /** A regression tree's prediction for {@code x}. */
  public double predict(Vector x) {
    checkSize(x);
    return tree.firstValue(tree.leaf(x));
  }

  /** A classifier's most probable label for {@code x}, as a value of its label type. */
  public Object predictLabel(Vector x) {
    if (labels == null) {
      throw new IllegalStateException("A regression tree predicts numbers: use predict(x)");
    }
    return LabelValues.parse(labels.get(Vector.dense(predictValue(x)).argmax()), labelType);
  }

  private void checkSize(Vector x) {
    if (x.size() != numFeatures) {
      throw new IllegalArgumentException(
          "Vector has size " + x.size() + " but the tree was trained on " + numFeatures);
    }
  }

  /** The tree as text, with the feature columns' names (or {@code feature j}) and leaf values. */
  public String toDebugString() {
    String header =
        (isClassifier() ? "DecisionTreeClassifier" : "DecisionTreeRegressor")
            + " of depth "
            + tree.depth()
            + " with "
            + tree.numNodes()
            + " nodes\n";
    return header
        + tree.toText(
            featureNames(),
            v -> {
              if (labels == null) {
                return Double.toString(v[0]);
              }
              return labels.get(Vector.dense(v).argmax()) + " " + Arrays.toString(v);
            });
  }

  /** The model's kind, features, labels, output columns and provenance. */
  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("type", isClassifier() ? "classification" : "regression");
    p.put("features", features.toString());
    p.put("numFeatures", Integer.toString(numFeatures));
    if (labels != null) {
      p.put("labels", labels.toString());
    }
    p.put("nodes", Integer.toString(tree.numNodes()));
    p.put("depth", Integer.toString(tree.depth()));
    p.put("outputCols", outputCols.toString());
    p.put("provenance", provenance.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecisionTreeModel m
        && numFeatures == m.numFeatures
        && tree.equals(m.tree)
        && Objects.equals(labels, m.labels)
        && labelType == m.labelType
        && features.equals(m.features)
        && provenance.equals(m.provenance)
        && outputCols.equals(m.outputCols);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tree, numFeatures, labels, outputCols);
  }

  @Override
  public String toString() {
    return "DecisionTreeModel("
        + (isClassifier() ? "labels " + labels : "regression")
        + ", "
        + features
        + ", "
        + tree
        + ", output "
        + outputCols
        + ")";
  }
}
