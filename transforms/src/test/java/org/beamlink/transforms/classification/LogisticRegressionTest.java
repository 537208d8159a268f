package org.beamlink.transforms.classification;

import static org.beamlink.transforms.linear.LinearTestSupport.coefficientError;
import static org.beamlink.transforms.linear.LinearTestSupport.csv;
import static org.beamlink.transforms.linear.LinearTestSupport.doubles;
import static org.beamlink.transforms.linear.LinearTestSupport.featureNames;
import static org.beamlink.transforms.linear.LinearTestSupport.keep;
import static org.beamlink.transforms.linear.LinearTestSupport.maxRelativeError;
import static org.beamlink.transforms.linear.LinearTestSupport.model;
import static org.beamlink.transforms.linear.LinearTestSupport.reference;
import static org.beamlink.transforms.linear.LinearTestSupport.rootMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.StopReason;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.optim.OptimMethod;
import org.beamlink.models.pipeline.LocalPredictor;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.evaluation.BinaryClassificationEvaluation;
import org.beamlink.transforms.evaluation.BinaryMetrics;
import org.beamlink.transforms.io.ColumnarFiles;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.io.ReadParquet;
import org.beamlink.transforms.io.ReadParquetBlocks;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.pipeline.Kept;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.pipeline.WriteModel;
import org.beamlink.transforms.regression.LinearRegression;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogisticRegressionTest {
  private static final Schema.FieldType INT = Schema.FieldType.INT32;

  @TempDir Path dir;

  /**
   * linear_reference.json case logistic_breast_cancer_std: scikit-learn {@code
   * LogisticRegression(C=1/(n*0.01))} fitted on X / s (s = column std, ddof 1), coefficients
   * divided by s: exactly our objective with l2 = 0.01 and standardization on.
   */
  private static LinearFit breastCancerFit() {
    return LogisticRegression.fit()
        .withLabelCol("label")
        .withFeatureCols(featureNames(30))
        .withL2(1e-2)
        .withTol(0.0)
        .withMaxIter(500)
        .withNumTasks(2);
  }

  private static void assertMatchesReference(LinearModel m, String caseName, double coefTol) {
    JsonNode ref = reference(caseName);
    double err = coefficientError(m, ref, 1e-3);
    assertTrue(err < coefTol, "coefficients off by " + err + ": " + m);
    assertEquals(ref.get("intercept").asDouble(), m.intercepts()[0], coefTol * 10);
    assertEquals(ref.get("F").asDouble(), m.provenance().finalLoss(), 1e-7);
  }

  /**
   * Both runners match scikit-learn at convergence. Runners cut rows into blocks differently, so
   * sums differ in their last bits, and at the optimum the loss is flat to rounding: converged
   * coefficients agree only to about 1e-8. For the same number of iterations (15) they agree to
   * 1e-9.
   */
  @Test
  void breastCancerMatchesSklearnAndIsTheSameOnDirectAndFlink() {
    for (TestRunner runner : List.of(TestRunner.DIRECT, TestRunner.FLINK_BATCH)) {
      Pipeline p = runner.create("--parallelism=2");
      PCollection<Row> rows =
          p.apply(
              Create.of(csv("breast_cancer.csv", INT))
                  .withRowSchema(schemaOf("breast_cancer.csv")));
      keep(rows.apply("Converged", breastCancerFit()), "bc-" + runner);
      keep(rows.apply("Fifteen", breastCancerFit().withMaxIter(15)), "bc15-" + runner);
      runner.run(p);
      assertMatchesReference(model("bc-" + runner), "logistic_breast_cancer_std", 1e-4);
    }
    LinearModel direct = model("bc15-" + TestRunner.DIRECT);
    LinearModel flink = model("bc15-" + TestRunner.FLINK_BATCH);
    assertEquals(15, direct.provenance().iterations());
    assertTrue(maxRelativeError(flink.coefficients(), direct.coefficients(), 1e-3) < 1e-9);
    assertArrayEquals(direct.intercepts(), flink.intercepts(), 1e-9);
    assertEquals(List.of("0", "1"), model("bc-" + TestRunner.DIRECT).labelValues());
  }

  /**
   * The CSV file read straight into blocks ({@link LinearFit#fromCsv}) on both runners:
   * scikit-learn's model to the same tolerance as from rows, and after 15 iterations the model
   * fitted on ReadCsv's rows to 1e-9 (as runners agree: blocks hold other rows).
   */
  @Test
  void breastCancerFromCsvMatchesSklearnAndTheFitOnRows() throws Exception {
    String file =
        Path.of(LogisticRegressionTest.class.getResource("/linear/breast_cancer.csv").toURI())
            .toString();
    for (TestRunner runner : List.of(TestRunner.DIRECT, TestRunner.FLINK_BATCH)) {
      Pipeline p = runner.create("--parallelism=2");
      keep(p.apply("Converged", breastCancerFit().fromCsv(ReadCsv.from(file))), "csv-" + runner);
      keep(
          p.apply("Fifteen", breastCancerFit().withMaxIter(15).fromCsv(ReadCsv.from(file))),
          "csv15-" + runner);
      keep(
          p.apply("Rows", ReadCsv.from(file))
              .apply("Rows fifteen", breastCancerFit().withMaxIter(15)),
          "rows15-" + runner);
      runner.run(p);
      assertMatchesReference(model("csv-" + runner), "logistic_breast_cancer_std", 1e-4);
      assertEquals(List.of("0", "1"), model("csv-" + runner).labelValues());
      LinearModel csv = model("csv15-" + runner);
      LinearModel rows = model("rows15-" + runner);
      assertEquals(15, csv.provenance().iterations());
      assertTrue(maxRelativeError(rows.coefficients(), csv.coefficients(), 1e-3) < 1e-9);
      assertArrayEquals(rows.intercepts(), csv.intercepts(), 1e-9);
    }
  }

  /**
   * The Parquet file (every column double, written from the CSV) read straight into blocks ({@link
   * LinearFit#fromParquet}) on Flink: after 15 iterations the model fitted on ReadParquet's rows to
   * 1e-9 (blocks hold other rows).
   */
  @Test
  void breastCancerFromParquetMatchesTheFitOnRows(@TempDir Path dir) throws Exception {
    String csv =
        Path.of(LogisticRegressionTest.class.getResource("/linear/breast_cancer.csv").toURI())
            .toString();
    String prefix = dir.resolve("breast_cancer").toString();
    ColumnarFiles.main(new String[] {csv, prefix});
    String file = prefix + ".parquet";
    Pipeline p = TestRunner.FLINK_BATCH.create("--parallelism=2");
    keep(
        p.apply(
            "Fifteen", breastCancerFit().withMaxIter(15).fromParquet(ReadParquetBlocks.from(file))),
        "parquet15");
    keep(
        p.apply("Rows", ReadParquet.from(file))
            .apply("Rows fifteen", breastCancerFit().withMaxIter(15)),
        "parquet-rows15");
    TestRunner.FLINK_BATCH.run(p);
    LinearModel parquet = model("parquet15");
    LinearModel rows = model("parquet-rows15");
    assertEquals(15, parquet.provenance().iterations());
    assertEquals(569, parquet.provenance().rows());
    assertTrue(maxRelativeError(rows.coefficients(), parquet.coefficients(), 1e-3) < 1e-9);
    assertArrayEquals(rows.intercepts(), parquet.intercepts(), 1e-9);
  }

  @Test
  void newtonReachesTheSameOptimum() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply(
            Create.of(csv("breast_cancer.csv", INT)).withRowSchema(schemaOf("breast_cancer.csv")));
    // A gradient tolerance, not breastCancerFit's 0: with tol 0 Newton runs on to the precision
    // limit, and how many last steps still decrease the loss by a few ulps depends on the order
    // of the partition sums (one full DirectRunner run took 30 iterations and failed here).
    keep(
        rows.apply(breastCancerFit().withOptimMethod(OptimMethod.NEWTON).withTol(1e-9)),
        "bc-newton");
    TestRunner.DIRECT.run(p);
    LinearModel m = model("bc-newton");
    assertMatchesReference(m, "logistic_breast_cancer_std", 1e-4);
    assertEquals(StopReason.GRADIENT, m.provenance().stopReason());
    assertTrue(m.provenance().iterations() < 15, "Newton took " + m.provenance().iterations());
  }

  /**
   * Mini-batch SGD (half the rows a step, step size 10 / sqrt(t), 300 steps) on 20k generated rows
   * comes within 0.05 of the coefficients L-BFGS finds on the same rows, and a second run with the
   * same seed samples the same rows.
   */
  @Test
  void sgdApproachesTheOptimumAndIsDeterministic() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply(GenerateSequence.from(0).to(20_000))
            .apply(MapElements.via(new GeneratedRow()))
            .setRowSchema(GENERATED);
    LinearFit base =
        LogisticRegression.fit()
            .withLabelCol("label")
            .withVectorCol("features")
            .withStandardization(false)
            .withL2(1e-3);
    keep(rows.apply("L-BFGS", base.withTol(0.0).withMaxIter(200)), "sgd-reference");
    LinearFit sgd =
        base.withOptimMethod(OptimMethod.SGD)
            .withMaxIter(300)
            .withTol(0.0)
            .withStepSize(10.0)
            .withMiniBatchFraction(0.5)
            .withSeed(7);
    keep(rows.apply("SGD 1", sgd), "sgd-1");
    keep(rows.apply("SGD 2", sgd), "sgd-2");
    TestRunner.DIRECT.run(p);
    LinearModel first = model("sgd-1");
    // The same rows are sampled in both runs; blocks may be cut differently, so sums can differ
    // in their last bits.
    assertTrue(maxRelativeError(first.coefficients(), model("sgd-2").coefficients(), 1) < 1e-9);
    double optimum = model("sgd-reference").provenance().finalLoss();
    // The recorded loss is a mini-batch's (half the rows), before the last step: noisy.
    assertEquals(optimum, first.provenance().finalLoss(), 1e-2);
    assertArrayEquals(model("sgd-reference").coefficients(), first.coefficients(), 0.05);
  }

  @Test
  void warmStartContinuesWhereTheInitialModelStopped() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply(
            Create.of(csv("breast_cancer.csv", INT)).withRowSchema(schemaOf("breast_cancer.csv")));
    PCollection<LinearModel> early = rows.apply("Early", breastCancerFit().withMaxIter(3));
    keep(early, "bc-early");
    keep(rows.apply("Continue", breastCancerFit().withInitialModel(early)), "bc-warm");
    TestRunner.DIRECT.run(p);
    assertEquals(3, model("bc-early").provenance().iterations());
    assertMatchesReference(model("bc-warm"), "logistic_breast_cancer_std", 1e-4);
    assertEquals(
        model("bc-early").provenance().finalLoss(),
        model("bc-warm").provenance().lossCurve()[0],
        1e-12,
        "warm start must begin at the early model's loss");
  }

  /**
   * linear_reference.json case logistic_generated: 100k x 50 rows drawn by SplittableRandom (the
   * script draws the same numbers), true weights ((j % 7) - 3) / 4 and intercept 0.5; scikit-learn
   * {@code LogisticRegression(C=0.1)} is l2 = 1e-4 without standardization.
   */
  @Test
  void generatedDataMatchesSklearn() {
    JsonNode ref = reference("logistic_generated");
    double[] first = generatedRow(0);
    assertArrayEquals(
        doubles(ref.get("first_rows").get(0).get("features")),
        java.util.Arrays.copyOf(first, 50),
        0.0);
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply(GenerateSequence.from(0).to(100_000))
            .apply(MapElements.via(new GeneratedRow()))
            .setRowSchema(GENERATED);
    keep(
        rows.apply(
            LogisticRegression.fit()
                .withLabelCol("label")
                .withVectorCol("features")
                .withStandardization(false)
                .withL2(1e-4)
                .withTol(0.0)
                .withMaxIter(300)),
        "generated");
    TestRunner.DIRECT.run(p);
    LinearModel m = model("generated");
    assertMatchesReference(m, "logistic_generated", 1e-4);
    assertEquals(100_000, m.provenance().rows());
  }

  /** Row {@code i} of the generated set, as a row of {@link #GENERATED}. */
  static final class GeneratedRow extends SimpleFunction<Long, Row> {
    @Override
    public Row apply(Long i) {
      double[] v = generatedRow(i);
      return Row.withSchema(GENERATED)
          .addValues(Vector.dense(java.util.Arrays.copyOf(v, 50)), v[50])
          .build();
    }
  }

  private static final Schema GENERATED =
      Schema.builder()
          .addField("features", VectorLogicalType.FIELD_TYPE)
          .addDoubleField("label")
          .build();

  /** Row {@code i}: 50 features uniform in [-1, 1) and the label, as linear_reference.py. */
  static double[] generatedRow(long i) {
    SplittableRandom r = new SplittableRandom(2026L * 0x9E3779B97F4A7C15L + i);
    double[] out = new double[51];
    double m = 0.5;
    for (int j = 0; j < 50; j++) {
      out[j] = 2 * r.nextDouble() - 1;
      m += out[j] * ((j % 7) - 3) * 0.25;
    }
    out[50] = r.nextDouble() < 1.0 / (1.0 + Math.exp(-m)) ? 1.0 : 0.0;
    return out;
  }

  /**
   * linear_reference.json case logistic_l1_sparse: 2000 LibSVM rows over 100000 features, 20
   * non-zeros each; scikit-learn {@code LogisticRegression(penalty="l1", solver="liblinear",
   * fit_intercept=False, C=1/(n*0.01))} is l1 = 0.01 without standardization. Same zero pattern and
   * the objective within 1e-6.
   */
  @Test
  void sparseL1MatchesLiblinearZeroPattern() throws Exception {
    String path =
        java.nio.file.Paths.get(getClass().getResource("/linear/sparse_l1.svm").toURI()).toString();
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply(org.beamlink.transforms.io.ReadLibSvm.from(path).withNumFeatures(100_000));
    keep(
        rows.apply(
            LogisticRegression.fit()
                .withLabelCol("label")
                .withVectorCol("features")
                .withIntercept(false)
                .withStandardization(false)
                .withL1(0.01)
                .withTol(0.0)
                .withMaxIter(1000)),
        "sparse-l1");
    TestRunner.DIRECT.run(p);
    LinearModel m = model("sparse-l1");
    JsonNode ref = reference("logistic_l1_sparse");
    java.util.Set<Integer> expected = new java.util.TreeSet<>();
    for (JsonNode j : ref.get("nonzero_indices")) {
      expected.add(j.asInt());
    }
    java.util.Set<Integer> ours = new java.util.TreeSet<>();
    double[] coef = m.coefficients();
    for (int j = 0; j < coef.length; j++) {
      if (coef[j] != 0.0) {
        ours.add(j);
      }
    }
    assertEquals(expected, ours);
    double f = ref.get("F").asDouble();
    assertEquals(f, m.provenance().finalLoss(), 1e-6 * f);
  }

  @Test
  void predictKeepsLabelTypeAndGivesProbabilities() {
    Pipeline p = TestRunner.DIRECT.create();
    Schema schema = Schema.builder().addDoubleField("x").addStringField("label").build();
    PCollection<Row> rows =
        p.apply(
            Create.of(
                    Row.withSchema(schema).addValues(-2.0, "no").build(),
                    Row.withSchema(schema).addValues(-1.0, "no").build(),
                    Row.withSchema(schema).addValues(-0.5, "yes").build(),
                    Row.withSchema(schema).addValues(0.5, "no").build(),
                    Row.withSchema(schema).addValues(1.0, "yes").build(),
                    Row.withSchema(schema).addValues(2.0, "yes").build())
                .withRowSchema(schema));
    PCollection<LinearModel> model =
        rows.apply(LogisticRegression.fit().withLabelCol("label").withFeatureCols("x").withL2(0.1));
    PCollection<Row> scored = rows.apply(LogisticRegression.predict(model));
    assertEquals(Schema.FieldType.STRING, scored.getSchema().getField("prediction").getType());
    PAssert.that(scored)
        .satisfies(
            out -> {
              for (Row r : out) {
                Vector detail = r.getLogicalTypeValue("predictionDetail", Vector.class);
                assertEquals(1.0, detail.get(0) + detail.get(1), 1e-12);
                assertEquals(r.getDouble("x") > 0 ? "yes" : "no", r.getString("prediction"));
              }
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  /**
   * {@code withProbabilityCol}: in a pipeline (and so in its model file and a LocalPredictor) and
   * in {@code predict}, a DOUBLE column equal to the detail's second entry, P("yes"); evaluating it
   * as a score gives the AUC of evaluating the detail vector.
   */
  @BoundedRunnerTest
  void probabilityColumnHoldsThePositiveClassProbability(TestRunner runner) throws IOException {
    Pipeline p = runner.create();
    Schema schema = Schema.builder().addDoubleField("x").addStringField("label").build();
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      double x = Math.sin(i * 1.7) * 3;
      data.add(Row.withSchema(schema).addValues(x, x + Math.cos(i) > 0 ? "yes" : "no").build());
    }
    PCollection<Row> rows = p.apply(Create.of(data).withRowSchema(schema));
    LinearFit fit =
        LogisticRegression.fit()
            .withLabelCol("label")
            .withFeatureCols("x")
            .withL2(0.1)
            .withProbabilityCol("probability");
    PCollection<PipelineModel> model = rows.apply(MlPipeline.of(fit).fit());
    String file = dir.resolve("lr-" + runner + ".blm").toString();
    model.apply(WriteModel.to(file));
    PCollection<Row> piped = rows.apply("Transform", MlPipeline.transform(model));
    PCollection<Row> predicted =
        rows.apply(
            "Predict",
            LogisticRegression.predict(rows.apply("Fit", fit)).withProbabilityCol("probability"));
    for (PCollection<Row> scored : List.of(piped, predicted)) {
      assertEquals(Schema.FieldType.DOUBLE, scored.getSchema().getField("probability").getType());
      PAssert.that(scored)
          .satisfies(
              out -> {
                for (Row r : out) {
                  Vector detail = r.getLogicalTypeValue("predictionDetail", Vector.class);
                  assertEquals(detail.get(1), r.getDouble("probability"), 0.0);
                }
                return null;
              });
    }
    Kept.keep(
        piped.apply(
            "By score",
            BinaryClassificationEvaluation.of("label", "probability").withPositiveLabel("yes")),
        "lr-p-score-" + runner);
    Kept.keep(
        piped.apply(
            "By detail",
            BinaryClassificationEvaluation.ofDetail("label", "predictionDetail")
                .withDetailLabels("no", "yes")
                .withPositiveLabel("yes")),
        "lr-p-detail-" + runner);
    Kept.keep(piped, "lr-p-scored-" + runner);
    runner.run(p);

    BinaryMetrics byScore = Kept.<BinaryMetrics>get("lr-p-score-" + runner).get(0);
    BinaryMetrics byDetail = Kept.<BinaryMetrics>get("lr-p-detail-" + runner).get(0);
    assertEquals(byDetail.auc(), byScore.auc(), 0.0);
    assertTrue(byScore.auc() > 0.8, "AUC " + byScore.auc());
    LocalPredictor local = LocalPredictor.load(Path.of(file));
    for (Row r : Kept.<Row>get("lr-p-scored-" + runner)) {
      Row in = Row.withSchema(schema).addValues(r.getDouble("x"), r.getString("label")).build();
      assertEquals(r, local.predict(in));
    }
  }

  @Test
  void probabilityColumnIsForLogisticRegressionOnly() {
    for (LinearFit fit : List.of(LinearSvm.fit(), Softmax.fit(), LinearRegression.fit())) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> fit.withProbabilityCol("p"));
      assertTrue(e.getMessage().startsWith("probabilityCol is for binary logistic regression"));
    }
  }

  /** A model fitted on bounded rows scores a stream (TestStream; Flink in streaming mode). */
  @UnboundedRunnerTest
  void predictsOnAStream(TestRunner runner) {
    Pipeline p = runner.create();
    Schema schema = Schema.builder().addDoubleField("x").addStringField("label").build();
    PCollection<LinearModel> model =
        p.apply(
                "Train",
                Create.of(
                        Row.withSchema(schema).addValues(-2.0, "no").build(),
                        Row.withSchema(schema).addValues(-1.0, "no").build(),
                        Row.withSchema(schema).addValues(1.0, "yes").build(),
                        Row.withSchema(schema).addValues(2.0, "yes").build())
                    .withRowSchema(schema))
            .apply(LogisticRegression.fit().withLabelCol("label").withFeatureCols("x").withL2(0.1));
    TestStream<Row> stream =
        TestStream.create(schema)
            .addElements(
                TimestampedValue.of(
                    Row.withSchema(schema).addValues(-3.0, "?").build(), new Instant(0)))
            .advanceWatermarkTo(new Instant(5000))
            .addElements(
                TimestampedValue.of(
                    Row.withSchema(schema).addValues(3.0, "?").build(), new Instant(6000)))
            .advanceWatermarkToInfinity();
    PAssert.that(p.apply("Stream", stream).apply(LogisticRegression.predict(model)))
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                assertEquals(r.getDouble("x") > 0 ? "yes" : "no", r.getString("prediction"));
              }
              assertEquals(2, n);
              return null;
            });
    runner.run(p);
  }

  @Test
  void rejectsThreeLabels() {
    Pipeline p = TestRunner.DIRECT.create();
    Schema schema = Schema.builder().addDoubleField("x").addInt32Field("label").build();
    p.apply(
            Create.of(
                    Row.withSchema(schema).addValues(1.0, 0).build(),
                    Row.withSchema(schema).addValues(2.0, 1).build(),
                    Row.withSchema(schema).addValues(3.0, 2).build())
                .withRowSchema(schema))
        .apply(LogisticRegression.fit().withLabelCol("label").withFeatureCols("x"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertTrue(rootMessage(e).contains("at most 2 distinct labels"), rootMessage(e));
  }

  @Test
  void rejectsBadParametersAtConstruction() {
    assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit().withL2(-1));
    assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit().withMaxIter(0));
    Pipeline p = TestRunner.DIRECT.create();
    Schema schema =
        Schema.builder().addDoubleField("x").addStringField("s").addInt32Field("label").build();
    PCollection<Row> rows = p.apply(Create.empty(schema));
    IllegalArgumentException lbfgsL1 =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(
                    LogisticRegression.fit()
                        .withLabelCol("label")
                        .withFeatureCols("x")
                        .withL1(0.1)
                        .withOptimMethod(OptimMethod.LBFGS)));
    assertTrue(lbfgsL1.getMessage().contains("OWLQN"), lbfgsL1.getMessage());
    IllegalArgumentException notNumeric =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(LogisticRegression.fit().withLabelCol("label").withFeatureCols("s")));
    assertTrue(notNumeric.getMessage().contains("'s'"), notNumeric.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(LogisticRegression.fit().withLabelCol("y").withFeatureCols("x")));
    assertTrue(missing.getMessage().contains("'y' not found"), missing.getMessage());
  }

  private static Schema schemaOf(String name) {
    return csv(name, INT).get(0).getSchema();
  }
}
