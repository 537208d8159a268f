package org.beamlink.transforms.online;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelCoder;
import org.beamlink.models.online.FtrlExample;
import org.beamlink.models.online.FtrlLearner;
import org.beamlink.models.online.FtrlParams;
import org.beamlink.models.online.FtrlState;
import org.beamlink.models.online.ModelVersion;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The one stateful step of {@link Ftrl.Train}: every chunk of examples ({@link FtrlParseFn})
 * arrives under key 0, so one instance owns the model and applies the updates one after the other
 * (see {@link Ftrl} for the design). State: the {@link FtrlState} (accumulators and counters), the
 * examples of a mini-batch that a chunk left incomplete (a bag), the initial model (for the timers,
 * which cannot read side inputs) and whether the processing-time timer is set. An empty chunk is
 * the start signal: it makes the initial version appear even when no example ever comes. A version
 * is stamped with the latest event time it has trained on (or the chunk's timestamp when that is
 * later), so a row stamped before a version was not among its training examples.
 */
final class FtrlTrainFn extends DoFn<KV<Integer, List<FtrlExample>>, ModelVersion<LinearModel>> {
  private static final String SOURCE = FtrlLearner.TRAINER;
  private static final String INITIAL_SOURCE = "initial";

  private final PCollectionView<LinearModel> initialModel;
  private final FtrlParams params;
  private final @Nullable Long emitEvery;
  private final @Nullable Duration emitEveryDuration;
  private final Counter examplesTrained = Metrics.counter(Ftrl.class, "examplesTrained");
  private final Counter versionsEmitted = Metrics.counter(Ftrl.class, "versionsEmitted");

  @StateId("state")
  private final StateSpec<ValueState<FtrlState>> stateSpec = StateSpecs.value(FtrlState.Coder.of());

  @StateId("batch")
  private final StateSpec<BagState<FtrlExample>> batchSpec = StateSpecs.bag(FtrlExample.Coder.of());

  @StateId("initial")
  private final StateSpec<ValueState<LinearModel>> initialSpec;

  @StateId("timerSet")
  private final StateSpec<ValueState<Boolean>> timerSetSpec = StateSpecs.value(BooleanCoder.of());

  @TimerId("emit")
  private final TimerSpec emitSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

  @TimerId("end")
  private final TimerSpec endSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  private transient @Nullable FtrlLearner learner;
  private transient @Nullable ExecutorService pool;

  FtrlTrainFn(
      PCollectionView<LinearModel> initialModel,
      TypeName labelType,
      FtrlParams params,
      @Nullable Long emitEvery,
      @Nullable Duration emitEveryDuration) {
    this.initialModel = initialModel;
    this.params = params;
    this.emitEvery = emitEvery;
    this.emitEveryDuration = emitEveryDuration;
    this.initialSpec = StateSpecs.value(LinearModelCoder.of(labelType));
  }

  @Setup
  public void setup() {
    if (params.threads() > 1) {
      pool =
          Executors.newFixedThreadPool(
              params.threads() - 1,
              r -> {
                Thread t = new Thread(r, "ftrl-gradients");
                t.setDaemon(true);
                return t;
              });
    }
  }

  @Teardown
  public void teardown() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  @ProcessElement
  public void process(
      ProcessContext c,
      BoundedWindow window,
      @StateId("state") ValueState<FtrlState> stateCell,
      @StateId("batch") BagState<FtrlExample> batch,
      @StateId("initial") ValueState<LinearModel> initialCell,
      @StateId("timerSet") ValueState<Boolean> timerSet,
      @TimerId("emit") Timer emitTimer,
      @TimerId("end") Timer endTimer) {
    FtrlLearner l = learner;
    if (l == null) {
      // The initial model is one bounded element: read once per instance.
      l = learner(c.sideInput(initialModel));
    }
    FtrlState state = stateCell.read();
    if (state == null) {
      state = l.newState();
      initialCell.write(l.initialModel());
      endTimer.set(window.maxTimestamp());
      c.output(
          ModelVersion.of(
              0,
              l.model(state),
              0,
              BoundedWindow.TIMESTAMP_MIN_VALUE,
              BoundedWindow.TIMESTAMP_MIN_VALUE,
              INITIAL_SOURCE));
      versionsEmitted.inc();
    }
    List<FtrlExample> examples = c.element().getValue();
    if (!examples.isEmpty()) {
      if (params.miniBatchSize() == 1) {
        for (FtrlExample example : examples) {
          l.train(state, example);
          emitOnCount(c, l, state);
        }
        examplesTrained.inc(examples.size());
      } else {
        trainInMiniBatches(c, l, state, batch, examples);
      }
      if (emitEveryDuration != null && timerSet.read() == null) {
        emitTimer.offset(emitEveryDuration).setRelative();
        timerSet.write(true);
      }
    }
    stateCell.write(state);
  }

