package org.beamlink.transforms.tree;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.beamlink.iteration.ComContext;
import org.beamlink.iteration.CompareCriterionFunction;
import org.beamlink.iteration.CompleteResultFunction;
import org.beamlink.iteration.StatefulComputeFunction;
import org.beamlink.models.Provenance;
import org.beamlink.models.SeededHash;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DenseBlock;
import org.beamlink.models.tree.DecisionTree;
import org.beamlink.models.tree.RandomForestModel;

/**
 * A random forest grown on the iteration shim, every tree level by level as {@link TreeTraining}
 * grows one, all trees together: one superstep per level over the frontier of every tree, so a
 * forest of depth D takes about D supersteps whatever its number of trees. (When one level of every
 * tree would not fit one superstep's histogram, {@code treesPerPass} grows the trees in passes of
 * that many trees, each about D supersteps.) In the first superstep each partition hashes every
 * row's content (features, label and weight) and replaces its blocks by their bins. A row's weight
 * in tree {@code t} is its weight times a count drawn from the hash of its content, the seed and
 * {@code t}: Poisson({@code subsamplingRate}) with bootstrap, as Spark's {@code BaggedPoint}, else
 * 1 with probability {@code subsamplingRate} and 0 otherwise; so the draws depend on neither the
 * partitioning nor the runner. Every frontier node considers a subset of {@code featuresPerNode}
 * features drawn from the seed, its tree and its node id (all features, in order, when the strategy
 * gives all of them), and its histogram holds only those features' bins. Each superstep a partition
 * adds its rows, per tree, to the histogram of the frontier node they reach (the class weights and
 * the count, or w, wy, wy^2 and the count, each times the row's count in that tree); one AllReduce
 * sums every tree's histograms; every partition then splits every tree's frontier as {@link
 * TreeTraining.State#splitNode} does. Only the trees and the histograms move between supersteps.
 * Uses no Beam class: only the shim's API.
 */
final class ForestTraining {
  static final String HIST = "hist";
  private static final String STATE = "forestState";
  private static final String HASHES = "rowHashes";

  /**
   * The most histogram values one superstep reduces: 2^24 doubles, 128 MiB, which every partition
   * holds and, on the distributed path, ships as one record.
   */
  static final long MAX_LEVEL = 1L << 24;

  /** A positive integer, or a fraction in (0, 1], as Spark's {@code featureSubsetStrategy}. */
  private static final Pattern COUNT = Pattern.compile("[1-9][0-9]*");

  private static final Pattern FRACTION = Pattern.compile("0?\\.[0-9]*[1-9][0-9]*|1\\.0*");

  private ForestTraining() {}

  /**
   * Checks a feature subset strategy: auto, all, sqrt, log2, onethird, a fraction in (0, 1] or a
   * positive number of features.
   *
   * @throws IllegalArgumentException for any other text
   */
  static void checkStrategy(String strategy) {
    if (!List.of("auto", "all", "sqrt", "log2", "onethird").contains(strategy)
        && !COUNT.matcher(strategy).matches()
        && !FRACTION.matcher(strategy).matches()) {
      throw new IllegalArgumentException(
          "Expected featureSubsetStrategy auto, all, sqrt, log2, onethird, a fraction in (0, 1]"
              + " or a number of features >= 1, got '"
              + strategy
              + "'");
    }
  }

  /**
   * The features each node considers, as Spark: auto is all for one tree, else sqrt for a
   * classifier and onethird for regression; sqrt is {@code ceil(sqrt(d))}, log2 {@code max(1,
   * ceil(log2(d)))}, onethird {@code ceil(d / 3)}, a fraction f {@code ceil(f d)}, a number n
   * itself; never more than {@code d}.
   */
  static int featuresPerNode(String strategy, int d, boolean classifier, int numTrees) {
    String s = strategy;
    if (s.equals("auto")) {
      s = numTrees == 1 ? "all" : classifier ? "sqrt" : "onethird";
    }
    int k =
        switch (s) {
          case "all" -> d;
          case "sqrt" -> (int) Math.ceil(Math.sqrt(d));
          case "log2" -> Math.max(1, (int) Math.ceil(Math.log(d) / Math.log(2)));
          case "onethird" -> (int) Math.ceil(d / 3.0);
          default ->
              COUNT.matcher(s).matches()
                  ? Integer.parseInt(s)
                  : (int) Math.ceil(Double.parseDouble(s) * d);
        };
    return Math.max(1, Math.min(d, k));
  }

  /** What the program needs to know, fixed when the pipeline is built. */
  static final class Params implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The parameters every tree is grown with. */
    final TreeTraining.Params tree;

