package org.beamlink.transforms.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
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
  void infersInt64DoubleAndStringColumnsFromTheFirstFile() throws IOException {
    write("a.csv", "n,x,s,empty\n1,1,a,\n-2,2.5,3,\n,NaN,b,\n");
    write("b.csv", "n,x,s,empty\nnot,read,for,inference\n");
    Schema schema = ReadCsv.inferSchema(dir.resolve("*.csv").toString(), ',', 1000);
    assertEquals(
        Schema.builder()
            .addNullableField("n", FieldType.INT64)
            .addNullableField("x", FieldType.DOUBLE)
            .addNullableField("s", FieldType.STRING)
            .addNullableField("empty", FieldType.STRING)
            .build(),
        schema);
  }

  @Test
  void infersFromOnlyTheSampledLines() throws IOException {
    String file = write("late.csv", "v\n1\n2\nthree\n");
    assertEquals(
        FieldType.INT64.withNullable(true),
        ReadCsv.inferSchema(file, ',', 2).getField("v").getType());
    assertEquals(
        FieldType.STRING.withNullable(true),
        ReadCsv.inferSchema(file, ',', 3).getField("v").getType());
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
    p.apply(ReadCsv.from(file).withInferenceLines(2));
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
              List<Row> sorted = new ArrayList<>();
              StreamSupport.stream(failures.spliterator(), false).forEach(sorted::add);
              sorted.sort(Comparator.comparingLong(r -> r.getInt64("line")));
              assertEquals(4, sorted.size(), sorted.toString());
              assertFailure(sorted.get(0), file, 3, "2,oops", "column 'y' has value 'oops'");
              assertFailure(sorted.get(1), file, 4, "3,\"a\nb\"", "column 'y' has value 'a\nb'");
              assertFailure(sorted.get(2), file, 6, "4", "expected 2 cells");
              assertFailure(sorted.get(3), file, 9, "", "the rest of the file is not read");
              return null;
            });
    runner.run(p);
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
            () -> ReadCsv.inferSchema(dir.resolve("none-*.csv").toString(), ',', 10));
    assertThat(e.getMessage(), containsString("No file matches"));
  }

  @Test
  void rejectsAHeaderThatNamesAColumnTwice() throws IOException {
    String file = write("twice.csv", "a,b,a\n1,2,3\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReadCsv.inferSchema(file, ',', 10));
    assertThat(e.getMessage(), containsString("names column 'a' twice"));
  }
}
