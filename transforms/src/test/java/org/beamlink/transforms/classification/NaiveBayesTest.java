package org.beamlink.transforms.classification;

import static org.beamlink.transforms.linear.LinearTestSupport.csv;
import static org.beamlink.transforms.linear.LinearTestSupport.featureNames;
import static org.beamlink.transforms.linear.LinearTestSupport.rootMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.Provenance;
import org.beamlink.models.classification.NaiveBayesModel;
import org.beamlink.models.classification.NaiveBayesModelType;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.LocalPredictor;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.clustering.TestData;
import org.beamlink.transforms.pipeline.Kept;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.pipeline.WriteModel;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NaiveBayes against scikit-learn. Every reference number comes from {@code
 * src/test/resources/classification/naive_bayes_reference.json}, written by {@code
 * naive_bayes_reference.py} beside it (scikit-learn 1.2.1 MultinomialNB, BernoulliNB, GaussianNB)
 * on the digits and iris files the other tests use.
 */
class NaiveBayesTest {
  private static final String[] DIGITS = featureNames(64);
  private static final String[] IRIS = {
    "sepal_length", "sepal_width", "petal_length", "petal_width"
  };
  private static final Schema COUNTS =
      Schema.builder()
          .addField("counts", VectorLogicalType.FIELD_TYPE)
          .addStringField("label")
          .build();

  /**
   * Log-probabilities to 1e-12: counts are integers, so every sum is exact and the only rounding is
   * one log (Java's and numpy's differ by at most an ulp, ~1e-15 here).
   */
  private static final double LOG_PROB_TOL = 1e-12;

  /**
   * Probabilities to 1e-10: a row's joint log likelihood (magnitude up to ~1e3 on digits) is a sum
   * of 64 products whose order differs from numpy's matrix product, so it differs in the last bits
   * (~1e-13 absolute); the probabilities move by that times themselves.
   */
  private static final double PROBA_TOL = 1e-10;

  @TempDir Path dir;

  private static JsonNode reference;

