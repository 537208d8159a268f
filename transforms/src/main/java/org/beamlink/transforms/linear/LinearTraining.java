package org.beamlink.transforms.linear;

import com.google.auto.value.AutoValue;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.beamlink.iteration.ComContext;
import org.beamlink.iteration.CompareCriterionFunction;
import org.beamlink.iteration.CompleteResultFunction;
import org.beamlink.models.Provenance;
import org.beamlink.models.StopReason;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.optim.BlockObjective;
import org.beamlink.models.optim.Minimizer;
import org.beamlink.models.optim.NormalEquations;
import org.beamlink.models.optim.OptimMethod;
import org.beamlink.models.optim.Penalty;
import org.beamlink.models.optim.PointwiseLoss;
import org.beamlink.models.optim.SquaredLoss;
import org.beamlink.models.rows.FeatureColumns;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linear models as a ComQueue program; names no Beam class, only the shim's API. Each superstep
 * runs {@link LinearEvaluate} (this partition's share) and {@link LinearUpdate} (what the reduced
 * sums change); this class holds their parameters and state, the stop criterion and the output.
 * Superstep 1 reduces the column statistics (weights, sums and sums of squares per feature,
 * per-class weights or the label sum) that standardization, centering and the starting intercept
 * need. Then either:
 *
 * <ul>
 *   <li>{@link OptimMethod#NORMAL}: superstep 2 reduces the weighted moments of the features and
 *       the label about their means ({@link NormalEquations}), and the update solves the normal
 *       equations (OWL-QN on them with an L1 penalty): two supersteps in all;
 *   <li>the iterative minimizers: every later superstep evaluates the loss and gradient (and the
 *       Hessian, for Newton) at the point the minimizer asks for, in one {@code AllReduce.sum}, and
 *       every partition tells the same minimizer the same reduced values.
 * </ul>
 *
 * <p>The iterative minimizers work in conditioned coordinates, as Spark's: {@code theta_j = beta_j
 * c_j} with {@code c_j} the standard deviation of feature {@code j} (1 for a constant column), and,
 * with an intercept, the intercept of the centered features {@code b' = b + mu . beta}. Whatever
 * {@code standardization} says, that makes the features' scales and means irrelevant to how fast
 * they converge; {@code standardization} only decides what the penalty acts on ({@code s_j beta_j}
 * with {@code s_j} the standard deviation, or {@code beta_j}), so the {@link Penalty} on {@code
 * theta} has weights {@code l2 (s_j / c_j)^2} and {@code l1 s_j / c_j}. SGD keeps the coordinates
 * it always had ({@code c_j = s_j} when standardizing, 1 otherwise; no centering), since its step
 * size is in their units. Blocks are never rescaled: margins use {@code beta} and {@code b} on the
 * original data and gradients are transformed, so sparse blocks stay sparse. When standardizing, a
 * column with zero variance gets coefficient 0, as in Spark.
 */
final class LinearTraining {
  static final String DATA = "data";
  static final String LABELS = "labels";
  static final String SHAPE = "shape";
  static final String INITIAL = "initial";
  static final String COMM = "comm";
  static final String STATE = "state";
  static final String FOLDS = "folds";
  static final int LBFGS_MEMORY = 10;
  private static final Logger LOG = LoggerFactory.getLogger(LinearTraining.class);

  private LinearTraining() {}

  /** Builds the model from what training found, on the side that knows the label's type. */
  interface ModelMaker extends Serializable {
    LinearModel make(
        int numFeatures,
        double[] coefficients,
        double[] intercepts,
        List<String> labels,
        Provenance provenance);
  }

  /** The number a class label stands for, for numeric labels packed as they are. */
  interface LabelNumbers extends Serializable {
    double of(String label);
  }

  /** What the program needs to know, fixed when the pipeline is built. */
  @AutoValue
  abstract static class Params implements Serializable {
    private static final long serialVersionUID = 1L;

    abstract String trainer();

    abstract LinearModelType type();

    /** The pointwise loss; null for softmax. */
    abstract @Nullable PointwiseLoss loss();

    abstract boolean intercept();

    abstract boolean standardization();

    abstract double l1();

    abstract double l2();

    abstract int maxIter();

    abstract double tol();

    /** The minimizer asked for; AUTO is resolved once the number of features is known. */
    abstract OptimMethod method();

    abstract double stepSize();

    abstract double batchFraction();

    abstract long seed();

    abstract boolean warmStart();

    abstract FeatureColumns features();

    /** For classifiers whose numeric labels are packed as they are; null otherwise. */
    abstract @Nullable LabelNumbers labelNumbers();

    abstract ModelMaker model();

    abstract Map<String, String> description();

    static Builder builder() {
      return new AutoValue_LinearTraining_Params.Builder();
    }

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setTrainer(String trainer);

      abstract Builder setType(LinearModelType type);

      abstract Builder setLoss(@Nullable PointwiseLoss loss);

      abstract Builder setIntercept(boolean intercept);

      abstract Builder setStandardization(boolean standardization);

      abstract Builder setL1(double l1);

      abstract Builder setL2(double l2);

      abstract Builder setMaxIter(int maxIter);

      abstract Builder setTol(double tol);

      abstract Builder setMethod(OptimMethod method);

      abstract Builder setStepSize(double stepSize);

      abstract Builder setBatchFraction(double batchFraction);

      abstract Builder setSeed(long seed);

      abstract Builder setWarmStart(boolean warmStart);

      abstract Builder setFeatures(FeatureColumns features);

      abstract Builder setLabelNumbers(@Nullable LabelNumbers labelNumbers);

      abstract Builder setModel(ModelMaker model);

      abstract Builder setDescription(Map<String, String> description);

      abstract Params build();
    }

    /** Evaluations the minimizer may ask for: line searches rarely need more than one extra. */
    int maxEvaluations() {
      return method() == OptimMethod.SGD ? maxIter() + 1 : 2 * maxIter() + 10;
    }

    /**
     * Supersteps to unroll: the statistics and the moments for the normal equations, else the
     * statistics and one per evaluation.
     */
    int supersteps() {
      return method() == OptimMethod.NORMAL ? 2 : 1 + maxEvaluations();
    }

    /** The minimizer for {@code d} features. */
    OptimMethod methodFor(int d) {
      return resolve(method(), type(), loss(), l1(), d);
    }
  }

  /** True for least squares, which the normal equations solve. */
  static boolean leastSquares(LinearModelType type, @Nullable PointwiseLoss loss) {
    return type == LinearModelType.REGRESSION && loss instanceof SquaredLoss;
  }

  /**
   * {@code method} for {@code d} features, AUTO resolved as Spark's solver choice: NORMAL for least
   * squares with at most {@value NormalEquations#MAX_FEATURES} features, else OWL-QN with an L1
   * penalty, else L-BFGS.
   */
  static OptimMethod resolve(
      OptimMethod method, LinearModelType type, @Nullable PointwiseLoss loss, double l1, int d) {
    if (method != OptimMethod.AUTO) {
      return method;
    }
    if (leastSquares(type, loss) && d <= NormalEquations.MAX_FEATURES) {
      return OptimMethod.NORMAL;
    }
    return l1 > 0 ? OptimMethod.OWLQN : OptimMethod.LBFGS;
  }

  /**
   * The models one loop trains: each one's parameters and the part of the data it holds out ({@code
   * -1}: none, it trains on every row). A single fit is one model holding out nothing; a search
   * trains every candidate on the rows outside each fold, and on all the rows, in one loop.
   */
  static final class Fits implements Serializable {
    private static final long serialVersionUID = 1L;
    private final List<Params> params;
    private final int[] heldOut;

    Fits(List<Params> params, int[] heldOut) {
      if (params.isEmpty() || params.size() != heldOut.length) {
        throw new IllegalArgumentException(
            "Expected one held-out part per model, got "
                + heldOut.length
                + " for "
                + params.size()
                + " models");
      }
      this.params = List.copyOf(params);
      this.heldOut = heldOut.clone();
    }

    /** One model trained on every row. */
    static Fits of(Params params) {
      return new Fits(List.of(params), new int[] {-1});
    }

    int size() {
      return params.size();
    }

    Params params(int model) {
      return params.get(model);
    }

    /** The part model {@code model} does not train on, or -1. */
    int heldOut(int model) {
      return heldOut[model];
    }

    /** Supersteps to unroll: the most any model needs. */
    int supersteps() {
      int most = 0;
      for (Params p : params) {
        most = Math.max(most, p.supersteps());
      }
      return most;
    }
  }

  enum Phase {
    STATS,
    MOMENTS,
    OPTIMIZE,
    SOLVED
  }

  /** The loop's state: identical on every partition, since it changes only from reduced values. */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;

    Phase phase = Phase.STATS;
    int d;
    int stride;
    List<String> labels;
    int numClasses;
    double totalWeight;
    long rows;
    OptimMethod method;

    /** Standard deviations of the features (0 for a constant column). */
    double[] std;

    /** Means of the features and, last, of the label. */
    double[] means;

    /** Coordinates of the minimizer: {@code theta_j = beta_j * scale[j]}. */
    double[] scale;

    /** The centering of the intercept, {@code b' = b + center . beta}; null for none. */
    double[] center;

    /** Coefficients held at 0: constant columns when standardizing. */
    boolean[] fixed;

    BlockObjective objective;
    Minimizer minimizer;
    NormalEquations.Solution exact;

    /** Supersteps this model has been updated in. */
    int updates;

    /**
     * True once the model needs no more supersteps: solved, its minimizer done, or its own bound on
     * supersteps ({@link Params#supersteps}) reached. A finished model adds nothing to {@code
     * comm}.
     */
    boolean finished(Params params) {
      return phase == Phase.SOLVED
          || (phase == Phase.OPTIMIZE && minimizer.done())
          || updates >= params.supersteps();
    }
  }

  /**
   * The size of model {@code state}'s share of {@code comm} in its phase: column statistics,
   * moments, or loss, weight, gradient (and Hessian).
   */
  static int commSize(State state, Params params) {
    return switch (state.phase) {
      case STATS -> 3 + 2 * state.d + (params.type().isClassifier() ? state.numClasses : 1);
      case MOMENTS -> NormalEquations.sumsSize(state.d);
      case OPTIMIZE -> {
        int p = state.objective.numParams();
        yield 2 + p + (state.minimizer.needsHessian() ? p * p : 0);
      }
      case SOLVED -> throw new IllegalStateException("The model is solved");
    };
  }

  /**
   * Stops once every model is finished: its minimizer done, or its normal equations solved (or its
   * superstep bound reached).
   */
  static final class Converged implements CompareCriterionFunction {
    private static final long serialVersionUID = 1L;
    private final Fits fits;

    Converged(Fits fits) {
      this.fits = fits;
    }

    @Override
    public boolean calc(ComContext context) {
      List<State> states = context.getObj(STATE);
      for (int m = 0; m < fits.size(); m++) {
        if (!states.get(m).finished(fits.params(m))) {
          return false;
        }
      }
      return true;
    }
  }

  /** Task 0 emits the one model of a single fit, with coefficients on the original scale. */
  static final class Output implements CompleteResultFunction<LinearModel> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Output(Params params) {
      this.params = params;
    }

    @Override
    public List<LinearModel> calc(ComContext context) {
      if (context.getTaskId() != 0) {
        return List.of();
      }
      return List.of(model(params, context.<List<State>>getObj(STATE).get(0)));
    }
  }

  /** The model {@code state} holds, with coefficients on the original scale. */
  static LinearModel model(Params params, State state) {
    double[] raw;
    int iterations;
    double loss;
    double[] curve;
    StopReason reason;
    String message;
    double gradientNorm;
    if (state.phase == Phase.SOLVED) {
      NormalEquations.Solution s = state.exact;
      raw = Arrays.copyOf(s.coefficients(), state.stride);
      if (params.intercept()) {
        raw[state.d] = s.intercept();
      }
      iterations = s.iterations();
      loss = s.loss();
      curve = s.lossCurve();
      reason = s.stopReason();
      message = s.stopMessage();
      double[] g = s.gradient();
      double sum = 0.0;
      for (int j = 0; j < state.d; j++) {
        double gj = g[j] / state.scale[j];
        sum += gj * gj;
      }
      gradientNorm = Math.sqrt(sum);
    } else {
      Minimizer minimizer = state.minimizer;
      raw = rawParams(state, minimizer.solution());
      iterations = minimizer.iterations();
      loss = minimizer.loss();
      curve = minimizer.lossCurve();
      reason = minimizer.done() ? minimizer.stopReason() : StopReason.MAX_EVALUATIONS;
      message = minimizer.done() ? minimizer.stopMessage() : "the superstep bound was reached";
      gradientNorm = minimizer.gradientNorm();
    }
    LOG.info(
        "{}: {} after {} iterations, loss {}: {}",
        params.trainer(),
        reason,
        iterations,
        loss,
        message);
    int stride = state.stride;
    int vectors = raw.length / stride;
    double[] coefficients = new double[vectors * state.d];
    double[] intercepts = new double[vectors];
    for (int c = 0; c < vectors; c++) {
      System.arraycopy(raw, c * stride, coefficients, c * state.d, state.d);
      intercepts[c] = params.intercept() ? raw[c * stride + state.d] : 0.0;
    }
    double relativeGradient = gradientNorm == 0.0 ? 0.0 : gradientNorm / Math.abs(loss);
    Provenance provenance =
        Provenance.of(
                params.trainer(), params.description(), params.seed(), iterations, loss, state.rows)
            .withLossCurve(curve)
            .withStop(reason, relativeGradient);
    provenance.convergenceWarning().ifPresent(LOG::warn);
    return params
        .model()
        .make(
            state.d,
            coefficients,
            intercepts,
            params.type().isClassifier() ? state.labels : List.of(),
            provenance);
  }

  /**
   * The model's parameters ({@code beta} and {@code b} per vector) of the minimizer's point {@code
   * theta}: {@code beta_j = theta_j / c_j} (0 when held at 0), {@code b = b' - center . beta}.
   */
  static double[] rawParams(State state, double[] theta) {
    double[] raw = theta.clone();
    int stride = state.stride;
    for (int c = 0; c < raw.length / stride; c++) {
      int off = c * stride;
      double shift = 0.0;
      for (int j = 0; j < state.d; j++) {
        raw[off + j] = state.fixed[j] ? 0.0 : theta[off + j] / state.scale[j];
        shift += state.center == null ? 0.0 : state.center[j] * raw[off + j];
      }
      if (stride > state.d) {
        raw[off + state.d] -= shift;
      }
    }
    return raw;
  }

  /**
   * The minimizer's coordinates of the model's parameters {@code raw}: {@link #rawParams}'s
   * inverse.
   */
  static double[] conditioned(State state, double[] raw) {
    double[] theta = raw.clone();
    int stride = state.stride;
    for (int c = 0; c < raw.length / stride; c++) {
      int off = c * stride;
      double shift = 0.0;
      for (int j = 0; j < state.d; j++) {
        theta[off + j] = state.fixed[j] ? 0.0 : raw[off + j] * state.scale[j];
        shift += state.center == null ? 0.0 : state.center[j] * raw[off + j];
      }
      if (stride > state.d) {
        theta[off + state.d] += shift;
      }
    }
    return theta;
  }

  /**
   * The gradient with respect to {@code theta} of one with respect to the model's parameters:
   * {@code (g_beta_j - center_j g_b) / c_j} for a coefficient (0 when held at 0), {@code g_b} for
   * an intercept.
   */
  static double[] conditionedGradient(State state, double[] g) {
    double[] out = g.clone();
    int stride = state.stride;
    for (int c = 0; c < g.length / stride; c++) {
      int off = c * stride;
      double gb = stride > state.d ? g[off + state.d] : 0.0;
      for (int j = 0; j < state.d; j++) {
        double centered = g[off + j] - (state.center == null ? 0.0 : state.center[j] * gb);
        out[off + j] = state.fixed[j] ? 0.0 : centered / state.scale[j];
      }
    }
    return out;
  }

  /**
   * The Hessian with respect to {@code theta} ({@code T^T H T}, {@code T} the Jacobian of {@link
   * #rawParams}) of a one-vector model, symmetric, with a unit diagonal for parameters held at 0 or
   * without curvature so that Newton's system stays solvable.
   */
  static double[] conditionedHessian(State state, double[] h) {
    int p = state.stride;
    int d = state.d;
    boolean centered = state.center != null;
    // t(l, k): the derivative of raw parameter l with respect to theta_k
    double[] hT = new double[p * p];
    for (int i = 0; i < p; i++) {
      for (int k = 0; k < p; k++) {
        double v;
        if (k == d) {
          v = h[i * p + d];
        } else if (state.fixed[k]) {
          v = 0.0;
        } else {
          v = h[i * p + k] / state.scale[k];
          if (centered) {
            v -= h[i * p + d] * state.center[k] / state.scale[k];
          }
        }
        hT[i * p + k] = v;
      }
    }
    double[] out = new double[p * p];
    for (int j = 0; j < p; j++) {
      for (int k = 0; k < p; k++) {
        double v;
        if (j == d) {
          v = hT[d * p + k];
        } else if (state.fixed[j]) {
          v = 0.0;
        } else {
          v = hT[j * p + k] / state.scale[j];
          if (centered) {
            v -= hT[d * p + k] * state.center[j] / state.scale[j];
          }
        }
        out[j * p + k] = v;
      }
      if (out[j * p + j] == 0.0) {
        out[j * p + j] = 1.0;
      }
    }
    // the two products round differently on either side of the diagonal
    for (int j = 0; j < p; j++) {
      for (int k = j + 1; k < p; k++) {
        double v = 0.5 * (out[j * p + k] + out[k * p + j]);
        out[j * p + k] = v;
        out[k * p + j] = v;
      }
    }
    return out;
  }
}
