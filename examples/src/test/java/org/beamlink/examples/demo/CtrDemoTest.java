package org.beamlink.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CtrDemoTest {
  /** When each streamed event reached the pipeline (System.nanoTime), by event time. */
  private static final Map<Long, Long> SEEN_AT = new ConcurrentHashMap<>();

  @Test
  void ftrlFollowsTheDriftAndEachWindowClosesAsTheWatermarkPassesItOnDirect() throws Exception {
    // The stream is a TestStream of the generated events, 1,000 at a time, each batch followed by
    // the watermark at its last event; the DirectRunner lets the pipeline settle before the next.
    CtrDemo.Config config =
        new CtrDemo.Config(40_000, 8_000, 20_000, 0, 8_000, 500, 4096, 7, false, null);
    ClickEvents clicks = new ClickEvents(config.seed(), config.driftAt());
    TestStream.Builder<Row> events = TestStream.create(RowCoder.of(ClickEvents.SCHEMA));
    for (long from = config.prefix(); from < config.events(); from += 1_000) {
      List<TimestampedValue<Row>> batch = new ArrayList<>();
      for (long i = from; i < Math.min(config.events(), from + 1_000); i++) {
        Row event = clicks.event(i);
        batch.add(TimestampedValue.of(event, new Instant(event.getInt64("time"))));
      }
      events =
          events
              .addElements(
                  batch.get(0), batch.subList(1, batch.size()).toArray(new TimestampedValue[0]))
              .advanceWatermarkTo(batch.get(batch.size() - 1).getTimestamp());
    }
    TestStream<Row> stream = events.advanceWatermarkToInfinity();
    SEEN_AT.clear();
    StringWriter printed = new StringWriter();
    List<CtrDemo.WindowResult> results =
        CtrDemo.run(
            config,
            new String[] {"--runner=DirectRunner"},
            new PrintWriter(printed),
            new PTransform<PBegin, PCollection<Row>>() {
              @Override
              public PCollection<Row> expand(PBegin input) {
                return input
                    .apply("Events", stream)
                    .apply("Note arrivals", ParDo.of(new NoteArrivalFn()))
                    .setRowSchema(ClickEvents.SCHEMA);
              }
            });

    // 32,000 streamed events in windows of 8,000 (80 s of event time), evaluated for both models.
    assertEquals(8, results.size(), printed.toString());
    assertEquals(32_000, SEEN_AT.size());
    Instant drift = new Instant(ClickEvents.START_MILLIS + 20_000 * ClickEvents.SPACING_MILLIS);
    double ftrlAfter = 0;
    double batchAfter = 0;
    for (CtrDemo.WindowResult r : results) {
      assertEquals(8_000, r.count(), r.toString());
      assertTrue(r.auc() > 0.55 && r.auc() < 1, r.toString());
      if (!r.start().isBefore(drift)) {
        if (r.model().equals("ftrl")) {
          ftrlAfter += r.auc();
        } else {
          batchAfter += r.auc();
        }
      }
      // Live: the window's line came out before any event one window past its end arrived.
      long later = r.end().getMillis() + (r.end().getMillis() - r.start().getMillis());
      SEEN_AT.entrySet().stream()
          .filter(e -> e.getKey() >= later)
          .mapToLong(Map.Entry::getValue)
          .min()
          .ifPresent(
              arrived -> assertTrue(r.printedNanos() < arrived, r + " printed after later events"));
    }
    // Measured 2026-11-21: after the drift FTRL keeps an AUC about 0.04 above the frozen model.
    assertTrue(ftrlAfter > batchAfter + 0.02, printed.toString());
    assertTrue(
        printed.toString().contains("Mean over windows after the drift"), printed.toString());
  }

  /** Notes when each event reached the pipeline. */
  private static final class NoteArrivalFn extends DoFn<Row, Row> {
    @ProcessElement
    public void process(@Element Row event, OutputReceiver<Row> out) {
      SEEN_AT.putIfAbsent(event.getInt64("time"), System.nanoTime());
      out.output(event);
    }
  }

  @Test
  void aReplayedFileOfEventsGivesTheGeneratedRunsWindows(@TempDir Path dir) throws Exception {
    // The frozen batch model's windows depend only on the events and their times, so the file
    // written from the generator and replayed must give the generated run's numbers. FTRL's depend
    // also on the order in which the DirectRunner's parallel bundles reach the trainer, which is
    // not fixed: AUC near, not equal (differences up to 0.006 seen; log loss up to 0.035).
    Path file = dir.resolve("clicks.csv");
    ClickEventsFile.write(new ClickEvents(7, 12_000), 20_000, file);
    String[] direct = {"--runner=DirectRunner"};
    PrintWriter quiet = new PrintWriter(new StringWriter());
    List<CtrDemo.WindowResult> generated =
        CtrDemo.run(
            new CtrDemo.Config(20_000, 4_000, 12_000, 0, 4_000, 500, 4096, 7, false, null),
            direct,
            quiet);
    List<CtrDemo.WindowResult> replayed =
        CtrDemo.run(
            new CtrDemo.Config(0, 4_000, 12_000, 0, 4_000, 500, 4096, 7, false, file),
            direct,
            quiet);

    assertEquals(8, generated.size());
    assertEquals(generated.size(), replayed.size());
    for (int i = 0; i < generated.size(); i++) {
      CtrDemo.WindowResult g = generated.get(i);
      CtrDemo.WindowResult r = replayed.get(i);
      assertEquals(
          List.of(g.model(), g.start(), g.count()), List.of(r.model(), r.start(), r.count()));
      if (g.model().equals("batch")) {
        // Log loss is a sum whose order follows the bundles: equal to rounding.
        assertEquals(g.auc(), r.auc(), 1e-12, r.toString());
        assertEquals(g.logLoss(), r.logLoss(), 1e-12, r.toString());
      } else {
        assertEquals(g.auc(), r.auc(), 0.03, r.toString());
      }
    }
  }

  @Test
  void printsEachWindowWhileTheStreamRunsOnFlink() throws Exception {
    // 30,000 streamed events at 5,000/s take at least 6 s; windows of 5,000 events (50 s of event
    // time, aligned with the stream's start) close about every second, so the first window's line
    // must come out well before the last one's.
    CtrDemo.Config config =
        new CtrDemo.Config(35_000, 5_000, 18_000, 5_000, 5_000, 1_000, 4096, 7, false, null);
    StringWriter printed = new StringWriter();
    long start = System.nanoTime();
    List<CtrDemo.WindowResult> results =
        CtrDemo.run(
            config,
            new String[] {"--flinkMaster=[auto]", "--parallelism=2"},
            new PrintWriter(printed));
    double total = (System.nanoTime() - start) / 1e9;

    assertEquals(12, results.size(), printed.toString());
    long first = results.stream().mapToLong(CtrDemo.WindowResult::printedNanos).min().getAsLong();
    long last = results.stream().mapToLong(CtrDemo.WindowResult::printedNanos).max().getAsLong();
    assertTrue(
        (last - first) / 1e9 > 2.0,
        "windows printed within "
            + (last - first) / 1e9
            + " s of each other in a run of "
            + total
            + " s:\n"
            + printed);
  }
}
