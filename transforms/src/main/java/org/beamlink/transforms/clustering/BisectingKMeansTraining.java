package org.beamlink.transforms.clustering;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.beamlink.iteration.ComContext;
import org.beamlink.iteration.CompareCriterionFunction;
import org.beamlink.iteration.CompleteResultFunction;
import org.beamlink.iteration.StatefulComputeFunction;
import org.beamlink.models.Provenance;
import org.beamlink.models.clustering.BisectingKMeansModel;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.rows.FeatureColumns;

/**
 * Bisecting k-means as a ComQueue program, Spark's {@code BisectingKMeans.run}: every superstep is
 * {@link Prepare} (this partition's cluster sums into {@code comm}), {@code AllReduce.sum("comm")},
 * {@link Consume} (the same update on every partition). The first superstep summarizes the root;
 * then each level of the tree takes {@code maxIter} supersteps, each one Lloyd iteration of every
 * cluster being split on that level at once: every row of a cluster being split goes to the nearer
 * of its two child centres (which the rows keep only at the level's end, from its last centres, as
 * Spark does), and the children's counts, sums and sums of squared norms are reduced. Each row's
 * cluster is state kept by its partition ({@code assign}). Uses no Beam class: only the shim's API.
 *
 * <p>Where Spark's order is that of a hash map, this takes ascending cluster number: the order in
 * which the clusters split on one level draw their noise, and which of equally large divisible
 * clusters are split when not all are needed.
 */
final class BisectingKMeansTraining {
  static final String DATA = "data";
  static final String COMM = "comm";

  /** The features' size, checked over all rows: {@link SeedPointsFn}'s first value. */
  static final String DIMENSION = "dimension";

  private static final String STATE = "state";
  private static final String ASSIGN = "assign";

  /** Spark's MLUtils.EPSILON, the machine epsilon. */
  private static final double EPSILON = Math.ulp(1.0);

  /** Spark's LEVEL_LIMIT: deeper node numbers would overflow a long. */
  static final double LEVEL_LIMIT = Math.log10(Long.MAX_VALUE) / Math.log10(2);

  private BisectingKMeansTraining() {}

  /** What the program needs to know, fixed when the pipeline is built. */
  static final class Params implements Serializable {
    private static final long serialVersionUID = 1L;
    final int k;
    final int maxIter;
    final double minDivisibleClusterSize;
    final long seed;
    final FeatureColumns features;
    final String predictionCol;
    final Map<String, String> description;

    Params(
        int k,
        int maxIter,
        double minDivisibleClusterSize,
        long seed,
        FeatureColumns features,
        String predictionCol,
        Map<String, String> description) {
      this.k = k;
      this.maxIter = maxIter;
      this.minDivisibleClusterSize = minDivisibleClusterSize;
      this.seed = seed;
      this.features = features;
      this.predictionCol = predictionCol;
      this.description = description;
    }

    /**
     * The root's summary, then {@code maxIter} per level; every level but the last leaves at least
     * one more cluster, so there are at most {@code k - 1} levels (and Spark's level limit).
     */
    int supersteps() {
      int levels = (int) Math.min(k - 1, Math.ceil(LEVEL_LIMIT) - 1);
      return 1 + levels * maxIter;
    }
  }

  /** A cluster's size, centre and cost, as Spark's {@code ClusterSummary}. */
  static final class Summary implements Serializable {
    private static final long serialVersionUID = 1L;
    final long size;
    final double[] center;
    final double cost;

    Summary(long size, double[] center, double cost) {
      this.size = size;
      this.center = center;
      this.cost = cost;
    }
  }

  /** The loop's state: identical on every partition, since it changes only from reduced values. */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    int d;
    Random random;
    long minSize;
    int leavesNeeded;
    int level = 1;

    /** Clusters of earlier levels, and the leaves of the current one, by node number. */
    final TreeMap<Long, Summary> inactive = new TreeMap<>();

    TreeMap<Long, Summary> active = new TreeMap<>();

    /** The clusters being split on this level, ascending; empty when done. */
    long[] divisible = new long[0];

    /** The child centres of this level's current iteration, by node number. */
    TreeMap<Long, double[]> childCenters = new TreeMap<>();

    /** Lloyd iterations done on this level. */
    int iteration;

    /** The last level's split clusters and final child centres, for the rows to take up. */
    long[] pendingDivisible = new long[0];

    TreeMap<Long, double[]> pendingCenters = new TreeMap<>();

