package org.beamlink.transforms.nlp;

import static org.beamlink.transforms.linear.LinearTestSupport.rootMessage;
import static org.beamlink.transforms.nlp.NlpTestSupport.TEXT;
import static org.beamlink.transforms.nlp.NlpTestSupport.TOKENS;
import static org.beamlink.transforms.nlp.NlpTestSupport.assertRoundTrips;
import static org.beamlink.transforms.nlp.NlpTestSupport.tokens;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.nlp.DocCountVectorizerModel;
import org.beamlink.models.nlp.DocHashCountVectorizerModel;
import org.beamlink.models.nlp.FeatureType;
import org.beamlink.models.nlp.IdfFormula;
import org.beamlink.models.nlp.Norm;
import org.beamlink.models.nlp.TermWeighting;
import org.beamlink.models.nlp.VocabularyOrder;
import org.beamlink.models.pipeline.LocalPredictor;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.pipeline.Kept;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.pipeline.WriteModel;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DocCountVectorizer: count, binary and TF-IDF matrices against scikit-learn's CountVectorizer and
 * TfidfVectorizer on the reference corpus ({@code vectorizer_reference.py}, see {@link
 * NlpTestSupport}), Spark's IDF and Alink's TF by their formulas, a text pipeline saved, loaded and
 * scored locally (Direct and Flink batch), a stream scored with fitted vectorizers, and bad input.
 *
 * <p>Tolerance 1e-12 (absolute, on values below 50): both sides compute the same formulas in double
 * precision; only the order of the sums in a norm may differ, a few ulps.
 */
class DocCountVectorizerTest {
  private static final double TOL = 1e-12;

  private static final RegexTokenizer SKLEARN_TOKENS =
      RegexTokenizer.of("text").withPattern(RegexTokenizer.SKLEARN_TOKEN_PATTERN).withGaps(false);

  @TempDir Path dir;

  private static DocCountVectorizer.Fit alphabetical() {
    return DocCountVectorizer.fit()
        .withInputCol("tokens")
        .withVocabularyOrder(VocabularyOrder.ALPHABETICAL);
  }

  /**
   * The reference cases and the fits that should reproduce them (stop-word cases read "filtered").
   */
  private static Map<String, DocCountVectorizer.Fit> sklearnCases() {
    DocCountVectorizer.Fit tfidf = alphabetical().withFeatureType(FeatureType.TF_IDF);
    Map<String, DocCountVectorizer.Fit> cases = new LinkedHashMap<>();
    cases.put("count", alphabetical());
    cases.put("count_min_df_2_max_df_half", alphabetical().withMinDF(2).withMaxDF(0.5));
    cases.put("count_min_df_fraction_max_df_4", alphabetical().withMinDF(0.1).withMaxDF(4));
    cases.put("count_max_features_9", alphabetical().withVocabSize(9));
    cases.put(
        "count_binary_min_df_2", alphabetical().withMinDF(2).withFeatureType(FeatureType.BINARY));
    cases.put("count_stop_words_english", alphabetical().withInputCol("filtered"));
    cases.put("tfidf", tfidf.withNorm(Norm.L2));
    cases.put("tfidf_no_norm_min_df_2", tfidf.withMinDF(2));
    cases.put("tfidf_l1_max_features_9", tfidf.withNorm(Norm.L1).withVocabSize(9));
    return cases;
  }

  /** Checks scored rows (with a "text" column) against the reference matrix, by document. */
  private static void assertMatrix(double[][] expected, List<Row> scored, String col, String what) {
    List<String> corpus = NlpTestSupport.corpus();
    assertEquals(corpus.size(), scored.size(), what);
    for (Row r : scored) {
      int doc = corpus.indexOf(r.getString("text"));
      double[] actual = r.getLogicalTypeValue(col, Vector.class).toArray();
      assertArrayEquals(expected[doc], actual, TOL, what + " document " + doc);
    }
  }

