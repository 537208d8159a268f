package org.beamlink.models.online;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.optim.LogisticLoss;

/**
 * FTRL-Proximal training of a binary logistic model in plain Java (McMahan et al. 2013, "Ad Click
 * Prediction: a View from the Trenches", Algorithm 1): the core the Beam trainer {@code
 * org.beamlink.transforms.online.Ftrl} runs inside its stateful step, and a way to train or score
 * without a runner. A learner is immutable (the settings and the initial model); the changing
 * accumulators live in an {@link FtrlState}.
 *
 * <p>Per example {@code (x, y)}, with {@code y} 1 for the model's second label: {@code p =
 * sigmoid(w . x + b)}; for every coordinate {@code i} with {@code x_i != 0}: {@code g_i = (p - y)
 * x_i}, {@code sigma_i = (sqrt(n_i + g_i^2) - sqrt(n_i)) / alpha}, {@code z_i += g_i - sigma_i
 * w_i}, {@code n_i += g_i^2}; the weights follow from {@link FtrlParams#weight}. The intercept is
 * the weight of a coordinate whose feature is always 1 (penalized like the others; fixed at the
 * initial intercept without {@code withIntercept}).
 *
 * <p>Initial model: an untouched coordinate has the initial model's weight. When first touched, it
 * starts from {@code n = 0} and the {@code z} that gives that weight back ({@link
 * FtrlParams#initialZ}), so training continues from the initial model. Alink instead starts from
 * {@code z = n = 0} with the initial weights as the current ones, which forgets a coordinate's
 * initial weight at its first update.
 *
 * <p>Mini-batches ({@link #trainBatch}): every example of the batch is scored with the weights at
 * the batch's start; the gradients are summed per coordinate and each touched coordinate gets one
 * update with its summed {@code g} (and {@code sigma} from it). The batch is cut into {@code
 * params.threads()} contiguous shares whose gradients are computed in parallel and summed share by
 * share in order, so the result depends only on the batch and the number of shares, not on thread
 * timing. A batch of one is exactly Algorithm 1, as {@link #train} computes it.
 *
 * <p>Sparse: the work per example is proportional to its non-zeros; the state grows with the
 * coordinates touched. {@link #model} is dense (a {@link LinearModel} holds {@code numFeatures}
 * doubles), so it costs {@code O(numFeatures)} per call.
 *
 * <pre>{@code
 * FtrlLearner learner = FtrlLearner.of(initialModel, FtrlParams.defaults().withL1(1.0));
 * FtrlState state = learner.newState();
 * for (FtrlExample e : examples) {
 *   double p = learner.train(state, e); // P(positive) before training on e: progressive validation
 * }
 * LinearModel trained = learner.model(state);
 * }</pre>
 */
public final class FtrlLearner {
  /** The trainer name in the models' provenance. */
  public static final String TRAINER = "FTRL";

  private static final LogisticLoss LOSS = new LogisticLoss();

  private final FtrlParams params;
  private final int numFeatures;
  private final double[] initialWeights;
  private final double initialIntercept;
  private final LinearModel initial;

  private FtrlLearner(FtrlParams params, LinearModel initial) {
    this.params = params;
    this.initial = initial;
    this.numFeatures = initial.numFeatures();
    this.initialWeights = initial.coefficients();
    this.initialIntercept = initial.intercepts()[0];
  }

  /**
   * A learner starting from {@code initial}, a binary logistic model whose labels, label type and
   * features the trained models keep.
   *
   * @throws IllegalArgumentException when {@code initial} is not a logistic model, or when {@code
   *     beta} and {@code l2} are both 0 (the weight at {@code n = 0} is then undefined)
   */
  public static FtrlLearner of(LinearModel initial, FtrlParams params) {
    checkInitialModel(initial);
    checkParams(params);
    return new FtrlLearner(params, initial);
  }

  /**
   * Checks that {@code model} can start FTRL training: a logistic (binary) model.
   *
   * @throws IllegalArgumentException naming the model's type otherwise
   */
  public static void checkInitialModel(LinearModel model) {
    if (model.type() != LinearModelType.LOGISTIC) {
      throw new IllegalArgumentException(
          "FTRL trains binary logistic models; the initial model is a "
              + model.type()
              + " model. Start from LogisticRegression.fit(), or a zero LOGISTIC LinearModel");
    }
  }

  /**
   * Checks the combination of settings: {@code beta} and {@code l2} may not both be 0, since the
   * closed form divides by {@code (beta + sqrt(n)) / alpha + l2}, which is 0 at {@code n = 0}.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static void checkParams(FtrlParams params) {
    if (params.beta() == 0.0 && params.l2() == 0.0) {
      throw new IllegalArgumentException(
          "FTRL needs beta > 0 or l2 > 0: with both 0 the weight of an untouched coordinate is"
              + " undefined");
    }
  }

  /** A state before any example: every weight is the initial model's. */
  public FtrlState newState() {
    return new FtrlState();
  }

  /** The settings. */
  public FtrlParams params() {
    return params;
  }

  /** The number of features. */
  public int numFeatures() {
    return numFeatures;
  }

