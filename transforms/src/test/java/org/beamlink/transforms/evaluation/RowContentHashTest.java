package org.beamlink.transforms.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.junit.jupiter.api.Test;

/**
 * {@link RowContentHash}: the documented byte form, checked against random_split_reference.py
 * (evaluation test resources), which computes the same FNV-1a 64 in Python.
 */
class RowContentHashTest {
  private static final Schema TEXT =
      Schema.builder().addStringField("text").addStringField("label").build();

  private static final Schema MIXED =
      Schema.builder()
          .addStringField("s")
          .addInt64Field("i")
          .addDoubleField("d")
          .addNullableField("n", FieldType.STRING)
          .addBooleanField("b")
          .build();

  @Test
  void stringsHashAsTheirUtf8JoinedByZero() {
    // random_split_reference.py: FNV-1a 64 of UTF-8(text + "\0" + label), as the text demo hashed.
    assertEquals(
        -5165473568820994883L,
        RowContentHash.of(Row.withSchema(TEXT).addValues("hello world", "ham").build()));
    assertEquals(
        8848204580515620670L,
        RowContentHash.of(Row.withSchema(TEXT).addValues("", "spam").build()));
    assertEquals(
        8534914264936347144L,
        RowContentHash.of(Row.withSchema(TEXT).addValues("Grüße, 世界", "ham").build()));
  }

  @Test
  void numbersNullsAndBooleansHashAsDocumented() {
    // random_split_reference.py: longs and doubles as 8 bytes big-endian, null as 0xFF.
    assertEquals(
        -7620276262106377105L,
        RowContentHash.of(Row.withSchema(MIXED).addValues("a", 1L, 2.5, null, true).build()));
    assertEquals(
        633070249918543307L,
        RowContentHash.of(Row.withSchema(MIXED).addValues("b", -7L, -0.0, "x", false).build()));
  }

  @Test
  void negativeZeroIsZeroAndIntegersAreWidened() {
    Schema ints = Schema.builder().addInt32Field("i").addDoubleField("d").build();
    Schema longs = Schema.builder().addInt64Field("i").addDoubleField("d").build();
    assertEquals(
        RowContentHash.of(Row.withSchema(ints).addValues(3, -0.0).build()),
        RowContentHash.of(Row.withSchema(longs).addValues(3L, 0.0).build()));
  }

  @Test
  void nullIsNotTheEmptyString() {
    Schema schema = Schema.builder().addNullableField("s", FieldType.STRING).build();
    assertNotEquals(
        RowContentHash.of(Row.withSchema(schema).addValue(null).build()),
        RowContentHash.of(Row.withSchema(schema).addValue("").build()));
  }

  @Test
  void mapsHashTheSameInAnyOrderAndVectorsByTheirValues() {
    Schema schema =
        Schema.builder()
            .addMapField("m", FieldType.STRING, FieldType.DOUBLE)
            .addField("v", VectorLogicalType.FIELD_TYPE)
            .addArrayField("a", FieldType.INT64)
            .build();
    Map<String, Double> m1 = new java.util.LinkedHashMap<>();
    m1.put("x", 1.0);
    m1.put("y", 2.0);
    Map<String, Double> m2 = new java.util.LinkedHashMap<>();
    m2.put("y", 2.0);
    m2.put("x", 1.0);
    Row a = Row.withSchema(schema).addValues(m1, Vector.dense(1, 2), List.of(1L, 2L)).build();
    Row b = Row.withSchema(schema).addValues(m2, Vector.dense(1, 2), List.of(1L, 2L)).build();
    Row c = Row.withSchema(schema).addValues(m2, Vector.dense(1, 3), List.of(1L, 2L)).build();
    Row d = Row.withSchema(schema).addValues(m2, Vector.dense(1, 2), List.of(2L, 1L)).build();
    assertEquals(RowContentHash.of(a), RowContentHash.of(b));
    assertNotEquals(RowContentHash.of(a), RowContentHash.of(c));
    assertNotEquals(RowContentHash.of(a), RowContentHash.of(d));
  }
}
