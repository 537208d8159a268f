package org.beamlink.models.clustering;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.FeatureColumnsCoding;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;

/**
 * A fitted latent Dirichlet allocation topic model: the topic-word matrix {@code lambda} ({@code k
 * x v}, the variational Dirichlet parameters of the topics, scikit-learn's {@code components_},
 * Spark's {@code topicsMatrix} transposed), the priors {@code alpha} (document-topic) and {@code
 * eta} (topic-word), the E step's limits, the count vector columns it reads, the vocabulary when
 * known, and its provenance (iterations: passes or mini-batches; final loss: the negative evidence
 * lower bound of the training documents; loss curve: that value after every pass, batch training
 * only). As a pipeline stage it appends each document's topic distribution ({@code
 * topicDistributionCol}, a dense vector of {@code k} summing to 1, scikit-learn's {@code
 * transform}), by default "topicDistribution" (Spark's name). Immutable.
 *
 * <p>A document whose counts are null, negative, NaN, infinite or of another size than the
 * vocabulary fails naming the column and the row. An empty document gets the prior's uniform
 * distribution.
 *
 * <p>Format {@code lda-model}, version 1: {@code k}, {@code v}, {@code alpha}, {@code eta}, the E
 * step's {@code maxDocUpdateIter} and {@code meanChangeTol}, the output column, {@code lambda}, the
 * vocabulary (possibly empty), the features and the provenance.
 *
 * <pre>{@code
 * LdaModel model = ...; // from Lda.fit()
 * double[] theta = model.topicDistribution(counts);
 * List<LdaModel.Topic> topics = model.describeTopics(10);
 * double perplexity = model.perplexity(documents);
 * }</pre>
 */
public final class LdaModel implements Transformer {
  private static final long serialVersionUID = 1L;

  /** The column of a model until told another: "topicDistribution". */
  public static final String DEFAULT_OUTPUT_COL = "topicDistribution";

  private final int k;
  private final double[] lambda;
  private final double alpha;
  private final double eta;
  private final int maxDocUpdateIter;
  private final double meanChangeTol;
  private final List<String> vocabulary;
  private final FeatureColumns features;
  private final Provenance provenance;
  private final OutputColumns outputCols;
  private transient LdaInference inference;

  private LdaModel(
      int k,
      double[] lambda,
      double alpha,
      double eta,
      int maxDocUpdateIter,
      double meanChangeTol,
      List<String> vocabulary,
      FeatureColumns features,
      Provenance provenance,
      OutputColumns outputCols) {
    if (k < 2 || lambda.length == 0 || lambda.length % k != 0) {
      throw new IllegalArgumentException(
          "Expected k >= 2 topics over a vocabulary, got k="
              + k
              + " and "
              + lambda.length
              + " topic-word values");
    }
    for (double l : lambda) {
      if (!(l > 0) || Double.isInfinite(l)) {
        throw new IllegalArgumentException(
            "Expected a positive, finite topic-word matrix, got a value " + l);
      }
    }
    if (!(alpha > 0) || !(eta > 0) || Double.isInfinite(alpha) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException(
          "Expected positive priors, got alpha=" + alpha + ", eta=" + eta);
    }
    if (maxDocUpdateIter < 1 || !(meanChangeTol >= 0)) {
      throw new IllegalArgumentException(
          "Expected maxDocUpdateIter >= 1 and meanChangeTol >= 0, got "
              + maxDocUpdateIter
              + " and "
              + meanChangeTol);
    }
    if (!vocabulary.isEmpty() && vocabulary.size() != lambda.length / k) {
      throw new IllegalArgumentException(
          "The vocabulary has "
              + vocabulary.size()
              + " terms but the topics have "
              + lambda.length / k);
    }
    if (outputCols.size() != 1) {
      throw new IllegalArgumentException(
          "Expected one topic distribution column, got " + outputCols);
    }
    this.k = k;
    this.lambda = lambda;
    this.alpha = alpha;
    this.eta = eta;
    this.maxDocUpdateIter = maxDocUpdateIter;
    this.meanChangeTol = meanChangeTol;
    this.vocabulary = List.copyOf(vocabulary);
    this.features = Objects.requireNonNull(features);
    this.provenance = Objects.requireNonNull(provenance);
    this.outputCols = outputCols;
  }

