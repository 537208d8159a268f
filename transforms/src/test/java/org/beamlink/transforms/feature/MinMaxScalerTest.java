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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.MinMaxScalerModel;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * MinMaxScaler against scalers_reference.json section "minmax" (scikit-learn {@code MinMaxScaler},
 * ranges (0, 1) and (-1, 1)). Minima and maxima are data values, so they match exactly; scaled
 * values to 1e-12 (one subtraction and division, rounding only).
 */
class MinMaxScalerTest {
  private static final double TOL = 1e-12;
  private static final Schema VECTORS =
      Schema.builder().addField("features", VectorLogicalType.FIELD_TYPE).build();

  private static Row vectorRow(Vector v) {
    return Row.withSchema(VECTORS).addValues(v).build();
  }

  @Test
  void scalesIrisRowsLikeSklearn() {
    JsonNode ref = reference("minmax");
    List<Row> iris = irisVectors();
    double[] lo = doubles(ref.get("data_min"));
    double[] hi = doubles(ref.get("data_max"));
    Transformer.Bound unit = MinMaxScalerModel.of("features", "s", 0, 1, lo, hi).bind(IRIS_VECTORS);
    Transformer.Bound sym = MinMaxScalerModel.of("features", "s", -1, 1, lo, hi).bind(IRIS_VECTORS);
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(
          doubles(ref.get("first5").get(i)),
          unit.apply(iris.get(i)).getLogicalTypeValue("s", Vector.class).toArray(),
          TOL);
      assertArrayEquals(
          doubles(ref.get("first5_range_minus1_1").get(i)),
          sym.apply(iris.get(i)).getLogicalTypeValue("s", Vector.class).toArray(),
          TOL);
    }
  }

  @BoundedRunnerTest
  void fitsIrisRangesExactly(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<MinMaxScalerModel> model =
        p.apply(Create.of(irisVectors()).withRowSchema(IRIS_VECTORS))
            .apply(MinMaxScaler.fit().withInputCol("features").withOutputCol("scaled"));
    keep(model, "minmax-iris-" + runner);
    runner.run(p);
    MinMaxScalerModel m = kept("minmax-iris-" + runner);
    JsonNode ref = reference("minmax");
    assertArrayEquals(doubles(ref.get("data_min")), m.originalMin(), 0.0);
    assertArrayEquals(doubles(ref.get("data_max")), m.originalMax(), 0.0);
    assertEquals(0.0, m.min());
    assertEquals(1.0, m.max());
  }

  @Test
  void mapsAConstantCoordinateToTheMidpointAndKeepsNaN() {
    Transformer.Bound bound =
        MinMaxScalerModel.of("features", "s", -1, 3, new double[] {0, 5}, new double[] {10, 5})
            .bind(VECTORS);
    Vector out =
        bound
            .apply(vectorRow(Vector.sparse(2, new int[] {1}, new double[] {7})))
            .getLogicalTypeValue("s", Vector.class);
    // Coordinate 0: 0 -> -1; coordinate 1 was constant: (min + max) / 2 = 1, Spark's rule.
    assertArrayEquals(new double[] {-1, 1}, out.toArray(), TOL);
    Vector nan =
        bound
            .apply(vectorRow(Vector.dense(Double.NaN, Double.NaN)))
            .getLogicalTypeValue("s", Vector.class);
    assertTrue(Double.isNaN(nan.get(0)) && Double.isNaN(nan.get(1)), nan.toString());
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        MinMaxScalerModel.Coder.of(),
        MinMaxScalerModel.of("features", "s", -2, 2, new double[] {0, 1}, new double[] {3, 4}));
  }

  @Test
  void rejectsBadParametersAndEmptyInput() {
    assertThrows(IllegalArgumentException.class, () -> MinMaxScaler.fit().withMin(Double.NaN));
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.empty(VECTORS));
    IllegalArgumentException range =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(
                    MinMaxScaler.fit()
                        .withInputCol("features")
                        .withOutputCol("s")
                        .withMin(1)
                        .withMax(1)));
    assertTrue(range.getMessage().contains("min < max"), range.getMessage());
    Pipeline empty = TestRunner.DIRECT.create();
    empty
        .apply(Create.empty(VECTORS))
        .apply(MinMaxScaler.fit().withInputCol("features").withOutputCol("s"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(empty));
    assertEquals("MinMaxScaler: no rows to fit on", rootMessage(e));
  }
}
