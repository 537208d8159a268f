package org.beamlink.transforms.clustering;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.beamlink.iteration.ComContext;
import org.beamlink.iteration.CompareCriterionFunction;
import org.beamlink.iteration.CompleteResultFunction;
import org.beamlink.iteration.StatefulComputeFunction;
import org.beamlink.models.Provenance;
import org.beamlink.models.clustering.CovarianceType;
import org.beamlink.models.clustering.GaussianMixtureDensity;
import org.beamlink.models.clustering.GaussianMixtureModel;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DenseBlock;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;

/**
 * EM for a Gaussian mixture as a ComQueue program: every superstep is {@link Prepare} (this
 * partition's sums into {@code comm}), {@code AllReduce.sum("comm")}, {@link Consume} (the same
 * update on every partition). The first superstep assigns every row to its nearest initial mean and
 * derives the initial weights and covariances from that hard assignment, as scikit-learn's {@code
 * _initialize} does from its initial responsibilities (the means stay the given ones); each later
 * superstep is one EM iteration: the E step on every partition with the current mixture
 * (responsibilities by log-sum-exp), the M step on the reduced sums. Uses no Beam class: only the
 * shim's API.
 *
 * <p>{@code comm} holds per component its responsibility total {@code W_c}, the sum of {@code r_ic
 * (x_i - mu_c)} and the upper triangle (FULL, as a full {@code d x d} block) or diagonal (DIAGONAL)
 * of {@code sum r_ic (x_i - mu_c)(x_i - mu_c)^T}, about the current mean {@code mu_c} so that the
 * sums keep their precision whatever the data's offset; then the weighted log-likelihood, the total
 * weight and the row count.
 */
final class GaussianMixtureTraining {
  static final String DATA = "data";
  static final String MEANS = "means";
  static final String COMM = "comm";
  private static final String STATE = "state";

  /** numpy's float64 eps, which scikit-learn adds ten times to every component's total. */
  private static final double EPS = Math.ulp(1.0);

  private GaussianMixtureTraining() {}

  /** What the program needs to know, fixed when the pipeline is built. */
  static final class Params implements Serializable {
    private static final long serialVersionUID = 1L;
    final int k;
    final int maxIter;
    final double tol;
    final double regCovar;
    final long seed;
    final CovarianceType covarianceType;
    final FeatureColumns features;
    final OutputColumns outputCols;
    final Map<String, String> description;

    Params(
        int k,
        int maxIter,
        double tol,
        double regCovar,
        long seed,
        CovarianceType covarianceType,
        FeatureColumns features,
        OutputColumns outputCols,
        Map<String, String> description) {
      this.k = k;
      this.maxIter = maxIter;
      this.tol = tol;
      this.regCovar = regCovar;
      this.seed = seed;
      this.covarianceType = covarianceType;
      this.features = features;
      this.outputCols = outputCols;
      this.description = description;
    }

    /** The initialisation superstep, then at most {@code maxIter} EM iterations. */
    int supersteps() {
      return 1 + maxIter;
    }
  }

  /** The loop's state: identical on every partition, since it changes only from reduced values. */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    int d;
    double[] means;
    GaussianMixtureDensity mixture;
    double lowerBound = Double.NEGATIVE_INFINITY;
    int iterations;
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
    protected State start(ComContext context) {
      List<double[]> seeds = context.getObj(MEANS);
      State state = new State();
      state.means = seeds.get(0).clone();
      state.d = state.means.length / params.k;
      for (Block b : context.<List<Block>>getObj(DATA)) {
        if (b.numCols() != state.d) {
          throw new IllegalArgumentException(
              "Features have size "
                  + b.numCols()
                  + " in some rows but the initial means have size "
                  + state.d
                  + "; expected one size");
        }
      }
      return state;
    }

    @Override
    protected void calc(ComContext context, State state) {
      List<Block> blocks = context.getObj(DATA);
      context.putObj(COMM, sums(state, blocks));
    }

