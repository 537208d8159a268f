package org.beamlink.transforms.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * PacedSequence in pipelines (DirectRunner, Flink streaming) and its {@link PacedSource} reader in
 * plain Java. Expected numbers, timestamps and window counts are worked out by hand in comments.
 */
class PacedSequenceTest {
  /** 2024-01-01T00:00:00Z, a multiple of every window size used here. */
  private static final long START = 1_704_067_200_000L;

  private static final PipelineOptions OPTIONS = PipelineOptionsFactory.create();

  /**
   * The {@link PacedSource} that {@code read} expands to, found in a pipeline built (not run) with
   * it, so the reader tests go through the transform's own feed.
   */
  @SuppressWarnings("unchecked")
  static <T> PacedSource<T> sourceOf(PTransform<PBegin, PCollection<T>> read) {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(read);
    List<UnboundedSource<?, ?>> sources = new ArrayList<>();
    p.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            keep(node);
            return CompositeBehavior.ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            keep(node);
          }

          private void keep(TransformHierarchy.Node node) {
            if (node.getTransform() instanceof Read.Unbounded) {
              sources.add(((Read.Unbounded<?>) node.getTransform()).getSource());
            }
          }
        });
    assertEquals(1, sources.size(), "one unbounded read");
    return (PacedSource<T>) sources.get(0);
  }

  /**
   * Everything an unpaced reader yields, with timestamps; checks the watermark follows the last
   * element and is the end of time after the last.
   */
  static <T> List<TimestampedValue<T>> drain(UnboundedReader<T> reader) throws IOException {
    List<TimestampedValue<T>> out = new ArrayList<>();
    for (boolean more = reader.start(); more; more = reader.advance()) {
      out.add(TimestampedValue.of(reader.getCurrent(), reader.getCurrentTimestamp()));
      assertEquals(reader.getCurrentTimestamp(), reader.getWatermark(), "watermark at the last");
    }
    assertEquals(BoundedWindow.TIMESTAMP_MAX_VALUE, reader.getWatermark(), "watermark at the end");
    assertFalse(reader.advance(), "still at the end");
    assertThrows(NoSuchElementException.class, reader::getCurrent);
    assertThrows(NoSuchElementException.class, reader::getCurrentTimestamp);
    return out;
  }

  /** The checkpoint of {@code reader} after encoding and decoding it with the source's coder. */
  static <T> PacedSource.Position checkpoint(PacedSource<T> source, UnboundedReader<T> reader)
      throws IOException {
    PacedSource.Position mark = (PacedSource.Position) reader.getCheckpointMark();
    return CoderUtils.decodeFromByteArray(
        source.getCheckpointMarkCoder(),
        CoderUtils.encodeToByteArray(source.getCheckpointMarkCoder(), mark));
  }

  /** "element@millis", to compare an element and its timestamp at once. */
  private static final class StampFn<T> extends DoFn<T, String> {
    @ProcessElement
    public void process(@Element T element, @Timestamp Instant time, OutputReceiver<String> out) {
      out.output(element + "@" + time.getMillis());
    }
  }

  /** "windowStart=count" for each window's count. */
  static final class WindowCountFn extends DoFn<Long, String> {
    @ProcessElement
    public void process(@Element Long count, BoundedWindow window, OutputReceiver<String> out) {
      out.output(((IntervalWindow) window).start().getMillis() + "=" + count);
    }
  }

  /** "windowStart=count" of the elements of {@code input} in fixed windows of {@code size}. */
  static <T> PCollection<String> windowCounts(PCollection<T> input, Duration size) {
    return input
        .apply("Windows", Window.into(FixedWindows.of(size)))
        .apply("Count", Combine.globally(Count.<T>combineFn()).withoutDefaults())
        .apply("Window starts", ParDo.of(new WindowCountFn()));
  }

  @UnboundedRunnerTest
  void emitsEveryNumberOnceAtItsTimestampAndClosesEveryWindow(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Long> numbers =
        p.apply(
            PacedSequence.from(5)
                .to(1005)
                .withRate(20_000)
                .withTimestampFn(i -> new Instant(START + i)));
    assertEquals(PCollection.IsBounded.UNBOUNDED, numbers.isBounded());
    // Number i at START + i ms: each of 5..1004 once.
    List<String> stamped = new ArrayList<>();
    for (long i = 5; i < 1005; i++) {
      stamped.add(i + "@" + (START + i));
    }
    PAssert.that(numbers.apply("Stamp", ParDo.of(new StampFn<>()))).containsInAnyOrder(stamped);
    // 100 ms windows from START: [0, 100) holds 5..99 (95 numbers), the next nine hold 100 each,
    // [1000, 1100) holds 1000..1004 (5). Any number behind the watermark would be dropped as late,
    // and a watermark that never reached the end would leave windows unfired.
    List<String> counts = new ArrayList<>();
    counts.add(START + "=95");
    for (long w = 100; w < 1000; w += 100) {
      counts.add((START + w) + "=100");
    }
    counts.add((START + 1000) + "=5");
    PAssert.that(windowCounts(numbers, Duration.millis(100))).containsInAnyOrder(counts);
    runner.run(p);
  }

  @Test
  void stampsEachNumberWithItselfInMillisecondsByDefault() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Long> numbers = p.apply(PacedSequence.from(0).to(3));
    PAssert.that(numbers.apply(ParDo.of(new StampFn<>()))).containsInAnyOrder("0@0", "1@1", "2@2");
    TestRunner.DIRECT.run(p);
  }

  @Test
  void readerYieldsTheNumbersInOrderWithTheWatermarkAtTheLastTimestamp() throws IOException {
    // Number i at 1000 * (i / 2) ms: 3 -> 1000, 4 and 5 -> 2000 (equal times), 6 -> 3000.
    PacedSource<Long> source =
        sourceOf(PacedSequence.from(3).to(7).withTimestampFn(i -> new Instant(1000 * (i / 2))));
    UnboundedReader<Long> reader = source.createReader(OPTIONS, null);
    assertEquals(BoundedWindow.TIMESTAMP_MIN_VALUE, reader.getWatermark(), "before the first");
    assertEquals(
        List.of(
            TimestampedValue.of(3L, new Instant(1000)),
            TimestampedValue.of(4L, new Instant(2000)),
            TimestampedValue.of(5L, new Instant(2000)),
            TimestampedValue.of(6L, new Instant(3000))),
        drain(reader));
    assertEquals(new PacedSource.Position(4), reader.getCheckpointMark(), "4 numbers read");
    reader.close();
  }

  @Test
  void readerOfAnEmptyRangeEndsAtOnceWithTheWatermarkAtTheEnd() throws IOException {
    UnboundedReader<Long> reader =
        sourceOf(PacedSequence.from(4).to(4)).createReader(OPTIONS, null);
    assertEquals(List.of(), drain(reader));
  }

  @Test
  void readerRestoredFromACheckpointResumesAfterTheNumbersRead() throws IOException {
    PacedSource<Long> source = sourceOf(PacedSequence.from(10).to(20));
    UnboundedReader<Long> first = source.createReader(OPTIONS, null);
    assertTrue(first.start());
    for (int k = 1; k < 4; k++) {
      assertTrue(first.advance());
    }
    // 10, 11, 12, 13 read: the checkpoint is 4 and a restored reader starts at 14.
    assertEquals(13L, first.getCurrent());
    PacedSource.Position mark = checkpoint(source, first);
    assertEquals(new PacedSource.Position(4), mark);
    List<Long> rest = new ArrayList<>();
    for (TimestampedValue<Long> v : drain(source.createReader(OPTIONS, mark))) {
      assertEquals(new Instant(v.getValue()), v.getTimestamp());
      rest.add(v.getValue());
    }
    assertEquals(List.of(14L, 15L, 16L, 17L, 18L, 19L), rest);
  }

  @Test
  void readerRestoredAtTheEndReadsNothing() throws IOException {
    PacedSource<Long> source = sourceOf(PacedSequence.from(0).to(3));
    UnboundedReader<Long> reader = source.createReader(OPTIONS, null);
    assertEquals(3, drain(reader).size());
    PacedSource.Position mark = checkpoint(source, reader);
    assertEquals(new PacedSource.Position(3), mark);
    assertEquals(List.of(), drain(source.createReader(OPTIONS, mark)));
  }

  @Test
  void sourceDoesNotSplitAndCodesNumbersAndCheckpointsDeterministically() throws Exception {
    PacedSource<Long> source = sourceOf(PacedSequence.from(0).to(100).withRate(10));
    List<? extends UnboundedSource<Long, PacedSource.Position>> splits = source.split(8, OPTIONS);
    assertEquals(1, splits.size());
    assertSame(source, splits.get(0));
    assertSame(source, source.createReader(OPTIONS, null).getCurrentSource());
    assertEquals(VarLongCoder.of(), source.getOutputCoder());
    source.getCheckpointMarkCoder().verifyDeterministic();
  }

  @Test
  void pacedReaderNeverRunsAheadOfTheRate() throws IOException {
    // 4,000 numbers per second: number k (from 0) may only come once k / 4000 s have passed since
    // start(), so 2,000 numbers take at least 1999 / 4000 = 0.49975 s. At any time the reader has
    // given at most rate * elapsed + 1 numbers (the +1 is number 0, due at once). Only lower
    // bounds on time are asserted: a slow machine may take longer.
    double rate = 4000;
    PacedSource<Long> source = sourceOf(PacedSequence.from(0).to(2000).withRate(rate));
    long begin = System.nanoTime();
    UnboundedReader<Long> reader = source.createReader(OPTIONS, null);
    long read = 0;
    int refusals = 0;
    for (boolean got = reader.start(); read < 2000; got = reader.advance()) {
      if (got) {
        assertEquals(read, reader.getCurrent());
        read++;
        double elapsed = (System.nanoTime() - begin) / 1e9;
        assertTrue(
            read <= rate * elapsed + 1, "read " + read + " numbers in " + elapsed + " s, too fast");
      } else {
        refusals++;
      }
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    assertTrue(seconds >= 0.45, "2000 numbers at 4000/s took " + seconds + " s");
    assertTrue(refusals > 0, "the reader held numbers back");
    // The end is read like a number: once the rate allows a 2001st.
    while (reader.getWatermark().isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      assertFalse(reader.advance(), "no number after 1999");
    }
  }

  @Test
  void unpacedReaderGivesEveryNumberWithoutHoldingBack() throws IOException {
    UnboundedReader<Long> reader =
        sourceOf(PacedSequence.from(0).to(10_000)).createReader(OPTIONS, null);
    long read = 0;
    for (boolean more = reader.start(); more; more = reader.advance()) {
      assertEquals(read++, reader.getCurrent());
    }
    // advance() only said false at the end: all 10,000 came in one pass.
    assertEquals(10_000, read);
    assertEquals(BoundedWindow.TIMESTAMP_MAX_VALUE, reader.getWatermark());
  }

  @Test
  void decreasingTimestampFailsNamingBothNumbers() throws IOException {
    // 0 -> 0, 1 -> 1000, 2 -> 2000, then 3 -> 0: before 2's.
    UnboundedReader<Long> reader =
        sourceOf(
                PacedSequence.from(0)
                    .to(5)
                    .withTimestampFn(i -> new Instant(i == 3 ? 0 : 1000 * i)))
            .createReader(OPTIONS, null);
    assertTrue(reader.start());
    assertTrue(reader.advance());
    assertTrue(reader.advance());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, reader::advance);
    assertThat(
        e.getMessage(),
        containsString(
            "the timestamp of 3 is 1970-01-01T00:00:00.000Z, before that of 2,"
                + " 1970-01-01T00:00:02.000Z"));
  }

  @Test
  void rejectsANegativeStart() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PacedSequence.from(-1));
    assertEquals("Expected from >= 0, got -1", e.getMessage());
  }

  @Test
  void rejectsAnEndBeforeTheStartButAcceptsAnEmptyRange() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PacedSequence.from(5).to(4));
    assertEquals("Expected to >= from 5, got 4", e.getMessage());
    assertEquals(5, PacedSequence.from(5).to(5).to());
  }

  @Test
  void rejectsAMissingEndWhenApplied() {
    Pipeline p = TestRunner.DIRECT.create();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> p.apply(PacedSequence.from(0)));
    assertThat(e.getMessage(), containsString("PacedSequence needs an end: call to(n)"));
  }

  @Test
  void rejectsARateThatIsNotPositiveAndFinite() {
    for (double rate :
        new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> PacedSequence.from(0).to(1).withRate(rate));
      assertEquals("Expected a rate > 0, got " + rate, e.getMessage());
    }
  }

  @Test
  void rejectsANullTimestampFunction() {
    assertThrows(
        IllegalArgumentException.class, () -> PacedSequence.from(0).to(1).withTimestampFn(null));
  }
}
