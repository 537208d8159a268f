package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.ScalerTestSupport.IRIS_VECTORS;
import static org.beamlink.transforms.feature.ScalerTestSupport.assertRoundTrips;
import static org.beamlink.transforms.feature.ScalerTestSupport.doubles;
import static org.beamlink.transforms.feature.ScalerTestSupport.irisVectors;
import static org.beamlink.transforms.feature.ScalerTestSupport.keep;
import static org.beamlink.transforms.feature.ScalerTestSupport.kept;
import static org.beamlink.transforms.feature.ScalerTestSupport.reference;
import static org.beamlink.transforms.feature.ScalerTestSupport.rootMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.feature.StandardScalerModel;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * StandardScaler against scalers_reference.json section "standard": numpy's mean and std with
 * ddof=1 (scikit-learn's {@code StandardScaler} divides by the population std, scale_; the script
 * checks std_ddof1 = scale_ * sqrt(n / (n - 1))). Tolerance 1e-12: both sides compute the same sums
 * in double precision, differing only in summation order (150 values of size ~5).
 */
class StandardScalerTest {
  private static final double TOL = 1e-12;
  private static final Schema VECTORS =
      Schema.builder().addField("features", VectorLogicalType.FIELD_TYPE).build();

  private static Row vectorRow(Vector v) {
    return Row.withSchema(VECTORS).addValues(v).build();
  }

  private static StandardScalerModel irisReferenceModel(boolean withMean) {
    JsonNode ref = reference("standard");
    return StandardScalerModel.of(
        "features",
        "scaled",
        withMean,
        true,
        doubles(ref.get("mean")),
        doubles(ref.get("std_ddof1")));
  }

  @Test
  void scalesIrisRowsLikeSklearnWithSampleStd() {
    JsonNode ref = reference("standard");
    List<Row> iris = irisVectors();
    for (boolean withMean : new boolean[] {true, false}) {
      Transformer.Bound bound = irisReferenceModel(withMean).bind(IRIS_VECTORS);
      JsonNode expected = ref.get(withMean ? "first5_with_mean" : "first5_without_mean");
      for (int i = 0; i < 5; i++) {
        Vector scaled = bound.apply(iris.get(i)).getLogicalTypeValue("scaled", Vector.class);
        assertArrayEquals(doubles(expected.get(i)), scaled.toArray(), TOL);
      }
    }
  }

  @BoundedRunnerTest
  void fitsIrisLikeNumpyDdof1(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<StandardScalerModel> model =
        p.apply(Create.of(irisVectors()).withRowSchema(IRIS_VECTORS))
            .apply(
                StandardScaler.fit()
                    .withInputCol("features")
                    .withOutputCol("scaled")
                    .withMean(true));
    keep(model, "std-iris-" + runner);
    runner.run(p);
    StandardScalerModel m = kept("std-iris-" + runner);
    JsonNode ref = reference("standard");
    assertArrayEquals(doubles(ref.get("mean")), m.mean(), TOL);
    assertArrayEquals(doubles(ref.get("std_ddof1")), m.std(), TOL);
    assertTrue(m.withMean());
    assertTrue(m.withStd());
  }

