package org.beamlink.transforms.nlp;

import com.google.auto.value.AutoValue;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.nlp.DocCountVectorizerModel;
import org.beamlink.models.nlp.FeatureType;
import org.beamlink.models.nlp.IdfFormula;
import org.beamlink.models.nlp.Norm;
import org.beamlink.models.nlp.TermWeighting;
import org.beamlink.models.nlp.VocabularyOrder;
import org.beamlink.transforms.pipeline.ApplyModel;

/**
 * Turns a token column into term vectors over a vocabulary learnt from the corpus, as Spark ML's
 * {@code CountVectorizer}, scikit-learn's {@code CountVectorizer} / {@code TfidfVectorizer} and
 * Alink's {@code DocCountVectorizer}: {@link #fit()} learns the vocabulary and each term's document
 * frequency ({@link DocCountVectorizerModel}); {@link #transform} appends a sparse vector column.
 *
 * <p>The vocabulary: the terms whose document frequency is at least {@code minDF} and at most
 * {@code maxDF} (a value {@code >= 1} is a number of documents, a value {@code < 1} a fraction of
 * them, as Spark; note that {@code maxDF = 1.0} therefore means one document, where scikit-learn's
 * float {@code max_df=1.0} means all: leave maxDF unset for that), then the {@code vocabSize} most
 * frequent of those by number of occurrences (as Spark and scikit-learn's {@code max_features};
 * ties by term), ordered by {@link VocabularyOrder} (default FREQUENCY, Spark's; ALPHABETICAL is
 * scikit-learn's column order).
 *
 * <p>The vector of a document: its counts of vocabulary terms, weighed by {@link FeatureType}
 * (default WORD_COUNT) with IDF by {@link IdfFormula} (default SKLEARN_SMOOTH, {@code ln((1 + n) /
 * (1 + df)) + 1}, so that a term in every document keeps a weight; SPARK is {@code ln((n + 1) / (df
 * + 1))}), filtered by {@code minTF} (Spark's) and scaled by {@link Norm} (default NONE). {@code
 * withFeatureType(TF_IDF).withNorm(Norm.L2).withVocabularyOrder(ALPHABETICAL)} is scikit-learn's
 * default {@code TfidfVectorizer}.
 *
 * <p>Nulls: a null token array (or a null token) fails the fit or the transform naming column and
 * row; fill missing text before tokenizing. An empty array is a document with no terms. An empty
 * input fails the fit ("no rows to fit on"), as does a corpus where no term passes minDF and maxDF.
 *
 * <p>The fit needs bounded input; it is distributed: per-term counts are summed with {@code
 * Combine.perKey}, filtered by document frequency and reduced to the {@code vocabSize} most
 * frequent with {@code Top}, so no worker holds more than {@code vocabSize} terms.
 *
 * <p>Parameters: {@code inputCol} (a token column, required), {@code outputCol} (default {@code
 * "features"}), {@code minDF} (default 1), {@code maxDF} (default unbounded), {@code vocabSize}
 * (default 2^18 = 262144, as Spark), {@code vocabularyOrder}, {@code featureType}, {@code idf},
 * {@code norm}, {@code minTF} (default 1).
 *
 * <pre>{@code
 * PCollection<DocCountVectorizerModel> model = tokens.apply(
 *     DocCountVectorizer.fit().withInputCol("words").withMinDF(2).withFeatureType(FeatureType.TF_IDF));
 * PCollection<Row> vectors = tokens.apply(DocCountVectorizer.transform(model));
 * }</pre>
 */
public final class DocCountVectorizer {
  private static final String NAME = "DocCountVectorizer";

  private DocCountVectorizer() {}

  /**
   * The estimator, with every default set: outputCol "features", minDF 1, no maxDF, vocabSize 2^18,
   * FREQUENCY order, WORD_COUNT, SKLEARN_SMOOTH IDF, no norm, minTF 1.
   */
  public static Fit fit() {
    return new AutoValue_DocCountVectorizer_Fit.Builder()
        .setMaxDF(Double.POSITIVE_INFINITY)
        .setVocabSize(1 << 18)
        .setVocabularyOrder(VocabularyOrder.FREQUENCY)
        .setOutputCol("features")
        .setMinDF(1.0)
        .setFeatureType(FeatureType.WORD_COUNT)
        .setIdf(IdfFormula.SKLEARN_SMOOTH)
        .setNorm(Norm.NONE)
        .setMinTF(1.0)
        .build();
  }

  /**
   * Vectorizes rows with the one model in {@code model}, bounded or unbounded input.
   *
   * <pre>{@code
   * PCollection<Row> vectors = stream.apply(DocCountVectorizer.transform(model));
   * }</pre>
   */
  public static ApplyModel<DocCountVectorizerModel> transform(
      PCollection<DocCountVectorizerModel> model) {
    return ApplyModel.of(model);
  }

  /**
   * The transform {@link #fit()} returns: rows in, one {@link DocCountVectorizerModel} out.
   *
   * <pre>{@code
   * rows.apply(DocCountVectorizer.fit().withInputCol("tokens").withVocabSize(10_000));
   * }</pre>
   */
  @AutoValue
  public abstract static class Fit extends TermCountFit<DocCountVectorizerModel, Fit> {
    abstract double maxDF();