  /**
   * The model of topic-word matrix {@code lambda} ({@code k x v} row-major, copied), priors {@code
   * alpha} and {@code eta}, the E step's limits, reading {@code features}, without vocabulary, with
   * the default output column.
   *
   * @throws IllegalArgumentException for {@code k < 2}, a non-positive value of {@code lambda} or
   *     of a prior
   */
  public static LdaModel of(
      int k,
      double[] lambda,
      double alpha,
      double eta,
      int maxDocUpdateIter,
      double meanChangeTol,
      FeatureColumns features,
      Provenance provenance) {
    return new LdaModel(
        k,
        lambda.clone(),
        alpha,
        eta,
        maxDocUpdateIter,
        meanChangeTol,
        List.of(),
        features,
        provenance,
        OutputColumns.of(DEFAULT_OUTPUT_COL));
  }

  /** The same model appending the topic distribution to {@code topicDistributionCol}. */
  public LdaModel withTopicDistributionCol(String topicDistributionCol) {
    return new LdaModel(
        k,
        lambda,
        alpha,
        eta,
        maxDocUpdateIter,
        meanChangeTol,
        vocabulary,
        features,
        provenance,
        OutputColumns.of(topicDistributionCol));
  }

  /**
   * The same model with the terms of the vocabulary, in the order of the count vectors' indices (a
   * count vectorizer model's {@code vocabulary()}), which {@link #describeTopics} then names.
   *
   * @throws IllegalArgumentException when the vocabulary's size is not the model's
   */
  public LdaModel withVocabulary(List<String> terms) {
    return new LdaModel(
        k,
        lambda,
        alpha,
        eta,
        maxDocUpdateIter,
        meanChangeTol,
        terms,
        features,
        provenance,
        outputCols);
  }

  /** Number of topics. */
  public int k() {
    return k;
  }

  /** Vocabulary size: the count vectors' size. */
  public int vocabularySize() {
    return lambda.length / k;
  }

  /** The vocabulary's terms, or an empty list when the model was not given them. */
  public List<String> vocabulary() {
    return vocabulary;
  }

  /** The document-topic prior. */
  public double docTopicPrior() {
    return alpha;
  }

  /** The topic-word prior. */
  public double topicWordPrior() {
    return eta;
  }

  /** The most updates of a document's topic proportions in the E step. */
  public int maxDocUpdateIter() {
    return maxDocUpdateIter;
  }

  /** The E step stops when a document's proportions change by less than this on average. */
  public double meanChangeTol() {
    return meanChangeTol;
  }

  /** The feature columns the model reads. */
  public FeatureColumns features() {
    return features;
  }

  /** How the model was made. */
  public Provenance provenance() {
    return provenance;
  }

  /** The topic distribution column. */
  public OutputColumns outputCols() {
    return outputCols;
  }

  /** Topic {@code t}'s row of {@code lambda}: its variational Dirichlet parameters, a copy. */
  public double[] topicWordParameters(int t) {
    int v = vocabularySize();
    return Arrays.copyOfRange(lambda, t * v, (t + 1) * v);
  }

  /** Topic {@code t}'s word distribution: its row of {@code lambda} normalized to sum 1. */
  public double[] topicWordDistribution(int t) {
    double[] row = topicWordParameters(t);
    double sum = 0;
    for (double x : row) {
      sum += x;
    }
    for (int w = 0; w < row.length; w++) {
      row[w] /= sum;
    }
    return row;
  }

  /**
   * A topic's heaviest terms: their indices, weights in the topic's word distribution and, when the
   * model has its vocabulary, the terms (else an empty list).
   */
  public record Topic(int[] termIndices, double[] termWeights, List<String> terms) {}

