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
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.nlp.DocHashCountVectorizerModel;
import org.beamlink.models.nlp.FeatureType;
import org.beamlink.models.nlp.IdfFormula;
import org.beamlink.models.nlp.Norm;
import org.beamlink.models.nlp.TermWeighting;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.pipeline.Kept;
import org.junit.jupiter.api.Test;

/**
 * DocHashCountVectorizer: Spark's HashingTF index, TF-IDF equal to scikit-learn's TfidfVectorizer
 * with the columns moved to the terms' buckets (no two corpus terms share a bucket of 2^18), minDF
 * per bucket, bad input and the coder. Reference: {@code vectorizer_reference.py} (see {@link
 * NlpTestSupport}); tolerance 1e-12 as in {@link DocCountVectorizerTest}.
 */
class DocHashCountVectorizerTest {
  private static final double TOL = 1e-12;
  private static final int BUCKETS = 1 << 18;

  private static final RegexTokenizer SKLEARN_TOKENS =
      RegexTokenizer.of("text").withPattern(RegexTokenizer.SKLEARN_TOKEN_PATTERN).withGaps(false);

  /**
   * PySpark's HashingTF documentation: ["a", "b", "c"] in 10 buckets is {5, 7, 8}; in 5 {0, 2, 3}.
   */
  @Test
  void hashesTokensAsSparkHashingTF() {
    assertEquals(7, DocHashCountVectorizerModel.indexOf("a", 10));
    assertEquals(5, DocHashCountVectorizerModel.indexOf("b", 10));
    assertEquals(8, DocHashCountVectorizerModel.indexOf("c", 10));
    assertEquals(2, DocHashCountVectorizerModel.indexOf("a", 5));
    assertEquals(0, DocHashCountVectorizerModel.indexOf("b", 5));
    assertEquals(3, DocHashCountVectorizerModel.indexOf("c", 5));
  }

  /**
   * Colliding tokens share their bucket's count; tokens of buckets the fit did not keep are
   * ignored.
   */
  @Test
  void countsPerBucketAndIgnoresBucketsNotKept() {
    DocHashCountVectorizerModel m =
        DocHashCountVectorizerModel.of(
            "tokens", "f", 10, new int[] {5, 7}, new long[] {2, 1}, 2, TermWeighting.COUNTS);
    // a -> 7, b -> 5, c -> 8 (not kept)
    assertEquals(
        Vector.sparse(10, new int[] {5, 7}, new double[] {2, 1}),
        m.vectorize(List.of("b", "a", "c", "b")));
    DocHashCountVectorizerModel tfidf =
        DocHashCountVectorizerModel.of(
            "tokens",
            "f",
            10,
            new int[] {5, 7},
            new long[] {2, 1},
            2,
            TermWeighting.of(FeatureType.TF_IDF, IdfFormula.SPARK, Norm.NONE, 1.0));
    assertEquals(
        Vector.sparse(10, new int[] {7}, new double[] {Math.log(3.0 / 2.0)}),
        tfidf.vectorize(List.of("b", "a")));
  }

  /**
   * Fitted on the corpus (Direct and Flink batch), TF-IDF with L2 equals scikit-learn's
   * TfidfVectorizer row by row, each term's column at its bucket; every term's bucket is kept.
   */
  @BoundedRunnerTest
  void tfidfEqualsScikitLearnsWithColumnsAtTheTermsBuckets(TestRunner runner) {
    JsonNode ref = NlpTestSupport.referenceCase("tfidf");
    List<String> terms = NlpTestSupport.strings(ref.get("vocabulary"));
    Set<Integer> buckets = new HashSet<>();
    terms.forEach(t -> buckets.add(DocHashCountVectorizerModel.indexOf(t, BUCKETS)));
    assertEquals(terms.size(), buckets.size(), "a collision would make the comparison moot");

    Pipeline p = runner.create();
    PCollection<Row> rows =
        p.apply(Create.of(NlpTestSupport.corpusRows()).withRowSchema(TEXT)).apply(SKLEARN_TOKENS);
    PCollection<DocHashCountVectorizerModel> model =
        rows.apply(
            DocHashCountVectorizer.fit()
                .withInputCol("tokens")
                .withFeatureType(FeatureType.TF_IDF)
                .withNorm(Norm.L2));
    Kept.keep(model, "hash-model-" + runner);
    Kept.keep(rows.apply(DocHashCountVectorizer.transform(model)), "hash-rows-" + runner);
    runner.run(p);

    DocHashCountVectorizerModel fitted =
        Kept.<DocHashCountVectorizerModel>get("hash-model-" + runner).get(0);
    assertEquals(13, fitted.numDocs());
    assertEquals(terms.size(), fitted.buckets().length);
    double[][] expected = NlpTestSupport.matrix(ref.get("matrix"));
    List<String> corpus = NlpTestSupport.corpus();
    List<Row> scored = Kept.get("hash-rows-" + runner);
    assertEquals(corpus.size(), scored.size());
    for (Row r : scored) {
      int doc = corpus.indexOf(r.getString("text"));
      Vector v = r.getLogicalTypeValue("features", Vector.class);
      assertEquals(BUCKETS, v.size());
      double[] moved = new double[terms.size()];
      for (int j = 0; j < moved.length; j++) {
        moved[j] = v.get(DocHashCountVectorizerModel.indexOf(terms.get(j), BUCKETS));
      }
      assertArrayEquals(expected[doc], moved, TOL, "document " + doc);
      assertEquals((int) Arrays.stream(expected[doc]).filter(x -> x != 0).count(), v.numNonzeros());
    }
  }

