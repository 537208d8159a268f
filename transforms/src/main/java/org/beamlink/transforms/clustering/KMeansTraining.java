package org.beamlink.transforms.clustering;

import com.google.auto.value.AutoValue;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.beamlink.iteration.ComContext;
import org.beamlink.iteration.CompareCriterionFunction;
import org.beamlink.iteration.CompleteResultFunction;
import org.beamlink.iteration.StatefulComputeFunction;
import org.beamlink.models.Provenance;
import org.beamlink.models.SeededHash;
import org.beamlink.models.clustering.DistanceMeasure;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.rows.FeatureColumns;

/**
 * KMeans as a ComQueue program: every superstep is {@link Prepare} (a partition's contribution to
 * the {@code comm} buffer), {@code AllReduce.sum("comm")}, {@link Consume} (the same update on
 * every partition). The first supersteps run k-means|| when asked for, the rest are Lloyd
 * iterations. Uses no Beam class: only the shim's API.
 */
final class KMeansTraining {
  static final String DATA = "data";
  static final String SEEDS = "seeds";
  static final String COMM = "comm";
  private static final String STATE = "state";
  private static final String MIN_COST = "minCost";

  private KMeansTraining() {}

  /** What the program needs to know, fixed when the pipeline is built. */
  @AutoValue
  abstract static class Params implements Serializable {
    private static final long serialVersionUID = 1L;

    abstract int k();

    abstract int maxIter();

    abstract double tol();

    abstract long seed();

    abstract InitMode initMode();

    abstract int initSteps();

    /** True when the initial centroids were given, so no seeding runs. */
    abstract boolean explicitInit();

    abstract DistanceMeasure distance();

    abstract FeatureColumns features();

    abstract Map<String, String> description();

    static Builder builder() {
      return new AutoValue_KMeansTraining_Params.Builder();
    }

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setK(int k);

      abstract Builder setMaxIter(int maxIter);

      abstract Builder setTol(double tol);

      abstract Builder setSeed(long seed);

      abstract Builder setInitMode(InitMode initMode);

      abstract Builder setInitSteps(int initSteps);

      abstract Builder setExplicitInit(boolean explicitInit);

      abstract Builder setDistance(DistanceMeasure distance);

      abstract Builder setFeatures(FeatureColumns features);

      abstract Builder setDescription(Map<String, String> description);

      abstract Params build();
    }

    /** Supersteps before Lloyd: k-means|| takes a cost and a sampling pass a round, then one. */
    int initSupersteps() {
      return !explicitInit() && initMode() == InitMode.K_MEANS_PARALLEL ? 2 * initSteps() + 1 : 0;
    }