    final int numTrees;
    final String featureSubsetStrategy;
    final double subsamplingRate;
    final boolean bootstrap;
    final long seed;

    /** Trees grown together, level by level; the next pass starts when they are all grown. */
    final int treesPerPass;

    Params(
        TreeTraining.Params tree,
        int numTrees,
        String featureSubsetStrategy,
        double subsamplingRate,
        boolean bootstrap,
        long seed,
        int treesPerPass) {
      this.tree = tree;
      this.numTrees = numTrees;
      this.treesPerPass = Math.min(treesPerPass, numTrees);
      this.featureSubsetStrategy = featureSubsetStrategy;
      this.subsamplingRate = subsamplingRate;
      this.bootstrap = bootstrap;
      this.seed = seed;
    }

    /** The key of tree {@code t}'s row counts. */
    long rowKey(int t) {
      return SeededHash.mix(SeededHash.mix(seed) + 2L * t);
    }

    /** The key of tree {@code t}'s feature subsets. */
    long nodeKey(int t) {
      return SeededHash.mix(SeededHash.mix(seed) + 2L * t + 1);
    }

    /**
     * The times a row of content hash {@code rowHash} counts in the tree of key {@code rowKey}:
     * Poisson({@code subsamplingRate}) by the inverse of its distribution function ({@code
     * expMinusRate} is {@code exp(-subsamplingRate)}) with bootstrap, else 0 or 1.
     */
    int count(long rowHash, long rowKey, double expMinusRate) {
      double u = SeededHash.uniform(SeededHash.mix(rowHash ^ rowKey));
      if (!bootstrap) {
        return u < subsamplingRate ? 1 : 0;
      }
      double p = expMinusRate;
      double cdf = p;
      int c = 0;
      while (u >= cdf && c < 1000) {
        c++;
        p *= subsamplingRate / c;
        cdf += p;
      }
      return c;
    }

    /** The {@code k} of {@code d} features node {@code node} of tree {@code t} considers. */
    int[] subset(int t, int node, int d, int k) {
      int[] perm = new int[d];
      for (int j = 0; j < d; j++) {
        perm[j] = j;
      }
      if (k >= d) {
        return perm;
      }
      long h = SeededHash.mix(nodeKey(t) ^ node);
      for (int i = 0; i < k; i++) {
        h = SeededHash.mix(h);
        int j = i + (int) (SeededHash.uniform(h) * (d - i));
        int swap = perm[i];
        perm[i] = perm[j];
        perm[j] = swap;
      }
      int[] chosen = Arrays.copyOf(perm, k);
      Arrays.sort(chosen);
      return chosen;
    }

    /** The passes over the trees, {@code treesPerPass} trees each (the last may have fewer). */
    int passes() {
      return (numTrees + treesPerPass - 1) / treesPerPass;
    }

