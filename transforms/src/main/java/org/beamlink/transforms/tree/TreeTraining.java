package org.beamlink.transforms.tree;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.beamlink.iteration.ComContext;
import org.beamlink.iteration.CompareCriterionFunction;
import org.beamlink.iteration.CompleteResultFunction;
import org.beamlink.iteration.StatefulComputeFunction;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DenseBlock;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.tree.DecisionTree;
import org.beamlink.models.tree.DecisionTreeModel;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A decision tree grown level by level on the iteration shim, one superstep per level over the
 * whole frontier. In the first superstep every partition replaces its blocks by their bins ({@link
 * FeatureBins}, found before the loop) and, for a classifier, its labels by class indices. Every
 * superstep each partition sends its rows down the tree grown so far to the frontier node they
 * reach and adds them to that node's histogram: per node, feature and bin, the weights of each
 * class and the row count (classification), or the weight, the weighted sums of the label and of
 * its square and the row count (regression). One AllReduce sums the histograms, and every partition
 * chooses the same splits from them: for each frontier node, the split with the largest weighted
 * impurity decrease {@code W I - W_l I_l - W_r I_r} over every feature and boundary between the
 * node's non-empty bins with at least {@code minInstancesPerNode} rows on each side (the first
 * feature, then the first boundary, among equals), kept when the decrease over {@code W} is at
 * least {@code minInfoGain}. A node at {@code maxDepth}, with fewer than {@code 2
 * minInstancesPerNode} rows or pure is a leaf; the loop stops when the frontier is empty. Only the
 * tree and the histograms move between supersteps. Uses no Beam class: only the shim's API.
 */
final class TreeTraining {
  static final String HIST = "hist";
  private static final String STATE = "treeState";

  /** The impurity below which a node is pure: scikit-learn's {@code EPSILON}. */
  private static final double PURE = Math.ulp(1.0);

  /** The most histogram values one superstep reduces: 2^27 doubles, 1 GiB. */
  private static final long MAX_HISTOGRAM = 1L << 27;

  private TreeTraining() {}

  /** The index of each of {@code labels} (text of numbers of type {@code labelType}) by value. */
  static Map<Double, Integer> classIndices(List<String> labels, @Nullable TypeName labelType) {
    Map<Double, Integer> classOf = new HashMap<>();
    for (int c = 0; c < labels.size(); c++) {
      classOf.put(((Number) LabelValues.parse(labels.get(c), labelType)).doubleValue(), c);
    }
    return classOf;
  }

  /**
   * A frontier node's statistics from its histogram at {@code base}: the sums over the {@code
   * firstFeatureBins} bins of the first feature, {@code stats} values a bin. Both tree trainers lay
   * their histograms out this way.
   */
  static double[] nodeTotal(double[] hist, int base, int firstFeatureBins, int stats) {
    double[] total = new double[stats];
    for (int b = 0; b < firstFeatureBins; b++) {
      for (int t = 0; t < stats; t++) {
        total[t] += hist[base + b * stats + t];
      }
    }
    return total;
  }

  /**
   * The blocks with each value replaced by its bin in {@code bins} and, when {@code classOf} is not
   * empty, each label by its class index.
   *
   * @throws IllegalArgumentException for vectors of different sizes or a label not in {@code
   *     labels}
   */
  static List<Block> binned(
      List<Block> blocks,
      FeatureBins bins,
      Map<Double, Integer> classOf,
      @Nullable List<String> labels,
      FeatureColumns features) {
    int d = bins.numFeatures();
    List<Block> out = new ArrayList<>(blocks.size());
    for (Block b : blocks) {
      int n = b.numRows();
      if (b.numCols() != d) {
        throw new IllegalArgumentException(
            "Features from "
                + features
                + " have size "
                + b.numCols()
                + " in some rows and "
                + d
                + " in others; expected one size");
      }
      double[] binned = new double[n * d];
      double[] y = new double[n];
      double[] weights = b.hasWeights() ? new double[n] : null;
      for (int i = 0; i < n; i++) {
        double[] row = b.row(i).toArray();
        for (int j = 0; j < d; j++) {
          binned[i * d + j] = bins.bin(j, row[j]);
        }
        y[i] = b.label(i);
        if (!classOf.isEmpty()) {
          Integer c = classOf.get(b.label(i));
          if (c == null) {
            throw new IllegalArgumentException(
                "Label column has value "
                    + b.label(i)
                    + ", which is not one of the labels "
                    + labels
                    + ", in the row with features "
                    + b.row(i));
          }
          y[i] = c;
        }
        if (weights != null) {
          weights[i] = b.weight(i);
        }
      }
      out.add(DenseBlock.of(n, d, binned, y, weights));
    }
    return out;
  }

