package org.beamlink.transforms.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.beamlink.models.RowScorer;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The state machine of {@link ApplyModel.Versions} on one shard: rows (union tag 0) and model
 * versions (union tag 1) arrive in one keyed stream, in the order the runner delivers them. A
 * version newer than the shard's current one replaces it; an older or equal one is ignored, so the
 * version in use never goes back. A row is scored with the current version and gets its number.
 * Rows that arrive before any version wait in state, with a watermark hold at the earliest of them
 * so that they are not late when they leave; the first version scores them. When the input ends
 * with rows still waiting (no version ever arrived), they fail.
 */
final class ScoreWithNewestFn<M> extends DoFn<KV<Integer, RawUnionValue>, Row> {
  /** Rows waiting in event-time order are grouped by ticks of this many milliseconds. */
  static final long TICK_MILLIS = 1000;

  static final TupleTag<Row> SCORED = new TupleTag<Row>() {};
  static final TupleTag<Row> FAILED = new TupleTag<Row>() {};

  private final RowScorer<M> scorer;
  private final Schema outputSchema;
  private final Schema failureSchema;
  private final boolean keepFailures;
  private final boolean eventTimeOrder;
  private final Counter failures = Metrics.counter(ApplyModel.class, "rowsFailed");
  private final Counter versionsUsed = Metrics.counter(ApplyModel.class, "modelVersionsUsed");
  private final Counter versionsIgnored = Metrics.counter(ApplyModel.class, "modelVersionsIgnored");

  @StateId("model")
  private final StateSpec<ValueState<ModelVersion<M>>> modelSpec;

  @StateId("waiting")
  private final StateSpec<BagState<TimestampedValue<Row>>> waitingSpec;

  @StateId("earliestWaiting")
  private final StateSpec<ValueState<Instant>> earliestSpec = StateSpecs.value();

  @StateId("versions")
  private final StateSpec<BagState<TimestampedValue<ModelVersion<M>>>> versionsSpec;

  @StateId("waitingByTick")
  private final StateSpec<MapState<Long, List<TimestampedValue<Row>>>> waitingByTickSpec;

  @StateId("pendingTicks")
  private final StateSpec<ValueState<List<Long>>> pendingTicksSpec =
      StateSpecs.value(ListCoder.of(VarLongCoder.of()));

  @TimerId("inputEnd")
  private final TimerSpec inputEndSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  @TimerId("watermark")
  private final TimerSpec watermarkSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  ScoreWithNewestFn(
      RowScorer<M> scorer,
      Schema outputSchema,
      Schema failureSchema,
      boolean keepFailures,
      boolean eventTimeOrder,
      Coder<ModelVersion<M>> versionCoder,
      Schema inputSchema) {
    this.scorer = scorer;
    this.outputSchema = outputSchema;
    this.failureSchema = failureSchema;
    this.keepFailures = keepFailures;
    this.eventTimeOrder = eventTimeOrder;
    this.modelSpec = StateSpecs.value(versionCoder);
    this.versionsSpec = StateSpecs.bag(TimestampedValue.TimestampedValueCoder.of(versionCoder));
    this.waitingByTickSpec =
        StateSpecs.map(
            VarLongCoder.of(),
            ListCoder.of(TimestampedValue.TimestampedValueCoder.of(RowCoder.of(inputSchema))));
    this.waitingSpec =
        StateSpecs.bag(TimestampedValue.TimestampedValueCoder.of(RowCoder.of(inputSchema)));
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, RawUnionValue> element,
      @Timestamp Instant timestamp,
      @StateId("model") ValueState<ModelVersion<M>> model,
      @StateId("waiting") BagState<TimestampedValue<Row>> waiting,
      @StateId("earliestWaiting") ValueState<Instant> earliestWaiting,
      @TimerId("inputEnd") Timer inputEnd,
      @StateId("versions") BagState<TimestampedValue<ModelVersion<M>>> versions,
      @StateId("waitingByTick") MapState<Long, List<TimestampedValue<Row>>> waitingByTick,
      @StateId("pendingTicks") ValueState<List<Long>> pendingTicks,
      @TimerId("watermark") Timer watermark,
      MultiOutputReceiver out) {
    RawUnionValue value = element.getValue();
    if (eventTimeOrder) {
      inEventTime(value, timestamp, versions, waitingByTick, pendingTicks, inputEnd, watermark);
      return;
    }
    ModelVersion<M> current = model.read();
    if (value.getUnionTag() == 0) {
      Row row = (Row) value.getValue();
      if (current != null) {
        score(current, row, timestamp, out);
        return;
      }
      waiting.add(TimestampedValue.of(row, timestamp));
      Instant earliest = earliestWaiting.read();
      if (earliest == null || timestamp.isBefore(earliest)) {
        earliestWaiting.write(timestamp);
        inputEnd.withOutputTimestamp(timestamp).set(GlobalWindow.INSTANCE.maxTimestamp());
      }
      return;
    }
    @SuppressWarnings("unchecked")
    ModelVersion<M> version = (ModelVersion<M>) value.getValue();
    if (current != null && version.version() <= current.version()) {
      versionsIgnored.inc();
      return;
    }
    model.write(version);
    versionsUsed.inc();
    if (current == null && earliestWaiting.read() != null) {
      for (TimestampedValue<Row> row : waiting.read()) {
        score(version, row.getValue(), row.getTimestamp(), out);
      }
      waiting.clear();
      earliestWaiting.clear();
      releaseHold(inputEnd);
    }
  }

