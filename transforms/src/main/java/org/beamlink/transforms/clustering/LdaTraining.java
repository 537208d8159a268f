package org.beamlink.transforms.clustering;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.beamlink.iteration.ComContext;
import org.beamlink.iteration.CompareCriterionFunction;
import org.beamlink.iteration.CompleteResultFunction;
import org.beamlink.iteration.StatefulComputeFunction;
import org.beamlink.models.Provenance;
import org.beamlink.models.SeededHash;
import org.beamlink.models.clustering.LdaInference;
import org.beamlink.models.clustering.LdaModel;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.rows.FeatureColumns;

/**
 * Variational Bayes for LDA as a ComQueue program: every superstep is {@link Prepare} (this
 * partition's E step with the current topic-word matrix {@code lambda}: the sufficient statistics
 * and the pieces of the bound, into {@code comm}), {@code AllReduce.sum("comm")}, {@link Consume}
 * (the same M step on every partition). Uses no Beam class: only the shim's API.
 *
 * <p>Batch: superstep {@code s} runs the E step on every document with {@code lambda} after {@code
 * s - 1} passes; its statistics make pass {@code s}'s M step ({@code lambda = eta + sstats}), and
 * its bound is the bound of {@code lambda} after {@code s - 1} passes, which is what scikit-learn
 * evaluates after pass {@code s - 1} (its evaluation's E step starts every document from the same
 * ones and uses the same {@code lambda}, so the two E steps are one). Superstep {@code maxIter + 1}
 * only gives the final bound. Online: superstep {@code s <= maxIter} runs the E step on mini-batch
 * {@code s} and applies the online update; superstep {@code maxIter + 1} runs it on every document
 * for the final bound.
 *
 * <p>{@code comm} holds {@code sstats} ({@code k x v}, already multiplied by {@code exp(E[log
 * beta])}), then the documents' bound, the topics' bound (task 0 only, so that the sum has one),
 * the documents in the mini-batch, all documents and all words.
 */
final class LdaTraining {
  static final String DATA = "data";
  static final String INITIAL = "initial";
  static final String DOCUMENTS = "documents";
  static final String COMM = "comm";
  private static final String STATE = "state";

  private LdaTraining() {}

  /** What the program needs to know, fixed when the pipeline is built. */
  static final class Params implements Serializable {
    private static final long serialVersionUID = 1L;
    final int k;
    final int maxIter;
    final double alpha;
    final double eta;
    final boolean online;
    final double learningOffset;
    final double learningDecay;
    final double miniBatchFraction;
    final int miniBatchSize;
    final long totalSamples;
    final int maxDocUpdateIter;
    final double meanChangeTol;
    final int evaluateEvery;
    final double perpTol;
    final long seed;
    final FeatureColumns features;
    final String topicDistributionCol;
    final List<String> vocabulary;
    final Map<String, String> description;

    Params(
        int k,
        int maxIter,
        double alpha,
        double eta,
        boolean online,
        double learningOffset,
        double learningDecay,
        double miniBatchFraction,
        int miniBatchSize,
        long totalSamples,
        int maxDocUpdateIter,
        double meanChangeTol,
        int evaluateEvery,
        double perpTol,
        long seed,
        FeatureColumns features,
        String topicDistributionCol,
        List<String> vocabulary,
        Map<String, String> description) {
      this.k = k;
      this.maxIter = maxIter;
      this.alpha = alpha;
      this.eta = eta;
      this.online = online;
      this.learningOffset = learningOffset;
      this.learningDecay = learningDecay;
      this.miniBatchFraction = miniBatchFraction;
      this.miniBatchSize = miniBatchSize;
      this.totalSamples = totalSamples;
      this.maxDocUpdateIter = maxDocUpdateIter;
      this.meanChangeTol = meanChangeTol;
      this.evaluateEvery = evaluateEvery;
      this.perpTol = perpTol;
      this.seed = seed;
      this.features = features;
      this.topicDistributionCol = topicDistributionCol;
      this.vocabulary = vocabulary;
      this.description = description;
    }

    /** {@code maxIter} passes or mini-batches, then the superstep of the final bound. */
    int supersteps() {
      return maxIter + 1;
    }
  }

  /**
   * Whether the document of {@code terms} is in mini-batch {@code batch} (from 1): the uniform
   * number of a hash of the seed, the mini-batch and the document's stored terms and counts is
   * below {@code fraction}. Equal documents are in the same mini-batches.
   */
  static boolean inMiniBatch(LdaInference.TermCounts terms, long seed, int batch, double fraction) {
    long h = SeededHash.mix(seed * 0x9e3779b97f4a7c15L + batch);
    int[] ids = terms.ids();
    double[] counts = terms.counts();
    for (int j = 0; j < ids.length; j++) {
      h = SeededHash.mix(h ^ ids[j]);
      h = SeededHash.mix(h ^ Double.doubleToLongBits(counts[j]));
    }
    return SeededHash.uniform(h) < fraction;
  }

  /** The loop's state: identical on every partition, since it changes only from reduced values. */
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    int v;
    double[] lambda;

    /** The online mini-batch fraction: the given one, or the given size over the documents. */
    double fraction;

    /** M steps applied (batch) or mini-batches seen (online). */
    int passes;

    /** Online updates made: scikit-learn's {@code n_batch_iter_ - 1}. */
    int updates;

