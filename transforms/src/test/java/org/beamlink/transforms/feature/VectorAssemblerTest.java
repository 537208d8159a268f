package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.CategoricalTestSupport.assertRoundTrips;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.feature.SkippingBound;
import org.beamlink.models.feature.VectorAssemblerMapper;
import org.beamlink.models.linalg.DenseVector;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * VectorAssembler against Spark's rules (hand-computed: concatenation, the sparse-when-smaller rule
 * {@code 1.5 * (nnz + 1) < size}, and handleInvalid). Values are copied, so compared exactly.
 */
class VectorAssemblerTest {
  private static final Schema SCHEMA =
      Schema.builder()
          .addNullableField("a", Schema.FieldType.DOUBLE)
          .addNullableField("v", VectorLogicalType.FIELD_TYPE)
          .addNullableField("n", Schema.FieldType.INT32)
          .build();

  private static Row row(Double a, Vector v, Integer n) {
    return Row.withSchema(SCHEMA).addValues(a, v, n).build();
  }

  private static Vector assemble(HandleInvalid h, Row row) {
    return VectorAssemblerMapper.of(List.of("a", "v", "n"), "features", h)
        .bind(SCHEMA)
        .apply(row)
        .getLogicalTypeValue("features", Vector.class);
  }

  @Test
  void concatenatesNumbersAndVectorsInOrder() {
    Vector out = assemble(HandleInvalid.ERROR, row(1.5, Vector.dense(2, 3), 4));
    assertTrue(out instanceof DenseVector);
    assertArrayEquals(new double[] {1.5, 2, 3, 4}, out.toArray());
  }

  /** Size 12, 2 nonzeros: 1.5 * 3 = 4.5 < 12, sparse; size 4 with 2 nonzeros: dense. */
  @Test
  void isSparseWhenThatIsSmallerAsSpark() {
    Vector big = Vector.sparse(10, new int[] {7}, new double[] {5});
    Vector out = assemble(HandleInvalid.ERROR, row(0.0, big, 2));
    assertTrue(out instanceof SparseVector);
    assertArrayEquals(new int[] {8, 11}, ((SparseVector) out).indices());
    assertArrayEquals(new double[] {5, 2}, ((SparseVector) out).values());
    Vector small =
        assemble(
            HandleInvalid.ERROR, row(0.0, Vector.sparse(2, new int[] {0}, new double[] {1}), 2));
    assertTrue(small instanceof DenseVector);
    assertArrayEquals(new double[] {0, 1, 0, 2}, small.toArray());
  }

  @Test
  void rejectsNullAndNaNNamingColumnAndRow() {
    String nul =
        assertThrows(
                IllegalArgumentException.class,
                () -> assemble(HandleInvalid.ERROR, row(1.0, Vector.dense(1), null)))
            .getMessage();
    assertTrue(nul.contains("'n' is null in row"), nul);
    String nan =
        assertThrows(
                IllegalArgumentException.class,
                () -> assemble(HandleInvalid.ERROR, row(Double.NaN, Vector.dense(1), 1)))
            .getMessage();
    assertTrue(nan.contains("'a' is NaN"), nan);
  }

  /** NaN inside a vector is copied in every mode, as Spark. */
  @Test
  void copiesNaNInsideVectors() {
    Vector out = assemble(HandleInvalid.ERROR, row(1.0, Vector.dense(Double.NaN), 1));
    assertTrue(Double.isNaN(out.get(1)));
  }

  @Test
  void keepWritesNaNForNullNumbersButNotForNullVectors() {
    Vector out = assemble(HandleInvalid.KEEP, row(null, Vector.dense(1), null));
    assertTrue(Double.isNaN(out.get(0)) && Double.isNaN(out.get(2)));
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () -> assemble(HandleInvalid.KEEP, row(1.0, null, 1)))
            .getMessage();
    assertTrue(message.contains("size is unknown"), message);
  }

  @Test
  void skipDropsInvalidRowsInTheTransformOnly() {
    SkippingBound bound =
        VectorAssemblerMapper.of(List.of("a", "v", "n"), "features", HandleInvalid.SKIP)
            .bind(SCHEMA);
    assertNull(bound.applyOrSkip(row(null, Vector.dense(1), 1)));
    assertThrows(IllegalArgumentException.class, () -> bound.apply(row(null, Vector.dense(1), 1)));
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> out =
        p.apply(
                Create.of(
                        row(1.0, Vector.dense(2), 3),
                        row(Double.NaN, Vector.dense(2), 3),
                        row(1.0, null, 3),
                        row(1.0, Vector.dense(2), null))
                    .withRowSchema(SCHEMA))
            .apply(VectorAssembler.of("a", "v", "n").withHandleInvalid(HandleInvalid.SKIP));
    PAssert.that(out)
        .satisfies(
            rows -> {
              List<Vector> kept = new ArrayList<>();
              rows.forEach(r -> kept.add(r.getLogicalTypeValue("features", Vector.class)));
              assertEquals(List.of(Vector.dense(1, 2, 3)), kept);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void assemblesInAPipeline() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> out =
        p.apply(Create.of(row(1.0, Vector.dense(2, 3), 4)).withRowSchema(SCHEMA))
            .apply(VectorAssembler.of("n", "v").withOutputCol("x"));
    PAssert.that(out)
        .satisfies(
            rows -> {
              for (Row r : rows) {
                assertEquals(Vector.dense(4, 2, 3), r.getLogicalTypeValue("x", Vector.class));
              }
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void rejectsMissingOrNonNumericColumnsAtConstruction() {
    Schema s = Schema.builder().addStringField("name").addDoubleField("features").build();
    Transformer t = VectorAssembler.of("name").transformer();
    assertThrows(IllegalArgumentException.class, () -> t.outputSchema(s));
    assertThrows(
        IllegalArgumentException.class,
        () -> VectorAssembler.of("missing").transformer().outputSchema(s));
    String taken =
        assertThrows(
                IllegalArgumentException.class,
                () -> VectorAssembler.of("features").transformer().outputSchema(s))
            .getMessage();
    assertTrue(taken.contains("already exists"), taken);
    assertThrows(
        IllegalArgumentException.class,
        () -> VectorAssembler.of("a").withHandleInvalid(HandleInvalid.IGNORE));
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        VectorAssembler.of("a", "v").withHandleInvalid(HandleInvalid.KEEP).transformer(),
        VectorAssemblerMapper.Coder.of(),
        "vector-assembler");
  }
}