  /**
   * Event-time order: rows wait, grouped by tick of event time, until the watermark passes their
   * tick, so that every version stamped at or before a row has arrived; versions are kept with
   * their timestamps until no waiting row can need them. Grouping by tick keeps the work per row
   * constant however far the watermark jumps (at the end of a bounded input it jumps to the end).
   */
  private void inEventTime(
      RawUnionValue value,
      Instant timestamp,
      BagState<TimestampedValue<ModelVersion<M>>> versions,
      MapState<Long, List<TimestampedValue<Row>>> waitingByTick,
      ValueState<List<Long>> pendingTicks,
      Timer inputEnd,
      Timer watermark) {
    List<Long> ticks = pendingTicks.read();
    if (value.getUnionTag() == 1) {
      @SuppressWarnings("unchecked")
      ModelVersion<M> version = (ModelVersion<M>) value.getValue();
      versions.add(TimestampedValue.of(version, timestamp));
      versionsUsed.inc();
      if (ticks != null && !ticks.isEmpty()) {
        // Rows that no earlier version could score may be waiting for this one.
        watermark.set(tickEnd(ticks.get(0)));
      }
      return;
    }
    long tick = Math.floorDiv(timestamp.getMillis(), TICK_MILLIS);
    List<TimestampedValue<Row>> rows = waitingByTick.get(tick).read();
    List<TimestampedValue<Row>> grown = rows == null ? new ArrayList<>() : rows;
    grown.add(TimestampedValue.of((Row) value.getValue(), timestamp));
    waitingByTick.put(tick, grown);
    List<Long> pending = ticks == null ? new ArrayList<>() : new ArrayList<>(ticks);
    int at = java.util.Collections.binarySearch(pending, tick);
    if (at < 0) {
      pending.add(-at - 1, tick);
      pendingTicks.write(pending);
      if (-at - 1 == 0) {
        watermark.set(tickEnd(tick));
        inputEnd
            .withOutputTimestamp(new Instant(tick * TICK_MILLIS))
            .set(GlobalWindow.INSTANCE.maxTimestamp());
      }
    }
  }

  private static Instant tickEnd(long tick) {
    return new Instant(tick * TICK_MILLIS + TICK_MILLIS - 1);
  }

  /**
   * The watermark passed the earliest waiting tick: scores the rows of every tick it passed, each
   * with the newest version stamped at or before the row (the earliest version when none is), and
   * keeps waiting only while no version has arrived at all.
   */
  @OnTimer("watermark")
  public void watermarkPassed(
      OnTimerContext c,
      @StateId("versions") BagState<TimestampedValue<ModelVersion<M>>> versions,
      @StateId("waitingByTick") MapState<Long, List<TimestampedValue<Row>>> waitingByTick,
      @StateId("pendingTicks") ValueState<List<Long>> pendingTicks,
      @TimerId("inputEnd") Timer inputEnd,
      @TimerId("watermark") Timer watermark,
      MultiOutputReceiver out) {
    List<TimestampedValue<ModelVersion<M>>> known = new ArrayList<>();
    versions.read().forEach(known::add);
    List<Long> ticks = pendingTicks.read();
    if (known.isEmpty() || ticks == null) {
      return;
    }
    known.sort(
        Comparator.comparing((TimestampedValue<ModelVersion<M>> v) -> v.getTimestamp())
            .thenComparingLong(v -> v.getValue().version()));
    Instant passed = c.fireTimestamp();
    int done = 0;
    while (done < ticks.size() && !tickEnd(ticks.get(done)).isAfter(passed)) {
      long tick = ticks.get(done++);
      for (TimestampedValue<Row> row : waitingByTick.get(tick).read()) {
        score(newestAt(known, row.getTimestamp()), row.getValue(), row.getTimestamp(), out);
      }
      waitingByTick.remove(tick);
    }
    // Keep the version in force at the watermark and every later one.
    ModelVersion<M> inForce = newestAt(known, passed);
    versions.clear();
    for (TimestampedValue<ModelVersion<M>> v : known) {
      if (v.getValue() == inForce || v.getTimestamp().isAfter(passed)) {
        versions.add(v);
      }
    }
    List<Long> later = new ArrayList<>(ticks.subList(done, ticks.size()));
    if (later.isEmpty()) {
      pendingTicks.clear();
      releaseHold(inputEnd);
      return;
    }
    pendingTicks.write(later);
    watermark.set(tickEnd(later.get(0)));
    inputEnd
        .withOutputTimestamp(new Instant(later.get(0) * TICK_MILLIS))
        .set(GlobalWindow.INSTANCE.maxTimestamp());
  }

