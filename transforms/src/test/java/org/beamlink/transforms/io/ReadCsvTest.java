package org.beamlink.transforms.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadCsvTest {
  @TempDir Path dir;

  private String write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file.toString();
  }

  /** Every message in the cause chain, so a test can look for ours whatever the runner wraps. */
  static String messages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append('\n');
    }
    return all.toString();
  }

  @BoundedRunnerTest
  void readsTypedColumnsOfAGivenSchema(TestRunner runner) throws IOException {
    String file = write("typed.csv", "id;name;score;ok\n1;alice;2.5;true\n2;bob;-3e2;FALSE\n");
    Schema schema =
        Schema.builder()
            .addInt64Field("id")
            .addStringField("name")
            .addDoubleField("score")
            .addBooleanField("ok")
            .build();
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(ReadCsv.from(file).withSchema(schema).withDelimiter(';'));
    PAssert.that(rows)
        .containsInAnyOrder(
            Row.withSchema(schema).addValues(1L, "alice", 2.5, true).build(),
            Row.withSchema(schema).addValues(2L, "bob", -300.0, false).build());
    runner.run(p);
  }

  @Test
  void infersTypesFromEveryValueOfEveryFile() throws IOException {
    write("a.csv", "n,x,s,empty,late\n1,1,a,,1\n-2,2.5,3,,2\n,NaN,b,,3\n");
    write("b.csv", "late,n,x,s,empty\n4.5,7,8,c,\n");
    Schema schema = ReadCsv.inferSchema(dir.resolve("*.csv").toString(), ',', Map.of());
    assertEquals(
        Schema.builder()
            .addNullableField("n", FieldType.INT64)
            .addNullableField("x", FieldType.DOUBLE)
            .addNullableField("s", FieldType.STRING)
            .addNullableField("empty", FieldType.STRING)
            .addNullableField("late", FieldType.DOUBLE)
            .build(),
        schema);
  }

  /**
   * Issue 17: the old inference read the first 1,000 records, so a decimal after them failed the
   * job ("expected an integer (INT64)") although the file was valid.
   */
  @BoundedRunnerTest
  void widensACountColumnToDoubleForADecimalAfterTheFirstThousandRecords(TestRunner runner)
      throws IOException {
    StringBuilder text = new StringBuilder("id,count\n");
    for (int i = 0; i < 1500; i++) {
      text.append(i).append(',').append(i % 7).append('\n');
    }
    text.append("1500,0.5\n");
    String file = write("counts.csv", text.toString());
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(ReadCsv.from(file));
    assertEquals(FieldType.INT64.withNullable(true), rows.getSchema().getField("id").getType());
    assertEquals(FieldType.DOUBLE.withNullable(true), rows.getSchema().getField("count").getType());
    PAssert.thatSingleton(
            rows.apply(Filter.by(r -> r.getInt64("id") == 1500))
                .apply(MapElements.into(TypeDescriptors.doubles()).via(r -> r.getDouble("count"))))
        .isEqualTo(0.5);
    runner.run(p);
  }

  /**
   * Issue 17: a word among the first 1,000 values of a numeric column made it a text column, which
   * the commands then left out without a word. A column is numeric when most of its values are
   * numbers, and a value that is not one is a malformed record, wherever it sits.
   */
  @BoundedRunnerTest
  void aWordInANumericColumnIsAMalformedRecordNamingFileLineColumnAndValue(TestRunner runner)
      throws IOException {
    List<String> lines = new ArrayList<>(List.of("x,y"));
    for (int i = 0; i < 100; i++) {
      lines.add(i + "," + (i * 0.5));
    }
    lines.set(77, "76,abc");
    String file = write("word.csv", String.join("\n", lines) + "\n");
    assertEquals(
        FieldType.DOUBLE.withNullable(true),
        ReadCsv.inferSchema(file, ',', Map.of()).getField("y").getType());
    Pipeline p = runner.create();
    p.apply(ReadCsv.from(file));
    Throwable e = assertThrows(Throwable.class, () -> runner.run(p));
    assertThat(
        messages(e),
        containsString(
            "word.csv, line 78: column 'y' has value 'abc'; expected a number (DOUBLE), as most"
                + " values of the column are; if the column is text, declare it so"
                + " (ReadCsv.withColumnType, or --schema y:string in the beamlink command line)"));
  }

  @BoundedRunnerTest
  void readsADeclaredTextColumnWhoseValuesLookLikeNumbers(TestRunner runner) throws IOException {
    String file = write("zips.csv", "zip,n\n02139,1\n10001,2\nK1A 0B1,3\n");
    Schema schema =
        Schema.builder().addStringField("zip").addNullableField("n", FieldType.INT64).build();
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(ReadCsv.from(file).withColumnType("zip", FieldType.STRING));
    assertEquals(schema, rows.getSchema());
    PAssert.that(rows)
        .containsInAnyOrder(
            Row.withSchema(schema).addValues("02139", 1L).build(),
            Row.withSchema(schema).addValues("10001", 2L).build(),
            Row.withSchema(schema).addValues("K1A 0B1", 3L).build());
    runner.run(p);
  }

  @Test
  void refusesADeclaredColumnTheHeaderLacks() throws IOException {
    String file = write("x.csv", "x\n1\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Pipeline.create()
                    .apply(ReadCsv.from(file).withColumnType("zip", FieldType.STRING)));
    assertThat(e.getMessage(), containsString("withColumnType declares column 'zip'"));
  }

  @Test
  void refusesASchemaAndADeclaredColumnTogether() throws IOException {
    String file = write("x.csv", "x\n1\n");
    Schema schema = Schema.builder().addInt64Field("x").build();
    ReadCsv read = ReadCsv.from(file).withColumnType("x", FieldType.STRING).withSchema(schema);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Pipeline.create().apply(read));
    assertThat(e.getMessage(), containsString("both withSchema and withColumnType"));
  }

  @BoundedRunnerTest
  void locatedRowsCarryTheFileLineAndTextOfTheirRecord(TestRunner runner) throws IOException {
    String file = write("located.csv", "x,t\n1,a\n\n2,\"b\nc\"\n");
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(ReadCsv.from(file).withLocations());
    Schema values =
        Schema.builder()
            .addNullableField("x", FieldType.INT64)
            .addNullableField("t", FieldType.STRING)
            .build();
    Schema located = ReadCsv.locatedSchema(values);
    assertEquals(located, rows.getSchema());
    PAssert.that(rows)
        .containsInAnyOrder(
            Row.withSchema(located)
                .addValues(file, 2L, "1,a", Row.withSchema(values).addValues(1L, "a").build())
                .build(),
            Row.withSchema(located)
                .addValues(
                    file, 4L, "2,\"b\nc\"", Row.withSchema(values).addValues(2L, "b\nc").build())
                .build());
    runner.run(p);
  }

  /**
   * Issue 17: a truncated .gz file was reported as "the text does not parse as CSV ...: null". It
   * is an I/O error naming the file and the last line read.
   */
  @BoundedRunnerTest
  void aTruncatedGzipFileFailsNamingTheFileAndTheLastLineRead(TestRunner runner)
      throws IOException {
    StringBuilder text = new StringBuilder("x,y\n");
    for (int i = 0; i < 20000; i++) {
      text.append(i).append(',').append(i * 31 % 1000).append('\n');
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] whole = bytes.toByteArray();
    Path file = dir.resolve("cut.csv.gz");
    Files.write(file, Arrays.copyOf(whole, whole.length / 2));
    Schema schema = Schema.builder().addInt64Field("x").addInt64Field("y").build();
    Pipeline p = runner.create();
    p.apply(ReadCsv.from(file.toString()).withSchema(schema).withFailuresOutput());
    Throwable e = assertThrows(Throwable.class, () -> runner.run(p));
    assertThat(
        messages(e),
        matchesPattern(
            "(?s).*Cannot read \\S*cut\\.csv\\.gz after line [0-9]+: the file ends in the middle"
                + " of its data \\(truncated or still being written\\?\\).*"));
  }

  @Test
  void inferenceNamesATruncatedGzipFile() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write("x,y\n".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 20000; i++) {
        gzip.write((i + "," + i + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    Path file = dir.resolve("cut.csv.gz");
    Files.write(file, Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2));
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class, () -> ReadCsv.inferSchema(file.toString(), ',', Map.of()));
    assertThat(e.getMessage(), containsString("cut.csv.gz to infer its schema: the file ends"));
  }

  @BoundedRunnerTest
  void readsEmptyCellsAsNullsWithAnInferredSchema(TestRunner runner) throws IOException {
    String file = write("nulls.csv", "a,b,c\n1,,x\n,2.5,\n");
    Schema schema =
        Schema.builder()
            .addNullableField("a", FieldType.INT64)
            .addNullableField("b", FieldType.DOUBLE)
            .addNullableField("c", FieldType.STRING)
            .build();
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(ReadCsv.from(file));
    assertEquals(schema, rows.getSchema());
    PAssert.that(rows)
        .containsInAnyOrder(
            Row.withSchema(schema).addValues(1L, null, "x").build(),
            Row.withSchema(schema).addValues(null, 2.5, null).build());
    runner.run(p);
  }

  @BoundedRunnerTest
  void readsQuotedDelimitersQuotesAndLineBreaks(TestRunner runner) throws IOException {
    String file =
        write(
            "quoted.csv",
            "id,text\r\n1,\"a,b\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\r\nlines\"\r\n\r\n4,plain");
    Schema schema =
        Schema.builder()
            .addNullableField("id", FieldType.INT64)
            .addNullableField("text", FieldType.STRING)
            .build();
    Pipeline p = runner.create();
    PAssert.that(p.apply(ReadCsv.from(file)))
        .containsInAnyOrder(
            Row.withSchema(schema).addValues(1L, "a,b").build(),
            Row.withSchema(schema).addValues(2L, "say \"hi\"").build(),
            Row.withSchema(schema).addValues(3L, "two\r\nlines").build(),
            Row.withSchema(schema).addValues(4L, "plain").build());
    runner.run(p);
  }

  @BoundedRunnerTest
  void matchesColumnsByHeaderNameAndSkipsEmptyFiles(TestRunner runner) throws IOException {
    write("1.csv", "x,y,extra\n1,2,a\n");
    write("2.csv", "y,x\n4,3\n");
    write("3.csv", "x,y\n");
    write("4.csv", "");
    Schema schema = Schema.builder().addInt64Field("x").addInt64Field("y").build();
    Pipeline p = runner.create();
    PAssert.that(p.apply(ReadCsv.from(dir.resolve("*.csv").toString()).withSchema(schema)))
        .containsInAnyOrder(
            Row.withSchema(schema).addValues(1L, 2L).build(),
            Row.withSchema(schema).addValues(3L, 4L).build());
    runner.run(p);
  }

  @BoundedRunnerTest
  void failsOnAValueOfTheWrongTypeNamingFileLineColumnAndValue(TestRunner runner)
      throws IOException {
    String file = write("bad-value.csv", "x,t,y\n1,a,2.5\n3,\"multi\nline\",4\n5,b,abc\n");
    Pipeline p = runner.create();
    p.apply(ReadCsv.from(file));
    Throwable e = assertThrows(Throwable.class, () -> runner.run(p));
    assertThat(
        messages(e),
        containsString(
            "bad-value.csv, line 5: column 'y' has value 'abc'; expected a number (DOUBLE)"));
  }

  @BoundedRunnerTest
  void failsOnAWrongNumberOfCellsNamingFileAndLine(TestRunner runner) throws IOException {
    String file = write("short.csv", "x,y\n1,2\n3\n");
    Pipeline p = runner.create();
    p.apply(ReadCsv.from(file));
    Throwable e = assertThrows(Throwable.class, () -> runner.run(p));
    assertThat(
        messages(e), containsString("short.csv, line 3: expected 2 cells as in the header, got 1"));
  }

  @BoundedRunnerTest
  void keepsMalformedRecordsInTheFailureOutputAndReadsTheRest(TestRunner runner)
      throws IOException {
    String file =
        write("mixed.csv", "x,y\n1,2.5\n2,oops\n3,\"a\nb\"\n4\n\n5,6\n7,\"never closed\n8,9\n");
    Schema schema = Schema.builder().addInt64Field("x").addDoubleField("y").build();
    Pipeline p = runner.create();
    ReadResult result = p.apply(ReadCsv.from(file).withSchema(schema).withFailuresOutput());
    PAssert.that(result.getRows())
        .containsInAnyOrder(
            Row.withSchema(schema).addValues(1L, 2.5).build(),
            Row.withSchema(schema).addValues(5L, 6.0).build());
    PAssert.that(result.getFailures())
        .satisfies(
            failures -> {
              List<Row> sorted = sorted(failures);
              assertEquals(4, sorted.size(), sorted.toString());
              assertFailure(sorted.get(0), file, 3, "2,oops", "column 'y' has value 'oops'");
              assertFailure(sorted.get(1), file, 4, "3,\"a\nb\"", "column 'y' has value 'a\nb'");
              assertFailure(sorted.get(2), file, 6, "4", "expected 2 cells");
              assertFailure(sorted.get(3), file, 9, "", "the rest of the file is not read");
              return null;
            });
    runner.run(p);
  }

  private static List<Row> sorted(Iterable<Row> failures) {
    List<Row> sorted = new ArrayList<>();
    StreamSupport.stream(failures.spliterator(), false).forEach(sorted::add);
    sorted.sort(Comparator.comparingLong(r -> r.getInt64("line")));
    return sorted;
  }

  private static void assertFailure(
      Row failure, String file, long line, String text, String error) {
    assertEquals(file, failure.getString("file"));
    assertEquals(line, failure.getInt64("line"));
    assertEquals(text, failure.getString("text"));
    assertThat(failure.getString("error"), containsString(error));
  }

  @Test
  void rejectsAQuoteAsDelimiter() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReadCsv.from("x").withDelimiter('"'));
    assertThat(e.getMessage(), containsString("Expected a delimiter other than a quote"));
  }

  @Test
  void rejectsASchemaWithAnUnsupportedType() {
    Schema schema = Schema.builder().addArrayField("a", FieldType.INT64).build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReadCsv.from("x").withSchema(schema));
    assertThat(e.getMessage(), containsString("Column 'a' has type"));
  }

  @Test
  void cannotInferASchemaWithoutAMatchingFile() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ReadCsv.inferSchema(dir.resolve("none-*.csv").toString(), ',', Map.of()));
    assertThat(e.getMessage(), containsString("No file matches"));
  }

  @Test
  void rejectsAHeaderThatNamesAColumnTwice() throws IOException {
    String file = write("twice.csv", "a,b,a\n1,2,3\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ReadCsv.inferSchema(file, ',', Map.of()));
    assertThat(e.getMessage(), containsString("names column 'a' twice"));
  }
}