  /** What the program needs to know, fixed when the pipeline is built. */
  static final class Params implements Serializable {
    private static final long serialVersionUID = 1L;

    final String trainer;
    final Impurity impurity;
    final int maxDepth;
    final int minInstancesPerNode;
    final double minInfoGain;
    final FeatureColumns features;
    final @Nullable TypeName labelType;
    final boolean numericLabels;
    final Map<String, String> description;

    Params(
        String trainer,
        Impurity impurity,
        int maxDepth,
        int minInstancesPerNode,
        double minInfoGain,
        FeatureColumns features,
        @Nullable TypeName labelType,
        boolean numericLabels,
        Map<String, String> description) {
      this.trainer = trainer;
      this.impurity = impurity;
      this.maxDepth = maxDepth;
      this.minInstancesPerNode = minInstancesPerNode;
      this.minInfoGain = minInfoGain;
      this.features = features;
      this.labelType = labelType;
      this.numericLabels = numericLabels;
      this.description = description;
    }

    boolean classifier() {
      return impurity.isClassification();
    }

    /** Supersteps: one per level that can split, at least one for the root's statistics. */
    int supersteps() {
      return Math.max(1, maxDepth);
    }
  }

  /** The tree grown so far: the same on every partition, since it changes only from sums. */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;

    FeatureBins bins;
    List<String> labels;
    int numClasses;

    /** Numbers per histogram cell: the class weights and the count, or w, wy, wy^2 and count. */
    int stats;

    long rows;
    int levels;
    boolean done;

    GrowingTree tree;

    /** Each node's weight and impurity, beside the tree. */
    double[] weight = new double[16];

    double[] impurity = new double[16];

    /** A new leaf of {@code depth} with the statistics at {@code at} of {@code stats}. */
    int addNode(int nodeDepth, double[] cell, int at, Params params) {
      int i = tree.addNode(nodeDepth);
      if (weight.length < tree.capacity()) {
        weight = Arrays.copyOf(weight, tree.capacity());
        impurity = Arrays.copyOf(impurity, tree.capacity());
      }
      impurity[i] = params.impurity.of(cell, at, numClasses);
      double[] values = tree.values;
      if (params.classifier()) {
        double w = 0;
        for (int c = 0; c < numClasses; c++) {
          w += cell[at + c];
        }
        weight[i] = w;
        for (int c = 0; c < numClasses; c++) {
          values[i * numClasses + c] = cell[at + c] / w;
        }
      } else {
        weight[i] = cell[at];
        values[i] = cell[at + 1] / cell[at];
      }
      return i;
    }

    /**
     * An empty tree over the broadcast bins and, for a classifier, labels.
     *
     * @throws IllegalArgumentException when the bins have no features: the input is empty
     */
    static State create(ComContext context, Params params) {
      State state = new State();
      state.bins = FeatureBins.decode(context.<List<double[]>>getObj(TreeFit.BINS).get(0));
      int d = state.bins.numFeatures();
      if (d == 0) {
        throw new IllegalArgumentException(
            params.trainer + " needs training rows; the input is empty");
      }
      if (params.classifier()) {
        state.labels = context.<List<List<String>>>getObj(TreeFit.LABELS).get(0);
        state.numClasses = state.labels.size();
        state.stats = state.numClasses + 1;
        state.tree = new GrowingTree(state.numClasses);
      } else {
        state.stats = 4;
        state.tree = new GrowingTree(1);
      }
      return state;
    }

    /** An empty tree with the bins, labels and statistics layout of {@code other}. */
    static State like(State other) {
      State state = new State();
      state.bins = other.bins;
      state.labels = other.labels;
      state.numClasses = other.numClasses;
      state.stats = other.stats;
      state.tree = new GrowingTree(other.tree.valueSize());
      return state;
    }

    /**
     * Adds the root from its histogram ({@code firstBins} bins of one feature at {@code at} sum to
     * its statistics) and makes it the frontier when it can be split; its row count.
     */
    double addRoot(double[] hist, int at, int firstBins, Params params) {
      double[] root = nodeTotal(hist, at, firstBins, stats);
      double count = root[stats - 1];
      if (count > 0) {
        int r = addNode(0, root, 0, params);
        tree.frontier = splittable(r, count, params) ? new int[] {r} : new int[0];
      }
      return count;
    }