  @Test
  void countBinaryAndTfidfMatricesEqualScikitLearns() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply(Create.of(NlpTestSupport.corpusRows()).withRowSchema(TEXT))
            .apply("Tokenize", SKLEARN_TOKENS)
            .apply("Stop words", StopWordsRemover.of("tokens"));
    Map<String, DocCountVectorizer.Fit> cases = sklearnCases();
    for (Map.Entry<String, DocCountVectorizer.Fit> c : cases.entrySet()) {
      PCollection<DocCountVectorizerModel> model = rows.apply(c.getKey(), c.getValue());
      Kept.keep(model, "model-" + c.getKey());
      Kept.keep(
          rows.apply("Apply " + c.getKey(), DocCountVectorizer.transform(model)),
          "rows-" + c.getKey());
    }
    TestRunner.DIRECT.run(p);
    for (String name : cases.keySet()) {
      JsonNode ref = NlpTestSupport.referenceCase(name);
      DocCountVectorizerModel model = Kept.<DocCountVectorizerModel>get("model-" + name).get(0);
      assertEquals(NlpTestSupport.strings(ref.get("vocabulary")), model.vocabulary(), name);
      assertEquals(13, model.numDocs(), name);
      if (ref.has("idf")) {
        assertArrayEquals(NlpTestSupport.doubles(ref.get("idf")), model.idf(), TOL, name);
      }
      assertMatrix(
          NlpTestSupport.matrix(ref.get("matrix")), Kept.get("rows-" + name), "features", name);
    }
  }

  /**
   * Spark's vocabulary order: most occurrences first, ties alphabetical; the vectors are
   * scikit-learn's with the columns in that order. Spark's IDF, ln((n + 1) / (df + 1)), checked by
   * hand from scikit-learn's count matrix; Alink's TF, count / tokens in the document, likewise.
   */
  @Test
  void frequencyOrderSparkIdfAndTfFollowTheirDefinitions() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply(Create.of(NlpTestSupport.corpusRows()).withRowSchema(TEXT))
            .apply("Tokenize", SKLEARN_TOKENS);
    Map<String, DocCountVectorizer.Fit> fits = new LinkedHashMap<>();
    fits.put("frequency", DocCountVectorizer.fit().withInputCol("tokens"));
    fits.put("spark", alphabetical().withFeatureType(FeatureType.TF_IDF).withIdf(IdfFormula.SPARK));
    fits.put("tf", alphabetical().withFeatureType(FeatureType.TF));
    for (Map.Entry<String, DocCountVectorizer.Fit> f : fits.entrySet()) {
      PCollection<DocCountVectorizerModel> model = rows.apply(f.getKey(), f.getValue());
      Kept.keep(model, "model-" + f.getKey());
      Kept.keep(
          rows.apply("Apply " + f.getKey(), DocCountVectorizer.transform(model)),
          "rows-" + f.getKey());
    }
    TestRunner.DIRECT.run(p);

    JsonNode ref = NlpTestSupport.referenceCase("count");
    List<String> terms = NlpTestSupport.strings(ref.get("vocabulary"));
    double[][] counts = NlpTestSupport.matrix(ref.get("matrix"));
    int n = counts.length;
    double[] occurrences = new double[terms.size()];
    long[] df = new long[terms.size()];
    double[] docLength = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < terms.size(); j++) {
        occurrences[j] += counts[i][j];
        df[j] += counts[i][j] > 0 ? 1 : 0;
        docLength[i] += counts[i][j];
      }
    }
    List<Integer> byFrequency = new ArrayList<>();
    for (int j = 0; j < terms.size(); j++) {
      byFrequency.add(j);
    }
    byFrequency.sort(
        Comparator.comparingDouble((Integer j) -> -occurrences[j]).thenComparing(terms::get));
    List<String> expectedVocabulary = byFrequency.stream().map(terms::get).toList();
    assertEquals(
        expectedVocabulary,
        Kept.<DocCountVectorizerModel>get("model-frequency").get(0).vocabulary());

    double[][] permuted = new double[n][terms.size()];
    double[][] spark = new double[n][terms.size()];
    double[][] tf = new double[n][terms.size()];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < terms.size(); j++) {
        permuted[i][j] = counts[i][byFrequency.get(j)];
        spark[i][j] = counts[i][j] * Math.log((n + 1.0) / (df[j] + 1.0));
        tf[i][j] = counts[i][j] == 0 ? 0.0 : counts[i][j] / docLength[i];
      }
    }
    assertMatrix(permuted, Kept.get("rows-frequency"), "features", "frequency order");
    assertMatrix(spark, Kept.get("rows-spark"), "features", "Spark IDF");
    assertMatrix(tf, Kept.get("rows-tf"), "features", "TF");
  }

  /**
   * RegexTokenizer, StopWordsRemover and DocCountVectorizer (TF-IDF, L2) in an MlPipeline: the
   * output equals scikit-learn's TfidfVectorizer(stop_words="english"); the model file WriteModel
   * wrote loads into a LocalPredictor that scores every row to the pipeline's own output.
   */
  @BoundedRunnerTest
  void textPipelineMatchesScikitLearnAndScoresTheSameWhenLoaded(TestRunner runner)
      throws IOException {
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(Create.of(NlpTestSupport.corpusRows()).withRowSchema(TEXT));
    MlPipeline pipeline =
        MlPipeline.of(
            SKLEARN_TOKENS,
            StopWordsRemover.of("tokens"),
            DocCountVectorizer.fit()
                .withInputCol("filtered")
                .withFeatureType(FeatureType.TF_IDF)
                .withNorm(Norm.L2)
                .withVocabularyOrder(VocabularyOrder.ALPHABETICAL));
    PCollection<PipelineModel> model = rows.apply(pipeline.fit());
    String file = dir.resolve("text-" + runner + ".blm").toString();
    model.apply(WriteModel.to(file));
    Kept.keep(rows.apply(MlPipeline.transform(model)), "text-pipeline-" + runner);
    runner.run(p);

    List<Row> scored = Kept.get("text-pipeline-" + runner);
    assertMatrix(
        NlpTestSupport.matrix(
            NlpTestSupport.referenceCase("tfidf_stop_words_english").get("matrix")),
        scored,
        "features",
        "pipeline");
    LocalPredictor predictor = LocalPredictor.load(Path.of(file));
    assertEquals(TEXT, predictor.inputSchema());
    PipelineModel loaded = ModelFile.read(Path.of(file), PipelineModel.class);
    assertEquals(3, loaded.stages().size());
    for (Row r : scored) {
      Row local = predictor.predict(NlpTestSupport.text(r.getString("text")));
      assertEquals(r.<String>getArray("tokens"), local.<String>getArray("tokens"));
      assertEquals(r.<String>getArray("filtered"), local.<String>getArray("filtered"));
      assertEquals(
          r.getLogicalTypeValue("features", Vector.class),
          local.getLogicalTypeValue("features", Vector.class));
    }
  }

  /**
   * Count and hashing vectorizers fitted on bounded rows score a stream (TestStream; Flink in
   * streaming mode): train [a b], [b c], [c c d] gives the vocabulary [c, b, a, d] by frequency.
   */
  @UnboundedRunnerTest
  void fittedVectorizersScoreAStream(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Row> train =
        p.apply(
            "Train",
            Create.of(tokens("a", "b"), tokens("b", "c"), tokens("c", "c", "d"))
                .withRowSchema(TOKENS));
    PCollection<DocCountVectorizerModel> counts =
        train.apply(
            "Count", DocCountVectorizer.fit().withInputCol("tokens").withOutputCol("counts"));
    PCollection<DocHashCountVectorizerModel> hashed =
        train.apply(
            "Hash",
            DocHashCountVectorizer.fit()
                .withInputCol("tokens")
                .withOutputCol("hashed")
                .withNumFeatures(1 << 10));
    TestStream<Row> stream =
        TestStream.create(TOKENS)
            .addElements(TimestampedValue.of(tokens("c", "a", "e", "c"), new Instant(0)))
            .advanceWatermarkTo(new Instant(5000))
            .addElements(TimestampedValue.of(tokens(), new Instant(6000)))
            .advanceWatermarkToInfinity();
    PCollection<Row> scored =
        p.apply("Stream", stream)
            .apply("Apply counts", DocCountVectorizer.transform(counts))
            .apply("Apply hashing", DocHashCountVectorizer.transform(hashed));
    Kept.keep(scored, "stream-" + runner);
    runner.run(p);
    List<Row> rows = Kept.get("stream-" + runner);
    assertEquals(2, rows.size());
    int c = DocHashCountVectorizerModel.indexOf("c", 1 << 10);
    int a = DocHashCountVectorizerModel.indexOf("a", 1 << 10);
    for (Row r : rows) {
      Vector count = r.getLogicalTypeValue("counts", Vector.class);
      Vector hash = r.getLogicalTypeValue("hashed", Vector.class);
      if (r.getArray("tokens").isEmpty()) {
        assertEquals(Vector.sparse(4, new int[0], new double[0]), count);
        assertEquals(0, hash.numNonzeros());
      } else {
        assertEquals(Vector.sparse(4, new int[] {0, 2}, new double[] {2, 1}), count);
        // "e" was never seen in the fit, so its bucket is not in the model (unless it shares one).
        assertEquals(2.0, hash.get(c));
        assertEquals(1.0, hash.get(a));
        assertEquals(3.0, hash.norm1());
      }
    }
  }

  /** Spark's IDF of a term in every document is 0, and a 0 is not stored in the sparse vector. */
  @Test
  void sparkIdfFollowsItsFormulaAndDropsZeros() {
    DocCountVectorizerModel m =
        DocCountVectorizerModel.of(
            "tokens",
            "f",
            List.of("every", "some", "rare"),
            new long[] {4, 2, 1},
            4,
            TermWeighting.of(FeatureType.TF_IDF, IdfFormula.SPARK, Norm.NONE, 1.0));
    assertArrayEquals(new double[] {0.0, Math.log(5.0 / 3.0), Math.log(5.0 / 2.0)}, m.idf(), 0.0);
    Vector v = m.vectorize(List.of("every", "some", "some", "rare"));
    assertEquals(2, v.numNonzeros());
    assertEquals(2 * Math.log(5.0 / 3.0), v.get(1), 0.0);
    assertEquals(Math.log(5.0 / 2.0), v.get(2), 0.0);
    DocCountVectorizerModel sk =
        m.withWeighting(
            TermWeighting.of(FeatureType.IDF, IdfFormula.SKLEARN_SMOOTH, Norm.NONE, 1.0));
    assertEquals(Math.log(5.0 / 5.0) + 1.0, sk.vectorize(List.of("every")).get(0), 0.0);
  }

  /** Spark's minTF: a count (>= 1) or a fraction of the document's tokens, per document. */
  @Test
  void minTFDropsTermsRareInTheirDocument() {
    DocCountVectorizerModel m =
        DocCountVectorizerModel.of(
            "tokens", "f", List.of("a", "b"), new long[] {1, 1}, 1, TermWeighting.COUNTS);
    List<String> doc = List.of("a", "a", "a", "b", "x");
    assertEquals(Vector.dense(3, 1), m.vectorize(doc).toDense());
    DocCountVectorizerModel two =
        m.withWeighting(TermWeighting.of(FeatureType.WORD_COUNT, IdfFormula.SPARK, Norm.NONE, 2));
    assertEquals(Vector.dense(3, 0), two.vectorize(doc).toDense());
    // 0.3 of 5 tokens is 1.5 occurrences: "b" (1) is dropped; "x" counts in the length.
    DocCountVectorizerModel fraction =
        m.withWeighting(TermWeighting.of(FeatureType.TF, IdfFormula.SPARK, Norm.NONE, 0.3));
    assertEquals(Vector.dense(0.6, 0), fraction.vectorize(doc).toDense());
  }

  @Test
  void rejectsMissingAndTextColumnsUnboundedInputAndBadBounds() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> text =
        p.apply("Text", Create.of(NlpTestSupport.text("a b")).withRowSchema(TEXT));
    String wrongType =
        assertThrows(
                IllegalArgumentException.class,
                () -> text.apply(DocCountVectorizer.fit().withInputCol("text")))
            .getMessage();
    assertTrue(
        wrongType.contains("DocCountVectorizer: column 'text' has type")
            && wrongType.contains("expected an array of STRING tokens"),
        wrongType);
    String missing =
        assertThrows(
                IllegalArgumentException.class,
                () -> text.apply(DocCountVectorizer.fit().withInputCol("tokens")))
            .getMessage();
    assertTrue(missing.contains("DocCountVectorizer: column 'tokens' not found"), missing);
    assertThrows(IllegalArgumentException.class, () -> text.apply(DocCountVectorizer.fit()));
    PCollection<Row> tokens = p.apply("Tokens", Create.of(tokens("a")).withRowSchema(TOKENS));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            tokens.apply(
                DocCountVectorizer.fit().withInputCol("tokens").withMinDF(3).withMaxDF(2)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            tokens.apply(DocCountVectorizer.fit().withInputCol("tokens").withOutputCol("tokens")));
    assertThrows(IllegalArgumentException.class, () -> DocCountVectorizer.fit().withMinDF(-1));
    assertThrows(
        IllegalArgumentException.class, () -> DocCountVectorizer.fit().withMaxDF(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> DocCountVectorizer.fit().withVocabSize(0));
    PCollection<Row> stream =
        p.apply("Stream", TestStream.create(TOKENS).advanceWatermarkToInfinity());
    String unbounded =
        assertThrows(
                IllegalArgumentException.class,
                () -> stream.apply(DocCountVectorizer.fit().withInputCol("tokens")))
            .getMessage();
    assertTrue(unbounded.contains("fits on bounded input"), unbounded);
  }

  @Test
  void failsOnAnEmptyCorpus() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.empty(TOKENS).withRowSchema(TOKENS))
        .apply(DocCountVectorizer.fit().withInputCol("tokens"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertEquals("DocCountVectorizer: no rows to fit on", rootMessage(e));
  }

  @Test
  void failsWhenNoTermPassesTheDocumentFrequencyBounds() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(tokens("a"), tokens("b")).withRowSchema(TOKENS))
        .apply(DocCountVectorizer.fit().withInputCol("tokens").withMinDF(2));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertTrue(rootMessage(e).startsWith("DocCountVectorizer: no terms remain"), rootMessage(e));
  }

  @Test
  void nullTokensFailTheFitNamingColumnAndRow() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(tokens("a"), tokens((String[]) null)).withRowSchema(TOKENS))
        .apply(DocCountVectorizer.fit().withInputCol("tokens"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertTrue(
        rootMessage(e).startsWith("DocCountVectorizer: column 'tokens' is null in row"),
        rootMessage(e));
  }

  @Test
  void modelRejectsNullTokensNamingColumnAndRow() {
    DocCountVectorizerModel m =
        DocCountVectorizerModel.of(
            "tokens", "f", List.of("a"), new long[] {1}, 1, TermWeighting.COUNTS);
    String message =
        assertThrows(
                IllegalArgumentException.class, () -> m.bind(TOKENS).apply(tokens((String[]) null)))
            .getMessage();
    assertTrue(message.contains("column 'tokens' is null in row"), message);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DocCountVectorizerModel.of(
                "tokens", "f", List.of("a", "a"), new long[] {1, 1}, 1, TermWeighting.COUNTS));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DocCountVectorizerModel.of(
                "tokens", "f", List.of("a"), new long[] {2}, 1, TermWeighting.COUNTS));
  }

  @Test
  void coderRoundTripsAndHeaderPreviewsTheVocabulary() {
    List<String> vocabulary = new ArrayList<>();
    long[] df = new long[40];
    for (int i = 0; i < 40; i++) {
      vocabulary.add("term" + i + "é");
      df[i] = 1 + i % 5;
    }
    DocCountVectorizerModel m =
        DocCountVectorizerModel.of(
            "tokens",
            "features",
            vocabulary,
            df,
            5,
            TermWeighting.of(FeatureType.TF_IDF, IdfFormula.SPARK, Norm.L2, 0.5));
    assertRoundTrips(m, DocCountVectorizerModel.Coder.of(), "doc-count-vectorizer-model");
    assertTrue(m.parameters().get("vocabulary").endsWith("term15é, ...]"));
    assertEquals("40", m.parameters().get("vocabularySize"));
  }
}
