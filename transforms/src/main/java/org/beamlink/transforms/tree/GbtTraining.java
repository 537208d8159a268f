package org.beamlink.transforms.tree;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.beamlink.models.optim.LogisticLoss;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.tree.DecisionTree;
import org.beamlink.models.tree.GbtModel;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Gradient-boosted trees on the iteration shim: rounds of regression trees, each grown level by
 * level as {@link TreeTraining} grows one, one superstep per level over the whole frontier, on the
 * bins found once before the loop. The first superstep sums the weights and weighted labels with an
 * AllReduce, which adds the partitions' sums in task order, so the base score (the weighted mean
 * label for squared loss, its log-odds for logistic loss) does not depend on how a runner merges
 * partial sums. Every partition keeps each of its rows' raw score, starting at the base score, and
 * the node of the growing tree it is in, moved down a level after each level's splits (so no row is
 * routed from the root). Each superstep a partition adds, per frontier node, feature and bin, the
 * row's gradient and hessian of the loss at its raw score (weight times {@code s - y} and weight
 * for squared loss; weight times {@code p - y} and {@code p (1 - p)}, {@code p = sigmoid(s)}, for
 * logistic loss) and a count; one AllReduce sums them. Every partition then chooses the same
 * splits: the largest gain {@code G_l^2 / (H_l + l2) + G_r^2 / (H_r + l2) - G^2 / (H + l2)} over
 * every feature and bin boundary with at least {@code minInstancesPerNode} rows and a hessian of at
 * least 1e-3 on each side (the first feature, then the first bin, among equals), kept when
 * positive, as scikit-learn's {@code HistGradientBoosting} and LightGBM; the threshold is the upper
 * edge of the left bin. A node is a leaf at {@code maxDepth} or with fewer than {@code 2
 * minInstancesPerNode} rows; every node's value is {@code -learningRate G / (H + l2)}. When a tree
 * has no node left to split, each partition adds its leaf values to its rows' raw scores and the
 * next round starts. A last superstep sums the final training loss. Uses no Beam class: only the
 * shim's API.
 */
final class GbtTraining {
  static final String HIST = "hist";
  private static final String STATE = "gbtState";
  private static final String SCORES = "scores";
  private static final String NODES = "nodes";

  /** The least hessian on each side of a split: scikit-learn's {@code min_hessian_to_split}. */
  private static final double MIN_HESSIAN = 1e-3;

  /** Numbers per histogram cell: gradient, hessian and row count. */
  private static final int STATS = 3;

  private GbtTraining() {}

  /** What the program needs to know, fixed when the pipeline is built. */
  static final class Params implements Serializable {
    private static final long serialVersionUID = 1L;

    final String trainer;
    final boolean logistic;
    final int numRounds;
    final int maxDepth;
    final int minInstancesPerNode;
    final double learningRate;
    final double l2;
    final FeatureColumns features;
    final @Nullable TypeName labelType;
    final boolean numericLabels;
    final Map<String, String> description;

    Params(
        String trainer,
        boolean logistic,
        int numRounds,
        int maxDepth,
        int minInstancesPerNode,
        double learningRate,
        double l2,
        FeatureColumns features,
        @Nullable TypeName labelType,
        boolean numericLabels,
        Map<String, String> description) {
      this.trainer = trainer;
      this.logistic = logistic;
      this.numRounds = numRounds;
      this.maxDepth = maxDepth;
      this.minInstancesPerNode = minInstancesPerNode;
      this.learningRate = learningRate;
      this.l2 = l2;
      this.features = features;
      this.labelType = labelType;
      this.numericLabels = numericLabels;
      this.description = description;
    }

    /**
     * Supersteps: the label sums, one per level of every round's tree, at least one a round, and
     * the last loss.
     */
    int supersteps() {
      return numRounds * Math.max(1, maxDepth) + 2;
    }

    /** The loss of raw score {@code s} for label {@code y}: half the squared error, or log loss. */
    double loss(double s, double y) {
      if (logistic) {
        return Math.max(s, 0) + Math.log1p(Math.exp(-Math.abs(s))) - y * s;
      }
      return 0.5 * (s - y) * (s - y);
    }
  }

  /** The trees so far and the one growing: the same on every partition, as they change by sums. */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;

    FeatureBins bins;
    List<String> labels;
    double baseScore;
    long rows;
    boolean started;
    final List<DecisionTree> trees = new ArrayList<>();
    double finalLoss;
    boolean done;

    /** The tree growing. */
    GrowingTree tree = new GrowingTree(1);

    /** True once every round's tree is grown: the next superstep only sums the loss. */
    boolean grown(Params params) {
      return trees.size() == params.numRounds;
    }

    /** A new leaf of {@code nodeDepth} with gradient {@code g} and hessian {@code h}. */
    int addNode(int nodeDepth, double g, double h, Params params) {
      int i = tree.addNode(nodeDepth);
      tree.values[i] = -params.learningRate * g / (h + params.l2);
      return i;
    }