    /**
     * Splits frontier node {@code node} on the best of {@code features}, whose bins' statistics
     * start at {@code at} in {@code hist} (the first of them also gives the node's total), when the
     * split is allowed and gains enough; adds its children that can be split to {@code next}.
     */
    void splitNode(
        int node, double[] hist, int[] features, int[] at, List<Integer> next, Params params) {
      int st = stats;
      int countAt = st - 1;
      int k = numClasses;
      double[] total = nodeTotal(hist, at[0], bins.numBins(features[0]), st);
      double parent = weight[node] * impurity[node];
      double bestDecrease = Double.NEGATIVE_INFINITY;
      int bestFeature = -1;
      int bestBin = -1;
      double bestThreshold = Double.NaN;
      double[] bestLeft = null;
      double[] leftStats = new double[st];
      double[] rightStats = new double[st];
      for (int f = 0; f < features.length; f++) {
        int j = features[f];
        Arrays.fill(leftStats, 0);
        int lastFilled = -1;
        for (int b = 0; b < bins.numBins(j); b++) {
          int cell = at[f] + b * st;
          if (hist[cell + countAt] == 0) {
            continue;
          }
          if (lastFilled >= 0) {
            double leftCount = leftStats[countAt];
            double rightCount = total[countAt] - leftCount;
            if (leftCount >= params.minInstancesPerNode
                && rightCount >= params.minInstancesPerNode) {
              for (int t = 0; t < st; t++) {
                rightStats[t] = total[t] - leftStats[t];
              }
              double wl = params.classifier() ? sum(leftStats, k) : leftStats[0];
              double wr = params.classifier() ? sum(rightStats, k) : rightStats[0];
              double decrease =
                  parent
                      - wl * params.impurity.of(leftStats, 0, k)
                      - wr * params.impurity.of(rightStats, 0, k);
              if (decrease > bestDecrease) {
                bestDecrease = decrease;
                bestFeature = j;
                bestBin = lastFilled;
                bestThreshold = bins.threshold(j, lastFilled, b);
                bestLeft = leftStats.clone();
              }
            }
          }
          for (int t = 0; t < st; t++) {
            leftStats[t] += hist[cell + t];
          }
          lastFilled = b;
        }
      }
      if (bestFeature < 0 || bestDecrease / weight[node] < params.minInfoGain) {
        return;
      }
      double[] bestRight = new double[st];
      for (int t = 0; t < st; t++) {
        bestRight[t] = total[t] - bestLeft[t];
      }
      int depth = tree.depth[node] + 1;
      int l = addNode(depth, bestLeft, 0, params);
      int r = addNode(depth, bestRight, 0, params);
      tree.split(node, bestFeature, bestBin, bestThreshold, l, r, bestDecrease);
      if (splittable(l, bestLeft[countAt], params)) {
        next.add(l);
      }
      if (splittable(r, bestRight[countAt], params)) {
        next.add(r);
      }
    }

