package org.beamlink.transforms.online;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.beamlink.models.online.ModelVersion;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The sequential part of the online trainers: folds one batch per window pane into a model kept in
 * Beam state, in the order of the windows, and emits a {@link ModelVersion} per batch (from the
 * first batch that gives a model on).
 *
 * <p>The input holds one element per pane of the user's windows (the output of a {@code GroupByKey}
 * or {@code Combine} in those windows). Each is tagged with its window and pane, moved to the
 * global window under one key, and buffered in the state of one stateful {@code DoFn}. An
 * event-time timer at the pane's timestamp fires once the watermark has passed it: every earlier
 * window's on-time pane has then arrived (the grouping upstream holds the watermark until it
 * emits), so the buffered panes up to that time are applied in window order, then pane order. A
 * late pane (within the window's allowed lateness) arrives behind the watermark and is applied at
 * the next firing, after the windows already applied: it is one more batch, as a Spark micro-batch
 * of late records would be. The model lives in that one key's state, so a runner that checkpoints
 * state (Flink) checkpoints the model and the buffered panes with it.
 *
 * <p>A bounded input needs no timers: its panes are grouped under the key once the input has ended
 * and applied in the same order, from one element of work.
 *
 * <p>The seed (an initial model) reaches that key as data, flattened with the panes, not as a side
 * input: a side input of a stateful {@code DoFn} held Flink's batch translation back for good. The
 * seed is a bounded {@code PCollection} of one element, so the watermark does not pass any pane
 * before the seed has arrived, and no pane is applied without it.
 *
 * <p>The output is in the global window, timestamped at the firing time, with a trigger that fires
 * for every version (discarding), so a downstream grouping or side input sees each version as it
 * comes.
 *
 * @param <I> the seed the fold starts from (an initial model); {@code Void} when there is none
 * @param <T> one batch: what one pane holds
 * @param <S> the fold's state
 * @param <M> the model emitted
 */
final class WindowOrderedFold<I, T extends WindowOrderedFold.Batch, S, M>
    extends PTransform<PCollection<T>, PCollection<ModelVersion<M>>> {

  /** What the fold needs to know of a batch for the version envelope. */
  interface Batch {
    /** Examples in the batch. */
    long examples();

    /** The earliest event time in the batch; null when it is empty. */
    @Nullable Instant firstEventTime();

    /** The latest event time in the batch; null when it is empty. */
    @Nullable Instant lastEventTime();
  }

  /**
   * The sequential update.
   *
   * @param <I> the seed
   * @param <T> a batch
   * @param <S> the state
   * @param <M> the model
   */
  interface Fold<I, T, S, M> extends Serializable {
    /** The state before the first batch, from the seed (null when the fold has none). */
    S start(@Nullable I seed);

    /** The state after {@code batch}; may reuse {@code state}. */
    S apply(S state, T batch);

    /** The model of a state; null when there is none yet (no version is emitted). */
    @Nullable M model(S state);
  }

  private final String trainer;
  private final Fold<I, T, S, M> fold;
  private final @Nullable PCollection<I> seed;
  private final Coder<S> stateCoder;
  private final Coder<M> modelCoder;

  private WindowOrderedFold(
      String trainer,
      Fold<I, T, S, M> fold,
      @Nullable PCollection<I> seed,
      Coder<S> stateCoder,
      Coder<M> modelCoder) {
    this.trainer = trainer;
    this.fold = fold;
    this.seed = seed;
    this.stateCoder = stateCoder;
    this.modelCoder = modelCoder;
  }

  /**
   * Folds batches into a state started from the one element of {@code seed} (bounded; null when the
   * fold has no seed), emitting versions from {@code trainer}.
   */
  static <I, T extends Batch, S, M> WindowOrderedFold<I, T, S, M> of(
      String trainer,
      Fold<I, T, S, M> fold,
      @Nullable PCollection<I> seed,
      Coder<S> stateCoder,
      Coder<M> modelCoder) {
    return new WindowOrderedFold<>(trainer, fold, seed, stateCoder, modelCoder);
  }

  /**
   * Fails at construction for windowing under which panes are not batches: windows that overlap (a
   * row would be in several batches), panes that accumulate (rows would be counted again), or an
   * unbounded input in the global window with the default trigger (no pane before the end).
   */
  static void checkBatchWindowing(PCollection<?> input, String trainer) {
    WindowingStrategy<?, ?> strategy = input.getWindowingStrategy();
    if (!strategy.getWindowFn().assignsToOneWindow()) {
      throw new IllegalArgumentException(
          trainer
              + ": each window is a batch, so a row must fall in one window; "
              + strategy.getWindowFn().getClass().getSimpleName()
              + " puts it in several. Use FixedWindows (or Sessions)");
    }
    if (strategy.getMode() == WindowingStrategy.AccumulationMode.ACCUMULATING_FIRED_PANES) {
      throw new IllegalArgumentException(
          trainer
              + ": each pane is a batch, so panes must discard fired rows; the input's windowing"
              + " accumulates them. Use discardingFiredPanes()");
    }
    if (input.isBounded() == PCollection.IsBounded.UNBOUNDED
        && strategy.getWindowFn() instanceof GlobalWindows
        && strategy.getTrigger() instanceof DefaultTrigger) {
      throw new IllegalArgumentException(
          trainer
              + ": an unbounded input in the global window would make one batch that never"
              + " ends; window it first, each window a batch, e.g."
              + " Window.into(FixedWindows.of(Duration.standardSeconds(10)))");
    }
  }

  @Override
  public PCollection<ModelVersion<M>> expand(PCollection<T> batches) {
    Coder<PaneBatch<T>> paneCoder = new PaneBatchCoder<>(batches.getCoder());
    Coder<I> seedCoder = seed == null ? null : seed.getCoder();
    Coder<KV<Integer, Arrival<I, T>>> arrivalCoder =
        KvCoder.of(VarIntCoder.of(), new ArrivalCoder<>(seedCoder, paneCoder));
    PCollection<KV<Integer, Arrival<I, T>>> arrivals =
        batches
            .apply("Tag panes", ParDo.of(new TagPaneFn<I, T>()))
            .setCoder(arrivalCoder)
            .apply("Global window", globalWindow());
    if (seed != null) {
      PCollection<KV<Integer, Arrival<I, T>>> seeds =
          seed.apply("Seed in the global window", WindowOrderedFold.<I>globalWindow())
              .apply("Tag seed", ParDo.of(new TagSeedFn<I, T>()))
              .setCoder(arrivalCoder);
      arrivals =
          PCollectionList.of(seeds).and(arrivals).apply("With the seed", Flatten.pCollections());
    }
    PCollection<ModelVersion<M>> versions;
    if (batches.isBounded() == PCollection.IsBounded.BOUNDED) {
      versions =
          arrivals
              .apply("All panes", GroupByKey.create())
              .apply("Fold in window order", ParDo.of(new FoldAllFn<>(trainer, fold)));
    } else {
      versions =
          arrivals.apply(
              "Fold in window order", ParDo.of(new FoldFn<>(trainer, fold, stateCoder, paneCoder)));
    }
    return versions
        .setCoder(ModelVersion.Coder.of(modelCoder))
        .apply(
            "Every version",
            Window.<ModelVersion<M>>into(new GlobalWindows())
                .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                .discardingFiredPanes()
                .withAllowedLateness(Duration.ZERO));
  }

  /**
   * The global window with the default trigger, for the panes and the seed alike (Flatten needs one
   * windowing); a stateful {@code DoFn} never drops elements of the global window as late.
   */
  private static <X> Window<X> globalWindow() {
    return Window.<X>into(new GlobalWindows())
        .triggering(DefaultTrigger.of())
        .withAllowedLateness(Duration.ZERO)
        .discardingFiredPanes();
  }

  /** A pane's batch with where it belongs: its window's end and its index among the panes. */
  static final class PaneBatch<T> {
    final long windowEnd;
    final long paneIndex;
    final long timestamp;
    final boolean late;
    final T batch;

    PaneBatch(long windowEnd, long paneIndex, long timestamp, boolean late, T batch) {
      this.windowEnd = windowEnd;
      this.paneIndex = paneIndex;
      this.timestamp = timestamp;
      this.late = late;
      this.batch = batch;
    }

    static final Comparator<PaneBatch<?>> WINDOW_ORDER =
        Comparator.<PaneBatch<?>>comparingLong(p -> p.windowEnd)
            .thenComparingLong(p -> p.paneIndex);
  }

  /** The coder of {@link PaneBatch}. */
  static final class PaneBatchCoder<T> extends CustomCoder<PaneBatch<T>> {
    private static final long serialVersionUID = 1L;
    private final Coder<T> batchCoder;

    PaneBatchCoder(Coder<T> batchCoder) {
      this.batchCoder = batchCoder;
    }

    @Override
    public void encode(PaneBatch<T> value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeLong(value.windowEnd);
      data.writeLong(value.paneIndex);
      data.writeLong(value.timestamp);
      data.writeBoolean(value.late);
      data.flush();
      batchCoder.encode(value.batch, out);
    }

    @Override
    public PaneBatch<T> decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      long windowEnd = data.readLong();
      long paneIndex = data.readLong();
      long timestamp = data.readLong();
      boolean late = data.readBoolean();
      return new PaneBatch<>(windowEnd, paneIndex, timestamp, late, batchCoder.decode(in));
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of(batchCoder);
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      verifyDeterministic(this, "the batch coder must be deterministic", batchCoder);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PaneBatchCoder<?> c && batchCoder.equals(c.batchCoder);
    }

    @Override
    public int hashCode() {
      return Objects.hash(PaneBatchCoder.class, batchCoder);
    }
  }

  /** What reaches the fold's key: the seed or a pane's batch. */
  static final class Arrival<I, T> {
    final @Nullable I seed;
    final @Nullable PaneBatch<T> pane;

    private Arrival(@Nullable I seed, @Nullable PaneBatch<T> pane) {
      this.seed = seed;
      this.pane = pane;
    }

    static <I, T> Arrival<I, T> ofSeed(I seed) {
      return new Arrival<>(seed, null);
    }

    static <I, T> Arrival<I, T> ofPane(PaneBatch<T> pane) {
      return new Arrival<>(null, pane);
    }
  }

  /** The coder of {@link Arrival}: a tag byte, then the seed or the pane. */
  static final class ArrivalCoder<I, T> extends CustomCoder<Arrival<I, T>> {
    private static final long serialVersionUID = 1L;
    private static final int SEED = 0;
    private static final int PANE = 1;

    private final @Nullable Coder<I> seedCoder;
    private final Coder<PaneBatch<T>> paneCoder;

    ArrivalCoder(@Nullable Coder<I> seedCoder, Coder<PaneBatch<T>> paneCoder) {
      this.seedCoder = seedCoder;
      this.paneCoder = paneCoder;
    }

    @Override
    public void encode(Arrival<I, T> value, OutputStream out) throws IOException {
      if (value.pane != null) {
        out.write(PANE);
        paneCoder.encode(value.pane, out);
      } else {
        out.write(SEED);
        seedCoder().encode(value.seed, out);
      }
    }

    @Override
    public Arrival<I, T> decode(InputStream in) throws IOException {
      int tag = in.read();
      if (tag == PANE) {
        return Arrival.ofPane(paneCoder.decode(in));
      }
      if (tag == SEED) {
        return Arrival.ofSeed(seedCoder().decode(in));
      }
      throw new CoderException("Unknown arrival tag " + tag);
    }

    private Coder<I> seedCoder() throws CoderException {
      if (seedCoder == null) {
        throw new CoderException("A seed arrived at a fold that has none");
      }
      return seedCoder;
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      verifyDeterministic(this, "the pane coder must be deterministic", paneCoder);
      if (seedCoder != null) {
        verifyDeterministic(this, "the seed coder must be deterministic", seedCoder);
      }
    }
  }

  /** Records each pane's window and index, under the one key of the fold. */
  private static final class TagPaneFn<I, T> extends DoFn<T, KV<Integer, Arrival<I, T>>> {
    @ProcessElement
    public void process(
        @Element T batch,
        @Timestamp Instant timestamp,
        BoundedWindow window,
        PaneInfo pane,
        OutputReceiver<KV<Integer, Arrival<I, T>>> out) {
      out.output(
          KV.of(
              0,
              Arrival.ofPane(
                  new PaneBatch<>(
                      window.maxTimestamp().getMillis(),
                      pane.getIndex(),
                      timestamp.getMillis(),
                      pane.getTiming() == PaneInfo.Timing.LATE,
                      batch))));
    }
  }

  /** Sends the seed to the fold's key. */
  private static final class TagSeedFn<I, T> extends DoFn<I, KV<Integer, Arrival<I, T>>> {
    @ProcessElement
    public void process(@Element I seed, OutputReceiver<KV<Integer, Arrival<I, T>>> out) {
      out.output(KV.of(0, Arrival.ofSeed(seed)));
    }
  }

  /** Version number, examples and event-time range of the versions emitted so far. */
  private record Progress(long version, long examples, long first, long last) {
    static final Progress NONE =
        new Progress(
            0,
            0,
            BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis(),
            BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis());

    /** With the examples of {@code batch} counted. */
    Progress after(Batch batch) {
      Instant firstInBatch = batch.firstEventTime();
      Instant lastInBatch = batch.lastEventTime();
      return new Progress(
          version,
          examples + batch.examples(),
          firstInBatch == null ? first : Math.min(first, firstInBatch.getMillis()),
          lastInBatch == null ? last : Math.max(last, lastInBatch.getMillis()));
    }

    Progress withVersion(long number) {
      return new Progress(number, examples, first, last);
    }

    /** The next version: {@code model} with the examples counted so far. */
    <M> ModelVersion<M> nextVersion(M model, String source) {
      boolean none = examples == 0;
      return ModelVersion.of(
          version + 1,
          model,
          examples,
          none ? BoundedWindow.TIMESTAMP_MIN_VALUE : Instant.ofEpochMilli(first),
          none ? BoundedWindow.TIMESTAMP_MIN_VALUE : Instant.ofEpochMilli(last),
          source);
    }
  }

  private static final class ProgressCoder extends CustomCoder<Progress> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(Progress value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeLong(value.version());
      data.writeLong(value.examples());
      data.writeLong(value.first());
      data.writeLong(value.last());
      data.flush();
    }

    @Override
    public Progress decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      return new Progress(data.readLong(), data.readLong(), data.readLong(), data.readLong());
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** The state and progress after some batches. */
  private record Folded<S>(S state, Progress progress) {}

  /** Applies ready batches in window order, emitting a version for each; counts them. */
  private static final class Applier<I, T extends Batch, S, M> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String trainer;
    private final Fold<I, T, S, M> fold;
    private final Counter batchesApplied;
    private final Counter latePanes;
    private final Counter examples;

    Applier(String trainer, Fold<I, T, S, M> fold) {
      this.trainer = trainer;
      this.fold = fold;
      this.batchesApplied = Metrics.counter(trainer, "batchesApplied");
      this.latePanes = Metrics.counter(trainer, "latePanesApplied");
      this.examples = Metrics.counter(trainer, "examplesApplied");
    }

    /** The state before the first batch, when no seed set one. */
    S start(@Nullable S state) {
      return state != null ? state : fold.start(null);
    }

    /** The state from a seed; fails on a second one. */
    S seed(@Nullable S state, @Nullable I seed) {
      if (state != null) {
        throw new IllegalArgumentException(
            trainer + ": expected one initial model, got more than one");
      }
      return fold.start(seed);
    }

    Folded<S> apply(
        S state,
        @Nullable Progress progress,
        List<PaneBatch<T>> ready,
        DoFn.OutputReceiver<ModelVersion<M>> out) {
      ready.sort(PaneBatch.WINDOW_ORDER);
      S current = state;
      Progress p = progress == null ? Progress.NONE : progress;
      for (PaneBatch<T> pane : ready) {
        current = fold.apply(current, pane.batch);
        p = p.after(pane.batch);
        M model = fold.model(current);
        if (model != null) {
          ModelVersion<M> version = p.nextVersion(model, trainer);
          p = p.withVersion(version.version());
          out.output(version);
        }
        batchesApplied.inc();
        examples.inc(pane.batch.examples());
        if (pane.late) {
          latePanes.inc();
        }
      }
      return new Folded<>(current, p);
    }
  }

  /**
   * The fold of a bounded input: every pane is known at the end, so they are grouped once and
   * applied in window order, without timers (Flink's batch translation leaked the watermark holds
   * of timers set again from a timer callback, and the whole input is there anyway).
   */
  private static final class FoldAllFn<I, T extends Batch, S, M>
      extends DoFn<KV<Integer, Iterable<Arrival<I, T>>>, ModelVersion<M>> {
    private final Applier<I, T, S, M> applier;

    FoldAllFn(String trainer, Fold<I, T, S, M> fold) {
      this.applier = new Applier<>(trainer, fold);
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<Arrival<I, T>>> all, OutputReceiver<ModelVersion<M>> out) {
      S state = null;
      List<PaneBatch<T>> panes = new ArrayList<>();
      for (Arrival<I, T> arrival : all.getValue()) {
        if (arrival.pane == null) {
          state = applier.seed(state, arrival.seed);
        } else {
          panes.add(arrival.pane);
        }
      }
      applier.apply(applier.start(state), null, panes, out);
    }
  }

  /** The one key's fold: buffers panes, applies them in window order when the watermark allows. */
  private static final class FoldFn<I, T extends Batch, S, M>
      extends DoFn<KV<Integer, Arrival<I, T>>, ModelVersion<M>> {
    private final Applier<I, T, S, M> applier;

    @StateId("state")
    private final StateSpec<ValueState<S>> stateSpec;

    @StateId("progress")
    private final StateSpec<ValueState<Progress>> progressSpec =
        StateSpecs.value(new ProgressCoder());

    @StateId("pending")
    private final StateSpec<BagState<PaneBatch<T>>> pendingSpec;

    @StateId("timerAt")
    private final StateSpec<ValueState<Long>> timerAtSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("apply")
    private final TimerSpec applySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    FoldFn(
        String trainer, Fold<I, T, S, M> fold, Coder<S> stateCoder, Coder<PaneBatch<T>> paneCoder) {
      this.applier = new Applier<>(trainer, fold);
      this.stateSpec = StateSpecs.value(stateCoder);
      this.pendingSpec = StateSpecs.bag(paneCoder);
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Arrival<I, T>> element,
        @StateId("state") ValueState<S> state,
        @StateId("pending") BagState<PaneBatch<T>> pending,
        @StateId("timerAt") ValueState<Long> timerAt,
        @TimerId("apply") Timer timer) {
      Arrival<I, T> arrival = element.getValue();
      if (arrival.pane == null) {
        state.write(applier.seed(state.read(), arrival.seed));
        return;
      }
      PaneBatch<T> pane = arrival.pane;
      pending.add(pane);
      Long at = timerAt.read();
      if (at == null || pane.timestamp < at) {
        timer.set(Instant.ofEpochMilli(pane.timestamp));
        timerAt.write(pane.timestamp);
      }
    }

    @OnTimer("apply")
    public void onApply(
        OnTimerContext c,
        @StateId("state") ValueState<S> state,
        @StateId("progress") ValueState<Progress> progressState,
        @StateId("pending") BagState<PaneBatch<T>> pending,
        @StateId("timerAt") ValueState<Long> timerAt,
        @TimerId("apply") Timer timer,
        OutputReceiver<ModelVersion<M>> out) {
      long now = c.timestamp().getMillis();
      List<PaneBatch<T>> ready = new ArrayList<>();
      List<PaneBatch<T>> waiting = new ArrayList<>();
      for (PaneBatch<T> pane : pending.read()) {
        (pane.timestamp <= now ? ready : waiting).add(pane);
      }
      Folded<S> folded =
          applier.apply(applier.start(state.read()), progressState.read(), ready, out);
      state.write(folded.state());
      progressState.write(folded.progress());
      pending.clear();
      long next = Long.MAX_VALUE;
      for (PaneBatch<T> pane : waiting) {
        pending.add(pane);
        next = Math.min(next, pane.timestamp);
      }
      if (waiting.isEmpty()) {
        timerAt.clear();
      } else {
        timer.set(Instant.ofEpochMilli(next));
        timerAt.write(next);
      }
    }
  }
}
