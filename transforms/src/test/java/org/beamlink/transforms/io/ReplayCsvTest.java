package org.beamlink.transforms.io;

import static org.beamlink.transforms.io.PacedSequenceTest.checkpoint;
import static org.beamlink.transforms.io.PacedSequenceTest.drain;
import static org.beamlink.transforms.io.PacedSequenceTest.sourceOf;
import static org.beamlink.transforms.io.PacedSequenceTest.windowCounts;
import static org.beamlink.transforms.io.ReadCsvTest.messages;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ReplayCsv in pipelines (DirectRunner, Flink streaming) and its reader in plain Java, over small
 * files written here; expected rows, timestamps and window counts are read off {@link #EVENTS}.
 */
class ReplayCsvTest {
  private static final PipelineOptions OPTIONS = PipelineOptionsFactory.create();

  /**
   * Eight events in time order, time (ms) in the middle column; two share a time (lines 3 and 4),
   * and 2999 / 3000 sit next to each other inside the 2 s window [2000, 4000).
   */
  private static final String EVENTS =
      "user,time,amount\n"
          + "a,1000,1.5\n"
          + "b,1500,2.0\n"
          + "a,1500,-0.5\n"
          + "c,2999,4.25\n"
          + "b,3000,0.0\n"
          + "a,4200,10.0\n"
          + "c,5000,3.5\n"
          + "a,5999,1.0\n";

  private static final Schema SCHEMA =
      Schema.builder()
          .addStringField("user")
          .addInt64Field("time")
          .addDoubleField("amount")
          .build();

  @TempDir Path dir;

  private String write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file.toString();
  }

  private String writeGzip(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return file.toString();
  }

  /** The rows of {@link #EVENTS} in {@code schema} (whose fields are user, time, amount). */
  private static List<Row> events(Schema schema) {
    return List.of(
        Row.withSchema(schema).addValues("a", 1000L, 1.5).build(),
        Row.withSchema(schema).addValues("b", 1500L, 2.0).build(),
        Row.withSchema(schema).addValues("a", 1500L, -0.5).build(),
        Row.withSchema(schema).addValues("c", 2999L, 4.25).build(),
        Row.withSchema(schema).addValues("b", 3000L, 0.0).build(),
        Row.withSchema(schema).addValues("a", 4200L, 10.0).build(),
        Row.withSchema(schema).addValues("c", 5000L, 3.5).build(),
        Row.withSchema(schema).addValues("a", 5999L, 1.0).build());
  }

  /** {@code rows}, each stamped with its time column. */
  private static List<TimestampedValue<Row>> stamped(List<Row> rows) {
    List<TimestampedValue<Row>> out = new ArrayList<>();
    for (Row row : rows) {
      out.add(TimestampedValue.of(row, new Instant(row.getInt64("time"))));
    }
    return out;
  }

  /** The rows a fresh reader of {@code replay} yields, with their timestamps. */
  private static List<TimestampedValue<Row>> replay(ReplayCsv replay) throws IOException {
    UnboundedReader<Row> reader = sourceOf(replay).createReader(OPTIONS, null);
    List<TimestampedValue<Row>> rows = drain(reader);
    reader.close();
    return rows;
  }

  /** The message of the error a fresh reader of {@code replay} fails with. */
  private static String readError(ReplayCsv replay) throws IOException {
    UnboundedReader<Row> reader = sourceOf(replay).createReader(OPTIONS, null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> drain(reader));
    reader.close();
    return e.getMessage();
  }

  /** "user,time@millis", to compare a row's time column and its timestamp at once. */
  private static final class StampFn extends DoFn<Row, String> {
    @ProcessElement
    public void process(@Element Row row, @Timestamp Instant time, OutputReceiver<String> out) {
      out.output(row.getString("user") + "," + row.getInt64("time") + "@" + time.getMillis());
    }
  }

  @UnboundedRunnerTest
  void replaysEveryRowOnceAtItsTimeAndClosesEveryWindow(TestRunner runner) throws IOException {
    String file = write("events.csv", EVENTS);
    Pipeline p = runner.create();
    PCollection<Row> rows =
        p.apply(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time").withRate(1000));
    assertEquals(PCollection.IsBounded.UNBOUNDED, rows.isBounded());
    assertEquals(SCHEMA, rows.getSchema());
    PAssert.that(rows).containsInAnyOrder(events(SCHEMA));
    PAssert.that(rows.apply("Stamp", ParDo.of(new StampFn())))
        .containsInAnyOrder(
            "a,1000@1000",
            "b,1500@1500",
            "a,1500@1500",
            "c,2999@2999",
            "b,3000@3000",
            "a,4200@4200",
            "c,5000@5000",
            "a,5999@5999");
    // 2 s windows: [0, 2000) holds 1000, 1500, 1500; [2000, 4000) holds 2999, 3000; [4000, 6000)
    // holds 4200, 5000, 5999.
    PAssert.that(windowCounts(rows, Duration.standardSeconds(2)))
        .containsInAnyOrder("0=3", "2000=2", "4000=3");
    runner.run(p);
  }

  @Test
  void readerYieldsTheFileRowsInOrderStampedWithTheTimeColumn() throws IOException {
    String file = write("events.csv", EVENTS);
    assertEquals(
        stamped(events(SCHEMA)),
        replay(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time")));
  }

  @Test
  void infersTheSchemaFromTheFileWhenNoneIsGiven() throws IOException {
    String file = write("events.csv", EVENTS);
    ReplayCsv replay = ReplayCsv.from(file).withTimeCol("time");
    // ReadCsv's inference: every column nullable, the narrowest of INT64, DOUBLE, STRING.
    Schema inferred =
        Schema.builder()
            .addNullableField("user", FieldType.STRING)
            .addNullableField("time", FieldType.INT64)
            .addNullableField("amount", FieldType.DOUBLE)
            .build();
    Pipeline p = TestRunner.DIRECT.create();
    assertEquals(inferred, p.apply(replay).getSchema());
    assertEquals(SchemaCoder.of(inferred), sourceOf(replay).getOutputCoder());
    assertEquals(stamped(events(inferred)), replay(replay));
  }

  @Test
  void readsTheFieldsOfTheSchemaByNameInAnyColumnOrder() throws IOException {
    String file = write("reordered.csv", "amount,extra,time,user\n1.5,x,10,a\n2.0,y,20,b\n");
    assertEquals(
        List.of(
            TimestampedValue.of(
                Row.withSchema(SCHEMA).addValues("a", 10L, 1.5).build(), new Instant(10)),
            TimestampedValue.of(
                Row.withSchema(SCHEMA).addValues("b", 20L, 2.0).build(), new Instant(20))),
        replay(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time")));
  }

  @Test
  void readsAGzippedFile() throws IOException {
    String file = writeGzip("events.csv.gz", EVENTS);
    assertEquals(
        stamped(events(SCHEMA)),
        replay(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time")));
  }

  @Test
  void skipRowsLeavesOutTheFirstRows() throws IOException {
    String file = write("events.csv", EVENTS);
    // Rows 0..2 (times 1000, 1500, 1500) skipped; 2999 onwards replayed.
    assertEquals(
        stamped(events(SCHEMA).subList(3, 8)),
        replay(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time").withSkipRows(3)));
  }

  @Test
  void skippingEveryRowOrMoreReplaysNothing() throws IOException {
    String file = write("events.csv", EVENTS);
    ReplayCsv replay = ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time");
    assertEquals(List.of(), replay(replay.withSkipRows(8)));
    assertEquals(List.of(), replay(replay.withSkipRows(100)));
  }

  @Test
  void readerRestoredFromACheckpointContinuesAtTheNextRow() throws IOException {
    String file = write("events.csv", EVENTS);
    PacedSource<Row> source = sourceOf(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time"));
    UnboundedReader<Row> first = source.createReader(OPTIONS, null);
    assertTrue(first.start());
    assertTrue(first.advance());
    assertTrue(first.advance());
    // Rows 0, 1, 2 read (the last at 1500): the checkpoint is 3 and the restored reader starts at
    // row 3 (2999).
    assertEquals(events(SCHEMA).get(2), first.getCurrent());
    PacedSource.Position mark = checkpoint(source, first);
    first.close();
    assertEquals(new PacedSource.Position(3), mark);
    assertEquals(stamped(events(SCHEMA).subList(3, 8)), drain(source.createReader(OPTIONS, mark)));
  }

  @Test
  void readerRestoredFromACheckpointAfterSkippedRowsContinuesAtTheNextRow() throws IOException {
    String file = write("events.csv", EVENTS);
    PacedSource<Row> source =
        sourceOf(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time").withSkipRows(2));
    UnboundedReader<Row> first = source.createReader(OPTIONS, null);
    assertTrue(first.start());
    assertTrue(first.advance());
    assertTrue(first.advance());
    // Rows 0, 1 skipped, rows 2, 3, 4 read (the last at 3000): the checkpoint counts the 3 read,
    // and the restored reader skips 2 + 3 and starts at row 5 (4200).
    assertEquals(events(SCHEMA).get(4), first.getCurrent());
    PacedSource.Position mark = checkpoint(source, first);
    first.close();
    assertEquals(new PacedSource.Position(3), mark);
    assertEquals(stamped(events(SCHEMA).subList(5, 8)), drain(source.createReader(OPTIONS, mark)));
  }

  @Test
  void checkpointBeyondTheFileFailsNamingTheRowCount() throws IOException {
    String file = write("events.csv", EVENTS);
    PacedSource<Row> source =
        sourceOf(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time").withSkipRows(1));
    UnboundedReader<Row> reader = source.createReader(OPTIONS, new PacedSource.Position(10));
    IllegalStateException e = assertThrows(IllegalStateException.class, reader::start);
    // 1 skipped + 10 read = 11 rows needed; the file has 8.
    assertThat(
        e.getMessage(),
        containsString("has 8 rows, fewer than the 11 skipped and read before the checkpoint"));
  }

  @Test
  void decreasingTimeFailsNamingTheFileAndLine() throws IOException {
    String file = write("decreasing.csv", "user,time,amount\na,1000,1\nb,2000,2\nc,1500,3\n");
    String message = readError(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time"));
    // Header on line 1, so the row at 1500 is on line 4.
    assertThat(message, containsString("decreasing.csv, line 4: time column 'time' has 1500"));
    assertThat(message, containsString("before the previous row's 2000"));
  }

  @Test
  void emptyTimeFailsNamingTheFileAndLine() throws IOException {
    String file = write("no-time.csv", "user,time,amount\na,1000,1\nb,,2\nc,3000,3\n");
    // Inferred schema: time is a nullable INT64, so the empty cell reaches the time check.
    assertThat(
        readError(ReplayCsv.from(file).withTimeCol("time")),
        containsString("no-time.csv, line 3: time column 'time' is empty"));
    // Given schema: time is not nullable, so the cell is rejected as a value.
    assertThat(
        readError(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time")),
        containsString("no-time.csv, line 3: column 'time' is empty"));
  }

  @Test
  void malformedNumberFailsNamingTheFileLineColumnAndValue() throws IOException {
    String file = write("bad-amount.csv", "user,time,amount\na,1000,1\nb,2000,x1\n");
    assertThat(
        readError(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time")),
        containsString(
            "bad-amount.csv, line 3: column 'amount' has value 'x1'; expected a number"));
  }

  @Test
  void recordWithTheWrongCellCountFailsNamingTheFileAndLine() throws IOException {
    String file = write("short.csv", "user,time,amount\na,1000,1\nb,2000\n");
    assertThat(
        readError(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time")),
        containsString("short.csv, line 3: expected 3 cells as in the header, got 2"));
  }

  @Test
  void headerWithoutAColumnOfTheSchemaFailsNamingTheFileAndColumn() throws IOException {
    String file = write("no-amount.csv", "user,time,value\na,1000,1\n");
    assertThat(
        readError(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time")),
        containsString("no-amount.csv, line 1: the header has no column 'amount'"));
  }

  @Test
  void emptyFileFailsSayingItHasNoHeader() throws IOException {
    String file = write("empty.csv", "");
    assertThat(
        readError(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time")),
        containsString("empty.csv is empty: it has no header"));
  }

  @Test
  void missingFileFailsNamingIt() throws IOException {
    String file = dir.resolve("absent.csv").toString();
    // With a schema the file is first opened by the reader.
    UnboundedReader<Row> reader =
        sourceOf(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time"))
            .createReader(OPTIONS, null);
    IOException e = assertThrows(IOException.class, reader::start);
    assertThat(e.getMessage(), containsString(file));
    // Without one it is opened to infer the schema when the transform is applied.
    Pipeline p = TestRunner.DIRECT.create();
    IllegalArgumentException inferred =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.apply(ReplayCsv.from(file).withTimeCol("time")));
    assertThat(inferred.getMessage(), containsString("No file matches " + file));
  }

  @Test
  void badRowFailsTheJobNamingTheFileAndLine() throws IOException {
    String file = write("decreasing.csv", "user,time,amount\na,1000,1\nb,2000,2\nc,1500,3\n");
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("time"));
    Throwable e = assertThrows(Throwable.class, () -> TestRunner.DIRECT.run(p));
    assertThat(messages(e), containsString("decreasing.csv, line 4: time column 'time' has 1500"));
  }

  @Test
  void timeColumnMissingFromTheSchemaFailsWhenApplied() throws IOException {
    String file = write("events.csv", EVENTS);
    Pipeline p = TestRunner.DIRECT.create();
    IllegalArgumentException given =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.apply(ReplayCsv.from(file).withSchema(SCHEMA).withTimeCol("when")));
    assertEquals(
        "Time column 'when' is not in the schema [user, time, amount]", given.getMessage());
    IllegalArgumentException inferred =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.apply(ReplayCsv.from(file).withTimeCol("when")));
    assertEquals(
        "Time column 'when' is not in the schema [user, time, amount]", inferred.getMessage());
  }

  @Test
  void timeColumnThatIsNotInt64FailsWhenApplied() throws IOException {
    String file = write("events.csv", EVENTS);
    Pipeline p = TestRunner.DIRECT.create();
    Schema doubleTime =
        Schema.builder()
            .addStringField("user")
            .addDoubleField("time")
            .addDoubleField("amount")
            .build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.apply(ReplayCsv.from(file).withSchema(doubleTime).withTimeCol("time")));
    assertThat(e.getMessage(), containsString("Time column 'time' has type DOUBLE"));
    assertThat(e.getMessage(), containsString("expected INT64 milliseconds since the epoch"));
    // Inferred: the amount column holds decimals, so it is a DOUBLE.
    IllegalArgumentException inferred =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.apply(ReplayCsv.from(file).withTimeCol("amount")));
    assertThat(inferred.getMessage(), containsString("Time column 'amount' has type DOUBLE"));
  }

  @Test
  void missingTimeColumnFailsWhenApplied() throws IOException {
    String file = write("events.csv", EVENTS);
    Pipeline p = TestRunner.DIRECT.create();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> p.apply(ReplayCsv.from(file).withSchema(SCHEMA)));
    assertEquals("ReplayCsv needs the event time column: withTimeCol", e.getMessage());
  }

  @Test
  void rejectsARateThatIsNotPositiveAndFinite() {
    for (double rate :
        new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> ReplayCsv.from("x.csv").withRate(rate));
      assertEquals("Expected a rate > 0, got " + rate, e.getMessage());
    }
  }

  @Test
  void rejectsNegativeSkipRows() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ReplayCsv.from("x.csv").withSkipRows(-1));
    assertEquals("Expected skipRows >= 0, got -1", e.getMessage());
  }

  @Test
  void rejectsAMissingFileNameOrTimeColumnName() {
    assertThrows(IllegalArgumentException.class, () -> ReplayCsv.from(""));
    assertThrows(IllegalArgumentException.class, () -> ReplayCsv.from(null));
    assertThrows(IllegalArgumentException.class, () -> ReplayCsv.from("x.csv").withTimeCol(""));
  }
}