  /** The model training started from. */
  public LinearModel initialModel() {
    return initial;
  }

  /** The current weight of feature {@code j}. */
  public double weight(FtrlState state, int j) {
    if (j < 0 || j >= numFeatures) {
      throw new IndexOutOfBoundsException("Feature " + j + " is outside [0, " + numFeatures + ")");
    }
    return current(state.accumulators, j);
  }

  /** The current intercept. */
  public double intercept(FtrlState state) {
    return params.intercept() ? current(state.accumulators, numFeatures) : initialIntercept;
  }

  /** {@code w . x + b} under the current weights. */
  public double margin(FtrlState state, Vector x) {
    checkSize(x);
    return margin(state.accumulators, x);
  }

  /** The probability of the positive (second) label under the current weights. */
  public double probability(FtrlState state, Vector x) {
    return LogisticLoss.sigmoid(margin(state, x));
  }

  /**
   * Trains on one example (Algorithm 1); returns the probability of the positive label the example
   * got before its update.
   *
   * @throws IllegalArgumentException when the features do not have {@link #numFeatures()}
   *     coordinates
   */
  public double train(FtrlState state, FtrlExample example) {
    Vector x = example.features();
    checkSize(x);
    FtrlAccumulators acc = state.accumulators;
    double m = margin(acc, x);
    double p = LogisticLoss.sigmoid(m);
    double r = p - example.label();
    if (x instanceof SparseVector s) {
      for (int k = 0; k < s.numStored(); k++) {
        double v = s.valueAt(k);
        if (v != 0.0) {
          update(acc, s.indexAt(k), r * v);
        }
      }
    } else {
      for (int j = 0; j < numFeatures; j++) {
        double v = x.get(j);
        if (v != 0.0) {
          update(acc, j, r * v);
        }
      }
    }
    if (params.intercept()) {
      update(acc, numFeatures, r);
    }
    record(state, example, LOSS.loss(m, example.label()));
    state.updates++;
    return p;
  }