  /** A model fitted on bounded rows scales a stream (TestStream; Flink in streaming mode). */
  @UnboundedRunnerTest
  void scalesAStreamWithAModelFittedOnBoundedRows(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<StandardScalerModel> model =
        p.apply(
                "Fit rows",
                Create.of(
                        vectorRow(Vector.dense(1, 10)),
                        vectorRow(Vector.dense(3, 10)),
                        vectorRow(Vector.dense(5, 10)))
                    .withRowSchema(VECTORS))
            .apply(
                StandardScaler.fit()
                    .withInputCol("features")
                    .withOutputCol("scaled")
                    .withMean(true));
    TestStream<Row> stream =
        TestStream.create(VECTORS)
            .addElements(TimestampedValue.of(vectorRow(Vector.dense(5, 7)), new Instant(0)))
            .advanceWatermarkTo(new Instant(5000))
            .addElements(TimestampedValue.of(vectorRow(Vector.dense(1, 10)), new Instant(6000)))
            .advanceWatermarkToInfinity();
    PAssert.that(p.apply("Stream", stream).apply(StandardScaler.transform(model)))
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                double x = r.getLogicalTypeValue("features", Vector.class).get(0);
                Vector scaled = r.getLogicalTypeValue("scaled", Vector.class);
                // mean 3, sample std 2; the constant coordinate scales to 0 (Spark).
                assertArrayEquals(new double[] {(x - 3) / 2, 0.0}, scaled.toArray(), TOL);
              }
              assertEquals(2, n);
              return null;
            });
    runner.run(p);
  }

  @Test
  void keepsSparseVectorsSparseWithoutMeanAndDensifiesWithMean() {
    double[] mean = {1, 2, 3};
    double[] std = {2, 0, 4};
    Vector sparse = Vector.sparse(3, new int[] {0, 2}, new double[] {4, 8});
    Vector noMean =
        StandardScalerModel.of("features", "scaled", false, true, mean, std)
            .bind(VECTORS)
            .apply(vectorRow(sparse))
            .getLogicalTypeValue("scaled", Vector.class);
    assertInstanceOf(SparseVector.class, noMean);
    assertArrayEquals(new double[] {2, 0, 2}, noMean.toArray(), 0.0);
    Vector withMean =
        StandardScalerModel.of("features", "scaled", true, true, mean, std)
            .bind(VECTORS)
            .apply(vectorRow(sparse))
            .getLogicalTypeValue("scaled", Vector.class);
    // (4-1)/2, zero std -> 0 (Spark), (8-3)/4
    assertArrayEquals(new double[] {1.5, 0, 1.25}, withMean.toArray(), 0.0);
  }

  @Test
  void fitsSparseRowsAsTheirDenseEquivalentsAndIgnoresNaN() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<StandardScalerModel> model =
        p.apply(
                Create.of(
                        vectorRow(Vector.sparse(3, new int[] {0}, new double[] {2})),
                        vectorRow(Vector.dense(4, 0, Double.NaN)),
                        vectorRow(Vector.sparse(3, new int[] {1, 2}, new double[] {6, 3})),
                        vectorRow(Vector.dense(0, 0, 5)))
                    .withRowSchema(VECTORS))
            .apply(StandardScaler.fit().withInputCol("features").withOutputCol("scaled"));
    keep(model, "std-sparse");
    TestRunner.DIRECT.run(p);
    StandardScalerModel m = kept("std-sparse");
    // Column 0: {2, 4, 0, 0}; column 1: {0, 0, 6, 0}; column 2: {0, 3, 5} (NaN left out).
    assertArrayEquals(new double[] {1.5, 1.5, 8.0 / 3}, m.mean(), TOL);
    double var0 = (0.25 + 6.25 + 2.25 + 2.25) / 3;
    double var1 = (2.25 + 2.25 + 20.25 + 2.25) / 3;
    double var2 = (64.0 / 9 + 1.0 / 9 + 49.0 / 9) / 2;
    assertArrayEquals(
        new double[] {Math.sqrt(var0), Math.sqrt(var1), Math.sqrt(var2)}, m.std(), TOL);
    Vector nan =
        m.bind(VECTORS)
            .apply(vectorRow(Vector.dense(Double.NaN, 1, 1)))
            .getLogicalTypeValue("scaled", Vector.class);
    assertTrue(Double.isNaN(nan.get(0)), "NaN stays NaN");
  }

  @Test
  void coderRoundTripsAndRejectsAnotherVersion() {
    StandardScalerModel m = irisReferenceModel(true);
    assertRoundTrips(StandardScalerModel.Coder.of(), m);
    assertThrows(
        CoderException.class,
        () -> StandardScalerModel.Coder.of().decode(new ByteArrayInputStream(new byte[] {9})));
  }

  @Test
  void rejectsBadColumnsAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.empty(IRIS_VECTORS));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(StandardScaler.fit().withInputCol("nope").withOutputCol("s")));
    assertTrue(missing.getMessage().contains("'nope' not found"), missing.getMessage());
    IllegalArgumentException notVector =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(StandardScaler.fit().withInputCol("species").withOutputCol("s")));
    assertTrue(notVector.getMessage().contains("expected a vector"), notVector.getMessage());
    IllegalArgumentException exists =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(StandardScaler.fit().withInputCol("features").withOutputCol("species")));
    assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> rows.apply(StandardScaler.fit().withInputCol("features")));
  }

  @Test
  void rejectsAVectorOfTheWrongSize() {
    Transformer.Bound bound = irisReferenceModel(false).bind(VECTORS);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> bound.apply(vectorRow(Vector.dense(1, 2))));
    assertTrue(e.getMessage().contains("'features' has size 2"), e.getMessage());
  }

  @Test
  void failsOnEmptyInputAndOnVectorsOfDifferentSizes() {
    Pipeline empty = TestRunner.DIRECT.create();
    empty
        .apply(Create.empty(VECTORS))
        .apply(StandardScaler.fit().withInputCol("features").withOutputCol("scaled"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(empty));
    assertEquals("StandardScaler: no rows to fit on", rootMessage(e));

    Pipeline sizes = TestRunner.DIRECT.create();
    sizes
        .apply(
            Create.of(vectorRow(Vector.dense(1, 2)), vectorRow(Vector.dense(1, 2, 3)))
                .withRowSchema(VECTORS))
        .apply(StandardScaler.fit().withInputCol("features").withOutputCol("scaled"));
    Exception s = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(sizes));
    assertTrue(rootMessage(s).contains("vector column 'features'"), rootMessage(s));
  }
}
