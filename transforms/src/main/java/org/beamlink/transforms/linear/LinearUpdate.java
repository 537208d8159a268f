package org.beamlink.transforms.linear;

import static org.beamlink.transforms.linear.LinearTraining.COMM;
import static org.beamlink.transforms.linear.LinearTraining.INITIAL;
import static org.beamlink.transforms.linear.LinearTraining.LBFGS_MEMORY;
import static org.beamlink.transforms.linear.LinearTraining.STATE;
import static org.beamlink.transforms.linear.LinearTraining.commSize;
import static org.beamlink.transforms.linear.LinearTraining.conditioned;
import static org.beamlink.transforms.linear.LinearTraining.conditionedGradient;
import static org.beamlink.transforms.linear.LinearTraining.conditionedHessian;

import java.util.Arrays;
import java.util.List;
import org.beamlink.iteration.ComContext;
import org.beamlink.iteration.StatefulComputeFunction;
import org.beamlink.models.StopReason;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.optim.GlmObjective;
import org.beamlink.models.optim.Lbfgs;
import org.beamlink.models.optim.Newton;
import org.beamlink.models.optim.NormalEquations;
import org.beamlink.models.optim.OptimMethod;
import org.beamlink.models.optim.OwlQn;
import org.beamlink.models.optim.Penalty;
import org.beamlink.models.optim.Sgd;
import org.beamlink.models.optim.SoftmaxObjective;
import org.beamlink.transforms.linear.LinearTraining.Fits;
import org.beamlink.transforms.linear.LinearTraining.Params;
import org.beamlink.transforms.linear.LinearTraining.Phase;
import org.beamlink.transforms.linear.LinearTraining.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second compute function of {@link LinearTraining}'s superstep: applies the reduced {@code
 * comm} buffer, the same on every partition, to each model that was unfinished when the superstep
 * began, its share in the order of the models. After the statistics it fixes the model's
 * coordinates and builds its objective and minimizer; after the moments it solves the normal
 * equations; after a loss and gradient it tells the minimizer, which says where to evaluate next.
 */
final class LinearUpdate extends StatefulComputeFunction<List<State>> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(LinearUpdate.class);
  private final Fits fits;

  LinearUpdate(Fits fits) {
    super(STATE);
    this.fits = fits;
  }

  @Override
  protected void calc(ComContext context, List<State> states) {
    double[] comm = context.getObj(COMM);
    int offset = 0;
    boolean allFinished = true;
    for (int m = 0; m < fits.size(); m++) {
      State state = states.get(m);
      Params params = fits.params(m);
      if (state.finished(params)) {
        continue;
      }
      int size = commSize(state, params);
      double[] share = size == comm.length ? comm : Arrays.copyOfRange(comm, offset, offset + size);
      offset += size;
      switch (state.phase) {
        case STATS -> startOptimizing(context, state, params, share);
        case MOMENTS -> solveNormalEquations(context, state, params, share);
        case OPTIMIZE -> tellMinimizer(state, share);
        case SOLVED -> throw new IllegalStateException("The model is solved");
      }
      state.updates++;
      allFinished &= state.finished(params);
    }
    if (offset != comm.length) {
      throw new IllegalStateException(
          "The reduced buffer holds " + comm.length + " values; the models used " + offset);
    }
    if (allFinished) {
      context.removeObj(COMM);
    }
  }

  private static void tellMinimizer(State state, double[] comm) {
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

  private static void startOptimizing(
      ComContext context, State state, Params params, double[] comm) {
    int d = state.d;
    state.totalWeight = comm[0];
    state.rows = (long) comm[2];
    if (state.totalWeight <= 0) {
      throw new IllegalArgumentException(
          params.trainer() + " needs rows of positive weight; the " + state.rows + " rows weigh 0");
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
      state.scale[j] = state.std[j] > 0 && (params.standardization() || !sgd) ? state.std[j] : 1.0;
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
    double[] theta0 = conditioned(state, startingPoint(context, state, params, labelStats));
    Penalty penalty = conditionedPenalty(state, params, theta0.length);
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

  private static void solveNormalEquations(
      ComContext context, State state, Params params, double[] comm) {
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
    double[] start = Arrays.copyOf(startingPoint(context, state, params, new double[0]), d);
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
  private static double[] startingPoint(
      ComContext context, State state, Params params, double[] labelStats) {
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
  private static Penalty conditionedPenalty(State state, Params params, int numParams) {
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