  /**
   * Every topic's {@code maxTerms} heaviest terms (fewer when the vocabulary is smaller), heaviest
   * first, ties by term index; Spark's {@code describeTopics}.
   */
  public List<Topic> describeTopics(int maxTerms) {
    if (maxTerms < 1) {
      throw new IllegalArgumentException("Expected maxTerms >= 1, got " + maxTerms);
    }
    int v = vocabularySize();
    int m = Math.min(maxTerms, v);
    List<Topic> topics = new ArrayList<>();
    for (int t = 0; t < k; t++) {
      double[] weights = topicWordDistribution(t);
      Integer[] order = new Integer[v];
      for (int w = 0; w < v; w++) {
        order[w] = w;
      }
      Arrays.sort(order, (a, b) -> Double.compare(weights[b], weights[a]));
      int[] indices = new int[m];
      double[] top = new double[m];
      List<String> terms = new ArrayList<>();
      for (int i = 0; i < m; i++) {
        indices[i] = order[i];
        top[i] = weights[order[i]];
        if (!vocabulary.isEmpty()) {
          terms.add(vocabulary.get(order[i]));
        }
      }
      topics.add(new Topic(indices, top, List.copyOf(terms)));
    }
    return topics;
  }

  private LdaInference inference() {
    if (inference == null) {
      inference = LdaInference.of(lambda, k, alpha, maxDocUpdateIter, meanChangeTol);
    }
    return inference;
  }

  private LdaInference.TermCounts terms(Vector doc) {
    if (doc.size() != vocabularySize()) {
      throw new IllegalArgumentException(
          "Count vector has size "
              + doc.size()
              + " but the model's vocabulary has "
              + vocabularySize()
              + " terms");
    }
    return LdaInference.termCounts(doc);
  }

  /** The topic distribution of the document of term counts {@code doc}: {@code k} values, sum 1. */
  public double[] topicDistribution(Vector doc) {
    double[] gamma = inference().gamma(terms(doc), null);
    double sum = 0;
    for (double g : gamma) {
      sum += g;
    }
    for (int t = 0; t < k; t++) {
      gamma[t] /= sum;
    }
    return gamma;
  }

  /**
   * The evidence lower bound of the documents {@code docs} (term count vectors): the approximate
   * log-likelihood of scikit-learn's {@code score} and Spark's {@code logLikelihood}.
   */
  public double logLikelihood(Iterable<Vector> docs) {
    double bound = inference().topicBound(eta);
    for (Vector doc : docs) {
      LdaInference.TermCounts terms = terms(doc);
      bound += inference().documentBound(terms, inference().gamma(terms, null));
    }
    return bound;
  }

  /**
   * The perplexity of the documents {@code docs}: {@code exp(-logLikelihood(docs) / words)}, words
   * the total of their counts (scikit-learn's {@code perplexity}).
   */
  public double perplexity(Iterable<Vector> docs) {
    double words = 0;
    for (Vector doc : docs) {
      words += terms(doc).words();
    }
    return Math.exp(-logLikelihood(docs) / words);
  }

  /**
   * {@code input} with the topic distribution column (VECTOR) appended.
   *
   * @throws IllegalArgumentException when the column already exists in {@code input}
   */
  public static Schema outputSchema(Schema input, OutputColumns cols) {
    return cols.appendTo(input, VectorLogicalType.FIELD_TYPE);
  }

  @Override
  public Schema outputSchema(Schema input) {
    return outputSchema(input, outputCols);
  }