  /**
   * Releases the watermark hold of {@code inputEnd} (no row waits any more) by moving its output
   * timestamp to the end of the window. {@code Timer.clear()} would be the natural call, but
   * FlinkRunner 2.70 looks the timer up under another id than it stored it under, so the timer and
   * its hold stay, and the watermark would stop at the first row that ever waited. When it fires at
   * the end of the input there is nothing to fail.
   */
  private static void releaseHold(Timer inputEnd) {
    inputEnd
        .withOutputTimestamp(GlobalWindow.INSTANCE.maxTimestamp())
        .set(GlobalWindow.INSTANCE.maxTimestamp());
  }

  /** The highest-numbered version stamped at or before {@code time}, else the earliest one. */
  private static <M> ModelVersion<M> newestAt(
      List<TimestampedValue<ModelVersion<M>>> sorted, Instant time) {
    ModelVersion<M> newest = null;
    for (TimestampedValue<ModelVersion<M>> v : sorted) {
      if (v.getTimestamp().isAfter(time)) {
        break;
      }
      if (newest == null || v.getValue().version() > newest.version()) {
        newest = v.getValue();
      }
    }
    return newest != null ? newest : sorted.get(0).getValue();
  }

  /** The input ended while rows were still waiting for a first model version. */
  @OnTimer("inputEnd")
  public void inputEnded(
      @StateId("waiting") BagState<TimestampedValue<Row>> waiting,
      @StateId("earliestWaiting") ValueState<Instant> earliestWaiting,
      @StateId("waitingByTick") MapState<Long, List<TimestampedValue<Row>>> waitingByTick,
      @StateId("pendingTicks") ValueState<List<Long>> pendingTicks,
      MultiOutputReceiver out) {
    String error = "No model version arrived before the input ended; the row was not scored";
    List<TimestampedValue<Row>> rows = new ArrayList<>();
    waiting.read().forEach(rows::add);
    List<Long> ticks = pendingTicks.read();
    if (ticks != null) {
      for (long tick : ticks) {
        rows.addAll(waitingByTick.get(tick).read());
        waitingByTick.remove(tick);
      }
    }
    for (TimestampedValue<Row> row : rows) {
      fail(row.getValue(), row.getTimestamp(), error + ": " + RowText.of(row.getValue()), out);
    }
    waiting.clear();
    earliestWaiting.clear();
    pendingTicks.clear();
  }

  /** Rows that waited for the first version leave with their own, earlier, timestamps. */
  @Override
  @SuppressWarnings("deprecation")
  public Duration getAllowedTimestampSkew() {
    return Duration.millis(Long.MAX_VALUE);
  }

  private void score(ModelVersion<M> version, Row row, Instant timestamp, MultiOutputReceiver out) {
    Row scored;
    try {
      scored = scorer.score(version.model(), row);
    } catch (IllegalArgumentException e) {
      fail(row, timestamp, "Model version " + version.version() + ": " + e.getMessage(), out);
      return;
    }
    out.get(SCORED)
        .outputWithTimestamp(OutputColumns.row(outputSchema, scored, version.version()), timestamp);
  }

  private void fail(Row row, Instant timestamp, String error, MultiOutputReceiver out) {
    if (!keepFailures) {
      throw new IllegalArgumentException(error);
    }
    failures.inc();
    out.get(FAILED)
        .outputWithTimestamp(
            Row.withSchema(failureSchema).addValues(row, error).build(), timestamp);
  }
}
