package org.beamlink.transforms.clustering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.iteration.Execution;
import org.beamlink.models.clustering.LdaInference;
import org.beamlink.models.clustering.LdaModel;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.LocalPredictor;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.pipeline.Kept;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Lda} against scikit-learn 1.2.1's {@code LatentDirichletAllocation} on the counts of 121
 * documents of the committed text sample (examples/data/spam-assassin-sample.csv, 200 terms, one
 * empty document). The corpus, the initial topic-word matrix and the numbers are in
 * src/test/resources/clustering/lda_reference.json, made by lda_reference.py beside it, which says
 * how scikit-learn is run from the same start (the stored lambda, every document's gamma from ones)
 * and with the same mini-batches.
 */
class LdaTest {
  /**
   * Relative tolerance (of the larger of the value and 1) against scikit-learn with its digamma
   * replaced by scipy's ("exact" in the reference): the same arithmetic from the same start, apart
   * from the order of sums and log-gamma (commons-math3's against scipy's). Measured: 4e-13 on
   * lambda after ten passes; 1e-9 leaves room for summation order over 15 passes and still fails on
   * any change of method.
   */
  private static final double EXACT_TOLERANCE = 1e-9;

  /**
   * Relative tolerance against scikit-learn as it ships ("sklearn" in the reference), whose Cython
   * digamma stops its series at the x^-6 term from x >= 6 (errors up to 2.5e-9): that moves lambda
   * by up to 1.9e-7 relative over ten passes (the reference's max_rel_diff), and 1e-6 leaves room
   * for that, while a prior off by 1% or a missed eps moves lambda by far more.
   */
  private static final double SKLEARN_TOLERANCE = 1e-6;

  private static final Schema DOCS =
      Schema.builder().addInt32Field("id").addField("counts", VectorLogicalType.FIELD_TYPE).build();

  private static JsonNode reference;

  private static synchronized JsonNode reference() {
    if (reference == null) {
      try (InputStream in = LdaTest.class.getResourceAsStream("/clustering/lda_reference.json")) {
        reference = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return reference;
  }

  private static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  private static int vocabularySize() {
    return reference().get("vocabulary").size();
  }

  /** The reference corpus's count vectors, sparse, in document order. */
  private static List<Vector> documents() {
    List<Vector> docs = new ArrayList<>();
    for (JsonNode d : reference().get("docs")) {
      JsonNode ids = d.get("indices");
      int[] indices = new int[ids.size()];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = ids.get(i).asInt();
      }
      docs.add(Vector.sparse(vocabularySize(), indices, doubles(d.get("counts"))));
    }
    return docs;
  }

  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    List<Vector> docs = documents();
    for (int i = 0; i < docs.size(); i++) {
      rows.add(Row.withSchema(DOCS).addValues(i, docs.get(i)).build());
    }
    return rows;
  }

  private static List<String> vocabulary() {
    List<String> terms = new ArrayList<>();
    reference().get("vocabulary").forEach(t -> terms.add(t.asText()));
    return terms;
  }

  private static List<Vector> initialTopics() {
    List<Vector> topics = new ArrayList<>();
    reference().get("init").forEach(row -> topics.add(Vector.dense(doubles(row))));
    return topics;
  }

  /** Case {@code name} of the reference: "exact" or "sklearn" (see lda_reference.py). */
  private static JsonNode reference(String variant, String name) {
    return reference().get(variant).get(name);
  }

  /** The fit of a reference case: its start, passes and options. */
  private static Lda.Fit referenceFit(String name) {
    JsonNode ref = reference("exact", name);
    Lda.Fit fit =
        Lda.fit()
            .withVectorCol("counts")
            .withK(reference().get("k").asInt())
            .withInitialTopics(initialTopics())
            .withMaxIter(ref.get("max_iter").asInt());
    if (ref.has("evaluate_every")) {
      fit =
          fit.withEvaluateEvery(ref.get("evaluate_every").asInt())
              .withPerpTol(ref.get("perp_tol").asDouble());
    }
    if (name.equals("online")) {
      fit =
          fit.withMethod(Lda.Method.ONLINE)
              .withSeed(ref.get("seed").asLong())
              .withMiniBatchFraction(ref.get("fraction").asDouble())
              .withLearningOffset(ref.get("learning_offset").asDouble())
              .withLearningDecay(ref.get("learning_decay").asDouble());
    }
    return fit;
  }

  private static void assertClose(double expected, double actual, double tolerance, String what) {
    double scale = Math.max(1.0, Math.abs(expected));
    assertTrue(
        Math.abs(expected - actual) <= tolerance * scale,
        what + ": expected " + expected + ", got " + actual);
  }

  private static void assertClose(double expected, double actual, String what) {
    assertClose(expected, actual, EXACT_TOLERANCE, what);
  }

  /** The model equals scikit-learn's, both variants, each to its tolerance. */
  private static void assertMatches(String name, LdaModel m) {
    assertMatches("exact", name, m, EXACT_TOLERANCE);
    assertMatches("sklearn", name, m, SKLEARN_TOLERANCE);
  }

  /** Lambda, bound, perplexity and probe distributions equal the variant's to {@code tol}. */
  private static void assertMatches(String variant, String name, LdaModel m, double tol) {
    JsonNode ref = reference(variant, name);
    name = variant + " " + name;
    int k = reference().get("k").asInt();
    assertEquals(k, m.k());
    assertEquals(vocabularySize(), m.vocabularySize());
    for (int t = 0; t < k; t++) {
      double[] expected = doubles(ref.get("lambda").get(t));
      double[] actual = m.topicWordParameters(t);
      for (int w = 0; w < expected.length; w++) {
        assertClose(expected[w], actual[w], tol, name + " lambda[" + t + "][" + w + "]");
      }
    }
    List<Vector> docs = documents();
    assertClose(ref.get("bound").asDouble(), m.logLikelihood(docs), tol, name + " bound");
    assertClose(
        ref.get("bound").asDouble(), -m.provenance().finalLoss(), tol, name + " final loss");
    assertClose(ref.get("perplexity").asDouble(), m.perplexity(docs), tol, name + " perplexity");
    assertEquals(docs.size(), m.provenance().rows());
    JsonNode probes = ref.get("probe_docs");
    for (int i = 0; i < probes.size(); i++) {
      double[] expected = doubles(ref.get("probe_topics").get(i));
      double[] actual = m.topicDistribution(docs.get(probes.get(i).asInt()));
      for (int t = 0; t < k; t++) {
        assertClose(expected[t], actual[t], tol, name + " topics of document " + probes.get(i));
      }
    }
  }

  /** Fits case {@code name} on {@code runner} on both paths; the distributed path's model. */
  private static LdaModel fitOnBothPaths(TestRunner runner, String name) {
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(Create.of(rows()).withRowSchema(DOCS));
    for (Execution path : new Execution[] {Execution.DISTRIBUTED, Execution.IN_WORKER}) {
      Kept.keep(
          rows.apply(path.name(), referenceFit(name).withBlockSize(32).withExecution(path)),
          "lda/" + name + runner + path);
    }
    runner.run(p);
    LdaModel distributed =
        Kept.<LdaModel>get("lda/" + name + runner + Execution.DISTRIBUTED).get(0);
    assertEquals(
        distributed,
        Kept.<LdaModel>get("lda/" + name + runner + Execution.IN_WORKER).get(0),
        "both execution paths give the same model, bit for bit");
    return distributed;
  }

  @BoundedRunnerTest
  void batchMatchesSklearnOnBothPaths(TestRunner runner) {
    LdaModel m = fitOnBothPaths(runner, "batch");
    assertMatches("batch", m);
    assertEquals(10, m.provenance().iterations());
    double[] curve = m.provenance().lossCurve();
    assertEquals(11, curve.length, "the bound before every pass and after the last");
    for (int i = 1; i < curve.length; i++) {
      assertTrue(curve[i] < curve[i - 1], "the negative bound falls every pass: " + curve[i]);
    }
  }

  /**
   * With the perplexity evaluated every 2nd pass and tolerance 3, scikit-learn stops after pass 10
   * of 15 (its n_iter_ is 9: it does not count the pass it stops after); so does Lda.
   */
  @BoundedRunnerTest
  void batchStopsWhenThePerplexityChangesLessThanPerpTol(TestRunner runner) {
    LdaModel m = fitOnBothPaths(runner, "batch_early");
    assertMatches("batch_early", m);
    assertEquals(
        reference("sklearn", "batch_early").get("n_iter").asInt() + 1, m.provenance().iterations());
  }

  @BoundedRunnerTest
  void onlineMatchesSklearnWithTheSameMiniBatches(TestRunner runner) {
    LdaModel m = fitOnBothPaths(runner, "online");
    assertMatches("online", m);
    assertEquals(12, m.provenance().iterations());
  }

  /** A mini-batch size b is the fraction b / D of the D documents: the same model, bit for bit. */
  @Test
  void miniBatchSizeIsTheFractionOfTheDocuments() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(rows()).withRowSchema(DOCS));
    Lda.Fit online = referenceFit("online");
    Kept.keep(rows.apply("Size", online.withMiniBatchSize(40)), "lda/size");
    Kept.keep(rows.apply("Fraction", online.withMiniBatchFraction(40 / 121.0)), "lda/fraction");
    TestRunner.DIRECT.run(p);
    LdaModel bySize = Kept.<LdaModel>get("lda/size").get(0);
    LdaModel byFraction = Kept.<LdaModel>get("lda/fraction").get(0);
    for (int t = 0; t < bySize.k(); t++) {
      assertTrue(
          Arrays.equals(bySize.topicWordParameters(t), byFraction.topicWordParameters(t)),
          "topic " + t);
    }
    assertEquals("40", bySize.provenance().parameters().get("miniBatchSize"));
    assertThrows(IllegalArgumentException.class, () -> Lda.fit().withMiniBatchSize(0));
  }

  /** Lda's mini-batch membership is the script's: the same batch sizes for the same seed. */
  @Test
  void miniBatchesAreTheReferenceScriptsHashes() {
    JsonNode ref = reference("exact", "online");
    List<Vector> docs = documents();
    JsonNode sizes = ref.get("batch_sizes");
    for (int t = 1; t <= sizes.size(); t++) {
      int n = 0;
      for (Vector d : docs) {
        if (LdaTraining.inMiniBatch(
            LdaInference.termCounts(d),
            ref.get("seed").asLong(),
            t,
            ref.get("fraction").asDouble())) {
          n++;
        }
      }
      assertEquals(sizes.get(t - 1).asInt(), n, "mini-batch " + t);
    }
  }

  @Test
  void sameModelOnDirectAndFlinkAtParallelismOneAndTwo() {
    String[][] setups = {{"DIRECT", ""}, {"FLINK_BATCH", "1"}, {"FLINK_BATCH", "2"}};
    for (String[] s : setups) {
      TestRunner runner = TestRunner.valueOf(s[0]);
      Pipeline p = s[1].isEmpty() ? runner.create() : runner.create("--parallelism=" + s[1]);
      Kept.keep(
          p.apply(Create.of(rows()).withRowSchema(DOCS))
              .apply(referenceFit("batch").withBlockSize(16).withExecution(Execution.DISTRIBUTED)),
          "lda/setup/" + s[0] + s[1]);
      runner.run(p);
    }
    LdaModel direct = Kept.<LdaModel>get("lda/setup/DIRECT").get(0);
    assertMatches("batch", direct);
    for (String key : new String[] {"lda/setup/FLINK_BATCH1", "lda/setup/FLINK_BATCH2"}) {
      LdaModel flink = Kept.<LdaModel>get(key).get(0);
      for (int t = 0; t < direct.k(); t++) {
        double[] a = direct.topicWordParameters(t);
        double[] b = flink.topicWordParameters(t);
        for (int w = 0; w < a.length; w++) {
          assertEquals(a[w], b[w], 1e-9 * Math.max(1, Math.abs(a[w])), key);
        }
      }
      assertEquals(direct.provenance().finalLoss(), flink.provenance().finalLoss(), 1e-7, key);
    }
  }

  /**
   * Without initial topics lambda starts from Gamma(100, 0.01) draws of the seed: the same model on
   * both paths and on a second run, a different one for another seed, and a lower perplexity than
   * the start.
   */
  @BoundedRunnerTest
  void seededStartIsDeterministic(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(Create.of(rows()).withRowSchema(DOCS));
    Lda.Fit fit = Lda.fit().withVectorCol("counts").withK(4).withMaxIter(5).withSeed(7);
    Kept.keep(rows.apply("A", fit.withExecution(Execution.DISTRIBUTED)), "lda/seed/a" + runner);
    Kept.keep(rows.apply("B", fit.withExecution(Execution.IN_WORKER)), "lda/seed/b" + runner);
    Kept.keep(rows.apply("C", fit.withSeed(8)), "lda/seed/c" + runner);
    runner.run(p);
    LdaModel a = Kept.<LdaModel>get("lda/seed/a" + runner).get(0);
    assertEquals(a, Kept.<LdaModel>get("lda/seed/b" + runner).get(0));
    LdaModel c = Kept.<LdaModel>get("lda/seed/c" + runner).get(0);
    assertTrue(!Arrays.equals(a.topicWordParameters(0), c.topicWordParameters(0)));
    double[] curve = a.provenance().lossCurve();
    assertTrue(curve[curve.length - 1] < curve[0], Arrays.toString(curve));
    assertEquals("gamma", a.provenance().parameters().get("init"));
  }

  @Test
  void describeTopicsNamesTheHeaviestTerms() {
    Pipeline p = TestRunner.DIRECT.create();
    Kept.keep(
        p.apply(Create.of(rows()).withRowSchema(DOCS))
            .apply(referenceFit("batch").withVocabulary(vocabulary())),
        "lda/describe");
    TestRunner.DIRECT.run(p);
    LdaModel m = Kept.<LdaModel>get("lda/describe").get(0);
    List<LdaModel.Topic> topics = m.describeTopics(5);
    assertEquals(5, topics.size());
    double[][] lambda = new double[5][];
    for (int t = 0; t < 5; t++) {
      lambda[t] = doubles(reference("exact", "batch").get("lambda").get(t));
    }
    for (int t = 0; t < 5; t++) {
      LdaModel.Topic topic = topics.get(t);
      double sum = Arrays.stream(lambda[t]).sum();
      // scikit-learn's heaviest terms of topic t: its components_ row sorted, descending.
      Integer[] order = new Integer[lambda[t].length];
      for (int w = 0; w < order.length; w++) {
        order[w] = w;
      }
      final int topicIndex = t;
      Arrays.sort(order, (x, y) -> Double.compare(lambda[topicIndex][y], lambda[topicIndex][x]));
      for (int i = 0; i < 5; i++) {
        assertEquals(order[i].intValue(), topic.termIndices()[i], "topic " + t + " term " + i);
        assertEquals(vocabulary().get(order[i]), topic.terms().get(i));
        assertClose(lambda[t][order[i]] / sum, topic.termWeights()[i], "weight");
      }
    }
    assertTrue(m.withVocabulary(List.of()).describeTopics(3).get(0).terms().isEmpty());
  }

  /** Transform appends scikit-learn's topic distributions to bounded rows, on every runner. */
  @BoundedRunnerTest
  void transformAppendsTheTopicDistribution(TestRunner runner) {
    JsonNode ref = reference("exact", "batch");
    Map<Integer, double[]> expected = new HashMap<>();
    JsonNode probes = ref.get("probe_docs");
    for (int i = 0; i < probes.size(); i++) {
      expected.put(probes.get(i).asInt(), doubles(ref.get("probe_topics").get(i)));
    }
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(Create.of(rows()).withRowSchema(DOCS));
    PCollection<LdaModel> model = rows.apply(referenceFit("batch").withTopicDistributionCol("t"));
    PAssert.that(rows.apply(Lda.transform(model)))
        .satisfies(
            scored -> {
              int n = 0;
              for (Row r : scored) {
                n++;
                double[] theta = r.getLogicalTypeValue("t", Vector.class).toArray();
                assertEquals(1.0, Arrays.stream(theta).sum(), 1e-12);
                double[] want = expected.get(r.getInt32("id"));
                if (want != null) {
                  for (int t = 0; t < want.length; t++) {
                    assertClose(want[t], theta[t], "document " + r.getInt32("id"));
                  }
                }
              }
              assertEquals(121, n);
              return null;
            });
    runner.run(p);
  }

  /** A model fitted on bounded rows scores an unbounded stream with scikit-learn's numbers. */
  @UnboundedRunnerTest
  void transformsAStream(TestRunner runner) {
    JsonNode ref = reference("exact", "batch");
    List<Row> all = rows();
    Pipeline p = runner.create();
    PCollection<LdaModel> model =
        p.apply("Training", Create.of(all).withRowSchema(DOCS)).apply(referenceFit("batch"));
    JsonNode probes = ref.get("probe_docs");
    Map<Integer, double[]> expected = new HashMap<>();
    TestStream.Builder<Row> stream = TestStream.create(DOCS);
    for (int i = 0; i < probes.size(); i++) {
      int doc = probes.get(i).asInt();
      expected.put(doc, doubles(ref.get("probe_topics").get(i)));
      stream = stream.addElements(TimestampedValue.of(all.get(doc), new Instant(i * 1000L)));
      if (i == 1) {
        stream = stream.advanceWatermarkTo(new Instant(5000));
      }
    }
    PCollection<Row> scored =
        p.apply("Stream", stream.advanceWatermarkToInfinity()).apply(Lda.transform(model));
    PAssert.that(scored)
        .satisfies(
            out -> {
              int n = 0;
              for (Row r : out) {
                n++;
                double[] want = expected.get(r.getInt32("id"));
                double[] theta =
                    r.getLogicalTypeValue(LdaModel.DEFAULT_OUTPUT_COL, Vector.class).toArray();
                for (int t = 0; t < want.length; t++) {
                  assertClose(want[t], theta[t], "streamed document " + r.getInt32("id"));
                }
              }
              assertEquals(expected.size(), n);
              return null;
            });
    runner.run(p);
  }

  @Test
  void saveLoadAndLocalPredictorScoreTheSame(@TempDir Path dir) throws IOException {
    Pipeline p = TestRunner.DIRECT.create();
    Kept.keep(
        p.apply(Create.of(rows()).withRowSchema(DOCS))
            .apply(referenceFit("batch").withVocabulary(vocabulary())),
        "lda/saved");
    TestRunner.DIRECT.run(p);
    LdaModel fitted = Kept.<LdaModel>get("lda/saved").get(0);
    Path file = dir.resolve("lda.blm");
    ModelFile.write(fitted, file);
    LdaModel loaded = ModelFile.read(file, LdaModel.class);
    assertEquals(fitted, loaded);
    assertEquals(vocabulary(), loaded.vocabulary());
    LocalPredictor local = LocalPredictor.load(file, DOCS);
    for (Row row : rows()) {
      Row scored = local.predict(row);
      assertEquals(
          Vector.dense(fitted.topicDistribution(row.getLogicalTypeValue("counts", Vector.class))),
          scored.getLogicalTypeValue(LdaModel.DEFAULT_OUTPUT_COL, Vector.class));
    }
  }

  @Test
  void parametersHaveDefaults() {
    Lda.Fit fit = Lda.fit();
    assertEquals(10, fit.k());
    assertEquals(10, fit.maxIter());
    assertNull(fit.docTopicPrior());
    assertNull(fit.topicWordPrior());
    assertEquals(Lda.Method.BATCH, fit.method());
    assertEquals(10.0, fit.learningOffset());
    assertEquals(0.7, fit.learningDecay());
    assertEquals(0.05, fit.miniBatchFraction());
    assertEquals(100, fit.maxDocUpdateIter());
    assertEquals(1e-3, fit.meanChangeTol());
    assertEquals(0, fit.evaluateEvery());
    assertEquals(0.1, fit.perpTol());
    assertEquals(0L, fit.seed());
    assertNull(fit.initialTopics());
    assertEquals(Execution.AUTO, fit.iterationSettings().execution());
    assertEquals("topicDistribution", fit.topicDistributionCol());
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> Lda.fit().withK(1));
    assertThrows(IllegalArgumentException.class, () -> Lda.fit().withMaxIter(0));
    assertThrows(IllegalArgumentException.class, () -> Lda.fit().withDocTopicPrior(0));
    assertThrows(IllegalArgumentException.class, () -> Lda.fit().withTopicWordPrior(-1));
    assertThrows(IllegalArgumentException.class, () -> Lda.fit().withLearningDecay(1.5));
    assertThrows(IllegalArgumentException.class, () -> Lda.fit().withMiniBatchFraction(0));
    assertThrows(IllegalArgumentException.class, () -> Lda.fit().withMeanChangeTol(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Lda.fit().withEvaluateEvery(-1));
    assertThrows(IllegalArgumentException.class, () -> Lda.fit().withInitialTopics(List.of()));
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(rows()).withRowSchema(DOCS));
    IllegalArgumentException online =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(
                    Lda.fit()
                        .withVectorCol("counts")
                        .withMethod(Lda.Method.ONLINE)
                        .withEvaluateEvery(1)));
    assertTrue(online.getMessage().contains("evaluateEvery applies to batch"), online.getMessage());
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(
                    "Sizes",
                    Lda.fit()
                        .withVectorCol("counts")
                        .withK(2)
                        .withInitialTopics(List.of(Vector.dense(1, 2), Vector.dense(1, 2, 3)))));
    assertTrue(size.getMessage().contains("has size 3; expected 2"), size.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> rows.apply("M", Lda.fit().withVectorCol("tf")));
    assertTrue(missing.getMessage().contains("'tf' not found"), missing.getMessage());
  }

  private static String failureOf(List<Row> rows, Lda.Fit fit) {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(rows).withRowSchema(DOCS)).apply(fit);
    Throwable e = assertThrows(Throwable.class, () -> TestRunner.DIRECT.run(p));
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" | ");
    }
    return all.toString();
  }

  private static Row doc(int id, Vector counts) {
    return Row.withSchema(DOCS).addValues(id, counts).build();
  }

  @Test
  void badDataFailsWithClearMessages() {
    Lda.Fit fit = Lda.fit().withVectorCol("counts").withK(2).withMaxIter(2);
    String negative =
        failureOf(List.of(doc(0, Vector.dense(1, 2, 0)), doc(1, Vector.dense(0, -1, 3))), fit);
    assertTrue(negative.contains("Term 1 has count -1.0"), negative);
    assertTrue(negative.contains("in row"), negative);
    String nan =
        failureOf(
            List.of(doc(0, Vector.dense(1, 2, 0)), doc(1, Vector.dense(0, Double.NaN, 3))), fit);
    assertTrue(nan.contains("NaN"), nan);
    String sizes =
        failureOf(
            List.of(
                doc(0, Vector.dense(1, 2, 0)),
                doc(1, Vector.dense(0, 1)),
                doc(2, Vector.dense(4, 1, 1))),
            fit.withBlockSize(1));
    assertTrue(sizes.matches("(?s).*size [23] in some rows .*"), sizes);
    String empty = failureOf(List.of(), fit);
    assertTrue(empty.contains("Lda needs documents; the input is empty"), empty);
    String emptyGiven =
        failureOf(
            List.of(), fit.withInitialTopics(List.of(Vector.dense(1, 1), Vector.dense(2, 1))));
    assertTrue(emptyGiven.contains("Lda needs documents; the input is empty"), emptyGiven);
    String noWords =
        failureOf(
            List.of(doc(0, Vector.sparse(3, new int[0], new double[0])), doc(1, Vector.zeros(3))),
            fit);
    assertTrue(noWords.contains("all 2 documents of"), noWords);
    assertTrue(noWords.contains("are empty"), noWords);
  }

  @Test
  void transformFailsOnVectorsOfTheWrongSizeNamingTheRow() {
    LdaModel model =
        LdaModel.of(
            2,
            new double[] {1, 2, 3, 4, 5, 6},
            0.5,
            0.5,
            100,
            1e-3,
            org.beamlink.models.rows.FeatureColumns.ofVector("counts"),
            org.beamlink.models.Provenance.of("Lda", Map.of(), 0L, 1, 0.0, 1));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> model.bind(DOCS).apply(doc(3, Vector.dense(1, 2))));
    assertTrue(
        e.getMessage().contains("has size 2 but the model's vocabulary has 3"), e.getMessage());
    assertTrue(e.getMessage().contains("in row"), e.getMessage());
    double[] emptyDoc = model.topicDistribution(Vector.zeros(3));
    assertEquals(0.5, emptyDoc[0], 1e-15, "an empty document has the prior's distribution");
  }
}
