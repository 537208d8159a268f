package org.beamlink.models.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.junit.jupiter.api.Test;

class RowTextTest {
  /**
   * Beam's Row.toString spreads a row over lines and prints a vector as the bytes of its encoding;
   * an error message needs one readable line.
   */
  @Test
  void writesARowOnOneLineWithVectorsReadable() {
    Schema inner = Schema.builder().addInt64Field("n").build();
    Schema schema =
        Schema.builder()
            .addNullableField("x", FieldType.DOUBLE)
            .addStringField("s")
            .addField("dense", VectorLogicalType.FIELD_TYPE)
            .addField("sparse", VectorLogicalType.FIELD_TYPE)
            .addArrayField("tokens", FieldType.STRING.withNullable(true))
            .addMapField("detail", FieldType.STRING, FieldType.DOUBLE)
            .addRowField("nested", inner)
            .build();
    Row row =
        Row.withSchema(schema)
            .addValues(
                null,
                "two\nlines",
                Vector.dense(1, 2.5),
                Vector.sparse(5, new int[] {1}, new double[] {Double.NaN}),
                Arrays.asList("a", null),
                Map.of("yes", 0.25),
                Row.withSchema(inner).addValue(7L).build())
            .build();
    assertEquals(
        "{x: null, s: \"two\\nlines\", dense: [1.0, 2.5], sparse: (5,[1],[NaN]), tokens: [\"a\","
            + " null], detail: {\"yes\": 0.25}, nested: {n: 7}}",
        RowText.of(row));
  }

  @Test
  void cutsLongValues() {
    Schema schema = Schema.builder().addStringField("text").build();
    String text = "x".repeat(100);
    assertEquals(
        "{text: \"" + "x".repeat(80) + "...(100 chars)\"}",
        RowText.of(Row.withSchema(schema).addValue(text).build()));
  }
}