    double lastPerplexity = Double.NaN;
    double bound = Double.NaN;
    long documents;
    double words;
    List<Double> lossCurve = new ArrayList<>();
    boolean done;
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
      List<double[]> initial = context.getObj(INITIAL);
      State state = new State();
      state.lambda = initial.get(0).clone();
      state.v = state.lambda.length / params.k;
      state.fraction = params.miniBatchFraction;
      if (params.miniBatchSize > 0) {
        List<double[]> documents = context.getObj(DOCUMENTS);
        state.fraction = Math.min(1.0, params.miniBatchSize / documents.get(0)[0]);
      }
      for (Block b : context.<List<Block>>getObj(DATA)) {
        if (b.numCols() != state.v) {
          throw new IllegalArgumentException(
              "Count vectors from "
                  + params.features
                  + " have size "
                  + b.numCols()
                  + " in some rows but the topics have "
                  + state.v
                  + " terms; expected one size");
        }
      }
      return state;
    }

    @Override
    protected void calc(ComContext context, State state) {
      int k = params.k;
      int v = state.v;
      int batch = state.passes + 1;
      boolean finalBound = state.passes == params.maxIter;
      boolean miniBatch = params.online && !finalBound;
      boolean withBound = !params.online || finalBound;
      LdaInference inference =
          LdaInference.of(
              state.lambda, k, params.alpha, params.maxDocUpdateIter, params.meanChangeTol);
      double[] comm = new double[k * v + 5];
      double[] sstats = finalBound ? null : comm;
      double docBound = 0;
      long inBatch = 0;
      long documents = 0;
      double words = 0;
      for (Block b : context.<List<Block>>getObj(DATA)) {
        for (int i = 0; i < b.numRows(); i++) {
          LdaInference.TermCounts doc = LdaInference.termCounts(b.row(i));
          documents++;
          words += doc.words();
          if (miniBatch && !inMiniBatch(doc, params.seed, batch, state.fraction)) {
            continue;
          }
          inBatch++;
          double[] gamma = inference.gamma(doc, sstats);
          if (withBound) {
            docBound += inference.documentBound(doc, gamma);
          }
        }
      }
      if (sstats != null) {
        double[] expElogBeta = inference.expElogBeta();
        for (int j = 0; j < k * v; j++) {
          comm[j] *= expElogBeta[j];
        }
      }
      comm[k * v] = docBound;
      comm[k * v + 1] =
          withBound && context.getTaskId() == 0 ? inference.topicBound(params.eta) : 0;
      comm[k * v + 2] = inBatch;
      comm[k * v + 3] = documents;
      comm[k * v + 4] = words;
      context.putObj(COMM, comm);
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
      int kv = params.k * state.v;
      state.documents = (long) comm[kv + 3];
      state.words = comm[kv + 4];
      if (state.documents == 0) {
        throw new IllegalArgumentException("Lda needs documents; the input is empty");
      }
      if (!(state.words > 0)) {
        throw new IllegalArgumentException(
            "Lda needs words; all "
                + state.documents
                + " documents of "
                + params.features
                + " are empty");
      }
      if (params.online) {
        consumeOnline(comm, kv, state);
      } else {
        consumeBatch(comm, kv, state);
      }
    }

    private void consumeBatch(double[] comm, int kv, State state) {
      double bound = comm[kv] + comm[kv + 1];
      state.lossCurve.add(-bound);
      if (state.passes == params.maxIter) {
        finish(state, bound);
        return;
      }
      if (params.evaluateEvery > 0
          && state.passes > 0
          && state.passes % params.evaluateEvery == 0) {
        double perplexity = Math.exp(-bound / state.words);
        if (Math.abs(state.lastPerplexity - perplexity) < params.perpTol) {
          finish(state, bound);
          return;
        }
        state.lastPerplexity = perplexity;
      }
      for (int j = 0; j < kv; j++) {
        state.lambda[j] = params.eta + comm[j];
      }
      state.passes++;
    }

    private void consumeOnline(double[] comm, int kv, State state) {
      if (state.passes == params.maxIter) {
        finish(state, comm[kv] + comm[kv + 1]);
        return;
      }
      double inBatch = comm[kv + 2];
      if (inBatch > 0) {
        // scikit-learn's n_batch_iter_ starts at 1, Spark's iteration counter too.
        double rho = Math.pow(params.learningOffset + state.updates + 1, -params.learningDecay);
        double total = params.totalSamples > 0 ? params.totalSamples : state.documents;
        double ratio = total / inBatch;
        for (int j = 0; j < kv; j++) {
          state.lambda[j] = (1 - rho) * state.lambda[j] + rho * (params.eta + ratio * comm[j]);
        }
        state.updates++;
      }
      state.passes++;
    }

    private static void finish(State state, double bound) {
      state.bound = bound;
      state.done = true;
    }
  }

  /** Stops once the final bound is known: after {@code maxIter} or on the perplexity's change. */
  static final class Converged implements CompareCriterionFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean calc(ComContext context) {
      State state = context.getObj(STATE);
      return state.done;
    }
  }

  /** Task 0 emits the model. */
  static final class Output implements CompleteResultFunction<LdaModel> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Output(Params params) {
      this.params = params;
    }

    @Override
    public List<LdaModel> calc(ComContext context) {
      if (context.getTaskId() != 0) {
        return List.of();
      }
      State state = context.getObj(STATE);
      Provenance provenance =
          Provenance.of(
              "Lda", params.description, params.seed, state.passes, -state.bound, state.documents);
      if (!params.online) {
        provenance =
            provenance.withLossCurve(
                state.lossCurve.stream().mapToDouble(Double::doubleValue).toArray());
      }
      LdaModel model =
          LdaModel.of(
                  params.k,
                  state.lambda,
                  params.alpha,
                  params.eta,
                  params.maxDocUpdateIter,
                  params.meanChangeTol,
                  params.features,
                  provenance)
              .withTopicDistributionCol(params.topicDistributionCol);
      return List.of(params.vocabulary.isEmpty() ? model : model.withVocabulary(params.vocabulary));
    }
  }
}