  private static synchronized JsonNode ref(String name) {
    if (reference == null) {
      try (InputStream in =
          NaiveBayesTest.class.getResourceAsStream("/classification/naive_bayes_reference.json")) {
        reference = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return reference.get(name);
  }

  private static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  private static double[][] matrix(JsonNode rows) {
    double[][] out = new double[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = doubles(rows.get(i));
    }
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static void assertMatrix(double[][] expected, double[][] actual, double tol) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], actual[i], tol, "row " + i);
    }
  }

  /** Relative to the reference value, for quantities of any scale (iris variances, epsilon). */
  private static void assertRelative(double[][] expected, double[][] actual, double tol) {
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        double e = expected[i][j];
        assertEquals(e, actual[i][j], tol * Math.abs(e), "[" + i + "][" + j + "]");
      }
    }
  }

  private static List<Row> digits() {
    return csv("digits.csv", FieldType.INT32);
  }

  private static Schema digitsSchema() {
    return digits().get(0).getSchema();
  }

  private static NaiveBayes.Fit multinomial() {
    return NaiveBayes.fit().withLabelCol("label").withFeatureCols(DIGITS);
  }

  private static NaiveBayes.Fit bernoulli() {
    return multinomial()
        .withModelType(NaiveBayesModelType.BERNOULLI)
        .withSmoothing(0.5)
        .withBinarize(4.0);
  }

  private static NaiveBayes.Fit gaussian() {
    return NaiveBayes.fit()
        .withModelType(NaiveBayesModelType.GAUSSIAN)
        .withLabelCol("species")
        .withFeatureCols(IRIS);
  }

  private static void assertMatchesDiscrete(NaiveBayesModel m, String caseName) {
    JsonNode r = ref(caseName);
    assertEquals(strings(r.get("classes")), m.labelValues());
    assertArrayEquals(doubles(r.get("class_count")), m.classCounts(), 0.0);
    assertArrayEquals(doubles(r.get("class_log_prior")), m.classLogPrior(), LOG_PROB_TOL);
    assertMatrix(matrix(r.get("feature_count")), m.featureCounts(), 0.0);
    assertMatrix(matrix(r.get("feature_log_prob")), m.featureLogProb(), LOG_PROB_TOL);
  }

  /**
   * Theta, var and the priors to 1e-12 relative: one-pass weighted moments against numpy's two-pass
   * mean and variance differ by a few ulps on iris's 50 rows per class.
   */
  private static void assertMatchesGaussian(NaiveBayesModel m) {
    JsonNode r = ref("gaussian_iris");
    assertEquals(strings(r.get("classes")), m.labelValues());
    assertArrayEquals(doubles(r.get("class_count")), m.classCounts(), 0.0);
    double[] priors = m.classLogPrior();
    double[] expected = doubles(r.get("class_prior"));
    for (int c = 0; c < priors.length; c++) {
      assertEquals(expected[c], Math.exp(priors[c]), 1e-12);
    }
    assertRelative(matrix(r.get("theta")), m.theta(), 1e-12);
    assertRelative(matrix(r.get("var")), m.var(), 1e-12);
    assertEquals(r.get("epsilon").asDouble(), m.epsilon(), 1e-12 * m.epsilon());
  }

  private static void assertPredictions(List<Row> scored, String caseName, String labelCol) {
    List<String> expected = strings(ref(caseName).get("predictions"));
    assertEquals(expected.size(), scored.size());
    // Rows come back in any order: pair them with the reference by their row index, kept in
    // the "row" column.
    for (Row r : scored) {
      int i = r.getInt32("row");
      Object predicted = r.getValue("prediction");
      assertEquals(expected.get(i), String.valueOf(predicted), "row " + i + ": " + r);
      assertEquals(
          r.getSchema().getField(labelCol).getType(),
          r.getSchema().getField("prediction").getType());
    }
  }

  private static Schema indexed(Schema schema) {
    return Schema.builder().addFields(schema.getFields()).addInt32Field("row").build();
  }

  private static List<Row> withIndex(List<Row> rows) {
    Schema schema = indexed(rows.get(0).getSchema());
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      out.add(Row.withSchema(schema).addValues(rows.get(i).getValues()).addValue(i).build());
    }
    return out;
  }

  /**
   * One pipeline per runner fits the three models once and scores every row: the models match
   * scikit-learn on both runners, Flink's equal Direct's (exactly for the count models, whose sums
   * are integers; to 1e-12 for the Gaussian moments, merged in another order), and every prediction
   * equals scikit-learn's, with the label column's type.
   */
  @Test
  void fitsMatchSklearnAndAreTheSameOnDirectAndFlink() {
    List<Row> digits = withIndex(digits());
    List<Row> iris = withIndex(TestData.iris());
    for (TestRunner runner : List.of(TestRunner.DIRECT, TestRunner.FLINK_BATCH)) {
      Pipeline p = runner.create();
      PCollection<Row> digitRows =
          p.apply("Digits", Create.of(digits).withRowSchema(digits.get(0).getSchema()));
      PCollection<Row> irisRows =
          p.apply("Iris", Create.of(iris).withRowSchema(iris.get(0).getSchema()));
      PCollection<NaiveBayesModel> mnb = digitRows.apply("Multinomial", multinomial());
      PCollection<NaiveBayesModel> bnb = digitRows.apply("Bernoulli", bernoulli());
      PCollection<NaiveBayesModel> gnb = irisRows.apply("Gaussian", gaussian());
      PCollection<Row> mnbScored = digitRows.apply("Score multinomial", NaiveBayes.predict(mnb));
      assertEquals(FieldType.INT32, mnbScored.getSchema().getField("prediction").getType());
      Kept.keep(mnb, "mnb-" + runner);
      Kept.keep(bnb, "bnb-" + runner);
      Kept.keep(gnb, "gnb-" + runner);
      Kept.keep(mnbScored, "mnb-scored-" + runner);
      Kept.keep(
          digitRows.apply("Score bernoulli", NaiveBayes.predict(bnb)), "bnb-scored-" + runner);
      Kept.keep(irisRows.apply("Score gaussian", NaiveBayes.predict(gnb)), "gnb-scored-" + runner);
      runner.run(p);

      assertMatchesDiscrete(
          Kept.<NaiveBayesModel>get("mnb-" + runner).get(0), "multinomial_digits");
      assertMatchesDiscrete(Kept.<NaiveBayesModel>get("bnb-" + runner).get(0), "bernoulli_digits");
      assertMatchesGaussian(Kept.<NaiveBayesModel>get("gnb-" + runner).get(0));
      assertPredictions(Kept.get("mnb-scored-" + runner), "multinomial_digits", "label");
      assertPredictions(Kept.get("bnb-scored-" + runner), "bernoulli_digits", "label");
      assertPredictions(Kept.get("gnb-scored-" + runner), "gaussian_iris", "species");
    }
    assertEquals(
        Kept.<NaiveBayesModel>get("mnb-" + TestRunner.DIRECT).get(0),
        Kept.<NaiveBayesModel>get("mnb-" + TestRunner.FLINK_BATCH).get(0));
    assertEquals(
        Kept.<NaiveBayesModel>get("bnb-" + TestRunner.DIRECT).get(0),
        Kept.<NaiveBayesModel>get("bnb-" + TestRunner.FLINK_BATCH).get(0));
    NaiveBayesModel direct = Kept.<NaiveBayesModel>get("gnb-" + TestRunner.DIRECT).get(0);
    NaiveBayesModel flink = Kept.<NaiveBayesModel>get("gnb-" + TestRunner.FLINK_BATCH).get(0);
    assertRelative(direct.theta(), flink.theta(), 1e-12);
    assertRelative(direct.var(), flink.var(), 1e-12);
    assertEquals(
        1797, Kept.<NaiveBayesModel>get("mnb-" + TestRunner.DIRECT).get(0).provenance().rows());
  }

  /** The fitted models' class probabilities equal predict_proba on every 10th row. */
  @Test
  void probabilitiesMatchSklearnPredictProba() {
    List<Row> digits = digits();
    List<Row> iris = TestData.iris();
    Map<String, NaiveBayesModel> models = fitDirect(digits, iris);
    for (String caseName : List.of("multinomial_digits", "bernoulli_digits", "gaussian_iris")) {
      NaiveBayesModel m = models.get(caseName);
      List<Row> rows = caseName.startsWith("gaussian") ? iris : digits;
      String[] cols = caseName.startsWith("gaussian") ? IRIS : DIGITS;
      double[][] expected = matrix(ref(caseName).get("proba_every_10th"));
      for (int i = 0; i < expected.length; i++) {
        Vector x = dense(rows.get(10 * i), cols);
        assertArrayEquals(expected[i], m.probabilities(x), PROBA_TOL, caseName + " row " + 10 * i);
      }
    }
  }

  private Map<String, NaiveBayesModel> fitDirect(List<Row> digits, List<Row> iris) {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> digitRows =
        p.apply("Digits", Create.of(digits).withRowSchema(digits.get(0).getSchema()));
    Kept.keep(digitRows.apply("Multinomial", multinomial()), "proba-mnb");
    Kept.keep(digitRows.apply("Bernoulli", bernoulli()), "proba-bnb");
    Kept.keep(
        p.apply("Iris", Create.of(iris).withRowSchema(TestData.IRIS)).apply(gaussian()),
        "proba-gnb");
    TestRunner.DIRECT.run(p);
    return Map.of(
        "multinomial_digits", Kept.<NaiveBayesModel>get("proba-mnb").get(0),
        "bernoulli_digits", Kept.<NaiveBayesModel>get("proba-bnb").get(0),
        "gaussian_iris", Kept.<NaiveBayesModel>get("proba-gnb").get(0));
  }

  private static Vector dense(Row row, String[] cols) {
    double[] v = new double[cols.length];
    for (int j = 0; j < cols.length; j++) {
      v[j] = row.getDouble(cols[j]);
    }
    return Vector.dense(v);
  }

  /**
   * A model built from scikit-learn's own fitted counts gives its log-probabilities and
   * predict_proba: the scoring, checked apart from the fit.
   */
  @Test
  void modelFromSklearnCountsScoresAsSklearn() {
    for (String caseName : List.of("multinomial_digits", "bernoulli_digits")) {
      JsonNode r = ref(caseName);
      boolean bern = caseName.startsWith("bernoulli");
      NaiveBayesModel m =
          NaiveBayesModel.discrete(
              bern ? NaiveBayesModelType.BERNOULLI : NaiveBayesModelType.MULTINOMIAL,
              FeatureColumns.of(List.of(DIGITS)),
              strings(r.get("classes")),
              TypeName.INT32,
              doubles(r.get("class_count")),
              matrix(r.get("feature_count")),
              bern ? 0.5 : 1.0,
              bern ? 4.0 : 0.0,
              Provenance.of("sklearn", Map.of(), 0, 1, Double.NaN, 1797));
      assertMatrix(matrix(r.get("feature_log_prob")), m.featureLogProb(), LOG_PROB_TOL);
      double[][] proba = matrix(r.get("proba_every_10th"));
      List<Row> rows = digits();
      List<String> predictions = strings(r.get("predictions"));
      for (int i = 0; i < rows.size(); i++) {
        Vector x = dense(rows.get(i), DIGITS);
        assertEquals(predictions.get(i), m.labelValues().get(m.predictIndex(x)), "row " + i);
        if (i % 10 == 0) {
          assertArrayEquals(proba[i / 10], m.probabilities(x), PROBA_TOL, "row " + i);
        }
      }
    }
  }

  /**
   * scikit-learn's MultinomialNB with sample_weight = i % 3 (zero weights included) is our fit with
   * that weight column.
   */
  @Test
  void weightedFitMatchesSklearnSampleWeight() {
    List<Row> digits = digits();
    Schema schema =
        Schema.builder()
            .addFields(digits.get(0).getSchema().getFields())
            .addDoubleField("w")
            .build();
    List<Row> weighted = new ArrayList<>();
    for (int i = 0; i < digits.size(); i++) {
      weighted.add(
          Row.withSchema(schema)
              .addValues(digits.get(i).getValues())
              .addValue(i % 3 * 1.0)
              .build());
    }
    Pipeline p = TestRunner.DIRECT.create();
    Kept.keep(
        p.apply(Create.of(weighted).withRowSchema(schema)).apply(multinomial().withWeightCol("w")),
        "weighted-mnb");
    TestRunner.DIRECT.run(p);
    assertMatchesDiscrete(
        Kept.<NaiveBayesModel>get("weighted-mnb").get(0), "multinomial_digits_weighted");
  }

  /**
   * For every model type, a row of weight w fits as w copies of the row: counts exactly (integer
   * sums), Gaussian moments to 1e-12 relative (weighted one-pass updates against repeated ones).
   */
  @Test
  void weightsEqualRepeatedRows() {
    List<Row> iris = TestData.iris();
    Schema schema =
        Schema.builder().addFields(TestData.IRIS.getFields()).addDoubleField("w").build();
    List<Row> weighted = new ArrayList<>();
    List<Row> repeated = new ArrayList<>();
    for (int i = 0; i < iris.size(); i++) {
      int w = 1 + i % 3;
      weighted.add(
          Row.withSchema(schema).addValues(iris.get(i).getValues()).addValue((double) w).build());
      for (int copy = 0; copy < w; copy++) {
        repeated.add(iris.get(i));
      }
    }
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> w = p.apply("Weighted", Create.of(weighted).withRowSchema(schema));
    PCollection<Row> r = p.apply("Repeated", Create.of(repeated).withRowSchema(TestData.IRIS));
    for (NaiveBayesModelType type : NaiveBayesModelType.values()) {
      NaiveBayes.Fit fit = gaussian().withModelType(type);
      Kept.keep(w.apply("Weighted " + type, fit.withWeightCol("w")), "w-" + type);
      Kept.keep(r.apply("Repeated " + type, fit), "r-" + type);
    }
    TestRunner.DIRECT.run(p);
    for (NaiveBayesModelType type : NaiveBayesModelType.values()) {
      NaiveBayesModel weightedModel = Kept.<NaiveBayesModel>get("w-" + type).get(0);
      NaiveBayesModel repeatedModel = Kept.<NaiveBayesModel>get("r-" + type).get(0);
      assertArrayEquals(repeatedModel.classCounts(), weightedModel.classCounts(), 0.0);
      if (type == NaiveBayesModelType.GAUSSIAN) {
        assertRelative(repeatedModel.theta(), weightedModel.theta(), 1e-12);
        assertRelative(repeatedModel.var(), weightedModel.var(), 1e-12);
      } else {
        // w * x against x added w times: equal to rounding.
        assertRelative(repeatedModel.featureCounts(), weightedModel.featureCounts(), 1e-12);
        assertMatrix(repeatedModel.featureLogProb(), weightedModel.featureLogProb(), 1e-12);
      }
    }
  }

  private static Row counts(Vector v, String label) {
    return Row.withSchema(COUNTS).addValues(v, label).build();
  }

  private static List<Row> spamHam() {
    return List.of(
        counts(Vector.sparse(6, new int[] {0, 1}, new double[] {3, 1}), "spam"),
        counts(Vector.sparse(6, new int[] {0, 2}, new double[] {2, 2}), "spam"),
        counts(Vector.sparse(6, new int[] {3, 4}, new double[] {1, 2}), "ham"),
        counts(Vector.sparse(6, new int[] {4, 5}, new double[] {1, 3}), "ham"));
  }

  /**
   * With two labels, {@code withProbabilityCol} appends P(spam) (spam sorts after ham), equal to
   * the detail vector's second entry, on the fitted model and in a pipeline.
   */
  @Test
  void probabilityColumnHoldsThePositiveClassProbability() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(spamHam()).withRowSchema(COUNTS));
    NaiveBayes.Fit fit =
        NaiveBayes.fit().withLabelCol("label").withVectorCol("counts").withProbabilityCol("pSpam");
    PCollection<NaiveBayesModel> model = rows.apply("Fit", fit);
    PCollection<Row> scored = rows.apply("Score", NaiveBayes.predict(model));
    PCollection<Row> piped =
        rows.apply("Pipeline", MlPipeline.transform(rows.apply(MlPipeline.of(fit).fit())));
    for (PCollection<Row> out : List.of(scored, piped)) {
      assertEquals(FieldType.DOUBLE, out.getSchema().getField("pSpam").getType());
      PAssert.that(out)
          .satisfies(
              all -> {
                int n = 0;
                for (Row r : all) {
                  n++;
                  Vector detail = r.getLogicalTypeValue("predictionDetail", Vector.class);
                  assertEquals(detail.get(1), r.getDouble("pSpam"), 0.0);
                  assertEquals(r.getString("label"), r.getDouble("pSpam") > 0.5 ? "spam" : "ham");
                }
                assertEquals(4, n);
                return null;
              });
    }
    TestRunner.DIRECT.run(p);
  }

  @Test
  void probabilityColumnNeedsTwoLabels() {
    List<Row> three = new ArrayList<>(spamHam());
    three.add(counts(Vector.sparse(6, new int[] {5}, new double[] {1}), "eggs"));
    String message =
        fitFailure(
            three,
            COUNTS,
            NaiveBayes.fit().withLabelCol("label").withVectorCol("counts").withProbabilityCol("p"));
    assertEquals(
        "A probability column needs a model of two labels; this one has 3: [eggs, ham, spam]",
        message);
  }

  /** Sparse and dense forms of a row score the same; a sparse row's score reads only non-zeros. */
  @Test
  void sparseAndDenseRowsScoreTheSame() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(spamHam()).withRowSchema(COUNTS));
    for (NaiveBayesModelType type : NaiveBayesModelType.values()) {
      Kept.keep(
          rows.apply(
              type.name(),
              NaiveBayes.fit().withModelType(type).withLabelCol("label").withVectorCol("counts")),
          "sd-" + type);
    }
    TestRunner.DIRECT.run(p);
    Vector sparse = Vector.sparse(6, new int[] {0, 4}, new double[] {1.5, 2});
    for (NaiveBayesModelType type : NaiveBayesModelType.values()) {
      NaiveBayesModel m = Kept.<NaiveBayesModel>get("sd-" + type).get(0);
      assertArrayEquals(
          m.jointLogLikelihood(sparse.toDense()), m.jointLogLikelihood(sparse), 1e-12, type.name());
      double[] p0 = m.probabilities(sparse);
      assertEquals(1.0, p0[0] + p0[1], 1e-12);
    }
    NaiveBayesModel mnb = Kept.<NaiveBayesModel>get("sd-MULTINOMIAL").get(0);
    assertEquals(List.of("ham", "spam"), mnb.labelValues());
    assertEquals(
        "spam",
        mnb.labelValues().get(mnb.predictIndex(Vector.sparse(6, new int[] {0}, new double[] {1}))));
    assertEquals(
        "ham",
        mnb.labelValues().get(mnb.predictIndex(Vector.sparse(6, new int[] {5}, new double[] {1}))));
  }

  /** A model fitted on bounded rows scores a stream (TestStream; Flink in streaming mode). */
  @UnboundedRunnerTest
  void predictsOnAStream(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<NaiveBayesModel> model =
        p.apply("Train", Create.of(spamHam()).withRowSchema(COUNTS))
            .apply(NaiveBayes.fit().withLabelCol("label").withVectorCol("counts"));
    TestStream<Row> stream =
        TestStream.create(COUNTS)
            .addElements(
                TimestampedValue.of(
                    counts(Vector.sparse(6, new int[] {0}, new double[] {4}), "spam"),
                    new Instant(0)))
            .advanceWatermarkTo(new Instant(5000))
            .addElements(
                TimestampedValue.of(
                    counts(Vector.sparse(6, new int[] {4, 5}, new double[] {2, 2}), "ham"),
                    new Instant(6000)))
            .advanceWatermarkToInfinity();
    PAssert.that(p.apply("Stream", stream).apply(NaiveBayes.predict(model)))
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                assertEquals(r.getString("label"), r.getString("prediction"));
                Vector detail = r.getLogicalTypeValue("predictionDetail", Vector.class);
                assertEquals(1.0, detail.get(0) + detail.get(1), 1e-12);
              }
              assertEquals(2, n);
              return null;
            });
    runner.run(p);
  }

  /**
   * A Gaussian model as a stage of an MlPipeline saves to a model file, loads back equal, and a
   * LocalPredictor on the file scores every iris row as the pipeline did, to the last bit; the
   * model itself also saves alone and its coder round-trips.
   */
  @Test
  void savesLoadsAndScoresInALocalPredictor() throws IOException {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
    PCollection<PipelineModel> model =
        rows.apply(MlPipeline.of(gaussian().withPredictionCol("predicted")).fit());
    String file = dir.resolve("nb.blm").toString();
    model.apply(WriteModel.to(file));
    Kept.keep(model, "nb-pipeline");
    Kept.keep(rows.apply(MlPipeline.transform(model)), "nb-pipeline-scored");
    Kept.keep(
        rows.apply("Alone", bernoulli().withLabelCol("species").withFeatureCols(IRIS)), "nb-alone");
    TestRunner.DIRECT.run(p);

    PipelineModel fitted = Kept.<PipelineModel>get("nb-pipeline").get(0);
    assertEquals(fitted, ModelFile.read(Path.of(file), PipelineModel.class));
    LocalPredictor local = LocalPredictor.load(Path.of(file));
    List<Row> scored = Kept.get("nb-pipeline-scored");
    assertEquals(150, scored.size());
    int correct = 0;
    for (Row r : scored) {
      Row in = Row.withSchema(TestData.IRIS).addValues(r.getValues().subList(0, 5)).build();
      assertEquals(local.predict(in), r);
      correct += r.getString("species").equals(r.getString("predicted")) ? 1 : 0;
    }
    // scikit-learn's GaussianNB gets 144 of 150 iris rows right (training accuracy 0.96).
    assertEquals(144, correct);

    NaiveBayesModel alone = Kept.<NaiveBayesModel>get("nb-alone").get(0);
    Path aloneFile = dir.resolve("bernoulli.blm");
    ModelFile.write(alone, aloneFile);
    assertEquals(alone, ModelFile.read(aloneFile, NaiveBayesModel.class));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    NaiveBayesModel.Coder.of().encode(alone, bytes);
    assertEquals(
        alone, NaiveBayesModel.Coder.of().decode(new ByteArrayInputStream(bytes.toByteArray())));
    assertEquals("BERNOULLI", alone.parameters().get("modelType"));
    assertEquals("naive-bayes-model", ModelFile.header(aloneFile).get("type"));
  }

  private static String fitFailure(List<Row> rows, Schema schema, NaiveBayes.Fit fit) {
    Pipeline p = TestRunner.DIRECT.create();
    (rows.isEmpty()
            ? p.apply(Create.empty(schema))
            : p.apply(Create.of(rows).withRowSchema(schema)))
        .apply(fit);
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    return rootMessage(e);
  }

  @Test
  void rejectsNegativeCountsNamingColumnValueAndRow() {
    List<Row> rows = new ArrayList<>(spamHam());
    rows.add(counts(Vector.dense(0, 0, -2, 0, 0, 1), "ham"));
    for (NaiveBayesModelType type :
        List.of(NaiveBayesModelType.MULTINOMIAL, NaiveBayesModelType.BERNOULLI)) {
      String message =
          fitFailure(
              rows,
              COUNTS,
              NaiveBayes.fit().withModelType(type).withLabelCol("label").withVectorCol("counts"));
      assertTrue(message.contains("vector column 'counts' at index 2"), message);
      assertTrue(message.contains("negative value -2.0"), message);
      assertTrue(message.contains("ham"), message);
    }
    NaiveBayesModel m =
        NaiveBayesModel.discrete(
            NaiveBayesModelType.MULTINOMIAL,
            FeatureColumns.ofVector("counts"),
            List.of("ham", "spam"),
            TypeName.STRING,
            new double[] {1, 1},
            new double[][] {{1, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0}},
            1.0,
            0.0,
            Provenance.of("test", Map.of(), 0, 1, Double.NaN, 2));
    IllegalArgumentException scoring =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.bind(COUNTS).apply(counts(Vector.dense(0, 0, -2, 0, 0, 1), "ham")));
    assertTrue(
        scoring.getMessage().contains("negative value -2.0 at index 2"), scoring.getMessage());
    assertTrue(scoring.getMessage().contains("in row"), scoring.getMessage());
  }

  @Test
  void rejectsNaNFeaturesAndWrongVectorSizes() {
    List<Row> rows = new ArrayList<>(spamHam());
    rows.add(counts(Vector.dense(0, Double.NaN, 0, 0, 0, 1), "ham"));
    String nan =
        fitFailure(rows, COUNTS, NaiveBayes.fit().withLabelCol("label").withVectorCol("counts"));
    assertTrue(nan.contains("'counts'") && nan.contains("NaN"), nan);

    List<Row> sizes = new ArrayList<>(spamHam());
    sizes.add(counts(Vector.dense(1, 2, 3), "ham"));
    String size =
        fitFailure(sizes, COUNTS, NaiveBayes.fit().withLabelCol("label").withVectorCol("counts"));
    assertTrue(size.contains("size 3") && size.contains("size 6"), size);

    Schema iris = TestData.IRIS;
    Row nanIris = Row.withSchema(iris).addValues(Double.NaN, 1.0, 1.0, 1.0, "setosa").build();
    List<Row> irisRows = new ArrayList<>(TestData.iris());
    irisRows.add(nanIris);
    String gaussianNan = fitFailure(irisRows, iris, gaussian());
    assertTrue(gaussianNan.contains("'sepal_length'") && gaussianNan.contains("NaN"), gaussianNan);
  }

  @Test
  void scoringRejectsAVectorOfTheWrongSize() {
    Pipeline p = TestRunner.DIRECT.create();
    Kept.keep(
        p.apply(Create.of(spamHam()).withRowSchema(COUNTS))
            .apply(NaiveBayes.fit().withLabelCol("label").withVectorCol("counts")),
        "wrong-size");
    TestRunner.DIRECT.run(p);
    NaiveBayesModel m = Kept.<NaiveBayesModel>get("wrong-size").get(0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.bind(COUNTS).apply(counts(Vector.dense(1, 2), "spam")));
    assertTrue(e.getMessage().contains("size 2 but the model has 6 features"), e.getMessage());
    assertTrue(e.getMessage().contains("in row"), e.getMessage());
  }

  @Test
  void rejectsEmptyInputAndASingleClass() {
    String empty =
        fitFailure(
            List.of(), COUNTS, NaiveBayes.fit().withLabelCol("label").withVectorCol("counts"));
    assertEquals("NaiveBayes: no rows to fit on", empty);
    String single =
        fitFailure(
            spamHam().subList(0, 2),
            COUNTS,
            NaiveBayes.fit().withLabelCol("label").withVectorCol("counts"));
    assertTrue(single.contains("at least 2 distinct labels in column 'label'"), single);
  }

  @Test
  void rejectsBadColumnsAtConstruction() {
    Schema schema =
        Schema.builder()
            .addField("counts", VectorLogicalType.FIELD_TYPE)
            .addStringField("text")
            .addField("vectorLabel", VectorLogicalType.FIELD_TYPE)
            .addStringField("label")
            .addStringField("prediction")
            .build();
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.empty(schema));
    IllegalArgumentException labelType =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(
                    NaiveBayes.fit()
                        .withLabelCol("vectorLabel")
                        .withVectorCol("counts")
                        .withPredictionCol("p")));
    assertTrue(
        labelType.getMessage().contains("Label column 'vectorLabel' has type"),
        labelType.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(NaiveBayes.fit().withLabelCol("y").withVectorCol("counts")));
    assertTrue(missing.getMessage().contains("'y' not found"), missing.getMessage());
    IllegalArgumentException notVector =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(NaiveBayes.fit().withLabelCol("label").withVectorCol("text")));
    assertTrue(notVector.getMessage().contains("'text'"), notVector.getMessage());
    IllegalArgumentException exists =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(NaiveBayes.fit().withLabelCol("label").withVectorCol("counts")));
    assertTrue(exists.getMessage().contains("'prediction' already exists"), exists.getMessage());
    IllegalArgumentException noLabel =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(NaiveBayes.fit().withVectorCol("counts")));
    assertTrue(noLabel.getMessage().contains("withLabelCol"), noLabel.getMessage());
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> NaiveBayes.fit().withSmoothing(-1));
    assertThrows(IllegalArgumentException.class, () -> NaiveBayes.fit().withSmoothing(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> NaiveBayes.fit().withBinarize(-0.5));
    assertThrows(
        IllegalArgumentException.class,
        () -> NaiveBayes.fit().withVarSmoothing(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> NaiveBayes.fit().withModelType(null));
    assertThrows(IllegalArgumentException.class, () -> NaiveBayes.fit().withFeatureCols());
    assertThrows(IllegalArgumentException.class, () -> NaiveBayes.fit().withLabelCol(""));
    IllegalArgumentException msg =
        assertThrows(IllegalArgumentException.class, () -> NaiveBayes.fit().withSmoothing(-1));
    assertEquals("Expected smoothing >= 0 and finite, got -1.0", msg.getMessage());
  }

  /** A weight below 0 fails, naming the weight column, value and row. */
  @Test
  void rejectsNegativeWeights() {
    Schema schema = Schema.builder().addFields(COUNTS.getFields()).addDoubleField("w").build();
    List<Row> rows = new ArrayList<>();
    for (Row r : spamHam()) {
      rows.add(Row.withSchema(schema).addValues(r.getValues()).addValue(1.0).build());
    }
    rows.add(
        Row.withSchema(schema)
            .addValues(Vector.sparse(6, new int[] {1}, new double[] {1}), "spam", -0.5)
            .build());
    String message =
        fitFailure(
            rows,
            schema,
            NaiveBayes.fit().withLabelCol("label").withVectorCol("counts").withWeightCol("w"));
    assertTrue(message.contains("weight column 'w' has value -0.5"), message);
  }
}
