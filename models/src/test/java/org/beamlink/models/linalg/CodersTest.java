package org.beamlink.models.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;

class CodersTest {
  @Test
  void vectorCoderRoundTripsAndIsDeterministic() throws Exception {
    Vector[] vectors = {
      Vector.dense(1, 2, 3),
      Vector.dense(),
      Vector.sparse(1_000_000, new int[] {5, 999_999}, new double[] {-1.5, 2}),
      Vector.sparse(0, new int[0], new double[0]),
      Vector.dense(new java.util.Random(1).doubles(20_000).toArray())
    };
    for (Vector v : vectors) {
      CoderProperties.coderDecodeEncodeEqual(VectorCoder.of(), v);
      CoderProperties.coderDeterministic(VectorCoder.of(), v, v);
      assertEquals(v.getClass(), CoderUtils.clone(VectorCoder.of(), v).getClass(), "kind is kept");
    }
  }

  @Test
  void doubleArrayCoderRoundTripsLargeArrays() throws Exception {
    double[] big = new java.util.Random(7).doubles(100_003).toArray();
    assertArrayEquals(big, CoderUtils.clone(DoubleArrayCoder.of(), big), 0.0);
    assertArrayEquals(new double[0], CoderUtils.clone(DoubleArrayCoder.of(), new double[0]), 0.0);
    CoderProperties.coderDeterministic(DoubleArrayCoder.of(), big, big.clone());
  }

  @Test
  void blockCoderRoundTripsDenseAndSparse() throws Exception {
    DenseBlock dense =
        DenseBlock.of(2, 2, new double[] {1, 2, 3, 4}, new double[] {0, 1}, new double[] {1, 3});
    Block back = CoderUtils.clone(BlockCoder.of(), dense);
    assertEquals(dense.row(1), back.row(1));
    assertEquals(1.0, back.label(1), 0.0);
    assertEquals(3.0, back.weight(1), 0.0);
    SparseBlock sparse =
        SparseBlock.of(2, 10, new int[] {0, 1, 1}, new int[] {9}, new double[] {5}, null, null);
    Block sback = CoderUtils.clone(BlockCoder.of(), sparse);
    assertTrue(sback instanceof SparseBlock);
    assertEquals(sparse.row(0), sback.row(0));
    assertEquals(0, sback.row(1).numNonzeros());
  }

  @Test
  void decodingAnotherVersionFailsClearly() {
    byte[] bytes = {9, 0, 0};
    CoderException e =
        assertThrows(
            CoderException.class, () -> VectorCoder.of().decode(new ByteArrayInputStream(bytes)));
    assertTrue(e.getMessage().contains("version 9"), e.getMessage());
  }

  @Test
  void truncatedInputFails() {
    assertThrows(
        IOException.class,
        () -> DoubleArrayCoder.of().decode(new ByteArrayInputStream(new byte[] {3, 0, 0})));
  }

  @Test
  void vectorColumnInARow() throws Exception {
    Schema schema =
        Schema.builder()
            .addField("features", VectorLogicalType.FIELD_TYPE)
            .addDoubleField("label")
            .build();
    Vector v = Vector.sparse(4, new int[] {1}, new double[] {2});
    Row row = Row.withSchema(schema).addValues(v, 1.0).build();
    Row back = CoderUtils.clone(RowCoder.of(schema), row);
    assertEquals(v, back.getLogicalTypeValue("features", Vector.class));
    assertTrue(VectorLogicalType.isVector(schema.getField("features").getType()));
    assertTrue(!VectorLogicalType.isVector(schema.getField("label").getType()));
  }
}
