package org.beamlink.transforms.linear;

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
import org.beamlink.iteration.ComputeFunction;
import org.beamlink.models.Provenance;
import org.beamlink.models.SeededHash;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.optim.BlockObjective;
import org.beamlink.models.optim.GlmObjective;
import org.beamlink.models.optim.Lbfgs;
import org.beamlink.models.optim.Minimizer;
import org.beamlink.models.optim.Newton;
import org.beamlink.models.optim.OptimMethod;
import org.beamlink.models.optim.OwlQn;
import org.beamlink.models.optim.PointwiseLoss;
import org.beamlink.models.optim.Sgd;
import org.beamlink.models.optim.SoftmaxObjective;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linear models as a ComQueue program. Superstep 1 reduces the column statistics (weights, sums and
 * sums of squares per feature, per-class weights or the label sum) that standardization and the
 * starting intercept need; every later superstep evaluates the loss and gradient (and the Hessian,
 * for Newton) at the point the minimizer asks for, in one {@code AllReduce.sum("comm")}, and every
 * partition tells the same minimizer the same reduced values. Uses no Beam class: only the shim's
 * API.
 *
 * <p>The minimizer works on the coefficients of the standardized features {@code theta_j = beta_j
 * s_j} (Spark's semantics: the penalty is on {@code theta}); blocks are never rescaled: margins use
 * {@code beta = theta / s} on the original data and gradients are divided by {@code s}, so sparse
 * blocks stay sparse. A column with zero variance gets coefficient 0 when standardizing, as Spark.
 */
final class LinearTraining {
  static final String DATA = "data";
  static final String LABELS = "labels";
  static final String SHAPE = "shape";
  static final String INITIAL = "initial";
  static final String COMM = "comm";
  private static final String STATE = "state";
  private static final Logger LOG = LoggerFactory.getLogger(LinearTraining.class);

  private LinearTraining() {}

  /** What the program needs to know, fixed when the pipeline is built. */
  static final class Params implements Serializable {
    private static final long serialVersionUID = 1L;

    final String trainer;
    final LinearModelType type;
    final PointwiseLoss loss;
    final boolean intercept;
    final boolean standardization;
    final double l1;
    final double l2;
    final int maxIter;
    final double tol;
    final OptimMethod method;
    final int memory;
    final double stepSize;
    final double batchFraction;
    final long seed;
    final boolean warmStart;
    final boolean rawLabels;
    final FeatureColumns features;
    final TypeName labelType;
    final Map<String, String> description;

    Params(
        String trainer,
        LinearModelType type,
        PointwiseLoss loss,
        boolean intercept,
        boolean standardization,
        double l1,
        double l2,
        int maxIter,
        double tol,
        OptimMethod method,
        int memory,
        double stepSize,
        double batchFraction,
        long seed,
        boolean warmStart,
        boolean rawLabels,
        FeatureColumns features,
        TypeName labelType,
        Map<String, String> description) {
      this.trainer = trainer;
      this.type = type;
      this.loss = loss;
      this.intercept = intercept;
      this.standardization = standardization;
      this.l1 = l1;
      this.l2 = l2;
      this.maxIter = maxIter;
      this.tol = tol;
      this.method = method;
      this.memory = memory;
      this.stepSize = stepSize;
      this.batchFraction = batchFraction;
      this.seed = seed;
      this.warmStart = warmStart;
      this.rawLabels = rawLabels;
      this.features = features;
      this.labelType = labelType;
      this.description = description;
    }

    /** Evaluations the minimizer may ask for: line searches rarely need more than one extra. */
    int maxEvaluations() {
      return method == OptimMethod.SGD ? maxIter + 1 : 2 * maxIter + 10;
    }

    /** Supersteps to unroll: the statistics, then one per evaluation. */
    int supersteps() {
      return 1 + maxEvaluations();
    }
  }

  private enum Phase {
    STATS,
    OPTIMIZE
  }

  /** The loop's state: identical on every partition, since it changes only from reduced values. */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;

    Phase phase = Phase.STATS;
    int d;
    int stride;
    List<String> labels;
    int numClasses;
    BlockObjective objective;
    double[] scale;
    double totalWeight;
    long rows;
    Minimizer minimizer;
  }

  /** Fills {@code comm} with this partition's statistics or its loss, gradient and Hessian. */
  static final class Evaluate extends ComputeFunction {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Evaluate(Params params) {
      this.params = params;
    }

    @Override
    public void calc(ComContext context) {
      State state = context.getObj(STATE);
      List<Block> blocks = context.getObj(DATA);
      if (state == null) {
        state = start(context);
        context.putObj(STATE, state);
        if (params.rawLabels) {
          blocks = toClassIndices(blocks, state.labels);
          context.putObj(DATA, blocks);
        }
      }
      context.putObj(
          COMM, state.phase == Phase.STATS ? stats(state, blocks) : evaluate(state, blocks));
    }

    private State start(ComContext context) {
      State state = new State();
      double[] shape = context.<List<double[]>>getObj(SHAPE).get(0);
      state.d = (int) shape[1];
      state.stride = params.intercept ? state.d + 1 : state.d;
      if (shape[2] == 0) {
        throw new IllegalArgumentException(
            params.trainer + " needs training rows; the input is empty");
      }
      if (shape[0] != shape[1]) {
        throw new IllegalArgumentException(
            "Features from "
                + params.features
                + " have sizes from "
                + (int) shape[0]
                + " to "
                + (int) shape[1]
                + " in different rows; expected one size");
      }
      if (params.type.isClassifier()) {
        state.labels = context.<List<List<String>>>getObj(LABELS).get(0);
        state.numClasses = state.labels.size();
      }
      return state;
    }

    /** Blocks packed with numeric labels as they are, with each label replaced by its index. */
    private List<Block> toClassIndices(List<Block> blocks, List<String> labels) {
      Map<Double, Integer> index = new HashMap<>();
      for (int c = 0; c < labels.size(); c++) {
        index.put(((Number) LabelValues.parse(labels.get(c), params.labelType)).doubleValue(), c);
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
      int classes = params.type.isClassifier() ? state.numClasses : 1;
      double[] comm = new double[3 + 2 * d + classes];
      for (Block b : blocks) {
        comm[2] += b.numRows();
        double[] w = new double[b.numRows()];
        for (int i = 0; i < w.length; i++) {
          w[i] = b.weight(i);
          comm[0] += w[i];
          comm[1] += w[i] * w[i];
          int slot = params.type.isClassifier() ? (int) b.label(i) : 0;
          comm[3 + 2 * d + slot] += params.type.isClassifier() ? w[i] : w[i] * b.label(i);
        }
        b.transposeMultiplyAdd(w, comm, 3);
        b.addWeightedSquares(w, comm, 3 + d);
      }
      return comm;
    }

    private double[] evaluate(State state, List<Block> blocks) {
      Minimizer minimizer = state.minimizer;
      int p = state.objective.numParams();
      double[] beta = originalScale(state, minimizer.point());
      boolean hessian = minimizer.needsHessian();
      double[] comm = new double[2 + p + (hessian ? p * p : 0)];
      double[] grad = new double[p];
      double[] hess = hessian ? new double[p * p] : null;
      double fraction = minimizer.batchFraction();
      for (Block b : blocks) {
        double[] mask = fraction < 1.0 ? sample(b, fraction, minimizer.evaluations()) : null;
        comm[0] += state.objective.addLossAndGradient(b, beta, mask, grad);
        // A full batch weighs the total weight the first superstep reduced; only a mini-batch's
        // weight is summed here.
        for (int i = 0; mask != null && i < b.numRows(); i++) {
          comm[1] += b.weight(i) * mask[i];
        }
        if (hessian) {
          state.objective.addHessian(b, beta, mask, hess);
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
        long h = SeededHash.mix(params.seed * 0x9e3779b97f4a7c15L + evaluation);
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
  static final class Update extends ComputeFunction {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Update(Params params) {
      this.params = params;
    }

    @Override
    public void calc(ComContext context) {
      State state = context.getObj(STATE);
      double[] comm = context.getObj(COMM);
      if (state.phase == Phase.STATS) {
        startOptimizing(context, state, comm);
        state.phase = Phase.OPTIMIZE;
        return;
      }
      int p = state.objective.numParams();
      double weight = state.minimizer.batchFraction() < 1.0 ? comm[1] : state.totalWeight;
      double f = weight > 0 ? comm[0] / weight : 0.0;
      double[] g = new double[p];
      int stride = state.stride;
      for (int j = 0; j < p; j++) {
        double s = scaleOf(state, j % stride);
        g[j] = weight > 0 && s > 0 ? comm[2 + j] / weight / s : 0.0;
      }
      double[] theta = state.minimizer.point();
      for (int j = 0; j < p; j++) {
        if (isCoefficient(state, j)) {
          f += 0.5 * params.l2 * theta[j] * theta[j];
          g[j] += params.l2 * theta[j];
        }
      }
      double[] h = null;
      if (state.minimizer.needsHessian()) {
        h = new double[p * p];
        for (int j = 0; j < p; j++) {
          double sj = scaleOf(state, j % stride);
          for (int k = 0; k < p; k++) {
            double sk = scaleOf(state, k % stride);
            h[j * p + k] =
                weight > 0 && sj > 0 && sk > 0 ? comm[2 + p + j * p + k] / weight / (sj * sk) : 0.0;
          }
          h[j * p + j] += isCoefficient(state, j) ? params.l2 : 0.0;
          if (h[j * p + j] == 0.0) {
            h[j * p + j] = 1.0;
          }
        }
      }
      state.minimizer.tell(f, g, h);
    }

    private void startOptimizing(ComContext context, State state, double[] comm) {
      int d = state.d;
      state.totalWeight = comm[0];
      state.rows = (long) comm[2];
      if (state.totalWeight <= 0) {
        throw new IllegalArgumentException(
            params.trainer + " needs rows of positive weight; the " + state.rows + " rows weigh 0");
      }
      if (params.standardization) {
        double w = comm[0];
        double correction = w - comm[1] / w;
        state.scale = new double[d];
        for (int j = 0; j < d; j++) {
          double mean = comm[3 + j] / w;
          double variance =
              correction > 0
                  ? Math.max(0.0, (comm[3 + d + j] - w * mean * mean) / correction)
                  : 0.0;
          state.scale[j] = Math.sqrt(variance);
        }
      }
      state.objective =
          params.type == LinearModelType.SOFTMAX
              ? new SoftmaxObjective(state.numClasses, d, params.intercept)
              : new GlmObjective(params.loss, d, params.intercept);
      double[] theta0 =
          startingPoint(context, state, Arrays.copyOfRange(comm, 3 + 2 * d, comm.length));
      double[] l1 = new double[theta0.length];
      for (int j = 0; j < l1.length; j++) {
        l1[j] = isCoefficient(state, j) && scaleOf(state, j % state.stride) > 0 ? params.l1 : 0.0;
      }
      OptimMethod method =
          params.method == OptimMethod.AUTO
              ? (params.l1 > 0 ? OptimMethod.OWLQN : OptimMethod.LBFGS)
              : params.method;
      state.minimizer =
          switch (method) {
            case LBFGS ->
                new Lbfgs(
                    theta0, params.maxIter, params.tol, params.maxEvaluations(), params.memory);
            case OWLQN ->
                new OwlQn(
                    theta0, l1, params.maxIter, params.tol, params.maxEvaluations(), params.memory);
            case NEWTON -> new Newton(theta0, params.maxIter, params.tol, params.maxEvaluations());
            case SGD ->
                new Sgd(
                    theta0, l1, params.maxIter, params.tol, params.stepSize, params.batchFraction);
            case AUTO -> throw new IllegalStateException("AUTO is resolved above");
          };
      if (context.getTaskId() == 0) {
        LOG.info(
            "{}: {} rows, {} features, {} parameters, {}",
            params.trainer,
            state.rows,
            d,
            theta0.length,
            method);
      }
    }

    /** The warm-start model's coefficients, or zeros with the intercepts of the class priors. */
    private double[] startingPoint(ComContext context, State state, double[] labelStats) {
      int stride = state.stride;
      int vectors = params.type == LinearModelType.SOFTMAX ? state.numClasses : 1;
      double[] theta = new double[vectors * stride];
      if (params.warmStart) {
        LinearModel model = context.<List<LinearModel>>getObj(INITIAL).get(0);
        if (model.type() != params.type) {
          throw new IllegalArgumentException(
              "The initial model is a " + model.type() + " model; expected " + params.type);
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
          double[] beta = model.coefficients(c);
          for (int j = 0; j < state.d; j++) {
            theta[c * stride + j] = beta[j] * scaleOf(state, j);
          }
          if (params.intercept) {
            theta[c * stride + state.d] = model.intercepts()[c];
          }
        }
        return theta;
      }
      if (!params.intercept) {
        return theta;
      }
      double w = state.totalWeight;
      switch (params.type) {
        case LOGISTIC -> {
          if (labelStats[0] > 0 && labelStats[1] > 0) {
            theta[state.d] = Math.log(labelStats[1] / labelStats[0]);
          }
        }
        case SOFTMAX -> {
          boolean allPresent = Arrays.stream(labelStats).allMatch(v -> v > 0);
          if (allPresent) {
            double meanLog = Arrays.stream(labelStats).map(Math::log).average().orElse(0.0);
            for (int c = 0; c < vectors; c++) {
              theta[c * stride + state.d] = Math.log(labelStats[c]) - meanLog;
            }
          }
        }
        case REGRESSION -> theta[state.d] = labelStats[0] / w;
        case SVM -> {}
      }
      return theta;
    }
  }

  /** Stops once the minimizer has. */
  static final class Converged implements CompareCriterionFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean calc(ComContext context) {
      State state = context.getObj(STATE);
      return state.phase == Phase.OPTIMIZE && state.minimizer.done();
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
      Minimizer minimizer = state.minimizer;
      String reason = minimizer.done() ? minimizer.stopReason() : "the superstep bound was reached";
      LOG.info(
          "{}: stopped after {} iterations ({} evaluations), loss {}: {}",
          params.trainer,
          minimizer.iterations(),
          minimizer.evaluations(),
          minimizer.loss(),
          reason);
      double[] beta = originalScale(state, minimizer.solution());
      int stride = state.stride;
      int vectors = beta.length / stride;
      double[] coefficients = new double[vectors * state.d];
      double[] intercepts = new double[vectors];
      for (int c = 0; c < vectors; c++) {
        System.arraycopy(beta, c * stride, coefficients, c * state.d, state.d);
        intercepts[c] = params.intercept ? beta[c * stride + state.d] : 0.0;
      }
      Provenance provenance =
          Provenance.of(
                  params.trainer,
                  params.description,
                  params.seed,
                  minimizer.iterations(),
                  minimizer.loss(),
                  state.rows)
              .withLossCurve(minimizer.lossCurve());
      return List.of(
          LinearModel.of(
              params.type,
              state.d,
              coefficients,
              intercepts,
              params.type.isClassifier() ? state.labels : List.of(),
              params.labelType,
              params.features,
              provenance));
    }
  }

  /** {@code theta} with coefficients divided by their column's scale (0 for a constant column). */
  static double[] originalScale(State state, double[] theta) {
    double[] beta = theta.clone();
    if (state.scale == null) {
      return beta;
    }
    int stride = state.stride;
    for (int j = 0; j < beta.length; j++) {
      int col = j % stride;
      if (col < state.d) {
        beta[j] = state.scale[col] > 0 ? theta[j] / state.scale[col] : 0.0;
      }
    }
    return beta;
  }

  /** The scale of parameter column {@code col}: 1 for the intercept and without standardization. */
  private static double scaleOf(State state, int col) {
    return state.scale == null || col >= state.d ? 1.0 : state.scale[col];
  }

  private static boolean isCoefficient(State state, int j) {
    return j % state.stride < state.d;
  }
}