    /** Sampled points one task may contribute to one k-means|| round (about 2k expected in all). */
    int samplesPerTask() {
      return 4 * k() + 16;
    }
  }

  private enum Phase {
    INIT_COST,
    INIT_SAMPLE,
    INIT_WEIGHTS,
    LLOYD
  }

  /** The loop's state: identical on every partition, since it changes only from reduced values. */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;

    Phase phase;
    int d;
    int round = 1;
    double[] seedPoints;
    double[] centroids;
    double[] candidates = new double[0];
    int numCandidates;
    int costedCandidates;
    double phi;
    int iterations;
    double cost = Double.NaN;
    long rows;
    boolean converged;
  }

  /** Superstep 1 builds the state; every superstep fills {@code comm} from this partition. */
  static final class Prepare extends StatefulComputeFunction<State> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Prepare(Params params) {
      super(STATE);
      this.params = params;
    }

    @Override
    protected void calc(ComContext context, State state) {
      List<Block> blocks = context.getObj(DATA);
      switch (state.phase) {
        case LLOYD -> context.putObj(COMM, lloydSums(state, blocks));
        case INIT_COST -> context.putObj(COMM, new double[] {updateCosts(context, state, blocks)});
        case INIT_SAMPLE -> context.putObj(COMM, sample(context, state, blocks));
        case INIT_WEIGHTS -> context.putObj(COMM, candidateWeights(state, blocks));
      }
    }

    @Override
    protected State start(ComContext context) {
      State state = seedState(context);
      for (Block b : context.<List<Block>>getObj(DATA)) {
        if (b.numCols() != state.d) {
          throw new IllegalArgumentException(
              "Features have size "
                  + b.numCols()
                  + " in some rows but the centroids have size "
                  + state.d
                  + "; expected one size");
        }
      }
      return state;
    }

    private State seedState(ComContext context) {
      List<double[]> seeds = context.getObj(SEEDS);
      double[] seed = seeds.get(0);
      State state = new State();
      if (params.explicitInit()) {
        state.d = seed.length / params.k();
        state.centroids = seed.clone();
        if (params.distance() == DistanceMeasure.COSINE) {
          normalizeRows(state.centroids, params.k(), state.d);
        }
        state.phase = Phase.LLOYD;
        return state;
      }
      state.d = (int) seed[0];
      int found = state.d == 0 ? 0 : (seed.length - 1) / state.d;
      if (found == 0) {
        throw new IllegalArgumentException(
            "KMeans needs at least k=" + params.k() + " rows; the input is empty");
      }
      if (found < params.k()) {
        throw new IllegalArgumentException(
            "KMeans with k="
                + params.k()
                + " needs at least "
                + params.k()
                + " distinct points; the input has only "
                + found);
      }
      state.seedPoints = Arrays.copyOfRange(seed, 1, seed.length);
      if (params.initMode() == InitMode.RANDOM) {
        state.centroids = state.seedPoints.clone();
        state.phase = Phase.LLOYD;
      } else {
        state.candidates = Arrays.copyOf(state.seedPoints, state.d);
        state.numCandidates = 1;
        state.phase = Phase.INIT_COST;
        List<double[]> minCost = new ArrayList<>();
        for (Block b : context.<List<Block>>getObj(DATA)) {
          double[] costs = new double[b.numRows()];
          Arrays.fill(costs, Double.POSITIVE_INFINITY);
          minCost.add(costs);
        }
        context.putObj(MIN_COST, minCost);
      }
      return state;
    }

    private double[] lloydSums(State state, List<Block> blocks) {
      int k = params.k();
      int d = state.d;
      double[] comm = new double[k * d + k + 2];
      double cost = 0;
      long rows = 0;
      double[][] clusterSums = new double[k][d];
      for (Block b : blocks) {
        int n = b.numRows();
        double[] dist = new double[n * k];
        b.squaredDistances(state.centroids, k, dist);
        for (int i = 0; i < n; i++) {
          int best = 0;
          double bestDist = dist[i * k];
          for (int c = 1; c < k; c++) {
            if (dist[i * k + c] < bestDist) {
              bestDist = dist[i * k + c];
              best = c;
            }
          }
          double w = b.weight(i);
          b.addRowTo(i, w, clusterSums[best]);
          comm[k * d + best] += w;
          cost += w * (params.distance() == DistanceMeasure.COSINE ? bestDist / 2.0 : bestDist);
        }
        rows += n;
      }
      for (int c = 0; c < k; c++) {
        System.arraycopy(clusterSums[c], 0, comm, c * d, d);
      }
      comm[k * d + k] = cost;
      comm[k * d + k + 1] = rows;
      return comm;
    }

    private double updateCosts(ComContext context, State state, List<Block> blocks) {
      List<double[]> minCost = context.getObj(MIN_COST);
      int d = state.d;
      int from = state.costedCandidates;
      int m = state.numCandidates - from;
      double[] fresh = Arrays.copyOfRange(state.candidates, from * d, state.numCandidates * d);
      double phi = 0;
      for (int bi = 0; bi < blocks.size(); bi++) {
        Block b = blocks.get(bi);
        double[] costs = minCost.get(bi);
        if (m > 0) {
          double[] dist = new double[b.numRows() * m];
          b.squaredDistances(fresh, m, dist);
          for (int i = 0; i < b.numRows(); i++) {
            for (int c = 0; c < m; c++) {
              costs[i] = Math.min(costs[i], dist[i * m + c]);
            }
          }
        }
        for (int i = 0; i < b.numRows(); i++) {
          phi += b.weight(i) * costs[i];
        }
      }
      return phi;
    }

    private double[] sample(ComContext context, State state, List<Block> blocks) {
      List<double[]> minCost = context.getObj(MIN_COST);
      int d = state.d;
      int cap = params.samplesPerTask();
      double[] comm = new double[context.getNumTask() * cap * (d + 1)];
      int slot = context.getTaskId() * cap * (d + 1);
      int taken = 0;
      double oversampling = 2.0 * params.k();
      for (int bi = 0; bi < blocks.size() && taken < cap && state.phi > 0; bi++) {
        Block b = blocks.get(bi);
        double[] costs = minCost.get(bi);
        for (int i = 0; i < b.numRows() && taken < cap; i++) {
          double p = oversampling * b.weight(i) * costs[i] / state.phi;
          if (p <= 0) {
            continue;
          }
          double[] row = b.row(i).toArray();
          double u = SeededHash.uniform(PointHash.of(params.seed(), state.round, row, 0, d));
          if (u < p) {
            int at = slot + taken * (d + 1);
            comm[at] = 1.0;
            System.arraycopy(row, 0, comm, at + 1, d);
            taken++;
          }
        }
      }
      return comm;
    }

    private double[] candidateWeights(State state, List<Block> blocks) {
      int m = state.numCandidates;
      double[] weights = new double[m];
      for (Block b : blocks) {
        double[] dist = new double[b.numRows() * m];
        b.squaredDistances(state.candidates, m, dist);
        for (int i = 0; i < b.numRows(); i++) {
          int best = 0;
          for (int c = 1; c < m; c++) {
            if (dist[i * m + c] < dist[i * m + best]) {
              best = c;
            }
          }
          weights[best] += b.weight(i);
        }
      }
      return weights;
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
      switch (state.phase) {
        case LLOYD -> updateCentroids(state, comm);
        case INIT_COST -> {
          state.phi = comm[0];
          state.costedCandidates = state.numCandidates;
          state.phase = Phase.INIT_SAMPLE;
        }
        case INIT_SAMPLE -> {
          addSamples(state, comm);
          state.phase = state.round++ < params.initSteps() ? Phase.INIT_COST : Phase.INIT_WEIGHTS;
        }
        case INIT_WEIGHTS -> {
          chooseCentroids(state, comm);
          context.removeObj(MIN_COST);
          state.phase = Phase.LLOYD;
        }
      }
    }

    private void updateCentroids(State state, double[] comm) {
      int k = params.k();
      int d = state.d;
      double movement = 0;
      for (int c = 0; c < k; c++) {
        double w = comm[k * d + c];
        if (w <= 0) {
          continue;
        }
        double[] updated = new double[d];
        for (int j = 0; j < d; j++) {
          updated[j] = comm[c * d + j] / w;
        }
        if (params.distance() == DistanceMeasure.COSINE && !normalize(updated, 0, d)) {
          continue;
        }
        movement =
            Math.max(
                movement, WeightedKMeansPlusPlus.squared(updated, 0, state.centroids, c * d, d));
        System.arraycopy(updated, 0, state.centroids, c * d, d);
      }
      state.cost = comm[k * d + k];
      state.rows = (long) comm[k * d + k + 1];
      state.iterations++;
      state.converged = movement <= params.tol() * params.tol();
    }

    private void addSamples(State state, double[] comm) {
      int d = state.d;
      List<double[]> fresh = new ArrayList<>();
      for (int at = 0; at < comm.length; at += d + 1) {
        if (comm[at] == 1.0) {
          double[] p = Arrays.copyOfRange(comm, at + 1, at + 1 + d);
          if (!contains(state.candidates, state.numCandidates, d, p)
              && fresh.stream().noneMatch(f -> Arrays.equals(f, p))) {
            fresh.add(p);
          }
        }
      }
      // Candidates are ordered by their hash, not by the task that sampled them, so that
      // k-means++ chooses the same centers however the data is partitioned.
      fresh.sort(
          java.util.Comparator.comparingLong(
              (double[] f) -> PointHash.of(params.seed(), state.round, f, 0, d)));
      double[] grown = Arrays.copyOf(state.candidates, (state.numCandidates + fresh.size()) * d);
      for (int i = 0; i < fresh.size(); i++) {
        System.arraycopy(fresh.get(i), 0, grown, (state.numCandidates + i) * d, d);
      }
      state.candidates = grown;
      state.numCandidates += fresh.size();
    }

    private void chooseCentroids(State state, double[] weights) {
      int k = params.k();
      int d = state.d;
      if (state.numCandidates > k) {
        state.centroids =
            WeightedKMeansPlusPlus.choose(
                state.candidates, weights, state.numCandidates, d, k, params.seed());
        return;
      }
      double[] centroids = Arrays.copyOf(state.candidates, k * d);
      int filled = state.numCandidates;
      for (int s = 0; filled < k; s++) {
        double[] p = Arrays.copyOfRange(state.seedPoints, s * d, (s + 1) * d);
        if (!contains(centroids, filled, d, p)) {
          System.arraycopy(p, 0, centroids, filled * d, d);
          filled++;
        }
      }
      state.centroids = centroids;
    }
  }

  /** Stops after a Lloyd iteration in which no centroid moved more than {@code tol}. */
  static final class Converged implements CompareCriterionFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean calc(ComContext context) {
      State state = context.getObj(STATE);
      return state.phase == Phase.LLOYD && state.converged;
    }
  }

  /** Task 0 emits the model. */
  static final class Output implements CompleteResultFunction<KMeansModel> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Output(Params params) {
      this.params = params;
    }

    @Override
    public List<KMeansModel> calc(ComContext context) {
      if (context.getTaskId() != 0) {
        return List.of();
      }
      State state = context.getObj(STATE);
      Provenance provenance =
          Provenance.of(
              "KMeans",
              params.description(),
              params.seed(),
              state.iterations,
              state.cost,
              state.rows);
      return List.of(
          KMeansModel.of(
              state.centroids, params.k(), params.distance(), params.features(), provenance));
    }
  }

  static boolean contains(double[] points, int count, int d, double[] p) {
    for (int i = 0; i < count; i++) {
      if (Arrays.equals(points, i * d, (i + 1) * d, p, 0, d)) {
        return true;
      }
    }
    return false;
  }

  static void normalizeRows(double[] rows, int n, int d) {
    for (int i = 0; i < n; i++) {
      if (!normalize(rows, i * d, d)) {
        throw new IllegalArgumentException(
            "Cosine distance needs non-zero centroids; initial centroid " + i + " is zero");
      }
    }
  }

  static boolean normalize(double[] values, int offset, int d) {
    double norm = 0;
    for (int j = 0; j < d; j++) {
      norm += values[offset + j] * values[offset + j];
    }
    if (norm == 0) {
      return false;
    }
    double scale = 1.0 / Math.sqrt(norm);
    for (int j = 0; j < d; j++) {
      values[offset + j] *= scale;
    }
    return true;
  }
}