    /** Adds the growing tree to the trees as a {@link DecisionTree}; starts the next one. */
    void finishTree() {
      trees.add(tree.toTree());
      tree = new GrowingTree(1);
    }
  }

  /**
   * Builds the state in the first superstep (bins, class indices) and sums the partition's weights,
   * weighted labels and rows; every later superstep fills the gradient histograms of the frontier,
   * or, once every tree is grown, sums the training loss.
   */
  static final class Histograms extends StatefulComputeFunction<State> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Histograms(Params params) {
      super(STATE);
      this.params = params;
    }

    @Override
    protected State start(ComContext context) {
      State state = new State();
      state.bins = FeatureBins.decode(context.<List<double[]>>getObj(TreeFit.BINS).get(0));
      int d = state.bins.numFeatures();
      if (d == 0) {
        throw new IllegalArgumentException(
            params.trainer + " needs training rows; the input is empty");
      }
      Map<Double, Integer> classOf = Map.of();
      if (params.logistic) {
        state.labels = context.<List<List<String>>>getObj(TreeFit.LABELS).get(0);
        if (params.numericLabels) {
          classOf = TreeTraining.classIndices(state.labels, params.labelType);
        }
      }
      List<Block> binned =
          TreeTraining.binned(
              context.getObj(TreeFit.DATA), state.bins, classOf, state.labels, params.features);
      context.putObj(TreeFit.DATA, binned);
      return state;
    }

    @Override
    protected void calc(ComContext context, State state) {
      List<Block> blocks = context.getObj(TreeFit.DATA);
      if (!state.started) {
        double[] sums = new double[3];
        for (Block b : blocks) {
          for (int i = 0; i < b.numRows(); i++) {
            sums[0] += b.weight(i);
            sums[1] += b.weight(i) * b.label(i);
          }
          sums[2] += b.numRows();
        }
        context.putObj(HIST, sums);
        return;
      }
      List<double[]> scores = context.getObj(SCORES);
      if (state.grown(params)) {
        double[] loss = new double[2];
        for (int k = 0; k < blocks.size(); k++) {
          Block b = blocks.get(k);
          for (int i = 0; i < b.numRows(); i++) {
            loss[0] += b.weight(i) * params.loss(scores.get(k)[i], b.label(i));
            loss[1] += b.weight(i);
          }
        }
        context.putObj(HIST, loss);
        return;
      }
      GrowingTree tree = state.tree;
      int cells = state.bins.totalBins() * STATS;
      double[] hist = new double[tree.width() * cells];
      int[] slots = tree.slots();
      int[] binOffset = state.bins.offsets();
      int d = state.bins.numFeatures();
      List<int[]> nodes = context.getObj(NODES);
      for (int k = 0; k < blocks.size(); k++) {
        DenseBlock b = (DenseBlock) blocks.get(k);
        double[] score = scores.get(k);
        int[] node = nodes.get(k);
        for (int i = 0; i < b.numRows(); i++) {
          int s = slots[node[i]];
          if (s < 0) {
            continue;
          }
          double w = b.weight(i);
          double g;
          double h;
          if (params.logistic) {
            double p = LogisticLoss.sigmoid(score[i]);
            g = w * (p - b.label(i));
            h = w * p * (1 - p);
          } else {
            g = w * (score[i] - b.label(i));
            h = w;
          }
          int base = s * cells;
          for (int j = 0; j < d; j++) {
            int at = base + (binOffset[j] + (int) b.get(i, j)) * STATS;
            hist[at] += g;
            hist[at + 1] += h;
            hist[at + 2] += 1;
          }
        }
      }
      context.putObj(HIST, hist);
    }
  }

  /**
   * Sets the base score and every row's raw score from the summed labels in the first superstep;
   * then splits the frontier from the summed histograms, the same on every partition; a finished
   * tree updates the partition's raw scores.
   */
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
      context.removeObj(HIST);
      if (!state.started) {
        setBaseScore(context, state, hist);
        return;
      }
      if (state.grown(params)) {
        state.finalLoss = hist[0] / hist[1];
        state.done = true;
        return;
      }
      GrowingTree tree = state.tree;
      int cells = state.bins.totalBins() * STATS;
      if (tree.numNodes == 0) {
        double[] root = TreeTraining.nodeTotal(hist, 0, state.bins.numBins(0), STATS);
        int r = state.addNode(0, root[0], root[1], params);
        tree.frontier = splittable(state, r, root[2]) ? new int[] {r} : new int[0];
      }
      List<Integer> next = new ArrayList<>();
      for (int s = 0; s < tree.frontier.length; s++) {
        splitNode(state, tree.frontier[s], hist, s * cells, next);
      }
      tree.frontier = next.stream().mapToInt(Integer::intValue).toArray();
      List<Block> blocks = context.getObj(TreeFit.DATA);
      List<int[]> nodes = context.getObj(NODES);
      tree.descend(blocks, nodes);
      if (tree.frontier.length == 0) {
        addToScores(context, state);
        state.finishTree();
      }
    }

    /**
     * The base score from the sums of the weights, the weighted labels (class indices 0 and 1 for a
     * classifier) and the rows; every row's raw score starts at it.
     */
    private void setBaseScore(ComContext context, State state, double[] sums) {
      if (!(sums[0] > 0)) {
        throw new IllegalArgumentException(
            params.trainer + " needs training rows of positive total weight; the input has none");
      }
      double mean = sums[1] / sums[0];
      state.baseScore = params.logistic ? Math.log(mean / (1 - mean)) : mean;
      state.rows = (long) sums[2];
      List<Block> blocks = context.getObj(TreeFit.DATA);
      List<double[]> scores = new ArrayList<>(blocks.size());
      for (Block b : blocks) {
        double[] s = new double[b.numRows()];
        Arrays.fill(s, state.baseScore);
        scores.add(s);
      }
      context.putObj(SCORES, scores);
      context.putObj(NODES, GrowingTree.atRoot(blocks));
      state.started = true;
    }

    /**
     * Adds to each of the partition's rows' raw score the value of the leaf it is in, and puts it
     * back at the root for the next tree.
     */
    private static void addToScores(ComContext context, State state) {
      List<double[]> scores = context.getObj(SCORES);
      List<int[]> nodes = context.getObj(NODES);
      for (int k = 0; k < scores.size(); k++) {
        double[] score = scores.get(k);
        int[] node = nodes.get(k);
        for (int i = 0; i < score.length; i++) {
          score[i] += state.tree.values[node[i]];
          node[i] = 0;
        }
      }
    }

    private boolean splittable(State state, int node, double count) {
      return state.tree.depth[node] < params.maxDepth && count >= 2.0 * params.minInstancesPerNode;
    }

    private void splitNode(State state, int node, double[] hist, int base, List<Integer> next) {
      double[] total = TreeTraining.nodeTotal(hist, base, state.bins.numBins(0), STATS);
      double l2 = params.l2;
      double parent = total[0] * total[0] / (total[1] + l2);
      double bestGain = 0;
      int bestFeature = -1;
      int bestBin = -1;
      double[] bestLeft = null;
      double[] leftStats = new double[STATS];
      for (int j = 0; j < state.bins.numFeatures(); j++) {
        Arrays.fill(leftStats, 0);
        int at = base + state.bins.offsets()[j] * STATS;
        for (int b = 0; b < state.bins.numBins(j) - 1; b++) {
          int cell = at + b * STATS;
          for (int t = 0; t < STATS; t++) {
            leftStats[t] += hist[cell + t];
          }
          double gl = leftStats[0];
          double hl = leftStats[1];
          double nl = leftStats[2];
          double gr = total[0] - gl;
          double hr = total[1] - hl;
          double nr = total[2] - nl;
          if (nl < params.minInstancesPerNode
              || nr < params.minInstancesPerNode
              || hl < MIN_HESSIAN
              || hr < MIN_HESSIAN) {
            continue;
          }
          double gain = gl * gl / (hl + l2) + gr * gr / (hr + l2) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            bestFeature = j;
            bestBin = b;
            bestLeft = leftStats.clone();
          }
        }
      }
      if (bestFeature < 0) {
        return;
      }
      int depth = state.tree.depth[node] + 1;
      int l = state.addNode(depth, bestLeft[0], bestLeft[1], params);
      int r = state.addNode(depth, total[0] - bestLeft[0], total[1] - bestLeft[1], params);
      double threshold = state.bins.threshold(bestFeature, bestBin, bestBin + 1);
      state.tree.split(node, bestFeature, bestBin, threshold, l, r, bestGain);
      if (splittable(state, l, bestLeft[2])) {
        next.add(l);
      }
      if (splittable(state, r, total[2] - bestLeft[2])) {
        next.add(r);
      }
    }
  }

  /** Stops when every tree is grown and the final loss summed. */
  static final class Grown implements CompareCriterionFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean calc(ComContext context) {
      return context.<State>getObj(STATE).done;
    }
  }

  /** Task 0 emits the model. */
  static final class Output implements CompleteResultFunction<GbtModel> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Output(Params params) {
      this.params = params;
    }

    @Override
    public List<GbtModel> calc(ComContext context) {
      if (context.getTaskId() != 0) {
        return List.of();
      }
      State state = context.getObj(STATE);
      Provenance provenance =
          Provenance.of(
              params.trainer,
              params.description,
              0L,
              state.trees.size(),
              state.finalLoss,
              state.rows);
      int d = state.bins.numFeatures();
      GbtModel model =
          params.logistic
              ? GbtModel.classifier(
                  state.trees,
                  state.baseScore,
                  d,
                  state.labels,
                  params.labelType,
                  params.features,
                  provenance)
              : GbtModel.regression(state.trees, state.baseScore, d, params.features, provenance);
      return List.of(model);
    }
  }
}
