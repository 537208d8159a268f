package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.CategoricalTestSupport.assertRoundTrips;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.VectorSlicerMapper;
import org.beamlink.models.linalg.DenseVector;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/** VectorSlicer, hand-computed (coordinates are copied, so compared exactly). */
class VectorSlicerTest {
  private static final Schema SCHEMA =
      Schema.builder().addNullableField("v", VectorLogicalType.FIELD_TYPE).build();

  private static Vector slice(Vector v, int... indices) {
    return VectorSlicerMapper.of("v", "s", indices)
        .bind(SCHEMA)
        .apply(Row.withSchema(SCHEMA).addValue(v).build())
        .getLogicalTypeValue("s", Vector.class);
  }

  @Test
  void picksIndicesInTheGivenOrderKeepingDenseDense() {
    Vector out = slice(Vector.dense(10, 11, 12, Double.NaN), 3, 2, 0);
    assertTrue(out instanceof DenseVector);
    assertArrayEquals(new double[] {Double.NaN, 12, 10}, out.toArray());
  }

  @Test
  void keepsSparseSparse() {
    Vector out = slice(Vector.sparse(100, new int[] {5, 50}, new double[] {1, 2}), 50, 7, 5);
    assertTrue(out instanceof SparseVector);
    assertEquals(Vector.sparse(3, new int[] {0, 2}, new double[] {2, 1}), out);
  }

  @Test
  void rejectsAnIndexBeyondTheVectorNamingIndexAndSize() {
    String message =
        assertThrows(IllegalArgumentException.class, () -> slice(Vector.dense(1, 2), 0, 5))
            .getMessage();
    assertTrue(message.contains("index 5") && message.contains("size 2"), message);
    assertThrows(IllegalArgumentException.class, () -> slice(null, 0));
  }

  @Test
  void rejectsBadIndicesAndColumns() {
    VectorSlicer v = VectorSlicer.of("v");
    assertThrows(IllegalArgumentException.class, () -> v.withIndices());
    assertThrows(IllegalArgumentException.class, () -> v.withIndices(-1));
    assertThrows(IllegalArgumentException.class, () -> v.withIndices(1, 1));
    assertThrows(IllegalArgumentException.class, () -> VectorSlicer.of(""));
    Transformer t = VectorSlicer.of("x").withIndices(0).withOutputCol("s").transformer();
    assertThrows(IllegalArgumentException.class, () -> t.outputSchema(SCHEMA));
  }

  @Test
  void rejectsMissingOutputColumnOrIndicesAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.empty(SCHEMA));
    IllegalArgumentException noOutput =
        assertThrows(
            IllegalArgumentException.class, () -> rows.apply(VectorSlicer.of("v").withIndices(0)));
    assertEquals("VectorSlicer needs withOutputCol(..)", noOutput.getMessage());
    IllegalArgumentException noIndices =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(VectorSlicer.of("v").withOutputCol("s")));
    assertEquals("VectorSlicer needs withIndices(..)", noIndices.getMessage());
  }

  @Test
  void slicesInAPipeline() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> out =
        p.apply(
                Create.of(Row.withSchema(SCHEMA).addValue(Vector.dense(1, 2, 3)).build())
                    .withRowSchema(SCHEMA))
            .apply(VectorSlicer.of("v").withIndices(2, 0).withOutputCol("s"));
    PAssert.that(out)
        .satisfies(
            rows -> {
              for (Row r : rows) {
                assertEquals(Vector.dense(3, 1), r.getLogicalTypeValue("s", Vector.class));
              }
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        VectorSlicerMapper.of("v", "s", 4, 1, 9), VectorSlicerMapper.Coder.of(), "vector-slicer");
  }
}