    /**
     * Supersteps: per pass, one per level that can split, at least one for the roots' statistics.
     */
    int supersteps() {
      return passes() * tree.supersteps();
    }
  }

  /** Every tree grown so far: the same on every partition, since they change only from sums. */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;

    final List<TreeTraining.State> trees = new ArrayList<>();
    int featuresPerNode;
    long rows;
    int levels;
    int pass;
    boolean done;
  }

  /**
   * One superstep's histogram: a slot per frontier node of every tree (the root to be, node 0, of a
   * tree not started), each with its tree, node, features and where each feature's bins start;
   * after them one value, the partitions' row count.
   */
  private record Level(
      int[] slotTree, int[] slotNode, int[][] features, int[][] at, int[][] slotOf, int size) {}

  /**
   * The layout of the next superstep's histogram, from the trees as they are.
   *
   * @throws IllegalStateException when it would hold more than {@link #MAX_LEVEL} values
   */
  private static Level level(State state, Params params) {
    int numTrees = state.trees.size();
    FeatureBins bins = state.trees.get(0).bins;
    int stats = state.trees.get(0).stats;
    int d = bins.numFeatures();
    List<int[]> slots = new ArrayList<>();
    int[][] slotOf = new int[numTrees][];
    long size = 0;
    int passStart = state.pass * params.treesPerPass;
    int passEnd = Math.min(numTrees, passStart + params.treesPerPass);
    for (int t = 0; t < numTrees; t++) {
      GrowingTree tree = state.trees.get(t).tree;
      int[] nodes = tree.numNodes == 0 ? new int[] {0} : tree.frontier;
      slotOf[t] = new int[Math.max(1, tree.numNodes)];
      Arrays.fill(slotOf[t], -1);
      if (t < passStart || t >= passEnd) {
        continue;
      }
      for (int node : nodes) {
        slotOf[t][node] = slots.size();
        slots.add(new int[] {t, node});
      }
    }
    int n = slots.size();
    int[] slotTree = new int[n];
    int[] slotNode = new int[n];
    int[][] features = new int[n][];
    int[][] at = new int[n][];
    for (int s = 0; s < n; s++) {
      slotTree[s] = slots.get(s)[0];
      slotNode[s] = slots.get(s)[1];
      features[s] = params.subset(slotTree[s], slotNode[s], d, state.featuresPerNode);
      at[s] = new int[features[s].length];
      for (int f = 0; f < features[s].length; f++) {
        at[s][f] = (int) Math.min(size, Integer.MAX_VALUE);
        size += (long) bins.numBins(features[s][f]) * stats;
      }
    }
    if (size + 1 > MAX_LEVEL) {
      throw new IllegalStateException(
          params.tree.trainer
              + " at depth "
              + (state.levels + 1)
              + " has "
              + n
              + " nodes to split over "
              + (passEnd - passStart)
              + " trees, "
              + (size + 1)
              + " histogram values ("
              + state.featuresPerNode
              + " features a node, "
              + stats
              + " numbers a bin); at most "
              + MAX_LEVEL
              + " fit one superstep: grow fewer trees at once (treesPerPass), lower maxDepth or"
              + " maxBins, or raise minInstancesPerNode");
    }
    return new Level(slotTree, slotNode, features, at, slotOf, (int) size);
  }

  /** Builds the state in the first superstep; every superstep fills the histograms of its rows. */
  static final class Histograms extends StatefulComputeFunction<State> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Histograms(Params params) {
      super(STATE);
      this.params = params;
    }

    @Override
    protected State start(ComContext context) {
      TreeTraining.State first = TreeTraining.State.create(context, params.tree);
      State state = new State();
      state.trees.add(first);
      for (int t = 1; t < params.numTrees; t++) {
        state.trees.add(TreeTraining.State.like(first));
      }
      int d = first.bins.numFeatures();
      state.featuresPerNode =
          featuresPerNode(
              params.featureSubsetStrategy, d, params.tree.classifier(), params.numTrees);
      List<Block> blocks = context.getObj(TreeFit.DATA);
      List<long[]> hashes = new ArrayList<>(blocks.size());
      for (Block b : blocks) {
        long[] h = new long[b.numRows()];
        for (int i = 0; i < h.length; i++) {
          long x = FeatureBinning.rowHash(b.row(i).toArray());
          x = SeededHash.mix(x ^ Double.doubleToLongBits(b.label(i)));
          h[i] = SeededHash.mix(x ^ Double.doubleToLongBits(b.weight(i)));
        }
        hashes.add(h);
      }
      context.putObj(HASHES, hashes);
      Map<Double, Integer> classOf =
          params.tree.classifier() && params.tree.numericLabels
              ? TreeTraining.classIndices(first.labels, params.tree.labelType)
              : Map.of();
      context.putObj(
          TreeFit.DATA,
          TreeTraining.binned(blocks, first.bins, classOf, first.labels, params.tree.features));
      return state;
    }

    @Override
    protected void calc(ComContext context, State state) {
      List<Block> blocks = context.getObj(TreeFit.DATA);
      List<long[]> hashes = context.getObj(HASHES);
      Level level = level(state, params);
      double[] hist = new double[level.size() + 1];
      TreeTraining.State first = state.trees.get(0);
      int stats = first.stats;
      int k = first.numClasses;
      boolean classifier = params.tree.classifier();
      int numTrees = state.trees.size();
      int[] active = activeTrees(level, numTrees);
      long[] rowKeys = new long[numTrees];
      for (int t = 0; t < numTrees; t++) {
        rowKeys[t] = params.rowKey(t);
      }
      double expMinusRate = Math.exp(-params.subsamplingRate);
      long rows = 0;
      for (int blk = 0; blk < blocks.size(); blk++) {
        DenseBlock b = (DenseBlock) blocks.get(blk);
        long[] h = hashes.get(blk);
        rows += b.numRows();
        for (int i = 0; i < b.numRows(); i++) {
          double w = b.weight(i);
          double y = b.label(i);
          for (int t : active) {
            int c = params.count(h[i], rowKeys[t], expMinusRate);
            if (c == 0) {
              continue;
            }
            GrowingTree tree = state.trees.get(t).tree;
            int s = level.slotOf()[t][tree.numNodes == 0 ? 0 : tree.leaf(b, i)];
            if (s < 0) {
              continue;
            }
            double cw = c * w;
            int[] features = level.features()[s];
            int[] at = level.at()[s];
            for (int f = 0; f < features.length; f++) {
              int cell = at[f] + (int) b.get(i, features[f]) * stats;
              if (classifier) {
                hist[cell + (int) y] += cw;
                hist[cell + k] += c;
              } else {
                hist[cell] += cw;
                hist[cell + 1] += cw * y;
                hist[cell + 2] += cw * y * y;
                hist[cell + 3] += c;
              }
            }
          }
        }
      }
      hist[level.size()] = rows;
      context.putObj(HIST, hist);
    }

    /** The trees with a slot in {@code level}, in order. */
    private static int[] activeTrees(Level level, int numTrees) {
      boolean[] has = new boolean[numTrees];
      for (int t : level.slotTree()) {
        has[t] = true;
      }
      int[] active = new int[numTrees];
      int n = 0;
      for (int t = 0; t < numTrees; t++) {
        if (has[t]) {
          active[n++] = t;
        }
      }
      return Arrays.copyOf(active, n);
    }
  }

  /** Splits every tree's frontier from the summed histograms: the same on every partition. */
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
      Level level = level(state, params);
      if (state.levels == 0) {
        state.rows = (long) hist[level.size()];
        if (state.rows == 0) {
          throw new IllegalArgumentException(
              params.tree.trainer + " needs training rows; the input is empty");
        }
      }
      FeatureBins bins = state.trees.get(0).bins;
      List<List<Integer>> next = new ArrayList<>();
      for (int t = 0; t < state.trees.size(); t++) {
        next.add(new ArrayList<>());
      }
      for (int s = 0; s < level.slotTree().length; s++) {
        int t = level.slotTree()[s];
        TreeTraining.State tree = state.trees.get(t);
        int[] features = level.features()[s];
        int[] at = level.at()[s];
        if (tree.tree.numNodes == 0) {
          double count = tree.addRoot(hist, at[0], bins.numBins(features[0]), params.tree);
          if (count == 0) {
            throw new IllegalArgumentException(
                params.tree.trainer
                    + ": tree "
                    + t
                    + " drew none of the "
                    + state.rows
                    + " training rows (subsamplingRate "
                    + params.subsamplingRate
                    + "); raise subsamplingRate or give more rows");
          }
          if (tree.tree.frontier.length == 0) {
            continue;
          }
        }
        tree.splitNode(level.slotNode()[s], hist, features, at, next.get(t), params.tree);
      }
      boolean grown = true;
      for (int s = 0; s < level.slotTree().length; s++) {
        int t = level.slotTree()[s];
        GrowingTree tree = state.trees.get(t).tree;
        tree.frontier = next.get(t).stream().mapToInt(Integer::intValue).toArray();
        grown &= tree.frontier.length == 0;
      }
      state.levels++;
      if (grown) {
        state.pass++;
        state.done = state.pass == params.passes();
      }
    }
  }

  /** Stops when no tree has a node left to split. */
  static final class Grown implements CompareCriterionFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean calc(ComContext context) {
      return context.<State>getObj(STATE).done;
    }
  }

  /** Task 0 emits the model. */
  static final class Output implements CompleteResultFunction<RandomForestModel> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Output(Params params) {
      this.params = params;
    }

    /**
     * The trees and, as the final loss, the mean over the trees of their leaves' weighted impurity
     * over their root's weight.
     */
    @Override
    public List<RandomForestModel> calc(ComContext context) {
      if (context.getTaskId() != 0) {
        return List.of();
      }
      State state = context.getObj(STATE);
      List<DecisionTree> trees = new ArrayList<>();
      double loss = 0;
      for (TreeTraining.State tree : state.trees) {
        trees.add(tree.tree.toTree());
        double leafImpurity = 0;
        for (int i = 0; i < tree.tree.numNodes; i++) {
          if (tree.tree.left[i] < 0) {
            leafImpurity += tree.weight[i] * tree.impurity[i];
          }
        }
        loss += leafImpurity / tree.weight[0] / state.trees.size();
      }
      TreeTraining.State first = state.trees.get(0);
      Provenance provenance =
          Provenance.of(
              params.tree.trainer,
              params.tree.description,
              params.seed,
              state.levels,
              loss,
              state.rows);
      int d = first.bins.numFeatures();
      TreeTraining.Params p = params.tree;
      RandomForestModel model =
          p.classifier()
              ? RandomForestModel.classifier(
                  trees, d, first.labels, p.labelType, p.features, provenance)
              : RandomForestModel.regression(trees, d, p.features, provenance);
      return List.of(model);
    }
  }
}
