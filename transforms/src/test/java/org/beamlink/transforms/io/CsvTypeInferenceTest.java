package org.beamlink.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.junit.jupiter.api.Test;

class CsvTypeInferenceTest {
  private static Schema infer(String text, Map<String, FieldType> declared) throws IOException {
    CsvTypeInference types = new CsvTypeInference(declared);
    types.scan(new ByteArrayInputStream(text.getBytes(UTF_8)), ',', "test.csv");
    return types.schema();
  }

  /**
   * The same rule computed the slow way, from the records commons-csv reads ({@link CsvRecords}):
   * what the scanner must agree with.
   */
  private static Schema reference(String text) throws Exception {
    try (CsvRecords records = new CsvRecords(new StringReader(text), ',', "test.csv")) {
      List<String> header = records.header();
      long[] numbers = new long[header.size()];
      long[] others = new long[header.size()];
      boolean[] decimals = new boolean[header.size()];
      try {
        for (CsvRecords.Record r = records.next(); r != null; r = records.next()) {
          if (r.cells().size() != header.size()) {
            continue;
          }
          for (int i = 0; i < header.size(); i++) {
            String cell = r.cells().get(i);
            if (cell.isEmpty()) {
              continue;
            }
            try {
              NumberText.parseDouble(cell);
              numbers[i]++;
              try {
                NumberText.parseLong(cell);
              } catch (NumberFormatException e) {
                decimals[i] = true;
              }
            } catch (NumberFormatException e) {
              others[i]++;
            }
          }
        }
      } catch (CsvRecords.SyntaxException e) {
        // Both stop at a record that does not parse.
      }
      Schema.Builder schema = Schema.builder();
      for (int i = 0; i < header.size(); i++) {
        FieldType type =
            numbers[i] <= others[i]
                ? FieldType.STRING
                : decimals[i] ? FieldType.DOUBLE : FieldType.INT64;
        schema.addNullableField(header.get(i), type);
      }
      return schema.build();
    }
  }

  /**
   * Random files of quoted and unquoted cells (delimiters, quotes and line breaks inside quotes,
   * CR, LF and CRLF line ends, empty lines, white space, non-ASCII text and white space, words,
   * integers, decimals, long overflows, NaN and infinities, short records, a final record without a
   * line end), long enough to cross the scanner's 64 KB buffer many times: the scanner's types
   * equal the reference's.
   */
  @Test
  void agreesWithCommonsCsvAndNumberTextOnRandomFiles() throws Exception {
    SplittableRandom random = new SplittableRandom(17);
    String[] cells = {
      "",
      "0",
      "-12",
      "+7",
      "007",
      "9223372036854775807",
      "9223372036854775808",
      "1.5",
      "-.5",
      "5.",
      "1e3",
      "-2.5E-3",
      "NaN",
      "-inf",
      "Infinity",
      " 42 ",
      "\u3000 3\u3000",
      "abc",
      "n/a",
      "1d",
      "0x1F",
      "é",
      "1,5",
      "\"quoted\"",
      "a\"b",
      "two\nlines",
      "\r\n",
      " "
    };
    for (int file = 0; file < 40; file++) {
      int columns = 1 + random.nextInt(5);
      StringBuilder text = new StringBuilder();
      List<String> names = new ArrayList<>();
      for (int c = 0; c < columns; c++) {
        names.add("c" + c);
      }
      text.append(String.join(",", names)).append('\n');
      // Per column, a bias towards some cells, so that columns come out of every type.
      int[] bias = new int[columns];
      for (int c = 0; c < columns; c++) {
        bias[c] = random.nextInt(cells.length);
      }
      int records = 200 + random.nextInt(4000);
      for (int r = 0; r < records; r++) {
        if (random.nextInt(50) == 0) {
          text.append(random.nextBoolean() ? "\n" : "\r\n");
        }
        int n = random.nextInt(30) == 0 ? columns + random.nextInt(3) - 1 : columns;
        for (int c = 0; c < n; c++) {
          if (c > 0) {
            text.append(',');
          }
          String cell =
              random.nextInt(3) == 0
                  ? cells[random.nextInt(cells.length)]
                  : cells[bias[Math.min(c, columns - 1)]];
          boolean mustQuote =
              cell.indexOf(',') >= 0
                  || cell.indexOf('\n') >= 0
                  || cell.indexOf('\r') >= 0
                  || cell.startsWith("\"");
          if (mustQuote || random.nextInt(10) == 0) {
            text.append('"').append(cell.replace("\"", "\"\"")).append('"');
          } else {
            text.append(cell);
          }
        }
        if (r < records - 1 || random.nextBoolean()) {
          String[] ends = {"\n", "\r\n", "\r"};
          text.append(ends[random.nextInt(ends.length)]);
        }
      }
      String csv = text.toString();
      assertEquals(reference(csv), infer(csv, Map.of()), "file " + file);
    }
  }

  @Test
  void stopsAtARecordThatDoesNotParseAsCommonsCsvDoes() throws Exception {
    String unclosed = "x,y\n1,a\n2,b\n3,\"never closed\n4.5,c\n";
    assertEquals(reference(unclosed), infer(unclosed, Map.of()));
    assertEquals(
        FieldType.INT64.withNullable(true), infer(unclosed, Map.of()).getField("x").getType());
    String textAfterQuote = "x\n1\n\"2\"x\n2.5\n";
    assertEquals(
        FieldType.INT64.withNullable(true),
        infer(textAfterQuote, Map.of()).getField("x").getType());
    String spaceAfterQuote = "x\n1\n\"2.5\" \u3000\n";
    assertEquals(
        FieldType.DOUBLE.withNullable(true),
        infer(spaceAfterQuote, Map.of()).getField("x").getType());
  }

  @Test
  void keepsDeclaredTypesAndDropsAByteOrderMark() throws Exception {
    Map<String, FieldType> declared = new HashMap<>();
    declared.put("zip", FieldType.STRING);
    Schema schema = infer("\uFEFFzip,n\n02139,1\n", declared);
    assertEquals(
        Schema.builder()
            .addField("zip", FieldType.STRING)
            .addNullableField("n", FieldType.INT64)
            .build(),
        schema);
  }

  @Test
  void aColumnWithoutValuesAndAMostlyTextColumnAreText() throws Exception {
    Schema schema = infer("a,b,c\n,1,x\n,2,y\n,z,3\n", Map.of());
    assertEquals(FieldType.STRING.withNullable(true), schema.getField("a").getType());
    assertEquals(FieldType.INT64.withNullable(true), schema.getField("b").getType());
    assertEquals(FieldType.STRING.withNullable(true), schema.getField("c").getType());
  }

  @Test
  void rejectsAHeaderThatDoesNotParse() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> infer("\"x,y\n", Map.of()));
    assertThat(e.getMessage(), containsString("its header does not parse as CSV"));
  }
}