    private double[] sums(State state, List<Block> blocks) {
      int k = params.k;
      int d = state.d;
      boolean full = params.covarianceType == CovarianceType.FULL;
      int stride = stride(d, full);
      double[] comm = new double[k * stride + 3];
      double[] logJoint = new double[k];
      double[] diffs = new double[k * d];
      double[] work = new double[d];
      double logLikelihood = 0;
      double totalWeight = 0;
      long rows = 0;
      for (Block b : blocks) {
        int n = b.numRows();
        double[] x = denseValues(b);
        for (int i = 0; i < n; i++) {
          for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
              diffs[c * d + j] = x[i * d + j] - state.means[c * d + j];
            }
          }
          double w = b.weight(i);
          if (state.mixture == null) {
            // The first superstep: the hard assignment to the nearest initial mean.
            int best = 0;
            double bestDist = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
              double dist = 0;
              for (int j = 0; j < d; j++) {
                dist += diffs[c * d + j] * diffs[c * d + j];
              }
              if (dist < bestDist) {
                bestDist = dist;
                best = c;
              }
            }
            add(comm, best * stride, w, diffs, best * d, d, full);
          } else {
            for (int c = 0; c < k; c++) {
              logJoint[c] = state.mixture.logJoint(c, diffs, c * d, work);
            }
            double total = GaussianMixtureDensity.logSumExp(logJoint);
            logLikelihood += w * total;
            for (int c = 0; c < k; c++) {
              double r = w * Math.exp(logJoint[c] - total);
              if (r > 0) {
                add(comm, c * stride, r, diffs, c * d, d, full);
              }
            }
          }
          totalWeight += w;
        }
        rows += n;
      }
      comm[k * stride] = logLikelihood;
      comm[k * stride + 1] = totalWeight;
      comm[k * stride + 2] = rows;
      return comm;
    }

    /** Adds {@code r}, {@code r diff} and {@code r diff diff^T} to one component's sums. */
    private static void add(
        double[] comm, int at, double r, double[] diff, int offset, int d, boolean full) {
      comm[at] += r;
      int second = at + 1 + d;
      for (int j = 0; j < d; j++) {
        double v = r * diff[offset + j];
        comm[at + 1 + j] += v;
        if (full) {
          int row = second + j * d;
          for (int l = j; l < d; l++) {
            comm[row + l] += v * diff[offset + l];
          }
        } else {
          comm[second + j] += v * diff[offset + j];
        }
      }
    }

    /** The block's rows, row-major: its own values for a dense block, densified for a sparse. */
    private static double[] denseValues(Block b) {
      int n = b.numRows();
      int d = b.numCols();
      double[] x = new double[n * d];
      if (b instanceof DenseBlock dense) {
        dense.copyValuesTo(x, 0);
      } else {
        for (int i = 0; i < n; i++) {
          b.row(i).toDense().copyTo(x, i * d);
        }
      }
      return x;
    }
  }

  /** Values per component in {@code comm}. */
  private static int stride(int d, boolean full) {
    return 1 + d + (full ? d * d : d);
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
      int k = params.k;
      int d = state.d;
      boolean full = params.covarianceType == CovarianceType.FULL;
      int stride = stride(d, full);
      double totalWeight = comm[k * stride + 1];
      state.rows = (long) comm[k * stride + 2];
      boolean initial = state.mixture == null;
      if (initial) {
        checkRows(state.rows, totalWeight);
      } else {
        // scikit-learn's lower_bound_: the mean log-likelihood of this E step, before its M step.
        double previous = state.lowerBound;
        state.lowerBound = comm[k * stride] / totalWeight;
        state.iterations++;
        state.converged = Math.abs(state.lowerBound - previous) < params.tol;
      }
      state.mixture = maximize(comm, state, stride, full, initial);
    }

    private void checkRows(long rows, double totalWeight) {
      if (rows == 0) {
        throw new IllegalArgumentException(
            "GaussianMixture needs at least k=" + params.k + " rows; the input is empty");
      }
      if (rows < params.k) {
        throw new IllegalArgumentException(
            "GaussianMixture with k="
                + params.k
                + " needs at least "
                + params.k
                + " rows; the input has only "
                + rows);
      }
      if (!(totalWeight > 0)) {
        throw new IllegalArgumentException(
            "GaussianMixture needs a positive total weight; the rows' weights sum to "
                + totalWeight);
      }
    }

    /**
     * The M step (scikit-learn's {@code _estimate_gaussian_parameters}): {@code n_c = W_c + 10
     * eps}, the new mean {@code m_c = mu_c + S1_c / n_c}, the covariance {@code (S2_c - S1_c
     * delta^T - delta S1_c^T + W_c delta delta^T) / n_c + regCovar I} with {@code delta = m_c -
     * mu_c} (the sum of {@code r (x - m_c)(x - m_c)^T} from sums about {@code mu_c}), weights
     * {@code n_c / sum n}. In the initial superstep the means stay the given ones.
     */
    private GaussianMixtureDensity maximize(
        double[] comm, State state, int stride, boolean full, boolean initial) {
      int k = params.k;
      int d = state.d;
      double[] weights = new double[k];
      double[] means = new double[k * d];
      double[] covariances = new double[k * d * d];
      double totalN = 0;
      for (int c = 0; c < k; c++) {
        int at = c * stride;
        double w = comm[at];
        double n = w + 10 * EPS;
        weights[c] = n;
        totalN += n;
        double[] delta = new double[d];
        for (int j = 0; j < d; j++) {
          delta[j] = comm[at + 1 + j] / n;
          means[c * d + j] = state.means[c * d + j] + delta[j];
        }
        int second = at + 1 + d;
        int cov = c * d * d;
        for (int j = 0; j < d; j++) {
          double s1j = comm[at + 1 + j];
          if (full) {
            for (int l = j; l < d; l++) {
              double s1l = comm[at + 1 + l];
              double v =
                  (comm[second + j * d + l]
                          - s1j * delta[l]
                          - delta[j] * s1l
                          + w * delta[j] * delta[l])
                      / n;
              covariances[cov + j * d + l] = v;
              covariances[cov + l * d + j] = v;
            }
          } else {
            covariances[cov + j * d + j] =
                (comm[second + j] - 2 * s1j * delta[j] + w * delta[j] * delta[j]) / n;
          }
          covariances[cov + j * d + j] += params.regCovar;
        }
      }
      for (int c = 0; c < k; c++) {
        weights[c] /= totalN;
      }
      if (!initial) {
        state.means = means;
      }
      try {
        return GaussianMixtureDensity.of(weights, state.means, covariances, params.covarianceType);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "GaussianMixture failed "
                + (initial ? "at its initial assignment" : "in EM iteration " + state.iterations)
                + ": "
                + e.getMessage(),
            e);
      }
    }
  }

  /** Stops after an EM iteration whose mean log-likelihood changed by less than {@code tol}. */
  static final class Converged implements CompareCriterionFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean calc(ComContext context) {
      State state = context.getObj(STATE);
      return state.converged;
    }
  }

  /** Task 0 emits the model. */
  static final class Output implements CompleteResultFunction<GaussianMixtureModel> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Output(Params params) {
      this.params = params;
    }

    @Override
    public List<GaussianMixtureModel> calc(ComContext context) {
      if (context.getTaskId() != 0) {
        return List.of();
      }
      State state = context.getObj(STATE);
      Provenance provenance =
          Provenance.of(
              "GaussianMixture",
              params.description,
              params.seed,
              state.iterations,
              -state.lowerBound,
              state.rows);
      return List.of(
          GaussianMixtureModel.of(state.mixture, params.features, provenance)
              .withOutputCols(params.outputCols.get(0), params.outputCols.get(1)));
    }
  }
}
