package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.CategoricalTestSupport.assertRoundTrips;
import static org.beamlink.transforms.feature.CategoricalTestSupport.doubles;
import static org.beamlink.transforms.feature.CategoricalTestSupport.reference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.PolynomialExpansionMapper;
import org.beamlink.models.linalg.DenseVector;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * PolynomialExpansion against scikit-learn 1.2.1's {@code PolynomialFeatures(include_bias=False)}
 * (same term order) on five Iris rows and a sparse vector, from {@code categorical_reference.py}.
 * Tolerance 1e-12 relative: a monomial is a product of at most three factors, computed in the same
 * order up to rounding of each product (a few ulps).
 */
class PolynomialExpansionTest {
  private static final Schema SCHEMA =
      Schema.builder().addNullableField("x", VectorLogicalType.FIELD_TYPE).build();

  private static Vector expand(Vector x, int degree) {
    return PolynomialExpansionMapper.of("x", "poly", degree)
        .bind(SCHEMA)
        .apply(Row.withSchema(SCHEMA).addValue(x).build())
        .getLogicalTypeValue("poly", Vector.class);
  }

  private static void assertClose(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-12 * Math.max(1, Math.abs(expected[i])), "term " + i);
    }
  }

  @Test
  void matchesSklearnOnIrisRows() {
    JsonNode ref = reference("polynomial");
    for (int degree = 2; degree <= 3; degree++) {
      JsonNode expected = ref.get("iris5_degree" + degree);
      for (int i = 0; i < 5; i++) {
        Vector out = expand(Vector.dense(doubles(ref.get("iris5").get(i))), degree);
        assertTrue(out instanceof DenseVector);
        assertClose(doubles(expected.get(i)), out.toArray());
      }
    }
  }

  @Test
  void keepsSparseSparseAndMatchesSklearn() {
    JsonNode ref = reference("polynomial");
    Vector x = Vector.dense(doubles(ref.get("sparse_x"))).toSparse();
    Vector out = expand(x, 3);
    assertTrue(out instanceof SparseVector);
    assertEquals(55, out.size());
    assertClose(doubles(ref.get("sparse_degree3")), out.toArray());
  }

  @Test
  void ordersTermsAsSklearn() {
    assertArrayEquals(new double[] {2, 3, 4, 6, 9}, expand(Vector.dense(2, 3), 2).toArray());
    assertEquals(PolynomialExpansionMapper.outputSize(4, 3), 34);
  }

  @Test
  void propagatesNaNAndRejectsNull() {
    double[] out = expand(Vector.dense(Double.NaN, 0), 2).toArray();
    // a, b, a², ab, b²: NaN * 0 is NaN, as in scikit-learn
    assertTrue(Double.isNaN(out[0]) && Double.isNaN(out[2]) && Double.isNaN(out[3]));
    assertEquals(0.0, out[4]);
    String message =
        assertThrows(IllegalArgumentException.class, () -> expand(null, 2)).getMessage();
    assertTrue(message.contains("'x' is null"), message);
  }

  @Test
  void rejectsBadDegreeAndColumns() {
    assertThrows(IllegalArgumentException.class, () -> PolynomialExpansion.of("x").withDegree(0));
    assertThrows(IllegalArgumentException.class, () -> PolynomialExpansion.of(""));
    Schema s = Schema.builder().addDoubleField("x").build();
    assertThrows(
        IllegalArgumentException.class,
        () -> PolynomialExpansion.of("x").withOutputCol("p").transformer().outputSchema(s));
  }

  @Test
  void rejectsMissingOutputColumnAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.apply(Create.empty(SCHEMA)).apply(PolynomialExpansion.of("x").withDegree(3)));
    assertEquals("PolynomialExpansion needs withOutputCol(..)", e.getMessage());
  }

  @Test
  void expandsInAPipeline() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> out =
        p.apply(
                Create.of(Row.withSchema(SCHEMA).addValue(Vector.dense(1, 2)).build())
                    .withRowSchema(SCHEMA))
            .apply(PolynomialExpansion.of("x").withOutputCol("poly").withDegree(3));
    PAssert.that(out)
        .satisfies(
            rows -> {
              for (Row r : rows) {
                assertEquals(
                    Vector.dense(1, 2, 1, 2, 4, 1, 2, 4, 8),
                    r.getLogicalTypeValue("poly", Vector.class));
              }
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        PolynomialExpansionMapper.of("x", "p", 4),
        PolynomialExpansionMapper.Coder.of(),
        "polynomial-expansion");
  }
}