  @Override
  public Bound bind(Schema input) {
    Schema output = outputSchema(input);
    FeatureColumns.Bound bound = features.bind(input);
    return new Bound() {
      @Override
      public Schema outputSchema() {
        return output;
      }

      @Override
      public Row apply(Row row) {
        Vector doc = bound.extract(row);
        double[] theta;
        try {
          theta = topicDistribution(doc);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "Counts from " + features + ": " + e.getMessage() + ", in row " + RowText.of(row), e);
        }
        return OutputColumns.row(output, row, Vector.dense(theta));
      }
    };
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("k", Integer.toString(k));
    p.put("vocabularySize", Integer.toString(vocabularySize()));
    p.put("docTopicPrior", Double.toString(alpha));
    p.put("topicWordPrior", Double.toString(eta));
    p.put("maxDocUpdateIter", Integer.toString(maxDocUpdateIter));
    p.put("meanChangeTol", Double.toString(meanChangeTol));
    p.put("vocabulary", vocabulary.isEmpty() ? "unknown" : vocabulary.size() + " terms");
    p.put("features", features.toString());
    p.put("topicDistributionCol", outputCols.get(0));
    p.put("provenance", provenance.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LdaModel m
        && k == m.k
        && Arrays.equals(lambda, m.lambda)
        && Double.compare(alpha, m.alpha) == 0
        && Double.compare(eta, m.eta) == 0
        && maxDocUpdateIter == m.maxDocUpdateIter
        && Double.compare(meanChangeTol, m.meanChangeTol) == 0
        && vocabulary.equals(m.vocabulary)
        && features.equals(m.features)
        && provenance.equals(m.provenance)
        && outputCols.equals(m.outputCols);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        k, Arrays.hashCode(lambda), alpha, eta, vocabulary, features, provenance, outputCols);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("LdaModel(k=" + k + ", " + vocabularySize() + " terms, ");
    s.append("alpha ").append(alpha).append(", eta ").append(eta).append(", ").append(features);
    s.append(", output ").append(outputCols);
    for (Topic t : describeTopics(5)) {
      s.append("\n  ").append(t.terms().isEmpty() ? Arrays.toString(t.termIndices()) : t.terms());
    }
    return s.append("\n  ").append(provenance).append(")").toString();
  }

  /**
   * Deterministic, versioned coder for {@link LdaModel}: the body of format {@code lda-model}.
   *
   * <pre>{@code
   * LdaModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<LdaModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(LdaModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeInt(value.k);
      data.writeDouble(value.alpha);
      data.writeDouble(value.eta);
      data.writeInt(value.maxDocUpdateIter);
      data.writeDouble(value.meanChangeTol);
      data.writeUTF(value.outputCols.get(0));
      data.writeInt(value.vocabulary.size());
      for (String term : value.vocabulary) {
        data.writeUTF(term);
      }
      data.flush();
      ArrayEncoding.writeDoubles(value.lambda, out);
      FeatureColumnsCoding.write(value.features, out);
      value.provenance.writeTo(out);
    }

    @Override
    public LdaModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "LDA model");
      DataInputStream data = new DataInputStream(in);
      int k = data.readInt();
      double alpha = data.readDouble();
      double eta = data.readDouble();
      int maxDocUpdateIter = data.readInt();
      double meanChangeTol = data.readDouble();
      String col = data.readUTF();
      int terms = data.readInt();
      if (terms < 0) {
        throw new CoderException("Corrupt LDA model: " + terms + " vocabulary terms");
      }
      List<String> vocabulary = new ArrayList<>();
      for (int i = 0; i < terms; i++) {
        vocabulary.add(data.readUTF());
      }
      double[] lambda = ArrayEncoding.readDoubles(in);
      FeatureColumns features = FeatureColumnsCoding.read(in);
      Provenance provenance = Provenance.readFrom(in);
      try {
        return new LdaModel(
            k,
            lambda,
            alpha,
            eta,
            maxDocUpdateIter,
            meanChangeTol,
            vocabulary,
            features,
            provenance,
            OutputColumns.of(col));
      } catch (IllegalArgumentException e) {
        throw new CoderException("Corrupt LDA model: " + e.getMessage(), e);
      }
    }

    @Override
    public void verifyDeterministic() {}
  }
}