    abstract int vocabSize();

    abstract VocabularyOrder vocabularyOrder();

    @Override
    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder implements ParamsBuilder<Fit> {
      abstract Builder setMaxDF(double maxDF);

      abstract Builder setVocabSize(int vocabSize);

      abstract Builder setVocabularyOrder(VocabularyOrder vocabularyOrder);
    }

    /**
     * Terms in more documents are left out: a count when {@code >= 1}, else a fraction of the
     * documents; default no limit.
     */
    public Fit withMaxDF(double maxDF) {
      return toBuilder().setMaxDF(TextParams.countOrFraction(maxDF, "maxDF")).build();
    }

    /** At most this many terms, the most frequent; >= 1, default 2^18. */
    public Fit withVocabSize(int vocabSize) {
      if (vocabSize < 1) {
        throw new IllegalArgumentException("Expected vocabSize >= 1, got " + vocabSize);
      }
      return toBuilder().setVocabSize(vocabSize).build();
    }

    /** The order of the terms, and of the output coordinates; default FREQUENCY. */
    public Fit withVocabularyOrder(VocabularyOrder vocabularyOrder) {
      return toBuilder()
          .setVocabularyOrder(TextParams.given(vocabularyOrder, "a VocabularyOrder"))
          .build();
    }

    @Override
    String stageName() {
      return NAME;
    }

    @Override
    Class<DocCountVectorizerModel> modelType() {
      return DocCountVectorizerModel.class;
    }

    @Override
    DocCountVectorizerModel placeholder(String in, String out, TermWeighting weighting) {
      return DocCountVectorizerModel.of(in, out, List.of(), new long[0], 1, weighting);
    }

    @Override
    PCollection<DocCountVectorizerModel> fitModel(
        PCollection<Row> input, PCollectionView<Long> numDocs) {
      if ((minDF() >= 1.0) == (maxDF() >= 1.0) && maxDF() < minDF()) {
        throw new IllegalArgumentException(
            NAME + ": expected maxDF >= minDF, got maxDF " + maxDF() + " and minDF " + minDF());
      }
      PCollection<KV<String, KV<Long, Long>>> terms =
          DocumentFrequencies.perKey(
              input,
              input.getSchema().indexOf(inputCol()),
              inputCol(),
              NAME,
              token -> token,
              StringUtf8Coder.of(),
              minDF(),
              maxDF(),
              numDocs);
      return terms
          .apply("Most frequent terms", Top.of(vocabSize(), new ByOccurrences()))
          .apply(
              "Vocabulary",
              ParDo.of(
                      new VocabularyFn(
                          inputCol(),
                          outputCol(),
                          minDF(),
                          maxDF(),
                          vocabularyOrder(),
                          weighting(),
                          numDocs))
                  .withSideInputs(numDocs));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("maxDF", maxDF()))
          .add(DisplayData.item("vocabSize", vocabSize()))
          .add(DisplayData.item("vocabularyOrder", vocabularyOrder().name()));
    }
  }

  /** More occurrences first; among equal counts the alphabetically first term ranks higher. */
  private static final class ByOccurrences
      implements Comparator<KV<String, KV<Long, Long>>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(KV<String, KV<Long, Long>> a, KV<String, KV<Long, Long>> b) {
      int c = Long.compare(a.getValue().getKey(), b.getValue().getKey());
      return c != 0 ? c : b.getKey().compareTo(a.getKey());
    }
  }

  /** The model from the kept terms (most frequent first) and the number of documents. */
  private static final class VocabularyFn
      extends DoFn<List<KV<String, KV<Long, Long>>>, DocCountVectorizerModel> {
    private final String inputCol;
    private final String outputCol;
    private final double minDF;
    private final double maxDF;
    private final VocabularyOrder order;
    private final TermWeighting weighting;
    private final PCollectionView<Long> numDocs;

    VocabularyFn(
        String inputCol,
        String outputCol,
        double minDF,
        double maxDF,
        VocabularyOrder order,
        TermWeighting weighting,
        PCollectionView<Long> numDocs) {
      this.inputCol = inputCol;
      this.outputCol = outputCol;
      this.minDF = minDF;
      this.maxDF = maxDF;
      this.order = order;
      this.weighting = weighting;
      this.numDocs = numDocs;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      long n = c.sideInput(numDocs);
      DocumentFrequencies.checkDocuments(n, NAME);
      DocumentFrequencies.checkBounds(minDF, maxDF, n, NAME);
      List<KV<String, KV<Long, Long>>> terms = new ArrayList<>(c.element());
      DocumentFrequencies.checkKept(terms, minDF, maxDF, n, "terms", NAME);
      if (order == VocabularyOrder.ALPHABETICAL) {
        terms.sort(Comparator.comparing(KV::getKey));
      }
      List<String> vocabulary = new ArrayList<>(terms.size());
      long[] docFreqs = new long[terms.size()];
      for (int i = 0; i < docFreqs.length; i++) {
        vocabulary.add(terms.get(i).getKey());
        docFreqs[i] = terms.get(i).getValue().getValue();
      }
      c.output(DocCountVectorizerModel.of(inputCol, outputCol, vocabulary, docFreqs, n, weighting));
    }
  }
}