  /** minDF 2 keeps the buckets of scikit-learn's min_df=2 vocabulary, with their frequencies. */
  @Test
  void minDFKeepsBucketsInEnoughDocuments() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply(Create.of(NlpTestSupport.corpusRows()).withRowSchema(TEXT)).apply(SKLEARN_TOKENS);
    Kept.keep(
        rows.apply(DocHashCountVectorizer.fit().withInputCol("tokens").withMinDF(2)),
        "hash-min-df");
    TestRunner.DIRECT.run(p);
    DocHashCountVectorizerModel m = Kept.<DocHashCountVectorizerModel>get("hash-min-df").get(0);
    JsonNode binary = NlpTestSupport.referenceCase("count_binary_min_df_2");
    List<String> terms = NlpTestSupport.strings(binary.get("vocabulary"));
    double[][] present = NlpTestSupport.matrix(binary.get("matrix"));
    int[] expected =
        terms.stream()
            .mapToInt(t -> DocHashCountVectorizerModel.indexOf(t, BUCKETS))
            .sorted()
            .toArray();
    assertArrayEquals(expected, m.buckets());
    long[] df = m.documentFrequencies();
    int[] buckets = m.buckets();
    for (int j = 0; j < terms.size(); j++) {
      long count = 0;
      for (double[] row : present) {
        count += (long) row[j];
      }
      int pos =
          Arrays.binarySearch(buckets, DocHashCountVectorizerModel.indexOf(terms.get(j), BUCKETS));
      assertEquals(count, df[pos], terms.get(j));
    }
  }

  @Test
  void rejectsTextColumnsAndBadParameters() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> text = p.apply(Create.of(NlpTestSupport.text("a")).withRowSchema(TEXT));
    String wrongType =
        assertThrows(
                IllegalArgumentException.class,
                () -> text.apply(DocHashCountVectorizer.fit().withInputCol("text")))
            .getMessage();
    assertTrue(wrongType.contains("DocHashCountVectorizer: column 'text' has type"), wrongType);
    assertThrows(
        IllegalArgumentException.class,
        () -> text.apply(DocHashCountVectorizer.fit().withInputCol("body")));
    assertThrows(
        IllegalArgumentException.class, () -> DocHashCountVectorizer.fit().withNumFeatures(0));
    assertThrows(IllegalArgumentException.class, () -> DocHashCountVectorizer.fit().withMinTF(-1));
  }

  @Test
  void failsOnAnEmptyCorpus() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.empty(TOKENS).withRowSchema(TOKENS))
        .apply(DocHashCountVectorizer.fit().withInputCol("tokens"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertEquals("DocHashCountVectorizer: no rows to fit on", rootMessage(e));
  }

  @Test
  void modelRejectsNullTokensAndUnorderedBuckets() {
    DocHashCountVectorizerModel m =
        DocHashCountVectorizerModel.of(
            "tokens", "f", 10, new int[] {5}, new long[] {1}, 1, TermWeighting.COUNTS);
    String message =
        assertThrows(
                IllegalArgumentException.class, () -> m.bind(TOKENS).apply(tokens((String[]) null)))
            .getMessage();
    assertTrue(message.contains("DocHashCountVectorizer: column 'tokens' is null in row"), message);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DocHashCountVectorizerModel.of(
                "tokens", "f", 10, new int[] {7, 5}, new long[] {1, 1}, 1, TermWeighting.COUNTS));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DocHashCountVectorizerModel.of(
                "tokens", "f", 10, new int[] {10}, new long[] {1}, 1, TermWeighting.COUNTS));
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        DocHashCountVectorizerModel.of(
            "tokens",
            "features",
            BUCKETS,
            new int[] {3, 70_000, 200_000},
            new long[] {1, 4, 2},
            4,
            TermWeighting.of(FeatureType.BINARY, IdfFormula.SPARK, Norm.L1, 2)),
        DocHashCountVectorizerModel.Coder.of(),
        "doc-hash-count-vectorizer-model");
  }
}
