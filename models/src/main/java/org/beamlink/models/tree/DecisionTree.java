package org.beamlink.models.tree;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderException;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;

/**
 * A binary tree of threshold splits on numeric features, stored as parallel arrays indexed by node
 * (node 0 is the root): an internal node sends a point with {@code x[feature] <= threshold} to its
 * left child and every other point to its right child; every node holds a value of {@code
 * valueSize} numbers (a leaf's prediction: class probabilities, or one regression value) and an
 * internal node the weighted impurity decrease of its split. Immutable.
 *
 * <pre>{@code
 * DecisionTree stump = DecisionTree.of(
 *     new int[] {0, -1, -1}, new double[] {2.5, 0, 0}, new int[] {1, -1, -1},
 *     new int[] {2, -1, -1}, new double[] {5, 2, 8}, 1, new double[] {9, 0, 0});
 * double y = stump.value(stump.leaf(Vector.dense(1.0)))[0]; // 2
 * }</pre>
 */
public final class DecisionTree implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  private final int[] feature;
  private final double[] threshold;
  private final int[] left;
  private final int[] right;
  private final double[] values;
  private final int valueSize;
  private final double[] decrease;

  private DecisionTree(
      int[] feature,
      double[] threshold,
      int[] left,
      int[] right,
      double[] values,
      int valueSize,
      double[] decrease) {
    this.feature = feature;
    this.threshold = threshold;
    this.left = left;
    this.right = right;
    this.values = values;
    this.valueSize = valueSize;
    this.decrease = decrease;
  }

  /**
   * A tree of {@code feature.length} nodes (arrays copied): a leaf has feature, left and right -1;
   * {@code values} holds {@code valueSize} numbers per node, node after node.
   *
   * @throws IllegalArgumentException for arrays of different lengths or children that do not form a
   *     tree below node 0
   */
  public static DecisionTree of(
      int[] feature,
      double[] threshold,
      int[] left,
      int[] right,
      double[] values,
      int valueSize,
      double[] decrease) {
    int n = feature.length;
    if (n == 0
        || valueSize < 1
        || threshold.length != n
        || left.length != n
        || right.length != n
        || decrease.length != n
        || values.length != (long) n * valueSize) {
      throw new IllegalArgumentException(
          "Expected a tree of at least one node with arrays of one length per node, got "
              + n
              + " features, "
              + threshold.length
              + " thresholds, "
              + left.length
              + " left and "
              + right.length
              + " right children, "
              + decrease.length
              + " decreases and "
              + values.length
              + " values of size "
              + valueSize);
    }
    boolean[] reached = new boolean[n];
    reached[0] = true;
    for (int i = 0; i < n; i++) {
      boolean leaf = left[i] < 0;
      if (leaf != (right[i] < 0) || leaf != (feature[i] < 0)) {
        throw new IllegalArgumentException(
            "Node " + i + " has feature " + feature[i] + ", children " + left[i] + ", " + right[i]);
      }
      if (!leaf) {
        for (int c : new int[] {left[i], right[i]}) {
          if (c <= i || c >= n || reached[c]) {
            throw new IllegalArgumentException("Node " + i + " has child " + c + "; not a tree");
          }
          reached[c] = true;
        }
      }
    }
    return new DecisionTree(
        feature.clone(),
        threshold.clone(),
        left.clone(),
        right.clone(),
        values.clone(),
        valueSize,
        decrease.clone());
  }

  /** The number of nodes. */
  public int numNodes() {
    return feature.length;
  }

  /** Numbers per node value: the classes' count for a classifier, 1 for regression. */
  public int valueSize() {
    return valueSize;
  }

  /** True when node {@code i} is a leaf. */
  public boolean isLeaf(int i) {
    return left[i] < 0;
  }

  /** The feature node {@code i} splits on, -1 for a leaf. */
  public int feature(int i) {
    return feature[i];
  }

  /** The threshold of node {@code i}: points with {@code x[feature] <= threshold} go left. */
  public double threshold(int i) {
    return threshold[i];
  }

  /** The left child of node {@code i}, -1 for a leaf. */
  public int left(int i) {
    return left[i];
  }

  /** The right child of node {@code i}, -1 for a leaf. */
  public int right(int i) {
    return right[i];
  }

  /** The weighted impurity decrease of node {@code i}'s split, 0 for a leaf. */
  public double decrease(int i) {
    return decrease[i];
  }

  /** The value of node {@code i} (a copy). */
  public double[] value(int i) {
    return Arrays.copyOfRange(values, i * valueSize, (i + 1) * valueSize);
  }

  /** The first number of node {@code i}'s value (a regression tree's prediction). */
  public double firstValue(int i) {
    return values[i * valueSize];
  }

  /** The depth of the tree: 0 for a single leaf. */
  public int depth() {
    return depth(0);
  }

  private int depth(int i) {
    return isLeaf(i) ? 0 : 1 + Math.max(depth(left[i]), depth(right[i]));
  }

  /** The leaf {@code x} reaches. */
  public int leaf(Vector x) {
    int i = 0;
    while (left[i] >= 0) {
      i = x.get(feature[i]) <= threshold[i] ? left[i] : right[i];
    }
    return i;
  }

  /** The leaf the point {@code x} (a dense array) reaches. */
  public int leaf(double[] x) {
    int i = 0;
    while (left[i] >= 0) {
      i = x[feature[i]] <= threshold[i] ? left[i] : right[i];
    }
    return i;
  }

  /** The largest feature index a split uses, -1 for a single leaf. */
  public int maxFeature() {
    int m = -1;
    for (int f : feature) {
      m = Math.max(m, f);
    }
    return m;
  }

  /**
   * The total impurity decrease of each of {@code numFeatures} features' splits, normalised to sum
   * to 1 (all zero for a single leaf), as scikit-learn's {@code feature_importances_}.
   */
  public double[] featureImportances(int numFeatures) {
    double[] importance = new double[numFeatures];
    double total = 0;
    for (int i = 0; i < feature.length; i++) {
      if (feature[i] >= 0) {
        importance[feature[i]] += decrease[i];
        total += decrease[i];
      }
    }
    if (total > 0) {
      for (int j = 0; j < numFeatures; j++) {
        importance[j] /= total;
      }
    }
    return importance;
  }

  /**
   * The tree as indented text, one node a line: splits as {@code if (name <= threshold)}, leaves as
   * {@code predict: ...} with {@code leafText} of their value.
   */
  public String toText(
      List<String> featureNames, java.util.function.Function<double[], String> leafText) {
    StringBuilder s = new StringBuilder();
    appendText(s, 0, 0, featureNames, leafText);
    return s.toString();
  }

  private void appendText(
      StringBuilder s,
      int node,
      int indent,
      List<String> names,
      java.util.function.Function<double[], String> leafText) {
    String pad = "  ".repeat(indent);
    if (isLeaf(node)) {
      s.append(pad).append("predict: ").append(leafText.apply(value(node))).append('\n');
      return;
    }
    String name =
        feature[node] < names.size() ? names.get(feature[node]) : "feature " + feature[node];
    s.append(pad).append("if (").append(name).append(" <= ").append(threshold[node]).append(")\n");
    appendText(s, left[node], indent + 1, names, leafText);
    s.append(pad).append("else (").append(name).append(" > ").append(threshold[node]).append(")\n");
    appendText(s, right[node], indent + 1, names, leafText);
  }

  /** Writes the tree: a version byte, the value size, then the arrays. */
  public void writeTo(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeByte(VERSION);
    data.writeInt(valueSize);
    data.flush();
    ArrayEncoding.writeInts(feature, out);
    ArrayEncoding.writeDoubles(threshold, out);
    ArrayEncoding.writeInts(left, out);
    ArrayEncoding.writeInts(right, out);
    ArrayEncoding.writeDoubles(values, out);
    ArrayEncoding.writeDoubles(decrease, out);
  }

  /** Reads a tree {@link #writeTo} wrote. */
  public static DecisionTree readFrom(InputStream in) throws IOException {
    ArrayEncoding.readVersion(in, VERSION, "decision tree");
    int valueSize = new DataInputStream(in).readInt();
    int[] feature = ArrayEncoding.readInts(in);
    double[] threshold = ArrayEncoding.readDoubles(in);
    int[] left = ArrayEncoding.readInts(in);
    int[] right = ArrayEncoding.readInts(in);
    double[] values = ArrayEncoding.readDoubles(in);
    double[] decrease = ArrayEncoding.readDoubles(in);
    try {
      return of(feature, threshold, left, right, values, valueSize, decrease);
    } catch (IllegalArgumentException e) {
      throw new CoderException("Corrupt decision tree: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecisionTree t
        && valueSize == t.valueSize
        && Arrays.equals(feature, t.feature)
        && Arrays.equals(threshold, t.threshold)
        && Arrays.equals(left, t.left)
        && Arrays.equals(right, t.right)
        && Arrays.equals(values, t.values)
        && Arrays.equals(decrease, t.decrease);
  }

  @Override
  public int hashCode() {
    return Objects.hash(valueSize, Arrays.hashCode(feature), Arrays.hashCode(threshold));
  }

  @Override
  public String toString() {
    return "DecisionTree(" + numNodes() + " nodes, depth " + depth() + ")";
  }
}
