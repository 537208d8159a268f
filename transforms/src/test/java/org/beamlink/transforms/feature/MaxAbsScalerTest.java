package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.ScalerTestSupport.IRIS_VECTORS;
import static org.beamlink.transforms.feature.ScalerTestSupport.assertRoundTrips;
import static org.beamlink.transforms.feature.ScalerTestSupport.doubles;
import static org.beamlink.transforms.feature.ScalerTestSupport.irisVectors;
import static org.beamlink.transforms.feature.ScalerTestSupport.keep;
import static org.beamlink.transforms.feature.ScalerTestSupport.kept;
import static org.beamlink.transforms.feature.ScalerTestSupport.reference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.MaxAbsScalerModel;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * MaxAbsScaler against scalers_reference.json section "maxabs" (scikit-learn {@code MaxAbsScaler}):
 * max_abs_ exactly (a data value), scaled rows to 1e-12 (one division).
 */
class MaxAbsScalerTest {
  private static final double TOL = 1e-12;
  private static final Schema VECTORS =
      Schema.builder().addField("features", VectorLogicalType.FIELD_TYPE).build();

  private static Row vectorRow(Vector v) {
    return Row.withSchema(VECTORS).addValues(v).build();
  }

  @Test
  void scalesIrisRowsLikeSklearn() {
    JsonNode ref = reference("maxabs");
    List<Row> iris = irisVectors();
    Transformer.Bound bound =
        MaxAbsScalerModel.of("features", "s", doubles(ref.get("max_abs"))).bind(IRIS_VECTORS);
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(
          doubles(ref.get("first5").get(i)),
          bound.apply(iris.get(i)).getLogicalTypeValue("s", Vector.class).toArray(),
          TOL);
    }
  }

  @BoundedRunnerTest
  void fitsIrisLikeSklearn(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<MaxAbsScalerModel> model =
        p.apply(Create.of(irisVectors()).withRowSchema(IRIS_VECTORS))
            .apply(MaxAbsScaler.fit().withInputCol("features").withOutputCol("scaled"));
    keep(model, "maxabs-iris-" + runner);
    runner.run(p);
    MaxAbsScalerModel m = kept("maxabs-iris-" + runner);
    assertArrayEquals(doubles(reference("maxabs").get("max_abs")), m.maxAbs(), 0.0);
  }

  @Test
  void fitsNegativeSparseValuesAndKeepsSparsity() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<MaxAbsScalerModel> model =
        p.apply(
                Create.of(
                        vectorRow(Vector.sparse(3, new int[] {0}, new double[] {-4})),
                        vectorRow(Vector.sparse(3, new int[] {0, 1}, new double[] {2, 0.5})))
                    .withRowSchema(VECTORS))
            .apply(MaxAbsScaler.fit().withInputCol("features").withOutputCol("scaled"));
    keep(model, "maxabs-sparse");
    TestRunner.DIRECT.run(p);
    MaxAbsScalerModel m = kept("maxabs-sparse");
    assertArrayEquals(new double[] {4, 0.5, 0}, m.maxAbs(), 0.0);
    Vector out =
        m.bind(VECTORS)
            .apply(vectorRow(Vector.sparse(3, new int[] {0, 2}, new double[] {-2, 7})))
            .getLogicalTypeValue("scaled", Vector.class);
    assertInstanceOf(SparseVector.class, out);
    // The all-zero coordinate 2 is left unscaled.
    assertArrayEquals(new double[] {-0.5, 0, 7}, out.toArray(), 0.0);
  }

  @Test
  void coderRoundTripsAndWrongSizeFails() {
    MaxAbsScalerModel m = MaxAbsScalerModel.of("features", "s", new double[] {1, 2});
    assertRoundTrips(MaxAbsScalerModel.Coder.of(), m);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.bind(VECTORS).apply(vectorRow(Vector.dense(1, 2, 3))));
    assertTrue(e.getMessage().contains("has size 3"), e.getMessage());
  }
}