  /**
   * Trains on one mini-batch: one update from the gradients of all its examples at the current
   * weights; returns each example's probability of the positive label before the update. The
   * batch's {@code params.threads()} shares run on {@code pool} (share 0 on the calling thread), or
   * one after the other when {@code pool} is null, with the same result.
   *
   * @throws IllegalArgumentException when an example's features do not have {@link #numFeatures()}
   *     coordinates; the state is then unchanged
   */
  public double[] trainBatch(FtrlState state, List<FtrlExample> batch, ExecutorService pool) {
    int size = batch.size();
    double[] probabilities = new double[size];
    if (size == 0) {
      return probabilities;
    }
    double[] losses = new double[size];
    int shares = Math.min(params.threads(), size);
    Gradient[] gradients = new Gradient[shares];
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < shares; t++) {
      int from = (int) ((long) t * size / shares);
      int to = (int) ((long) (t + 1) * size / shares);
      Gradient g = new Gradient(16 * (to - from));
      gradients[t] = g;
      Runnable share =
          () -> gradient(state.accumulators, batch, from, to, g, probabilities, losses);
      if (t == 0 || pool == null) {
        share.run();
      } else {
        running.add(pool.submit(share));
      }
    }
    for (Future<?> f : running) {
      await(f);
    }
    Gradient total = gradients[0];
    for (int t = 1; t < shares; t++) {
      total.addAll(gradients[t]);
    }
    for (int i = 0; i < total.size; i++) {
      int slot = total.order[i];
      update(state.accumulators, total.keys[slot], total.sums[slot]);
    }
    for (int i = 0; i < size; i++) {
      record(state, batch.get(i), losses[i]);
    }
    state.updates++;
    return probabilities;
  }

  private static void await(Future<?> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while computing FTRL gradients", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("FTRL gradient computation failed", e.getCause());
    }
  }

  /**
   * The trained model: the initial model's labels, label type and features, the current weights
   * (dense: {@code numFeatures} doubles) and a provenance recording trainer {@value #TRAINER}, the
   * settings, the version number ({@link FtrlState#versions()}) as iterations, the examples seen as
   * rows and the mean progressive log loss as the final loss.
   */
  public LinearModel model(FtrlState state) {
    double[] coefficients = initialWeights.clone();
    double b = initialIntercept;
    FtrlAccumulators acc = state.accumulators;
    for (int slot = 0; slot < acc.capacity(); slot++) {
      int key = acc.keyAt(slot);
      if (key >= 0) {
        double w = params.weight(acc.z(slot), acc.n(slot));
        if (key == numFeatures) {
          b = w;
        } else {
          coefficients[key] = w;
        }
      }
    }
    Map<String, String> parameters = new TreeMap<>(params.describe());
    parameters.put("initialModel", initial.provenance().trainer());
    Provenance provenance =
        Provenance.of(
            TRAINER,
            parameters,
            0L,
            (int) Math.min(Integer.MAX_VALUE, state.versions()),
            state.progressiveLogLoss(),
            state.examples());
    TypeName labelType = initial.labelType();
    return LinearModel.of(
        LinearModelType.LOGISTIC,
        numFeatures,
        coefficients,
        new double[] {b},
        initial.labelValues(),
        labelType,
        initial.features(),
        provenance);
  }

  private void record(FtrlState state, FtrlExample example, double loss) {
    state.recordEventTime(example.eventMillis());
    state.lossSum += loss;
    state.examples++;
  }

  private void checkSize(Vector x) {
    if (x.size() != numFeatures) {
      throw new IllegalArgumentException(
          "Features have size " + x.size() + " but the model has " + numFeatures + " features");
    }
  }

  /** The weight of coordinate {@code key} ({@code numFeatures} is the intercept). */
  private double current(FtrlAccumulators acc, int key) {
    int slot = acc.slot(key);
    if (slot < 0) {
      return key == numFeatures ? initialIntercept : initialWeights[key];
    }
    return params.weight(acc.z(slot), acc.n(slot));
  }

  private double margin(FtrlAccumulators acc, Vector x) {
    double m = params.intercept() ? current(acc, numFeatures) : initialIntercept;
    if (x instanceof SparseVector s) {
      for (int k = 0; k < s.numStored(); k++) {
        double v = s.valueAt(k);
        if (v != 0.0) {
          m += v * current(acc, s.indexAt(k));
        }
      }
    } else {
      for (int j = 0; j < numFeatures; j++) {
        double v = x.get(j);
        if (v != 0.0) {
          m += v * current(acc, j);
        }
      }
    }
    return m;
  }

  /** Sums the gradients of examples {@code [from, to)} into {@code g}; reads the state only. */
  private void gradient(
      FtrlAccumulators acc,
      List<FtrlExample> batch,
      int from,
      int to,
      Gradient g,
      double[] probabilities,
      double[] losses) {
    for (int i = from; i < to; i++) {
      FtrlExample e = batch.get(i);
      Vector x = e.features();
      checkSize(x);
      double m = margin(acc, x);
      double p = LogisticLoss.sigmoid(m);
      probabilities[i] = p;
      losses[i] = LOSS.loss(m, e.label());
      double r = p - e.label();
      if (x instanceof SparseVector s) {
        for (int k = 0; k < s.numStored(); k++) {
          double v = s.valueAt(k);
          if (v != 0.0) {
            g.add(s.indexAt(k), r * v);
          }
        }
      } else {
        for (int j = 0; j < numFeatures; j++) {
          double v = x.get(j);
          if (v != 0.0) {
            g.add(j, r * v);
          }
        }
      }
      if (params.intercept()) {
        g.add(numFeatures, r);
      }
    }
  }

  /** One FTRL step on coordinate {@code key} with gradient {@code g}. */
  private void update(FtrlAccumulators acc, int key, double g) {
    int slot = acc.slot(key);
    double z;
    double n;
    double w;
    if (slot < 0) {
      w = key == numFeatures ? initialIntercept : initialWeights[key];
      z = params.initialZ(w);
      n = 0.0;
    } else {
      z = acc.z(slot);
      n = acc.n(slot);
      w = params.weight(z, n);
    }
    double sigma = (Math.sqrt(n + g * g) - Math.sqrt(n)) / params.alpha();
    z += g - sigma * w;
    n += g * g;
    if (slot < 0) {
      acc.insert(key, z, n);
    } else {
      acc.set(slot, z, n);
    }
  }

  /**
   * Gradient sums per coordinate, in the order coordinates were first added: an open-addressing
   * map, so that summing shares is a fixed sequence of additions.
   */
  private static final class Gradient {
    private int[] keys;
    private double[] sums;
    private int[] order;
    private int size;
    private int mask;

    Gradient(int expected) {
      int capacity = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) << 1;
      keys = new int[capacity];
      Arrays.fill(keys, -1);
      sums = new double[capacity];
      order = new int[capacity / 2];
      mask = capacity - 1;
    }

    void add(int key, double g) {
      int h = key * 0x9E3779B9;
      int s = (h ^ (h >>> 16)) & mask;
      while (true) {
        int k = keys[s];
        if (k == key) {
          sums[s] += g;
          return;
        }
        if (k < 0) {
          break;
        }
        s = (s + 1) & mask;
      }
      if (2 * (size + 1) > keys.length) {
        grow();
        add(key, g);
        return;
      }
      keys[s] = key;
      sums[s] = g;
      order[size++] = s;
    }

    void addAll(Gradient other) {
      for (int i = 0; i < other.size; i++) {
        int s = other.order[i];
        add(other.keys[s], other.sums[s]);
      }
    }

    private void grow() {
      int[] oldKeys = keys;
      double[] oldSums = sums;
      int[] oldOrder = order;
      int oldSize = size;
      int capacity = keys.length * 2;
      keys = new int[capacity];
      Arrays.fill(keys, -1);
      sums = new double[capacity];
      order = new int[capacity / 2];
      mask = capacity - 1;
      size = 0;
      for (int i = 0; i < oldSize; i++) {
        int s = oldOrder[i];
        add(oldKeys[s], oldSums[s]);
      }
    }
  }
}
