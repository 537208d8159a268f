package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.ScalerTestSupport.IRIS_VECTORS;
import static org.beamlink.transforms.feature.ScalerTestSupport.assertRoundTrips;
import static org.beamlink.transforms.feature.ScalerTestSupport.doubles;
import static org.beamlink.transforms.feature.ScalerTestSupport.irisVectors;
import static org.beamlink.transforms.feature.ScalerTestSupport.reference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.NormalizerMapper;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * Normalizer against scalers_reference.json section "normalizer" (scikit-learn {@code Normalizer}
 * with norm l1, l2, max = p 1, 2, infinity), to 1e-12 (a norm and a division).
 */
class NormalizerTest {
  private static final double TOL = 1e-12;
  private static final Schema VECTORS =
      Schema.builder().addField("features", VectorLogicalType.FIELD_TYPE).build();

  private static Vector normalize(double p, Vector v) {
    return NormalizerMapper.of("features", "unit", p)
        .bind(VECTORS)
        .apply(Row.withSchema(VECTORS).addValues(v).build())
        .getLogicalTypeValue("unit", Vector.class);
  }

  @Test
  void normalizesIrisRowsLikeSklearn() {
    JsonNode ref = reference("normalizer");
    List<Row> iris = irisVectors();
    String[] norms = {"l1", "l2", "max"};
    double[] ps = {1, 2, Double.POSITIVE_INFINITY};
    for (int k = 0; k < norms.length; k++) {
      Transformer.Bound bound = NormalizerMapper.of("features", "unit", ps[k]).bind(IRIS_VECTORS);
      for (int i = 0; i < 5; i++) {
        assertArrayEquals(
            doubles(ref.get(norms[k]).get(i)),
            bound.apply(iris.get(i)).getLogicalTypeValue("unit", Vector.class).toArray(),
            TOL,
            norms[k]);
      }
    }
  }

  @Test
  void keepsZeroVectorsAndSparsityAndPropagatesNaN() {
    assertArrayEquals(new double[] {0, 0}, normalize(2, Vector.dense(0, 0)).toArray(), 0.0);
    Vector sparse = normalize(3, Vector.sparse(4, new int[] {1, 3}, new double[] {3, -3}));
    assertInstanceOf(SparseVector.class, sparse);
    double n3 = Math.cbrt(54);
    assertArrayEquals(new double[] {0, 3 / n3, 0, -3 / n3}, sparse.toArray(), TOL);
    assertTrue(Double.isNaN(normalize(2, Vector.dense(1, Double.NaN)).get(0)));
  }

  @Test
  void runsInAPipelineAndValidatesP() {
    assertThrows(IllegalArgumentException.class, () -> Normalizer.of("features").withP(0.5));
    Pipeline p = TestRunner.DIRECT.create();
    PAssert.that(
            p.apply(
                    Create.of(Row.withSchema(VECTORS).addValues(Vector.dense(3, 4)).build())
                        .withRowSchema(VECTORS))
                .apply(Normalizer.of("features").withOutputCol("unit").withP(1)))
        .satisfies(
            rows -> {
              Row r = rows.iterator().next();
              assertArrayEquals(
                  new double[] {3.0 / 7, 4.0 / 7},
                  r.getLogicalTypeValue("unit", Vector.class).toArray(),
                  TOL);
              return null;
            });
    TestRunner.DIRECT.run(p);
    Pipeline bad = TestRunner.DIRECT.create();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                bad.apply(Create.empty(VECTORS))
                    .apply(Normalizer.of("nope").withOutputCol("unit")));
    assertTrue(e.getMessage().contains("'nope' not found"), e.getMessage());
  }

  @Test
  void rejectsMissingOutputColumnAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.apply(Create.empty(VECTORS)).apply(Normalizer.of("features").withP(1)));
    assertEquals("Normalizer needs withOutputCol(..)", e.getMessage());
  }

  @Test
  void coderRoundTrips() {
    NormalizerMapper m = NormalizerMapper.of("features", "unit", Double.POSITIVE_INFINITY);
    assertRoundTrips(NormalizerMapper.Coder.of(), m);
    assertEquals("Infinity", m.parameters().get("p"));
  }
}
