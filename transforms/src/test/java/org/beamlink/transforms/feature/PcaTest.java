package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.PcaChiSqReference.doubles;
import static org.beamlink.transforms.feature.PcaChiSqReference.keep;
import static org.beamlink.transforms.feature.PcaChiSqReference.kept;
import static org.beamlink.transforms.feature.PcaChiSqReference.reference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.feature.PcaModel;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * PCA against scikit-learn's {@code PCA(n_components=k, svd_solver='full')}: reference numbers from
 * {@code src/test/resources/feature/pca_chisq_reference.py} (scikit-learn 1.2.1), components with
 * the sign convention of {@link PcaModel} applied in the script.
 *
 * <p>Tolerance 1e-9 (absolute for unit-length components, relative for variances, absolute scaled
 * by {@code max(1, |value|)} for scores): both sides are exact decompositions in double precision
 * (LAPACK's SVD of the centered data there, the covariance eigen-decomposition here), which agree
 * to about {@code 1e-16 * lambda_max / eigengap}, below 1e-11 on these data sets.
 */
class PcaTest {
  private static final double TOL = 1e-9;

  private static void assertMatchesReference(PcaModel model, String name) {
    JsonNode ref = reference("pca", name);
    int k = ref.get("k").asInt();
    assertEquals(k, model.k());
    assertEquals(ref.get("rows").asLong(), model.numRows());
    assertClose(doubles(ref.get("mean")), model.mean(), TOL, name + " mean");
    double[][] components = model.components();
    for (int c = 0; c < k; c++) {
      assertClose(
          doubles(ref.get("components").get(c)), components[c], TOL, name + " component " + c);
    }
    assertRelative(
        doubles(ref.get("explained_variance")), model.explainedVariance(), name + " variance");
    assertRelative(
        doubles(ref.get("explained_variance_ratio")),
        model.explainedVarianceRatio(),
        name + " variance ratio");
    List<double[]> x = PcaChiSqReference.features(name);
    for (int i = 0; i < ref.get("transformed_rows").asInt(); i++) {
      assertClose(
          doubles(ref.get("transformed").get(i)),
          model.project(Vector.dense(x.get(i))),
          TOL,
          name + " row " + i);
    }
  }

  private static void assertClose(double[] expected, double[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      double bound = tol * Math.max(1.0, Math.abs(expected[i]));
      assertEquals(expected[i], actual[i], bound, what + " [" + i + "]");
    }
  }

  private static void assertRelative(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], TOL * Math.abs(expected[i]), what + " [" + i + "]");
    }
  }

  /** The model from a two-pass mean and scatter matrix, computed here in plain Java. */
  private static PcaModel fromData(String name, int k) {
    List<double[]> x = PcaChiSqReference.features(name);
    int d = x.get(0).length;
    double[] mean = new double[d];
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        mean[j] += row[j] / x.size();
      }
    }
    double[] scatter = new double[d * d];
    for (double[] row : x) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          scatter[i * d + j] += (row[i] - mean[i]) * (row[j] - mean[j]);
        }
      }
    }
    return PcaModel.fromScatter("features", "pca", true, mean, scatter, x.size(), k);
  }

  @Test
  void eigenDecompositionMatchesSklearnOnIrisDigitsAndBreastCancer() {
    assertMatchesReference(fromData("iris", 2), "iris");
    assertMatchesReference(fromData("digits", 10), "digits");
    assertMatchesReference(fromData("breast_cancer", 5), "breast_cancer");
  }

  /** One AllReduce on the shim gives sklearn's model, on Direct and on Flink (parallelism 2). */
  @BoundedRunnerTest
  void fitMatchesSklearnOnIrisAndDigits(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Row> iris =
        p.apply(
            "Iris",
            Create.of(PcaChiSqReference.vectorRows("iris"))
                .withRowSchema(PcaChiSqReference.schema("iris")));
    PCollection<Row> digits =
        p.apply(
            "Digits",
            Create.of(PcaChiSqReference.vectorRows("digits"))
                .withRowSchema(PcaChiSqReference.schema("digits")));
    keep(iris.apply("Fit iris", Pca.fit().withK(2)), "pca-iris-" + runner);
    keep(digits.apply("Fit digits", Pca.fit().withK(10)), "pca-digits-" + runner);
    runner.run(p);
    assertMatchesReference(kept("pca-iris-" + runner), "iris");
    assertMatchesReference(kept("pca-digits-" + runner), "digits");
  }

  @Test
  void sparseInputGivesTheDenseModelAndBothExecutionPathsAgree() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> sparse =
        p.apply(
            Create.of(PcaChiSqReference.sparseVectorRows("digits"))
                .withRowSchema(PcaChiSqReference.schema("digits")));
    keep(sparse.apply("In worker", Pca.fit().withK(10)), "pca-sparse");
    keep(
        sparse.apply(
            "Distributed",
            Pca.fit()
                .withK(10)
                .withExecution(org.beamlink.iteration.Execution.DISTRIBUTED)
                .withNumTasks(3)),
        "pca-sparse-distributed");
    TestRunner.DIRECT.run(p);
    assertMatchesReference(kept("pca-sparse"), "digits");
    assertMatchesReference(kept("pca-sparse-distributed"), "digits");
  }

  @Test
  void transformAppendsSklearnScores() {
    Pipeline p = TestRunner.DIRECT.create();
    Schema schema = PcaChiSqReference.schema("iris");
    PCollection<Row> rows =
        p.apply(Create.of(PcaChiSqReference.vectorRows("iris")).withRowSchema(schema));
    PCollection<PcaModel> model = rows.apply(Pca.fit().withK(2).withOutputCol("pc"));
    PCollection<Row> out = rows.apply(Pca.transform(model));
    assertEquals(
        List.of("features", "label", "pc"), out.getSchema().getFieldNames(), "appended column");
    HashMap<Vector, double[]> expected = new HashMap<>();
    JsonNode ref = reference("pca", "iris");
    List<Row> input = PcaChiSqReference.vectorRows("iris");
    for (int i = 0; i < input.size(); i++) {
      expected.put(
          input.get(i).getLogicalTypeValue("features", Vector.class),
          doubles(ref.get("transformed").get(i)));
    }
    PAssert.that(out)
        .satisfies(
            scored -> {
              int n = 0;
              for (Row r : scored) {
                n++;
                assertClose(
                    expected.get(r.getLogicalTypeValue("features", Vector.class)),
                    r.getLogicalTypeValue("pc", Vector.class).toArray(),
                    TOL,
                    "scores of " + r);
              }
              assertEquals(150, n);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  /** A model fitted on bounded rows maps a stream (TestStream; Flink in streaming mode). */
  @UnboundedRunnerTest
  void transformsAStream(TestRunner runner) {
    Pipeline p = runner.create();
    Schema schema = PcaChiSqReference.schema("iris");
    List<Row> iris = PcaChiSqReference.vectorRows("iris");
    PCollection<PcaModel> model =
        p.apply("Train", Create.of(iris).withRowSchema(schema)).apply(Pca.fit().withK(2));
    TestStream<Row> stream =
        TestStream.create(schema)
            .addElements(TimestampedValue.of(iris.get(0), new Instant(0)))
            .advanceWatermarkTo(new Instant(5000))
            .addElements(TimestampedValue.of(iris.get(100), new Instant(6000)))
            .advanceWatermarkToInfinity();
    JsonNode ref = reference("pca", "iris");
    double[] first = doubles(ref.get("transformed").get(0));
    double[] hundredth = doubles(ref.get("transformed").get(100));
    PAssert.that(p.apply("Stream", stream).apply(Pca.transform(model)))
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                boolean isFirst = r.getString("label").equals("setosa");
                assertClose(
                    isFirst ? first : hundredth,
                    r.getLogicalTypeValue("pca", Vector.class).toArray(),
                    TOL,
                    "streamed scores");
              }
              assertEquals(2, n);
              return null;
            });
    runner.run(p);
  }

  @Test
  void withoutMeanCenteringProjectsRawRowsAsSpark() {
    PcaModel centered = fromData("iris", 2);
    PcaModel raw =
        PcaModel.of(
            "features",
            "pca",
            false,
            centered.numRows(),
            centered.mean(),
            centered.components(),
            centered.explainedVariance(),
            centered.explainedVarianceRatio());
    double[] x = {5.1, 3.5, 1.4, 0.2};
    double[][] c = centered.components();
    double[] expected = new double[2];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 4; j++) {
        expected[i] += x[j] * c[i][j];
      }
    }
    assertArrayEquals(expected, raw.project(Vector.dense(x)), 1e-12);
    assertArrayEquals(
        raw.project(Vector.dense(x)),
        raw.project(Vector.sparse(4, new int[] {0, 1, 2, 3}, x)),
        1e-12,
        "sparse and dense input");
  }

  @Test
  void coderRoundTripsTheModelAlsoThroughTheRegistry() throws IOException {
    PcaModel model = fromData("iris", 2);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PcaModel.Coder.of().encode(model, bytes);
    assertEquals(model, PcaModel.Coder.of().decode(new ByteArrayInputStream(bytes.toByteArray())));
    TransformerCoder<PcaModel> coder = TransformerCoder.of(PcaModel.class, null);
    ByteArrayOutputStream registered = new ByteArrayOutputStream();
    coder.encode(model, registered);
    assertEquals(model, coder.decode(new ByteArrayInputStream(registered.toByteArray())));
  }

  @Test
  void rejectsBadColumnsAndMissingKAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply(
            Create.of(PcaChiSqReference.vectorRows("iris"))
                .withRowSchema(PcaChiSqReference.schema("iris")));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply("Missing", Pca.fit().withK(2).withInputCol("pixels")));
    assertTrue(missing.getMessage().contains("'pixels' not found"), missing.getMessage());
    IllegalArgumentException notVector =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply("Not vector", Pca.fit().withK(2).withInputCol("label")));
    assertTrue(notVector.getMessage().contains("expected a vector"), notVector.getMessage());
    IllegalArgumentException exists =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply("Exists", Pca.fit().withK(2).withOutputCol("label")));
    assertTrue(exists.getMessage().contains("'label' already exists"), exists.getMessage());
    IllegalArgumentException noK =
        assertThrows(IllegalArgumentException.class, () -> rows.apply("No k", Pca.fit()));
    assertTrue(noK.getMessage().contains("withK"), noK.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Pca.fit().withK(0));
  }

  @Test
  void rejectsNaNFeaturesWhenFitting() {
    Schema schema = PcaChiSqReference.schema("digits");
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(
            Create.of(
                    Row.withSchema(schema).addValues(Vector.dense(1, 2), 0).build(),
                    Row.withSchema(schema).addValues(Vector.dense(Double.NaN, 2), 1).build())
                .withRowSchema(schema))
        .apply(Pca.fit().withK(1));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    String message = LinearTestSupport.rootMessage(e);
    assertTrue(message.contains("'features' has NaN"), message);
  }

  @Test
  void rejectsEmptyInputAndKAboveTheDimension() {
    Schema schema = PcaChiSqReference.schema("digits");
    Pipeline empty = TestRunner.DIRECT.create();
    empty.apply(Create.empty(schema)).apply(Pca.fit().withK(1));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(empty));
    assertTrue(LinearTestSupport.rootMessage(e).contains("no rows"), e.toString());

    Pipeline p = TestRunner.DIRECT.create();
    p.apply(
            Create.of(
                    Row.withSchema(schema).addValues(Vector.dense(1, 2), 0).build(),
                    Row.withSchema(schema).addValues(Vector.dense(3, 5), 1).build(),
                    Row.withSchema(schema).addValues(Vector.dense(4, 4), 1).build())
                .withRowSchema(schema))
        .apply(Pca.fit().withK(3));
    Exception tooMany = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    String message = LinearTestSupport.rootMessage(tooMany);
    assertTrue(message.contains("Expected k in [1, min(rows, dimension)] = [1, 2]"), message);
  }

  @Test
  void rejectsVectorOfWrongSizeAndTooLargeDimension() {
    PcaModel model = fromData("iris", 2);
    Schema schema = PcaChiSqReference.schema("iris");
    Row row = Row.withSchema(schema).addValues(Vector.dense(1, 2, 3), "setosa").build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> model.bind(schema).apply(row));
    assertTrue(e.getMessage().contains("size 3 but 4 was expected"), e.getMessage());
    IllegalArgumentException big =
        assertThrows(
            IllegalArgumentException.class,
            () -> PcaModel.checkDimension(PcaModel.MAX_DIMENSION + 1));
    assertTrue(big.getMessage().contains("at most " + PcaModel.MAX_DIMENSION), big.getMessage());
  }
}