    int supersteps;
    boolean done;
  }

  /** Superstep 1 builds the state; every superstep fills {@code comm} from this partition. */
  static final class Prepare extends StatefulComputeFunction<State> {
    private static final long serialVersionUID = 1L;

    Prepare() {
      super(STATE);
    }

    @Override
    protected State start(ComContext context) {
      List<double[]> dimension = context.getObj(DIMENSION);
      State state = new State();
      state.d = (int) dimension.get(0)[0];
      List<long[]> assign = new ArrayList<>();
      for (Block b : context.<List<Block>>getObj(DATA)) {
        if (b.numCols() != state.d) {
          throw new IllegalArgumentException(
              "Features have size "
                  + state.d
                  + " in some rows and "
                  + b.numCols()
                  + " in others; expected one size");
        }
        long[] a = new long[b.numRows()];
        Arrays.fill(a, 1L);
        assign.add(a);
      }
      context.putObj(ASSIGN, assign);
      return state;
    }

    @Override
    protected void calc(ComContext context, State state) {
      List<Block> blocks = context.getObj(DATA);
      List<long[]> assign = context.getObj(ASSIGN);
      if (state.pendingDivisible.length > 0) {
        for (int bi = 0; bi < blocks.size(); bi++) {
          reassign(blocks.get(bi), assign.get(bi), state.pendingDivisible, state.pendingCenters);
        }
        state.pendingDivisible = new long[0];
        state.pendingCenters = new TreeMap<>();
      }
      long[] targets = state.supersteps == 0 ? new long[] {1L} : children(state.divisible);
      context.putObj(COMM, sums(state, blocks, assign, targets));
    }

    /** Per target cluster: count, sum of squared norms, sum. */
    private static double[] sums(
        State state, List<Block> blocks, List<long[]> assign, long[] targets) {
      int d = state.d;
      int stride = d + 2;
      double[] comm = new double[targets.length * stride];
      for (int bi = 0; bi < blocks.size(); bi++) {
        Block b = blocks.get(bi);
        long[] a = assign.get(bi);
        for (int i = 0; i < b.numRows(); i++) {
          long cluster =
              state.supersteps == 0
                  ? 1L
                  : nearestChild(b, i, a[i], state.divisible, state.childCenters);
          int slot = Arrays.binarySearch(targets, cluster);
          if (slot < 0) {
            continue;
          }
          double[] x = b.row(i).toArray();
          double squared = 0;
          for (double v : x) {
            squared += v * v;
          }
          // Spark adds norm * norm, the square of the row's stored norm.
          double norm = Math.sqrt(squared);
          int at = slot * stride;
          comm[at] += 1;
          comm[at + 1] += norm * norm;
          for (int j = 0; j < d; j++) {
            comm[at + 2 + j] += x[j];
          }
        }
      }
      return comm;
    }
  }

  /** The two children of each of {@code parents}, ascending. */
  static long[] children(long[] parents) {
    long[] out = new long[parents.length * 2];
    for (int i = 0; i < parents.length; i++) {
      out[2 * i] = 2 * parents[i];
      out[2 * i + 1] = 2 * parents[i] + 1;
    }
    return out;
  }

  /**
   * Row {@code i}'s cluster after Spark's {@code updateAssignments}: for a row of a cluster being
   * split, the nearer of its children that have a centre (the left on ties); else its own.
   */
  static long nearestChild(
      Block b, int i, long cluster, long[] divisible, Map<Long, double[]> centers) {
    if (Arrays.binarySearch(divisible, cluster) < 0) {
      return cluster;
    }
    long best = cluster;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (long child : new long[] {2 * cluster, 2 * cluster + 1}) {
      double[] c = centers.get(child);
      if (c != null) {
        double dist = b.row(i).squaredDistance(c, 0);
        if (dist < bestDistance) {
          bestDistance = dist;
          best = child;
        }
      }
    }
    return best;
  }

  private static void reassign(
      Block b, long[] assign, long[] divisible, Map<Long, double[]> centers) {
    for (int i = 0; i < assign.length; i++) {
      assign[i] = nearestChild(b, i, assign[i], divisible, centers);
    }
  }

  /** Applies the reduced {@code comm} buffer: the same on every partition. */
  static final class Consume extends StatefulComputeFunction<State> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Consume(Params params) {
      super(STATE);
      this.params = params;
    }

    @Override
    protected void calc(ComContext context, State state) {
      double[] comm = context.getObj(COMM);
      int d = state.d;
      if (state.supersteps++ == 0) {
        Summary root = summary(comm, 0, d);
        if (root == null) {
          throw new IllegalArgumentException("BisectingKMeans needs rows; the input is empty");
        }
        state.active.put(1L, root);
        state.random = new Random(params.seed);
        double min = params.minDivisibleClusterSize;
        state.minSize = (long) Math.ceil(min >= 1.0 ? min : min * root.size);
        state.leavesNeeded = params.k - 1;
        startLevel(state);
        return;
      }
      long[] targets = children(state.divisible);
      TreeMap<Long, Summary> clusters = new TreeMap<>();
      for (int s = 0; s < targets.length; s++) {
        Summary summary = summary(comm, s * (d + 2), d);
        if (summary != null) {
          clusters.put(targets[s], summary);
        }
      }
      TreeMap<Long, double[]> centers = new TreeMap<>();
      clusters.forEach((node, summary) -> centers.put(node, summary.center));
      state.childCenters = centers;
      if (++state.iteration < params.maxIter) {
        return;
      }
      // The level is done: its rows take up the last centres in the next superstep.
      state.pendingDivisible = state.divisible;
      state.pendingCenters = centers;
      state.inactive.putAll(state.active);
      state.active = clusters;
      state.leavesNeeded -= state.divisible.length;
      state.level++;
      startLevel(state);
    }

    /** Chooses the clusters to split on this level and their initial child centres, or stops. */
    private void startLevel(State state) {
      if (state.active.isEmpty() || state.leavesNeeded <= 0 || state.level >= LEVEL_LIMIT) {
        state.done = true;
        return;
      }
      List<Long> divisible = new ArrayList<>();
      state.active.forEach(
          (node, s) -> {
            if (s.size >= state.minSize && s.cost > EPSILON * s.size) {
              divisible.add(node);
            }
          });
      if (divisible.size() > state.leavesNeeded) {
        // The larger ones, ties to the lower number; stable sort of the ascending list.
        divisible.sort((a, b) -> Long.compare(state.active.get(b).size, state.active.get(a).size));
        divisible.subList(state.leavesNeeded, divisible.size()).clear();
        divisible.sort(null);
      }
      if (divisible.isEmpty()) {
        state.inactive.putAll(state.active);
        state.active = new TreeMap<>();
        state.done = true;
        return;
      }
      state.divisible = divisible.stream().mapToLong(Long::longValue).toArray();
      state.childCenters = new TreeMap<>();
      for (long node : state.divisible) {
        double[] center = state.active.get(node).center;
        double level = 1e-4 * norm(center);
        double[] left = center.clone();
        double[] right = center.clone();
        for (int j = 0; j < center.length; j++) {
          double noise = state.random.nextDouble();
          left[j] -= level * noise;
          right[j] += level * noise;
        }
        state.childCenters.put(2 * node, left);
        state.childCenters.put(2 * node + 1, right);
      }
      state.iteration = 0;
    }

    /** Spark's ClusterSummaryAggregator.summary; null for a cluster without rows. */
    private static Summary summary(double[] comm, int at, int d) {
      long n = (long) comm[at];
      if (n == 0) {
        return null;
      }
      double[] center = new double[d];
      for (int j = 0; j < d; j++) {
        center[j] = comm[at + 2 + j] / n;
      }
      double norm = norm(center);
      return new Summary(n, center, Math.max(comm[at + 1] - n * norm * norm, 0.0));
    }

    private static double norm(double[] v) {
      double s = 0;
      for (double x : v) {
        s += x * x;
      }
      return Math.sqrt(s);
    }
  }

  /** Stops when no cluster is left to split or {@code k} clusters exist. */
  static final class Done implements CompareCriterionFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean calc(ComContext context) {
      State state = context.getObj(STATE);
      return state.done;
    }
  }

  /** Task 0 emits the model: every cluster of every level, as Spark's tree. */
  static final class Output implements CompleteResultFunction<BisectingKMeansModel> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Output(Params params) {
      this.params = params;
    }

    @Override
    public List<BisectingKMeansModel> calc(ComContext context) {
      if (context.getTaskId() != 0) {
        return List.of();
      }
      State state = context.getObj(STATE);
      TreeMap<Long, Summary> all = new TreeMap<>(state.inactive);
      all.putAll(state.active);
      int n = all.size();
      int d = state.d;
      long[] nodes = new long[n];
      long[] sizes = new long[n];
      double[] costs = new double[n];
      double[] centers = new double[n * d];
      int i = 0;
      double cost = 0;
      for (Map.Entry<Long, Summary> e : all.entrySet()) {
        nodes[i] = e.getKey();
        sizes[i] = e.getValue().size;
        costs[i] = e.getValue().cost;
        System.arraycopy(e.getValue().center, 0, centers, i * d, d);
        if (!all.containsKey(2 * e.getKey())) {
          cost += e.getValue().cost;
        }
        i++;
      }
      Provenance provenance =
          Provenance.of(
              "BisectingKMeans",
              params.description,
              params.seed,
              state.level - 1,
              cost,
              all.get(1L).size);
      return List.of(
          BisectingKMeansModel.of(nodes, sizes, costs, centers, params.features, provenance)
              .withPredictionCol(params.predictionCol));
    }
  }
}
