package org.beamlink.transforms.clustering;

import com.google.auto.value.AutoValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.beamlink.iteration.AllReduce;
import org.beamlink.iteration.IterationSettings;
import org.beamlink.iteration.IterativeComQueue;
import org.beamlink.iteration.IterativeFit;
import org.beamlink.iteration.PackBlocks;
import org.beamlink.models.clustering.LdaInference;
import org.beamlink.models.clustering.LdaModel;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Latent Dirichlet allocation topic models: {@link #fit()} trains an {@link LdaModel} on term count
 * vectors (the sparse vectors of {@code DocCountVectorizer} or {@code DocHashCountVectorizer}) by
 * variational Bayes on the iteration shim; {@link #transform} appends each document's topic
 * distribution, on bounded or unbounded rows.
 *
 * <p>Semantics are scikit-learn's {@code LatentDirichletAllocation} (1.2), with one difference:
 * every document's topic proportions {@code gamma} start at ones in training as in scoring, where
 * scikit-learn's training starts them from random Gamma(100, 0.01) draws (a start it takes from its
 * random state; ones need no random numbers and give the same E step on every runner).
 *
 * <ul>
 *   <li>{@link Method#BATCH} (scikit-learn's {@code learning_method="batch"}): one superstep per
 *       pass over all documents: each partition runs the E step of its documents with the current
 *       topic-word matrix {@code lambda} and sums their sufficient statistics ({@code k x v},
 *       dense) and their terms of the evidence lower bound, one AllReduce adds them, and every
 *       partition sets {@code lambda = eta + sstats}. With {@code evaluateEvery} {@code n > 0}, the
 *       training perplexity is evaluated after every {@code n}-th pass (from the bound the next
 *       pass's E step computes anyway, with the same {@code lambda} and the same start) and
 *       training stops when it changed by less than {@code perpTol} since the previous evaluation.
 *   <li>{@link Method#ONLINE} (Hoffman, Blei and Bach 2010; scikit-learn's {@code "online"},
 *       Spark's default optimizer): one superstep per mini-batch, {@code maxIter} mini-batches.
 *       Document {@code d} is in mini-batch {@code t} (1, 2, ...) when a hash of the seed, {@code
 *       t} and its terms and counts, as a uniform number, is below {@code miniBatchFraction} (as
 *       Spark samples each mini-batch; equal documents share their batches). The update is {@code
 *       lambda = (1 - rho) lambda + rho (eta + totalSamples / batchDocuments sstats)}, {@code rho =
 *       (learningOffset + n)^-learningDecay}, {@code n} the update's number from 1; an empty
 *       mini-batch changes nothing.
 * </ul>
 *
 * <p>The initial {@code lambda} is {@code initialTopics} when given, else {@code k x v} Gamma(100,
 * 0.01) draws (scikit-learn's and Spark's) from commons-math3's {@code Well19937c} seeded with
 * {@code seed}. After training, one more superstep runs the E step on every document with the final
 * {@code lambda}: the model's provenance records the negative of that bound as its final loss (the
 * training perplexity is {@code exp(finalLoss / words)}, scikit-learn's {@code bound_}), the passes
 * or mini-batches as its iterations, and, in batch mode, the negative bound after every pass as its
 * loss curve.
 *
 * <p>Parameters ({@code fit()} sets every default):
 *
 * <ul>
 *   <li>{@code vectorCol} (a vector column of counts) or {@code featureCols} (numeric count
 *       columns); one is required.
 *   <li>{@code k} >= 2, default 10; {@code maxIter} >= 1 (passes or mini-batches), default 10;
 *       {@code docTopicPrior} (alpha) and {@code topicWordPrior} (eta) > 0, default {@code 1 / k};
 *       {@code method}, default BATCH; {@code learningOffset} > 0, default 10; {@code
 *       learningDecay} in (0, 1], default 0.7; {@code miniBatchFraction} in (0, 1], default 0.05,
 *       or {@code miniBatchSize} (the fraction {@code min(1, size / documents)}); {@code
 *       totalSamples}, default the number of documents; {@code maxDocUpdateIter} >= 1, default 100;
 *       {@code meanChangeTol} >= 0, default 1e-3; {@code evaluateEvery}, default 0 (never; batch
 *       only); {@code perpTol} >= 0, default 0.1; {@code seed}, default 0; {@code initialTopics},
 *       default none; {@code vocabulary} (the count vectorizer's terms, which the model's {@code
 *       describeTopics} then names), default none; {@code execution}, default AUTO.
 *   <li>{@code topicDistributionCol}, default "topicDistribution": the column the model appends.
 * </ul>
 *
 * <p>Bad input fails naming what and where: a missing column, a null, NaN, infinite or negative
 * count (with its row), count vectors of different sizes, an empty input, and a corpus whose
 * documents are all empty. An empty document among others is a document without words (its
 * distribution is the prior's), as in scikit-learn.
 *
 * <pre>{@code
 * PCollection<LdaModel> model =
 *     counts.apply(Lda.fit().withVectorCol("features").withK(20).withMaxIter(10));
 * PCollection<Row> topics = counts.apply(Lda.transform(model));
 * // topics has the input columns plus "topicDistribution" (VECTOR of 20)
 * }</pre>
 *
 * <p>References: D. Blei, A. Ng and M. Jordan, Latent Dirichlet allocation (2003); M. Hoffman, D.
 * Blei and F. Bach, Online learning for latent Dirichlet allocation (2010).
 */
public final class Lda {
  private Lda() {}

  /** How {@code lambda} is learnt. */
  public enum Method {
    /** Full passes over all documents, one M step each (scikit-learn's "batch"). */
    BATCH,
    /** Online variational Bayes on mini-batches (scikit-learn's "online", Spark's default). */
    ONLINE
  }

  /** An LDA trainer with every default set. */
  public static Fit fit() {
    return new AutoValue_Lda_Fit.Builder()
        .setK(10)
        .setMaxIter(10)
        .setMethod(Method.BATCH)
        .setLearningOffset(10.0)
        .setLearningDecay(0.7)
        .setMiniBatchFraction(0.05)
        .setTotalSamples(0L)
        .setMaxDocUpdateIter(100)
        .setMeanChangeTol(1e-3)
        .setEvaluateEvery(0)
        .setPerpTol(0.1)
        .setSeed(0L)
        .setVocabulary(List.of())
        .setIterationSettings(IterationSettings.defaults())
        .setTopicDistributionCol(LdaModel.DEFAULT_OUTPUT_COL)
        .build();
  }

  /**
   * Appends the topic distribution of the one model in {@code model} to rows, bounded or unbounded.
   * {@code .withFailures()} on the result keeps rows that cannot be scored beside their error.
   *
   * <pre>{@code
   * PCollection<Row> topics = stream.apply(Lda.transform(model));
   * }</pre>
   */
  public static ApplyModel<LdaModel> transform(PCollection<LdaModel> model) {
    return ApplyModel.of(model);
  }

  /** Trains an {@link LdaModel}; see {@link Lda} for the parameters. */
  @AutoValue
  public abstract static class Fit extends PTransform<PCollection<Row>, PCollection<LdaModel>>
      implements PipelineStage, IterativeFit<Fit> {
    abstract @Nullable List<String> featureCols();

    abstract @Nullable String vectorCol();

    abstract int k();

    abstract int maxIter();

    abstract @Nullable Double docTopicPrior();

    abstract @Nullable Double topicWordPrior();

    abstract Method method();

    abstract double learningOffset();

    abstract double learningDecay();

    abstract double miniBatchFraction();

    abstract @Nullable Integer miniBatchSize();

    abstract long totalSamples();

    abstract int maxDocUpdateIter();

    abstract double meanChangeTol();

    abstract int evaluateEvery();

    abstract double perpTol();

    abstract long seed();

    abstract @Nullable List<Vector> initialTopics();

    abstract List<String> vocabulary();

    abstract String topicDistributionCol();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setFeatureCols(@Nullable List<String> cols);

      abstract Builder setVectorCol(@Nullable String col);

      abstract Builder setK(int k);

      abstract Builder setMaxIter(int maxIter);

      abstract Builder setDocTopicPrior(@Nullable Double alpha);

      abstract Builder setTopicWordPrior(@Nullable Double eta);

      abstract Builder setMethod(Method method);

      abstract Builder setLearningOffset(double tau0);

      abstract Builder setLearningDecay(double kappa);

      abstract Builder setMiniBatchFraction(double fraction);

      abstract Builder setMiniBatchSize(@Nullable Integer size);

      abstract Builder setTotalSamples(long totalSamples);

      abstract Builder setMaxDocUpdateIter(int maxDocUpdateIter);

      abstract Builder setMeanChangeTol(double tol);

      abstract Builder setEvaluateEvery(int evaluateEvery);

      abstract Builder setPerpTol(double perpTol);

      abstract Builder setSeed(long seed);

      abstract Builder setInitialTopics(@Nullable List<Vector> topics);

      abstract Builder setVocabulary(List<String> vocabulary);

      abstract Builder setIterationSettings(IterationSettings settings);

      abstract Builder setTopicDistributionCol(String col);

      abstract Fit build();
    }

    /** Term counts from this vector column. */
    public Fit withVectorCol(String col) {
      return toBuilder().setVectorCol(col).setFeatureCols(null).build();
    }

    /** Term counts from these numeric columns, one per term. */
    public Fit withFeatureCols(String... cols) {
      if (cols.length == 0) {
        throw new IllegalArgumentException("Expected at least one count column, got none");
      }
      return toBuilder().setFeatureCols(List.of(cols)).setVectorCol(null).build();
    }

    /** Number of topics, at least 2; default 10. */
    public Fit withK(int k) {
      if (k < 2) {
        throw new IllegalArgumentException("Expected k >= 2, got " + k);
      }
      return toBuilder().setK(k).build();
    }

    /** Passes (batch) or mini-batches (online), at least 1; default 10. */
    public Fit withMaxIter(int maxIter) {
      if (maxIter < 1) {
        throw new IllegalArgumentException("Expected maxIter >= 1, got " + maxIter);
      }
      return toBuilder().setMaxIter(maxIter).build();
    }

    /** The document-topic prior alpha, positive; default {@code 1 / k}. */
    public Fit withDocTopicPrior(double alpha) {
      return toBuilder().setDocTopicPrior(positive(alpha, "docTopicPrior")).build();
    }

    /** The topic-word prior eta, positive; default {@code 1 / k}. */
    public Fit withTopicWordPrior(double eta) {
      return toBuilder().setTopicWordPrior(positive(eta, "topicWordPrior")).build();
    }

    /** Batch or online variational Bayes; default BATCH. */
    public Fit withMethod(Method method) {
      return toBuilder().setMethod(method).build();
    }

    /** Online: tau0, which down-weighs the first mini-batches, positive; default 10. */
    public Fit withLearningOffset(double tau0) {
      return toBuilder().setLearningOffset(positive(tau0, "learningOffset")).build();
    }

    /** Online: kappa, the decay of the learning rate, in (0, 1]; default 0.7. */
    public Fit withLearningDecay(double kappa) {
      if (!(kappa > 0 && kappa <= 1)) {
        throw new IllegalArgumentException("Expected learningDecay in (0, 1], got " + kappa);
      }
      return toBuilder().setLearningDecay(kappa).build();
    }

    /** Online: the fraction of documents in each mini-batch, in (0, 1]; default 0.05. */
    public Fit withMiniBatchFraction(double fraction) {
      if (!(fraction > 0 && fraction <= 1)) {
        throw new IllegalArgumentException("Expected miniBatchFraction in (0, 1], got " + fraction);
      }
      return toBuilder().setMiniBatchFraction(fraction).setMiniBatchSize(null).build();
    }

    /**
     * Online: the expected documents in each mini-batch, at least 1, instead of a fraction: the
     * fraction {@code min(1, size / D)}, {@code D} the number of documents (counted before the
     * loop); default none.
     */
    public Fit withMiniBatchSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("Expected miniBatchSize >= 1, got " + size);
      }
      return toBuilder().setMiniBatchSize(size).build();
    }

    /** Online: the size of the document population; default the number of documents. */
    public Fit withTotalSamples(long totalSamples) {
      if (totalSamples < 1) {
        throw new IllegalArgumentException("Expected totalSamples >= 1, got " + totalSamples);
      }
      return toBuilder().setTotalSamples(totalSamples).build();
    }

    /** The most updates of a document's proportions in an E step, at least 1; default 100. */
    public Fit withMaxDocUpdateIter(int maxDocUpdateIter) {
      if (maxDocUpdateIter < 1) {
        throw new IllegalArgumentException(
            "Expected maxDocUpdateIter >= 1, got " + maxDocUpdateIter);
      }
      return toBuilder().setMaxDocUpdateIter(maxDocUpdateIter).build();
    }

    /** The E step stops when the proportions change by less than this on average; default 1e-3. */
    public Fit withMeanChangeTol(double tol) {
      if (!(tol >= 0) || Double.isInfinite(tol)) {
        throw new IllegalArgumentException("Expected a finite meanChangeTol >= 0, got " + tol);
      }
      return toBuilder().setMeanChangeTol(tol).build();
    }

    /** Batch: evaluate the training perplexity every this many passes; 0 (default) never. */
    public Fit withEvaluateEvery(int passes) {
      if (passes < 0) {
        throw new IllegalArgumentException("Expected evaluateEvery >= 0, got " + passes);
      }
      return toBuilder().setEvaluateEvery(passes).build();
    }

    /** Batch: stop when the evaluated perplexity changes by less than this; default 0.1. */
    public Fit withPerpTol(double perpTol) {
      if (!(perpTol >= 0) || Double.isInfinite(perpTol)) {
        throw new IllegalArgumentException("Expected a finite perpTol >= 0, got " + perpTol);
      }
      return toBuilder().setPerpTol(perpTol).build();
    }

    /** The seed of the initial topics and of the mini-batches; default 0. */
    public Fit withSeed(long seed) {
      return toBuilder().setSeed(seed).build();
    }

    /**
     * The initial topic-word matrix: {@code k} positive vectors of the vocabulary's size; default
     * none (Gamma draws from the seed).
     */
    public Fit withInitialTopics(List<Vector> topics) {
      if (topics == null || topics.isEmpty()) {
        throw new IllegalArgumentException("Expected initial topics, got none");
      }
      return toBuilder().setInitialTopics(List.copyOf(topics)).build();
    }

    /** The terms of the count vectors' indices, given to the model; default none. */
    public Fit withVocabulary(List<String> terms) {
      return toBuilder().setVocabulary(List.copyOf(terms)).build();
    }

    @Override
    public Fit withIterationSettings(IterationSettings settings) {
      return toBuilder().setIterationSettings(settings).build();
    }

    /** The column of the topic distribution (VECTOR); default "topicDistribution". */
    public Fit withTopicDistributionCol(String col) {
      return toBuilder().setTopicDistributionCol(col).build();
    }

    private static double positive(double value, String name) {
      if (!(value > 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("Expected a finite " + name + " > 0, got " + value);
      }
      return value;
    }

    /** Fits the model and makes it a pipeline stage appending its column. */
    @Override
    public PCollection<Transformer> fitStage(PCollection<Row> input) {
      PCollection<LdaModel> model = input.apply(this);
      return PipelineStage.fitted(model, TransformerCoder.mappingOf(model));
    }

    @Override
    public PCollection<LdaModel> expand(PCollection<Row> input) {
      FeatureColumns features = FeatureColumns.of(featureCols(), vectorCol(), "Lda");
      FeatureColumns.Bound bound = features.bind(input.getSchema());
      OutputColumns cols = OutputColumns.of(topicDistributionCol());
      SchemaMapping mapping =
          in -> {
            features.bind(in);
            return LdaModel.outputSchema(in, cols);
          };
      mapping.outputSchema(input.getSchema());
      if (evaluateEvery() > 0 && method() == Method.ONLINE) {
        throw new IllegalArgumentException(
            "evaluateEvery applies to batch training; online training evaluates the bound once,"
                + " after its last mini-batch");
      }
      List<Vector> initial = initialTopics();
      if (initial != null) {
        checkInitialTopics(initial, bound.dimension());
      }
      PCollection<Block> blocks =
          input
              .apply("Check counts", ParDo.of(new CheckCounts(bound)))
              .setRowSchema(input.getSchema())
              .apply(
                  "Pack blocks",
                  PackBlocks.of(features).withBlockSize(iterationSettings().blockSize()));
      PCollection<double[]> start;
      if (initial != null) {
        int v = initial.get(0).size();
        double[] flat = new double[k() * v];
        for (int t = 0; t < k(); t++) {
          initial.get(t).toDense().copyTo(flat, t * v);
        }
        start =
            input
                .getPipeline()
                .apply("Initial topics", Create.of(List.of(flat)).withCoder(DoubleArrayCoder.of()));
      } else {
        start =
            blocks
                .apply("Sizes", MapElements.into(TypeDescriptors.integers()).via(Block::numCols))
                .apply("Vocabulary size", Max.integersGlobally())
                .apply("Draw initial topics", ParDo.of(new DrawTopics(k(), seed())))
                .setCoder(DoubleArrayCoder.of());
      }
      double alpha = docTopicPrior() != null ? docTopicPrior() : 1.0 / k();
      double eta = topicWordPrior() != null ? topicWordPrior() : 1.0 / k();
      PCollection<double[]> documents =
          miniBatchSize() == null
              ? null
              : input
                  .apply("Count documents", Count.globally())
                  .apply(
                      "As array",
                      MapElements.into(TypeDescriptor.of(double[].class))
                          .via((Long n) -> new double[] {n}))
                  .setCoder(DoubleArrayCoder.of());
      LdaTraining.Params params =
          new LdaTraining.Params(
              k(),
              maxIter(),
              alpha,
              eta,
              method() == Method.ONLINE,
              learningOffset(),
              learningDecay(),
              miniBatchFraction(),
              miniBatchSize() == null ? 0 : miniBatchSize(),
              totalSamples(),
              maxDocUpdateIter(),
              meanChangeTol(),
              evaluateEvery(),
              perpTol(),
              seed(),
              features,
              topicDistributionCol(),
              vocabulary(),
              description(features, alpha, eta));
      IterativeComQueue queue =
          IterativeComQueue.create("Lda")
              .initWithPartitionedData(LdaTraining.DATA, blocks)
              .initWithBroadcastData(LdaTraining.INITIAL, start);
      if (documents != null) {
        queue = queue.initWithBroadcastData(LdaTraining.DOCUMENTS, documents);
      }
      queue =
          queue
              .add(new LdaTraining.Prepare(params))
              .add(AllReduce.sum(LdaTraining.COMM))
              .add(new LdaTraining.Consume(params))
              .setCompareCriterion(new LdaTraining.Converged())
              .setMaxIter(params.supersteps())
              .withSettings(iterationSettings());
      return queue
          .closeWith(new LdaTraining.Output(params), TransformerCoder.of(LdaModel.class, mapping))
          .exec();
    }

    private void checkInitialTopics(List<Vector> initial, int dimension) {
      if (initial.size() != k()) {
        throw new IllegalArgumentException(
            "Expected k=" + k() + " initial topics, got " + initial.size());
      }
      int v = dimension >= 0 ? dimension : initial.get(0).size();
      if (!vocabulary().isEmpty() && vocabulary().size() != v) {
        throw new IllegalArgumentException(
            "The vocabulary has " + vocabulary().size() + " terms; expected " + v);
      }
      for (Vector t : initial) {
        if (t.size() != v) {
          throw new IllegalArgumentException(
              "An initial topic has size " + t.size() + "; expected " + v);
        }
        for (double x : t.toArray()) {
          if (!(x > 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException(
                "An initial topic has value " + x + "; expected finite values > 0");
          }
        }
      }
    }

    private Map<String, String> description(FeatureColumns features, double alpha, double eta) {
      Map<String, String> d = new TreeMap<>();
      d.put("k", Integer.toString(k()));
      d.put("maxIter", Integer.toString(maxIter()));
      d.put("method", method().name());
      d.put("docTopicPrior", Double.toString(alpha));
      d.put("topicWordPrior", Double.toString(eta));
      d.put("maxDocUpdateIter", Integer.toString(maxDocUpdateIter()));
      d.put("meanChangeTol", Double.toString(meanChangeTol()));
      if (method() == Method.ONLINE) {
        d.put("learningOffset", Double.toString(learningOffset()));
        d.put("learningDecay", Double.toString(learningDecay()));
        if (miniBatchSize() != null) {
          d.put("miniBatchSize", Integer.toString(miniBatchSize()));
        } else {
          d.put("miniBatchFraction", Double.toString(miniBatchFraction()));
        }
        if (totalSamples() > 0) {
          d.put("totalSamples", Long.toString(totalSamples()));
        }
      } else if (evaluateEvery() > 0) {
        d.put("evaluateEvery", Integer.toString(evaluateEvery()));
        d.put("perpTol", Double.toString(perpTol()));
      }
      d.put("init", initialTopics() != null ? "explicit" : "gamma");
      d.put("features", features.toString());
      return d;
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      for (Map.Entry<String, String> e :
          description(
                  FeatureColumns.of(featureCols(), vectorCol(), "Lda"),
                  docTopicPrior() != null ? docTopicPrior() : 1.0 / k(),
                  topicWordPrior() != null ? topicWordPrior() : 1.0 / k())
              .entrySet()) {
        builder.add(DisplayData.item(e.getKey(), e.getValue()));
      }
      builder.add(DisplayData.item("seed", seed()));
    }
  }

  /** Fails on a row whose counts are negative (nulls, NaN and infinities PackBlocks names). */
  static final class CheckCounts extends DoFn<Row, Row> {
    private final FeatureColumns.Bound counts;

    CheckCounts(FeatureColumns.Bound counts) {
      this.counts = counts;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      Vector doc = counts.extract(row);
      try {
        LdaInference.termCounts(doc);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Counts from " + counts + ": " + e.getMessage() + ", in row " + RowText.of(row), e);
      }
      out.output(row);
    }
  }

  /** {@code k x v} Gamma(100, 0.01) draws from the seed, v the count vectors' size. */
  static final class DrawTopics extends DoFn<Integer, double[]> {
    private final int k;
    private final long seed;

    DrawTopics(int k, long seed) {
      this.k = k;
      this.seed = seed;
    }

    @ProcessElement
    public void process(@Element Integer v, OutputReceiver<double[]> out) {
      if (v < 1) {
        throw new IllegalArgumentException("Lda needs documents; the input is empty");
      }
      GammaDistribution gamma = new GammaDistribution(new Well19937c(seed), 100, 0.01);
      out.output(gamma.sample(k * v));
    }
  }
}
