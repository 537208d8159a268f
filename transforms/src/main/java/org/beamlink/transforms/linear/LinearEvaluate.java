package org.beamlink.transforms.linear;

import static org.beamlink.transforms.linear.LinearTraining.COMM;
import static org.beamlink.transforms.linear.LinearTraining.DATA;
import static org.beamlink.transforms.linear.LinearTraining.FOLDS;
import static org.beamlink.transforms.linear.LinearTraining.LABELS;
import static org.beamlink.transforms.linear.LinearTraining.SHAPE;
import static org.beamlink.transforms.linear.LinearTraining.STATE;
import static org.beamlink.transforms.linear.LinearTraining.commSize;
import static org.beamlink.transforms.linear.LinearTraining.rawParams;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.KV;
import org.beamlink.iteration.ComContext;
import org.beamlink.iteration.StatefulComputeFunction;
import org.beamlink.models.SeededHash;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.optim.Minimizer;
import org.beamlink.models.optim.NormalEquations;
import org.beamlink.transforms.linear.LinearTraining.Fits;
import org.beamlink.transforms.linear.LinearTraining.Params;
import org.beamlink.transforms.linear.LinearTraining.State;

/**
 * The first compute function of {@link LinearTraining}'s superstep: fills {@code comm} with this
 * partition's column statistics, moments, or loss and gradient (and Hessian) at the point the
 * minimizer asks for, as each model's phase says, one share per unfinished model in the order of
 * the models ({@link LinearTraining#commSize} long). A model that holds out a part of the data sums
 * only the blocks of the other parts; a finished model adds nothing.
 *
 * <p>The data are blocks ({@code List<Block>}), or, for models that hold out parts, blocks keyed by
 * their part ({@code List<KV<Integer, Block>>}), which the first superstep splits into the blocks
 * and their parts ({@code int[]} under {@link LinearTraining#FOLDS}).
 */
final class LinearEvaluate extends StatefulComputeFunction<List<State>> {
  private static final long serialVersionUID = 1L;
  private final Fits fits;

  LinearEvaluate(Fits fits) {
    super(STATE);
    this.fits = fits;
  }

  @Override
  protected void calc(ComContext context, List<State> states) {
    List<Block> blocks = context.getObj(DATA);
    int[] parts = context.containsObj(FOLDS) ? context.getObj(FOLDS) : null;
    double[][] shares = new double[fits.size()][];
    int size = 0;
    for (int m = 0; m < fits.size(); m++) {
      State state = states.get(m);
      Params params = fits.params(m);
      if (state.finished(params)) {
        continue;
      }
      List<Block> own = blocksOf(blocks, parts, fits.heldOut(m));
      shares[m] =
          switch (state.phase) {
            case STATS -> stats(state, params, own);
            case MOMENTS -> moments(state, params, own);
            case OPTIMIZE -> evaluate(state, params, own);
            case SOLVED -> throw new IllegalStateException("The model is solved");
          };
      size += shares[m].length;
    }
    double[] comm = new double[size];
    int offset = 0;
    for (double[] share : shares) {
      if (share != null) {
        System.arraycopy(share, 0, comm, offset, share.length);
        offset += share.length;
      }
    }
    context.putObj(COMM, comm);
  }

  /** The blocks outside part {@code heldOut}; all of them for -1 or unkeyed data. */
  private static List<Block> blocksOf(List<Block> blocks, int[] parts, int heldOut) {
    if (parts == null || heldOut < 0) {
      return blocks;
    }
    List<Block> own = new ArrayList<>(blocks.size());
    for (int i = 0; i < blocks.size(); i++) {
      if (parts[i] != heldOut) {
        own.add(blocks.get(i));
      }
    }
    return own;
  }

  /**
   * The states from the broadcast shape, one per model; keyed blocks are split into blocks and
   * parts, and the labels of a classifier become class indices.
   */
  @Override
  protected List<State> start(ComContext context) {
    List<?> data = context.getObj(DATA);
    if (!data.isEmpty() && data.get(0) instanceof KV<?, ?>) {
      List<Block> blocks = new ArrayList<>(data.size());
      int[] parts = new int[data.size()];
      for (int i = 0; i < parts.length; i++) {
        KV<?, ?> kv = (KV<?, ?>) data.get(i);
        parts[i] = (Integer) kv.getKey();
        blocks.add((Block) kv.getValue());
      }
      context.putObj(DATA, blocks);
      context.putObj(FOLDS, parts);
    }
    List<State> states = new ArrayList<>(fits.size());
    for (int m = 0; m < fits.size(); m++) {
      states.add(newState(context, fits.params(m)));
    }
    Params first = fits.params(0);
    if (first.labelNumbers() != null) {
      context.putObj(DATA, toClassIndices(context.getObj(DATA), states.get(0).labels, first));
    }
    return states;
  }

  private static State newState(ComContext context, Params params) {
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
  private static List<Block> toClassIndices(
      List<Block> blocks, List<String> labels, Params params) {
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

  private static double[] stats(State state, Params params, List<Block> blocks) {
    int d = state.d;
    boolean classifier = params.type().isClassifier();
    double[] comm = new double[commSize(state, params)];
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

  private static double[] moments(State state, Params params, List<Block> blocks) {
    double[] comm = new double[commSize(state, params)];
    double[] center = params.intercept() ? state.means : new double[state.d + 1];
    for (Block b : blocks) {
      NormalEquations.addBlock(b, center, comm);
    }
    return comm;
  }

  private static double[] evaluate(State state, Params params, List<Block> blocks) {
    Minimizer minimizer = state.minimizer;
    int p = state.objective.numParams();
    double[] raw = rawParams(state, minimizer.point());
    boolean hessian = minimizer.needsHessian();
    double[] comm = new double[commSize(state, params)];
    double[] grad = new double[p];
    double[] hess = hessian ? new double[p * p] : null;
    double fraction = minimizer.batchFraction();
    for (Block b : blocks) {
      double[] mask = fraction < 1.0 ? sample(b, params, fraction, minimizer.evaluations()) : null;
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
  private static double[] sample(Block b, Params params, double fraction, int evaluation) {
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