  /** Emits what was trained since the last version, after training on the pending mini-batch. */
  @OnTimer("emit")
  public void onEmit(
      OutputReceiver<ModelVersion<LinearModel>> out,
      @StateId("state") ValueState<FtrlState> stateCell,
      @StateId("batch") BagState<FtrlExample> batch,
      @StateId("initial") ValueState<LinearModel> initialCell,
      @StateId("timerSet") ValueState<Boolean> timerSet) {
    timerSet.clear();
    emitIfChanged(out, stateCell, batch, initialCell);
  }

  /** The input ended: trains on the pending mini-batch and emits the final version. */
  @OnTimer("end")
  public void onEnd(
      OutputReceiver<ModelVersion<LinearModel>> out,
      @StateId("state") ValueState<FtrlState> stateCell,
      @StateId("batch") BagState<FtrlExample> batch,
      @StateId("initial") ValueState<LinearModel> initialCell) {
    emitIfChanged(out, stateCell, batch, initialCell);
  }

  private void emitIfChanged(
      OutputReceiver<ModelVersion<LinearModel>> out,
      ValueState<FtrlState> stateCell,
      BagState<FtrlExample> batch,
      ValueState<LinearModel> initialCell) {
    FtrlState state = stateCell.read();
    if (state == null) {
      return;
    }
    FtrlLearner l = learner != null ? learner : learner(initialCell.read());
    if (state.pendingExamples() > 0) {
      flush(l, state, batch);
    }
    if (state.examples() > state.examplesAtLastVersion()) {
      out.output(version(l, state));
    }
    stateCell.write(state);
  }

  /**
   * Trains on every mini-batch that {@code examples} completes: first the one the bag holds the
   * start of, then whole ones from the chunk; the rest waits in the bag.
   */
  private void trainInMiniBatches(
      ProcessContext c,
      FtrlLearner l,
      FtrlState state,
      BagState<FtrlExample> batch,
      List<FtrlExample> examples) {
    int size = params.miniBatchSize();
    int next = 0;
    int pending = state.pendingExamples();
    if (pending > 0) {
      int missing = size - pending;
      if (examples.size() < missing) {
        examples.forEach(batch::add);
        state.setPendingExamples(pending + examples.size());
        return;
      }
      List<FtrlExample> first = takePending(state, batch);
      first.addAll(examples.subList(0, missing));
      trainBatch(c, l, state, first);
      next = missing;
    }
    for (; next + size <= examples.size(); next += size) {
      trainBatch(c, l, state, examples.subList(next, next + size));
    }
    if (next < examples.size()) {
      examples.subList(next, examples.size()).forEach(batch::add);
      state.setPendingExamples(examples.size() - next);
    }
  }

  private void trainBatch(
      ProcessContext c, FtrlLearner l, FtrlState state, List<FtrlExample> examples) {
    l.trainBatch(state, examples, pool);
    examplesTrained.inc(examples.size());
    emitOnCount(c, l, state);
  }

  /** Emits a version when the examples trained have just passed a multiple of emitEvery. */
  private void emitOnCount(ProcessContext c, FtrlLearner l, FtrlState state) {
    if (emitEvery != null
        && state.examples() / emitEvery > state.examplesAtLastVersion() / emitEvery) {
      Instant trainedUpTo = state.lastEventTime();
      c.outputWithTimestamp(
          version(l, state), trainedUpTo.isAfter(c.timestamp()) ? trainedUpTo : c.timestamp());
    }
  }

  /** Trains on the pending mini-batch, in the order the bag returns it. */
  private void flush(FtrlLearner l, FtrlState state, BagState<FtrlExample> batch) {
    List<FtrlExample> examples = takePending(state, batch);
    l.trainBatch(state, examples, pool);
    examplesTrained.inc(examples.size());
  }

  /** Empties the bag of a mini-batch's first examples, in the order it returns them. */
  private List<FtrlExample> takePending(FtrlState state, BagState<FtrlExample> batch) {
    List<FtrlExample> pending = new ArrayList<>(params.miniBatchSize());
    batch.read().forEach(pending::add);
    batch.clear();
    state.setPendingExamples(0);
    return pending;
  }

  private ModelVersion<LinearModel> version(FtrlLearner l, FtrlState state) {
    long number = state.recordVersion();
    versionsEmitted.inc();
    return ModelVersion.of(
        number,
        l.model(state),
        state.examples(),
        state.firstEventTime(),
        state.lastEventTime(),
        SOURCE);
  }

  private FtrlLearner learner(LinearModel initial) {
    FtrlLearner l = FtrlLearner.of(initial, params);
    learner = l;
    return l;
  }
}
