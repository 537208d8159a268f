package org.beamlink.transforms.linear;

import com.google.auto.value.AutoValue;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.beamlink.iteration.ComContext;
import org.beamlink.iteration.CompareCriterionFunction;
import org.beamlink.iteration.CompleteResultFunction;
import org.beamlink.iteration.StatefulComputeFunction;
import org.beamlink.models.Provenance;
import org.beamlink.models.SeededHash;
import org.beamlink.models.StopReason;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.optim.BlockObjective;
import org.beamlink.models.optim.GlmObjective;
import org.beamlink.models.optim.Lbfgs;
import org.beamlink.models.optim.Minimizer;
import org.beamlink.models.optim.Newton;
import org.beamlink.models.optim.NormalEquations;
import org.beamlink.models.optim.OptimMethod;
import org.beamlink.models.optim.OwlQn;
import org.beamlink.models.optim.Penalty;
import org.beamlink.models.optim.PointwiseLoss;
import org.beamlink.models.optim.Sgd;
import org.beamlink.models.optim.SoftmaxObjective;
import org.beamlink.models.optim.SquaredLoss;
import org.beamlink.models.rows.FeatureColumns;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linear models as a ComQueue program; names no Beam class, only the shim's API. Superstep 1
 * reduces the column statistics (weights, sums and sums of squares per feature, per-class weights
 * or the label sum) that standardization, centering and the starting intercept need. Then either:
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
  private static final String STATE = "state";
  private static final int LBFGS_MEMORY = 10;
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

  private enum Phase {
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
  }

  /** Fills {@code comm} with this partition's statistics, moments, or loss and gradient. */
  static final class Evaluate extends StatefulComputeFunction<State> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Evaluate(Params params) {
      super(STATE);
      this.params = params;
    }

    @Override
    protected void calc(ComContext context, State state) {
      List<Block> blocks = context.getObj(DATA);
      double[] comm =
          switch (state.phase) {
            case STATS -> stats(state, blocks);
            case MOMENTS -> moments(state, blocks);
            case OPTIMIZE -> evaluate(state, blocks);
            case SOLVED -> throw new IllegalStateException("The model is solved");
          };
      context.putObj(COMM, comm);
    }

    /** The state from the broadcast shape; the labels of a classifier become class indices. */
    @Override
    protected State start(ComContext context) {
      State state = newState(context);
      if (params.labelNumbers() != null) {
        context.putObj(DATA, toClassIndices(context.getObj(DATA), state.labels));
      }
      return state;
    }

    private State newState(ComContext context) {
      State state = new State();
      double[] shape = context.<List<double[]>>getObj(SHAPE).get(0);
      state.d = (int) shape[1];
      state.stride = params.intercept() ? state.d + 1 : state.d;
      if (shape[2] == 0) {
        throw new IllegalArgumentException(
            params.trainer() + " needs training rows; the input is empty");
      }
      if (shape[0] != shape[1]) {
        throw new IllegalArgumentException(
            "Features from "
                + params.features()
                + " have sizes from "
                + (int) shape[0]
                + " to "
                + (int) shape[1]
                + " in different rows; expected one size");
      }
      if (params.type().isClassifier()) {
        state.labels = context.<List<List<String>>>getObj(LABELS).get(0);
        state.numClasses = state.labels.size();
      }
      return state;
    }

    /** Blocks packed with numeric labels as they are, with each label replaced by its index. */
    private List<Block> toClassIndices(List<Block> blocks, List<String> labels) {
      Map<Double, Integer> index = new HashMap<>();
      for (int c = 0; c < labels.size(); c++) {
        index.put(params.labelNumbers().of(labels.get(c)), c);
      }
      List<Block> out = new ArrayList<>(blocks.size());
      for (Block b : blocks) {
        double[] classes = new double[b.numRows()];
        for (int i = 0; i < classes.length; i++) {
          Integer c = index.get(b.label(i));
          if (c == null) {
            throw new IllegalArgumentException(
                "Label column has value "
                    + b.label(i)
                    + ", which is not one of the model's labels "
                    + labels
                    + ", in the row with features "
                    + b.row(i));
          }
          classes[i] = c;
        }
        out.add(b.withLabels(classes));
      }
      return out;
    }

    private double[] stats(State state, List<Block> blocks) {
      int d = state.d;
      boolean classifier = params.type().isClassifier();
      int classes = classifier ? state.numClasses : 1;
      double[] comm = new double[3 + 2 * d + classes];
      for (Block b : blocks) {
        comm[2] += b.numRows();
        double[] w = new double[b.numRows()];
        for (int i = 0; i < w.length; i++) {
          w[i] = b.weight(i);
          comm[0] += w[i];
          comm[1] += w[i] * w[i];
          int slot = classifier ? (int) b.label(i) : 0;
          comm[3 + 2 * d + slot] += classifier ? w[i] : w[i] * b.label(i);
        }
        b.transposeMultiplyAdd(w, comm, 3);
        b.addWeightedSquares(w, comm, 3 + d);
      }
      return comm;
    }

    private double[] moments(State state, List<Block> blocks) {
      double[] comm = new double[NormalEquations.sumsSize(state.d)];
      double[] center = params.intercept() ? state.means : new double[state.d + 1];
      for (Block b : blocks) {
        NormalEquations.addBlock(b, center, comm);
      }
      return comm;
    }

    private double[] evaluate(State state, List<Block> blocks) {
      Minimizer minimizer = state.minimizer;
      int p = state.objective.numParams();
      double[] raw = rawParams(state, minimizer.point());
      boolean hessian = minimizer.needsHessian();
      double[] comm = new double[2 + p + (hessian ? p * p : 0)];
      double[] grad = new double[p];
      double[] hess = hessian ? new double[p * p] : null;
      double fraction = minimizer.batchFraction();
      for (Block b : blocks) {
        double[] mask = fraction < 1.0 ? sample(b, fraction, minimizer.evaluations()) : null;
        comm[0] += state.objective.addLossAndGradient(b, raw, mask, grad);
        // A full batch weighs the total weight the first superstep reduced; only a mini-batch's
        // weight is summed here.
        for (int i = 0; mask != null && i < b.numRows(); i++) {
          comm[1] += b.weight(i) * mask[i];
        }
        if (hessian) {
          state.objective.addHessian(b, raw, mask, hess);
        }
      }
      System.arraycopy(grad, 0, comm, 2, p);
      if (hessian) {
        System.arraycopy(hess, 0, comm, 2 + p, p * p);
      }
      return comm;
    }

    /** Rows in a mini-batch, chosen by a hash of the seed, the evaluation and the row's values. */
    private double[] sample(Block b, double fraction, int evaluation) {
      double[] mask = new double[b.numRows()];
      for (int i = 0; i < mask.length; i++) {
        long h = SeededHash.mix(params.seed() * 0x9e3779b97f4a7c15L + evaluation);
        SparseVector row = b.row(i).toSparse();
        for (int k = 0; k < row.numStored(); k++) {
          h = SeededHash.mix(h ^ row.indexAt(k));
          h = SeededHash.mix(h ^ Double.doubleToLongBits(row.valueAt(k)));
        }
        h = SeededHash.mix(h ^ Double.doubleToLongBits(b.label(i)));
        mask[i] = SeededHash.uniform(h) < fraction ? 1.0 : 0.0;
      }
      return mask;
    }
  }

  /** Applies the reduced {@code comm} buffer: the same on every partition. */
  static final class Update extends StatefulComputeFunction<State> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Update(Params params) {
      super(STATE);
      this.params = params;
    }

    @Override
    protected void calc(ComContext context, State state) {
      double[] comm = context.getObj(COMM);
      switch (state.phase) {
        case STATS -> startOptimizing(context, state, comm);
        case MOMENTS -> {
          solveNormalEquations(context, state, comm);
          context.removeObj(COMM);
        }
        case OPTIMIZE -> tellMinimizer(state, comm);
        case SOLVED -> throw new IllegalStateException("The model is solved");
      }
    }

    private void tellMinimizer(State state, double[] comm) {
      int p = state.objective.numParams();
      double weight = state.minimizer.batchFraction() < 1.0 ? comm[1] : state.totalWeight;
      double f = weight > 0 ? comm[0] / weight : 0.0;
      double[] g = new double[p];
      for (int j = 0; j < p; j++) {
        g[j] = weight > 0 ? comm[2 + j] / weight : 0.0;
      }
      double[] h = null;
      if (state.minimizer.needsHessian()) {
        h = new double[p * p];
        for (int j = 0; j < p * p; j++) {
          h[j] = weight > 0 ? comm[2 + p + j] / weight : 0.0;
        }
        h = conditionedHessian(state, h);
      }
      state.minimizer.tell(f, conditionedGradient(state, g), h);
    }

    private void startOptimizing(ComContext context, State state, double[] comm) {
      int d = state.d;
      state.totalWeight = comm[0];
      state.rows = (long) comm[2];
      if (state.totalWeight <= 0) {
        throw new IllegalArgumentException(
            params.trainer()
                + " needs rows of positive weight; the "
                + state.rows
                + " rows weigh 0");
      }
      double w = comm[0];
      double correction = w - comm[1] / w;
      state.std = new double[d];
      state.means = new double[d + 1];
      for (int j = 0; j < d; j++) {
        double mean = comm[3 + j] / w;
        double variance =
            correction > 0 ? Math.max(0.0, (comm[3 + d + j] - w * mean * mean) / correction) : 0.0;
        state.std[j] = Math.sqrt(variance);
        state.means[j] = mean;
      }
      double[] labelStats = Arrays.copyOfRange(comm, 3 + 2 * d, comm.length);
      state.means[d] = params.type().isClassifier() ? 0.0 : labelStats[0] / w;
      state.method = params.methodFor(d);
      boolean sgd = state.method == OptimMethod.SGD;
      state.fixed = new boolean[d];
      state.scale = new double[d];
      for (int j = 0; j < d; j++) {
        state.fixed[j] = params.standardization() && state.std[j] == 0.0;
        state.scale[j] =
            state.std[j] > 0 && (params.standardization() || !sgd) ? state.std[j] : 1.0;
      }
      state.center = params.intercept() && !sgd ? Arrays.copyOf(state.means, d) : null;
      if (context.getTaskId() == 0) {
        LOG.info("{}: {} rows, {} features, {}", params.trainer(), state.rows, d, state.method);
      }
      if (state.method == OptimMethod.NORMAL) {
        state.phase = Phase.MOMENTS;
        return;
      }
      state.objective =
          params.type() == LinearModelType.SOFTMAX
              ? new SoftmaxObjective(state.numClasses, d, params.intercept())
              : new GlmObjective(params.loss(), d, params.intercept());
      double[] theta0 = conditioned(state, startingPoint(context, state, labelStats));
      Penalty penalty = conditionedPenalty(state, theta0.length);
      int maxIter = params.maxIter();
      double tol = params.tol();
      state.minimizer =
          switch (state.method) {
            case LBFGS ->
                new Lbfgs(theta0, penalty, maxIter, tol, params.maxEvaluations(), LBFGS_MEMORY);
            case OWLQN ->
                new OwlQn(theta0, penalty, maxIter, tol, params.maxEvaluations(), LBFGS_MEMORY);
            case NEWTON -> new Newton(theta0, penalty, maxIter, tol, params.maxEvaluations());
            case SGD ->
                new Sgd(theta0, penalty, maxIter, tol, params.stepSize(), params.batchFraction());
            case AUTO, NORMAL -> throw new IllegalStateException("Resolved above");
          };
      state.phase = Phase.OPTIMIZE;
    }

    private void solveNormalEquations(ComContext context, State state, double[] comm) {
      int d = state.d;
      double[] center = params.intercept() ? state.means : new double[d + 1];
      NormalEquations equations = NormalEquations.of(d, comm, center, params.intercept());
      double[] l1 = new double[d];
      double[] l2 = new double[d];
      for (int j = 0; j < d; j++) {
        double s = params.standardization() ? state.std[j] : 1.0;
        l1[j] = params.l1() * s;
        l2[j] = params.l2() * s * s;
      }
      double[] start = Arrays.copyOf(startingPoint(context, state, new double[0]), d);
      state.exact =
          equations.solve(Penalty.of(l1, l2), state.fixed, start, params.maxIter(), params.tol());
      state.phase = Phase.SOLVED;
      if (context.getTaskId() == 0) {
        long constant = 0;
        for (boolean b : equations.degenerateColumns()) {
          constant += b ? 1 : 0;
        }
        if (state.exact.stopReason() == StopReason.EXACT_MINIMUM_NORM) {
          LOG.warn("{}: {}", params.trainer(), state.exact.stopMessage());
        }
        if (constant > 0) {
          LOG.warn(
              "{}: {} constant columns get coefficient 0 (as Spark's)", params.trainer(), constant);
        }
      }
    }

    /** The warm-start model's coefficients, or zeros with the intercepts of the class priors. */
    private double[] startingPoint(ComContext context, State state, double[] labelStats) {
      int stride = state.stride;
      int vectors = params.type() == LinearModelType.SOFTMAX ? state.numClasses : 1;
      double[] start = new double[vectors * stride];
      if (params.warmStart()) {
        LinearModel model = context.<List<LinearModel>>getObj(INITIAL).get(0);
        if (model.type() != params.type()) {
          throw new IllegalArgumentException(
              "The initial model is a " + model.type() + " model; expected " + params.type());
        }
        if (model.numFeatures() != state.d || model.numVectors() != vectors) {
          throw new IllegalArgumentException(
              "The initial model has "
                  + model.numVectors()
                  + " x "
                  + model.numFeatures()
                  + " coefficients but the data needs "
                  + vectors
                  + " x "
                  + state.d);
        }
        for (int c = 0; c < vectors; c++) {
          System.arraycopy(model.coefficients(c), 0, start, c * stride, state.d);
          if (params.intercept()) {
            start[c * stride + state.d] = model.intercepts()[c];
          }
        }
        return start;
      }
      if (!params.intercept()) {
        return start;
      }
      switch (params.type()) {
        case LOGISTIC -> {
          if (labelStats[0] > 0 && labelStats[1] > 0) {
            start[state.d] = Math.log(labelStats[1] / labelStats[0]);
          }
        }
        case SOFTMAX -> {
          boolean allPresent = Arrays.stream(labelStats).allMatch(v -> v > 0);
          if (allPresent) {
            double meanLog = Arrays.stream(labelStats).map(Math::log).average().orElse(0.0);
            for (int c = 0; c < vectors; c++) {
              start[c * stride + state.d] = Math.log(labelStats[c]) - meanLog;
            }
          }
        }
        case REGRESSION -> start[state.d] = state.means[state.d];
        case SVM -> {}
      }
      return start;
    }

    /**
     * The penalty on the conditioned coordinates: {@code l2 (s_j / c_j)^2} and {@code l1 s_j / c_j}
     * on coefficient {@code j}, with {@code s_j} the standard deviation when standardizing and 1
     * otherwise; none on intercepts and on coefficients held at 0.
     */
    private Penalty conditionedPenalty(State state, int numParams) {
      double[] l1 = new double[numParams];
      double[] l2 = new double[numParams];
      for (int q = 0; q < numParams; q++) {
        int j = q % state.stride;
        if (j < state.d && !state.fixed[j]) {
          double ratio = (params.standardization() ? state.std[j] : 1.0) / state.scale[j];
          l1[q] = params.l1() * ratio;
          l2[q] = params.l2() * ratio * ratio;
        }
      }
      return Penalty.of(l1, l2);
    }
  }

  /** Stops once the minimizer has, or the normal equations are solved. */
  static final class Converged implements CompareCriterionFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean calc(ComContext context) {
      State state = context.getObj(STATE);
      return state.phase == Phase.SOLVED
          || (state.phase == Phase.OPTIMIZE && state.minimizer.done());
    }
  }

  /** Task 0 emits the model, with coefficients on the original scale. */
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
      State state = context.getObj(STATE);
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
                  params.trainer(),
                  params.description(),
                  params.seed(),
                  iterations,
                  loss,
                  state.rows)
              .withLossCurve(curve)
              .withStop(reason, relativeGradient);
      provenance.convergenceWarning().ifPresent(LOG::warn);
      return List.of(
          params
              .model()
              .make(
                  state.d,
                  coefficients,
                  intercepts,
                  params.type().isClassifier() ? state.labels : List.of(),
                  provenance));
    }
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
