package org.beamlink.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.util.RowJson;
import org.apache.beam.sdk.util.RowJsonUtils;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;

/**
 * {@link FlatJsonRows}: the records it reads equal Beam's {@code RowJson} rows; everything else is
 * left to {@code RowJson}.
 */
class FlatJsonRowsTest {
  private static final Schema SCHEMA =
      Schema.builder()
          .addInt64Field("time")
          .addDoubleField("price")
          .addStringField("site")
          .addInt32Field("click")
          .addBooleanField("mobile")
          .addNullableField("note", Schema.FieldType.STRING)
          .build();

  private final FlatJsonRows flat = FlatJsonRows.of(SCHEMA);
  private final ObjectMapper mapper =
      RowJsonUtils.newObjectMapperWith(RowJson.RowJsonDeserializer.forSchema(SCHEMA));

  @Test
  void readsWhatRowJsonReadsToTheSameRow() {
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      double price = Math.scalb(random.nextDouble() - 0.5, random.nextInt(80) - 40);
      String text =
          "{\"note\": \"n\\\""
              + i
              + "\", \"time\": "
              + (random.nextLong() >> random.nextInt(63))
              + ", \"price\": "
              + price
              + ", \"site\": \"s\\u00e9"
              + i
              + "\", \"click\": "
              + (random.nextInt() >> 3)
              + ", \"mobile\": "
              + random.nextBoolean()
              + "}";
      Row row = flat.parse(text);
      assertNotNull(row, text);
      assertEquals(RowJsonUtils.jsonToRow(mapper, text), row, text);
    }
  }

  @Test
  void leavesEverythingElseToRowJson() {
    String full =
        "\"time\": 1, \"price\": 2.5, \"site\": \"s\", \"click\": 0, \"mobile\": true, \"note\": \"x\"";
    assertNotNull(flat.parse("{" + full + "}"));
    List<String> others =
        List.of(
            "{\"time\": 1, \"price\": 2.5, \"site\": \"s\", \"click\": 0, \"mobile\": true}",
            "{" + full + ", \"extra\": 1}",
            "{" + full + ", \"time\": 2}",
            "{" + full.replace("\"x\"", "null") + "}",
            "{" + full.replace("2.5", "2") + "}",
            "{" + full.replace("2.5", "\"cheap\"") + "}",
            "{" + full.replace("2.5", "1e999") + "}",
            "{" + full.replace("\"click\": 0", "\"click\": 3000000000") + "}",
            "{" + full.replace("\"time\": 1", "\"time\": 1.0") + "}",
            "{" + full.replace("true", "\"true\"") + "}",
            "{" + full + "} {}",
            "{" + full,
            "[1, 2]",
            "not json");
    for (String text : others) {
      assertNull(flat.parse(text), text);
    }
  }

  @Test
  void isNotMadeForSchemasWithOtherTypes() {
    assertNull(
        FlatJsonRows.of(
            Schema.builder()
                .addInt64Field("a")
                .addArrayField("b", Schema.FieldType.DOUBLE)
                .build()));
  }
}