    private static double sum(double[] values, int n) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += values[i];
      }
      return s;
    }

    /** True when a node can be split further: not at the depth limit, enough rows, impure. */
    boolean splittable(int node, double count, Params params) {
      return tree.depth[node] < params.maxDepth
          && count >= 2.0 * params.minInstancesPerNode
          && impurity[node] > PURE;
    }
  }

  /** Builds the state in the first superstep; every superstep fills the histogram of its rows. */
  static final class Histograms extends StatefulComputeFunction<State> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Histograms(Params params) {
      super(STATE);
      this.params = params;
    }

    @Override
    protected State start(ComContext context) {
      State state = State.create(context, params);
      context.putObj(TreeFit.DATA, binned(context.getObj(TreeFit.DATA), state));
      return state;
    }

    /** The blocks with bin indices for values and, for numeric class labels, class indices. */
    private List<Block> binned(List<Block> blocks, State state) {
      Map<Double, Integer> classOf =
          params.classifier() && params.numericLabels
              ? classIndices(state.labels, params.labelType)
              : Map.of();
      return TreeTraining.binned(blocks, state.bins, classOf, state.labels, params.features);
    }

    @Override
    protected void calc(ComContext context, State state) {
      List<Block> blocks = context.getObj(TreeFit.DATA);
      GrowingTree tree = state.tree;
      int cells = state.bins.totalBins() * state.stats;
      long size = (long) tree.width() * cells;
      if (size > MAX_HISTOGRAM) {
        throw new IllegalStateException(
            params.trainer
                + " at depth "
                + (state.levels + 1)
                + " has "
                + tree.width()
                + " nodes to split, "
                + size
                + " histogram values over "
                + state.bins.totalBins()
                + " bins; at most "
                + MAX_HISTOGRAM
                + " fit: lower maxDepth or maxBins, or raise minInstancesPerNode");
      }
      double[] hist = new double[(int) size];
      int[] slots = tree.slots();
      int[] binOffset = state.bins.offsets();
      int d = state.bins.numFeatures();
      int k = state.numClasses;
      boolean classifier = params.classifier();
      for (Block block : blocks) {
        DenseBlock b = (DenseBlock) block;
        for (int i = 0; i < b.numRows(); i++) {
          int s = tree.slot(b, i, slots);
          if (s < 0) {
            continue;
          }
          double w = b.weight(i);
          double y = b.label(i);
          int base = s * cells;
          for (int j = 0; j < d; j++) {
            int at = base + (binOffset[j] + (int) b.get(i, j)) * state.stats;
            if (classifier) {
              hist[at + (int) y] += w;
              hist[at + k] += 1;
            } else {
              hist[at] += w;
              hist[at + 1] += w * y;
              hist[at + 2] += w * y * y;
              hist[at + 3] += 1;
            }
          }
        }
      }
      context.putObj(HIST, hist);
    }
  }

  /** Splits the frontier from the summed histograms: the same on every partition. */
  static final class Split extends StatefulComputeFunction<State> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Split(Params params) {
      super(STATE);
      this.params = params;
    }

    @Override
    protected void calc(ComContext context, State state) {
      double[] hist = context.getObj(HIST);
      GrowingTree tree = state.tree;
      int cells = state.bins.totalBins() * state.stats;
      if (tree.numNodes == 0) {
        double count = state.addRoot(hist, 0, state.bins.numBins(0), params);
        if (count == 0) {
          throw new IllegalArgumentException(
              params.trainer + " needs training rows; the input is empty");
        }
        state.rows = (long) count;
        if (tree.frontier.length == 0) {
          state.done = true;
          return;
        }
      }
      int d = state.bins.numFeatures();
      int[] features = new int[d];
      for (int j = 0; j < d; j++) {
        features[j] = j;
      }
      List<Integer> next = new ArrayList<>();
      for (int s = 0; s < tree.frontier.length; s++) {
        int[] at = new int[d];
        for (int j = 0; j < d; j++) {
          at[j] = s * cells + state.bins.offsets()[j] * state.stats;
        }
        state.splitNode(tree.frontier[s], hist, features, at, next, params);
      }
      state.levels++;
      tree.frontier = next.stream().mapToInt(Integer::intValue).toArray();
      state.done = tree.frontier.length == 0;
      context.removeObj(HIST);
    }
  }

  /** Stops when no node is left to split. */
  static final class Grown implements CompareCriterionFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean calc(ComContext context) {
      return context.<State>getObj(STATE).done;
    }
  }

  /** Task 0 emits the model. */
  static final class Output implements CompleteResultFunction<DecisionTreeModel> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Output(Params params) {
      this.params = params;
    }

    @Override
    public List<DecisionTreeModel> calc(ComContext context) {
      if (context.getTaskId() != 0) {
        return List.of();
      }
      State state = context.getObj(STATE);
      double leafImpurity = 0;
      for (int i = 0; i < state.tree.numNodes; i++) {
        if (state.tree.left[i] < 0) {
          leafImpurity += state.weight[i] * state.impurity[i];
        }
      }
      DecisionTree tree = state.tree.toTree();
      Provenance provenance =
          Provenance.of(
              params.trainer,
              params.description,
              0L,
              state.levels,
              leafImpurity / state.weight[0],
              state.rows);
      int d = state.bins.numFeatures();
      DecisionTreeModel model =
          params.classifier()
              ? DecisionTreeModel.classifier(
                  tree, d, state.labels, params.labelType, params.features, provenance)
              : DecisionTreeModel.regression(tree, d, params.features, provenance);
      return List.of(model);
    }
  }
}
