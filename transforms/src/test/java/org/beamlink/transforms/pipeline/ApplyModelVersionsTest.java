package org.beamlink.transforms.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.beamlink.models.feature.BinarizerMapper;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prediction with a model stream: {@link ApplyModel#ofVersions} and {@link ReadModel#watch}. */
class ApplyModelVersionsTest {
  /** One test stream carries both: kind "row" (x) or "model" (version, threshold). */
  private static final Schema EVENT =
      Schema.builder()
          .addStringField("kind")
          .addDoubleField("x")
          .addInt64Field("version")
          .addDoubleField("threshold")
          .build();

  private static final Schema ROW = Schema.builder().addDoubleField("x").build();
  private static final TupleTag<Row> ROWS = new TupleTag<Row>() {};
  private static final TupleTag<ModelVersion<BinarizerMapper>> MODELS =
      new TupleTag<ModelVersion<BinarizerMapper>>() {};

  @TempDir Path dir;

  private static BinarizerMapper binarizer(double threshold) {
    return BinarizerMapper.of(List.of("x"), List.of("high"), threshold);
  }

  private static TimestampedValue<Row> row(double x, long millis) {
    return TimestampedValue.of(
        Row.withSchema(EVENT).addValues("row", x, 0L, 0.0).build(), new Instant(millis));
  }

  private static TimestampedValue<Row> model(long version, double threshold, long millis) {
    return TimestampedValue.of(
        Row.withSchema(EVENT).addValues("model", 0.0, version, threshold).build(),
        new Instant(millis));
  }

  /** Splits the events into rows and model versions, keeping their order of arrival. */
  private static final class SplitFn extends DoFn<Row, Row> {
    @ProcessElement
    public void process(@Element Row event, @Timestamp Instant time, MultiOutputReceiver out) {
      if (event.getString("kind").equals("row")) {
        out.get(ROWS).output(Row.withSchema(ROW).addValues(event.getDouble("x")).build());
      } else {
        out.get(MODELS)
            .output(
                ModelVersion.of(
                    event.getInt64("version"),
                    binarizer(event.getDouble("threshold")),
                    event.getInt64("version") * 100,
                    time,
                    time,
                    "test"));
      }
    }
  }

  private static PCollectionTuple split(PCollection<Row> events) {
    PCollectionTuple out =
        events.apply(
            "Split", ParDo.of(new SplitFn()).withOutputTags(ROWS, TupleTagList.of(MODELS)));
    out.get(ROWS).setRowSchema(ROW);
    out.get(MODELS)
        .setCoder(
            ModelVersion.Coder.of(TransformerCoder.of(BinarizerMapper.class, binarizer(0.0))));
    return out;
  }

  /** Scored rows as "x@millis -> high (version)", sorted by time. */
  private static final class DescribeFn extends DoFn<Row, String> {
    @ProcessElement
    public void process(@Element Row row, @Timestamp Instant time, OutputReceiver<String> out) {
      out.output(
          time.getMillis()
              + " "
              + row.getDouble("x")
              + " -> "
              + row.getDouble("high")
              + " (v"
              + row.getInt64("modelVersion")
              + ")");
    }
  }

  private static TestStream.Builder<Row> switchingVersions() {
    return TestStream.create(EVENT)
        .addElements(row(1.0, 0))
        .advanceWatermarkTo(new Instant(1000))
        .addElements(model(1, 0.5, 1000))
        .advanceWatermarkTo(new Instant(2000))
        .addElements(row(1.0, 2000))
        .advanceWatermarkTo(new Instant(3000))
        .addElements(model(2, 5.0, 3000))
        .advanceWatermarkTo(new Instant(4000))
        .addElements(row(1.0, 4000))
        .advanceWatermarkTo(new Instant(5000))
        .addElements(model(1, 0.5, 5000))
        .advanceWatermarkTo(new Instant(6000))
        .addElements(row(2.0, 6000));
  }

  private static List<String> scoredOn(
      TestRunner runner, TestStream<Row> events, boolean eventTime, String key) {
    Pipeline p = runner.create("--parallelism=1");
    PCollectionTuple split = split(p.apply(events));
    ApplyModel.Versions<BinarizerMapper> apply =
        ApplyModel.ofVersions(split.get(MODELS)).withShards(3);
    PCollection<Row> scored = split.get(ROWS).apply(eventTime ? apply.inEventTimeOrder() : apply);
    assertEquals(List.of("x", "high", "modelVersion"), scored.getSchema().getFieldNames());
    Kept.keep(scored.apply(ParDo.of(new DescribeFn())), key);
    runner.run(p);
    List<String> described = Kept.get(key);
    described.sort(Comparator.comparingLong(s -> Long.parseLong(s.split(" ")[0])));
    return described;
  }

  /** On the DirectRunner a test stream's order is the order of arrival. */
  @Test
  void rowsAreScoredByTheNewestVersionThatArrivedBeforeThem() {
    List<String> scored =
        scoredOn(
            TestRunner.DIRECT,
            switchingVersions()
                .addElements(row(2.0, 7000))
                .addElements(model(3, 1.5, 6500))
                .advanceWatermarkToInfinity(),
            false,
            "arrival");
    // The first row waited for version 1; version 1 arriving again after 2 is ignored; version 3
    // came after the last row.
    assertEquals(
        List.of(
            "0 1.0 -> 1.0 (v1)",
            "2000 1.0 -> 1.0 (v1)",
            "4000 1.0 -> 0.0 (v2)",
            "6000 2.0 -> 0.0 (v2)",
            "7000 2.0 -> 0.0 (v2)"),
        scored);
  }

  /** In event-time order the result is the same on every runner, whatever the arrival order. */
  @UnboundedRunnerTest
  void inEventTimeOrderRowsAreScoredByTheNewestVersionStampedBeforeThem(TestRunner runner) {
    List<String> scored =
        scoredOn(
            runner,
            switchingVersions()
                .addElements(row(2.0, 7000))
                .addElements(model(3, 1.5, 6500))
                .advanceWatermarkToInfinity(),
            true,
            "event-time-" + runner);
    // Row 0 precedes every version and gets the earliest; version 3 is stamped before row 7000.
    assertEquals(
        List.of(
            "0 1.0 -> 1.0 (v1)",
            "2000 1.0 -> 1.0 (v1)",
            "4000 1.0 -> 0.0 (v2)",
            "6000 2.0 -> 0.0 (v2)",
            "7000 2.0 -> 1.0 (v3)"),
        scored);
  }

  @Test
  void rowsThatNoVersionReachedGoToTheFailureOutput() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply("Rows", Create.of(Row.withSchema(ROW).addValues(3.0).build()).withRowSchema(ROW));
    PCollection<ModelVersion<BinarizerMapper>> none =
        p.apply(
            "No versions",
            Create.empty(
                ModelVersion.Coder.of(TransformerCoder.of(BinarizerMapper.class, binarizer(0.0)))));
    WithFailures.Result<PCollection<Row>, Row> result =
        rows.apply(ApplyModel.ofVersions(none).withFailures());
    Kept.keep(result.output(), "none-scored");
    Kept.keep(result.failures(), "none-failed");
    TestRunner.DIRECT.run(p);

    assertEquals(List.of(), Kept.get("none-scored"));
    List<Row> failed = Kept.get("none-failed");
    assertEquals(1, failed.size());
    assertEquals(3.0, failed.get(0).getRow("row").getDouble("x"));
    assertTrue(
        failed.get(0).getString("error").startsWith("No model version arrived"),
        failed.get(0).getString("error"));
  }

  @Test
  void withoutAFailureOutputRowsThatNoVersionReachedFailTheJob() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply("Rows", Create.of(Row.withSchema(ROW).addValues(3.0).build()).withRowSchema(ROW));
    PCollection<ModelVersion<BinarizerMapper>> none =
        p.apply(
            "No versions",
            Create.empty(
                ModelVersion.Coder.of(TransformerCoder.of(BinarizerMapper.class, binarizer(0.0)))));
    rows.apply(ApplyModel.ofVersions(none));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertTrue(String.valueOf(e.getMessage()).contains("No model version arrived"), e.getMessage());
  }

  @Test
  void rejectsBadOptions() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<ModelVersion<BinarizerMapper>> none =
        p.apply(
            Create.empty(
                ModelVersion.Coder.of(TransformerCoder.of(BinarizerMapper.class, binarizer(0.0)))));
    assertThrows(IllegalArgumentException.class, () -> ApplyModel.ofVersions(none).withShards(0));
    assertThrows(
        IllegalArgumentException.class, () -> ApplyModel.ofVersions(none).withVersionCol(""));
  }

  @Test
  void watchingEmitsAVersionPerModelFileNumberedByItsLastModifiedTime() throws IOException {
    Path older = dir.resolve("a.blm");
    Path newer = dir.resolve("b.blm");
    ModelFile.write(binarizer(0.5), older);
    ModelFile.write(binarizer(5.0), newer);
    Files.setLastModifiedTime(older, FileTime.fromMillis(1_700_000_000_000L));
    Files.setLastModifiedTime(newer, FileTime.fromMillis(1_700_000_060_000L));
    Files.writeString(dir.resolve(".b.blm.123-1.tmp"), "a half-written model");

    Pipeline p = TestRunner.DIRECT.create();
    PCollection<ModelVersion<Transformer>> versions =
        p.apply(
            ReadModel.watch(dir.resolve("*").toString(), Duration.millis(100))
                .withStopAfterIdle(Duration.millis(1500)));
    Kept.keep(versions, "watched");
    PCollection<Row> rows =
        p.apply("Rows", Create.of(Row.withSchema(ROW).addValues(1.0).build()).withRowSchema(ROW));
    PCollection<Row> scored = rows.apply(ApplyModel.ofVersions(versions));
    Kept.keep(scored, "watched-scored");
    TestRunner.DIRECT.run(p);

    Map<Long, Transformer> byVersion = new TreeMap<>();
    for (ModelVersion<Transformer> v : Kept.<ModelVersion<Transformer>>get("watched")) {
      byVersion.put(v.version(), v.model());
      assertTrue(v.source().endsWith(".blm"), v.source());
      assertEquals(BoundedWindow.TIMESTAMP_MIN_VALUE, v.firstEventTime());
    }
    assertEquals(
        Map.of(1_700_000_000_000L, binarizer(0.5), 1_700_000_060_000L, binarizer(5.0)), byVersion);
    List<Row> scoredRows = Kept.get("watched-scored");
    assertEquals(1, scoredRows.size());
    long used = scoredRows.get(0).getInt64("modelVersion");
    assertTrue(byVersion.containsKey(used), "scored by version " + used);
    assertEquals(used == 1_700_000_000_000L ? 1.0 : 0.0, scoredRows.get(0).getDouble("high"));
  }

  @Test
  void watchingNeedsAModelFileToStartFrom() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ReadModel.watch(dir.resolve("*.blm").toString(), Duration.standardSeconds(1)));
    assertTrue(e.getMessage().contains("No model file matches"), e.getMessage());
  }
}
