package org.beamlink.iteration;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distributed path's DoFns. A partition's data stays in the worker that assembled it ({@link
 * ResidentPartitions}); what flows from stage to stage is its token (its position in the loop,
 * where its data is, and its other objects, without the AllReduce buffer, which the result
 * replaces) and its partial ({@link ShippedPartial}: inline when small, else a reference to the
 * copy its task wrote). The next stage reads every task's partial through its side input, reduces
 * them in task order and applies the result. Partitions whose loop has ended leave by the finished
 * output, so the stages after an early stop receive nothing.
 */
final class DistributedStageFns {
  static final TupleTag<ComContext> CONTINUING = new TupleTag<ComContext>() {};
  static final TupleTag<ComContext> FINISHED = new TupleTag<ComContext>() {};
  static final TupleTag<ShippedPartial> PARTIALS = new TupleTag<ShippedPartial>() {};

  private static final Logger LOG = LoggerFactory.getLogger(IterativeComQueue.class);

  private DistributedStageFns() {}

  /** What every stage shares: the program, the data, the token's coder and the counters. */
  abstract static class Stage<InputT> extends DoFn<InputT, ComContext> {
    final ComQueueSpec spec;
    final ResidentPartitions partitions;
    final Coder<ComContext> tokenCoder;
    private final Counter supersteps;
    private final Counter computeMillis;
    private final Counter shippedBytes;
    final Counter bytesWritten;
    final Counter bytesRead;
    transient String directory;
    private transient List<Held> held;

    /** A partition this bundle runs at its end, and where its element came from. */
    private record Held(Callable<ComContext> prepare, Instant timestamp, BoundedWindow window) {}

    /**
     * A partition after its stage: its token, its partial (null once finished), the supersteps it
     * completed, its time in compute functions and the bytes it ships.
     */
    private record Routed(
        ComContext token, ShippedPartial partial, int steps, long computeNanos, long bytes) {}

    Stage(ComQueueSpec spec, Coder<ComContext> tokenCoder) {
      this.spec = spec;
      this.partitions = new ResidentPartitions(spec, true);
      this.tokenCoder = tokenCoder;
      this.supersteps = ComQueueMetrics.supersteps(spec.program.name);
      this.computeMillis = ComQueueMetrics.computeMillis(spec.program.name);
      this.shippedBytes = ComQueueMetrics.shippedBytes(spec.program.name);
      this.bytesWritten = ComQueueMetrics.durableBytesWritten(spec.program.name);
      this.bytesRead = ComQueueMetrics.durableBytesRead(spec.program.name);
    }

    @StartBundle
    public void startBundle(StartBundleContext c) {
      directory = DurableCopy.directory(c.getPipelineOptions(), spec.program.name);
      held = new ArrayList<>();
    }

    /**
     * Holds a partition until the end of the bundle, so that the partitions a runner sends to one
     * worker run at the same time ({@link PartitionThreads}); {@code prepare} gives its context
     * with its data attached.
     */
    void hold(Callable<ComContext> prepare, Instant timestamp, BoundedWindow window) {
      held.add(new Held(prepare, timestamp, window));
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) throws Exception {
      List<Callable<Routed>> work = new ArrayList<>(held.size());
      for (Held h : held) {
        work.add(() -> route(h.prepare().call()));
      }
      List<Routed> routed = PartitionThreads.runAll(work);
      long nanos = 0;
      long bytes = 0;
      for (int i = 0; i < routed.size(); i++) {
        Routed r = routed.get(i);
        Held h = held.get(i);
        ComContext token = r.token();
        if (r.partial() == null) {
          c.output(FINISHED, token, h.timestamp(), h.window());
        } else {
          c.output(PARTIALS, r.partial(), h.timestamp(), h.window());
          c.output(CONTINUING, token, h.timestamp(), h.window());
        }
        if (token.taskId == 0) {
          supersteps.inc(r.steps());
        }
        nanos += r.computeNanos();
        bytes += r.bytes();
      }
      computeMillis.inc(nanos / 1_000_000);
      shippedBytes.inc(bytes);
      held = null;
    }

    /**
     * Runs {@code context} to its next AllReduce or to its end, takes its data objects and its
     * AllReduce buffer out, and gives its token and its partial as shipped.
     */
    private Routed route(ComContext context) throws CoderException {
      int stepBefore = context.stepNo;
      long start = System.nanoTime();
      AllReduce reached = spec.program.runUntilCommunication(context);
      long nanos = System.nanoTime() - start;
      int steps = context.stepNo - stepBefore + (context.finished ? 1 : 0);
      ShippedPartial partial = null;
      if (reached != null) {
        double[] buffer = reached.buffer(context);
        context.removeObj(reached.name());
        partial =
            ShippedPartial.ship(
                context.taskId,
                context.stepNo,
                buffer,
                directory,
                spec.numTasks,
                bytesWritten::inc);
        if (!partial.inline()) {
          context.partialFiles.add(partial.path());
        }
      }
      partitions.detach(context, directory);
      long bytes = CoderUtils.encodeToByteArray(tokenCoder, context).length;
      if (partial != null) {
        bytes += partial.shippedBytes();
      }
      return new Routed(context, partial, steps, nanos, bytes);
    }
  }

  /** Assembles a partition from its chunks, keeps it resident, and runs the first stage. */
  static final class InitFn extends Stage<KV<Integer, Iterable<ChunkRef>>> {
    private final Gauge loopStart;

    InitFn(ComQueueSpec spec, Coder<ComContext> tokenCoder) {
      super(spec, tokenCoder);
      this.loopStart = ComQueueMetrics.loopStartMillis(spec.program.name);
    }

    @ProcessElement
    public void process(ProcessContext c, BoundedWindow window) {
      int taskId = c.element().getKey();
      List<ChunkRef> refs = new ArrayList<>();
      c.element().getValue().forEach(refs::add);
      if (taskId == 0) {
        loopStart.set(System.currentTimeMillis());
      }
      hold(
          () -> {
            ComContext context = new ComContext(taskId, spec.numTasks);
            partitions.assemble(context, refs, directory);
            return context;
          },
          c.timestamp(),
          window);
    }
  }

  /** Applies the previous stage's AllReduce and runs to the next one. */
  static final class StageFn extends Stage<ComContext> {
    private final PCollectionView<List<ShippedPartial>> partialsView;

    StageFn(
        ComQueueSpec spec,
        Coder<ComContext> tokenCoder,
        PCollectionView<List<ShippedPartial>> partialsView) {
      super(spec, tokenCoder);
      this.partialsView = partialsView;
    }

    @ProcessElement
    public void process(ProcessContext c, BoundedWindow window) throws CoderException {
      ComContext context = CoderUtils.clone(tokenCoder, c.element());
      List<ShippedPartial> partials = c.sideInput(partialsView);
      ComQueueProgram program = spec.program;
      program.checkAgreement(partials.size(), context.numTask, context.stepNo);
      ShippedPartial[] byTask = new ShippedPartial[context.numTask];
      for (ShippedPartial partial : partials) {
        byTask[partial.task()] = partial;
      }
      for (int t = 0; t < context.numTask; t++) {
        if (byTask[t] == null) {
          program.checkAgreement(partials.size() - 1, context.numTask, context.stepNo);
        }
      }
      hold(
          () -> {
            deleteReadPartials(context, byTask[context.taskId]);
            List<double[]> ordered = new ArrayList<>(context.numTask);
            for (ShippedPartial partial : byTask) {
              ordered.add(partial.read(program.name, bytesRead::inc));
            }
            double[] reduced = program.pending(context).reduce(ordered);
            partitions.attach(context);
            program.putReduced(context, reduced);
            return context;
          },
          c.timestamp(),
          window);
    }

    /**
     * Deletes this partition's partials shipped by reference before {@code current}: every task has
     * read them, as every task has finished the stage that read them (this stage's side input is
     * complete).
     */
    private static void deleteReadPartials(ComContext context, ShippedPartial current)
        throws IOException {
      List<String> read = new ArrayList<>(context.partialFiles);
      if (!current.inline()) {
        read.remove(current.path());
      }
      if (read.isEmpty()) {
        return;
      }
      for (String file : read) {
        ResidentStore.get().release(file);
      }
      DurableCopy.delete(read);
      context.partialFiles.removeAll(read);
    }
  }

  /** Files a finished partition leaves behind, under the one key of the clean-up. */
  static final TupleTag<KV<Integer, String>> RELEASED = new TupleTag<KV<Integer, String>>() {};

  /** Turns finished partitions into the queue's output and releases their data. */
  static final class CloseFn<OutputT> extends DoFn<ComContext, OutputT> {
    private final ComQueueSpec spec;
    private final ResidentPartitions partitions;
    private final CompleteResultFunction<OutputT> close;
    private final TupleTag<OutputT> outputTag;
    private final Gauge loopEnd;
    private final Coder<ComContext> tokenCoder;

    CloseFn(
        ComQueueSpec spec,
        Coder<ComContext> tokenCoder,
        CompleteResultFunction<OutputT> close,
        TupleTag<OutputT> outputTag) {
      this.tokenCoder = tokenCoder;
      this.loopEnd = ComQueueMetrics.loopEndMillis(spec.program.name);
      this.spec = spec;
      this.partitions = new ResidentPartitions(spec, true);
      this.close = close;
      this.outputTag = outputTag;
    }

    @ProcessElement
    public void process(ProcessContext c) throws CoderException {
      ComContext context = CoderUtils.clone(tokenCoder, c.element());
      if (!context.finished) {
        throw new IllegalStateException(
            "ComQueue '"
                + spec.program.name
                + "': task "
                + context.taskId
                + " did not finish its loop");
      }
      if (context.taskId == 0) {
        loopEnd.set(System.currentTimeMillis());
        LOG.info(
            "ComQueue '{}': distributed loop ended after {} supersteps",
            spec.program.name,
            context.stepNo);
      }
      PartitionRef partition = context.partition;
      partitions.attach(context);
      List<OutputT> result = close.calc(context);
      if (result != null) {
        result.forEach(o -> c.output(outputTag, o));
      }
      partitions.release(partition);
      for (String file : partition.files()) {
        c.output(RELEASED, KV.of(0, file));
      }
      for (String file : context.partialFiles) {
        c.output(RELEASED, KV.of(0, file));
      }
    }
  }

  /**
   * Deletes the durable copies (the partitions' manifests, the chunks they list, the replaced
   * objects and the last partials shipped by reference) once every partition has closed, as a
   * partition's files may serve another until then (broadcast chunks are shared), and drops this
   * JVM's resident copies of them.
   */
  static final class CleanUpFn extends DoFn<KV<Integer, Iterable<String>>, Void> {
    private final String name;

    CleanUpFn(String name) {
      this.name = name;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<String>> files) throws IOException {
      Set<String> all = new HashSet<>();
      for (String file : files.getValue()) {
        all.add(file);
        if (file.endsWith(ResidentPartitions.MANIFEST_SUFFIX)) {
          DurableCopy.read(file, PartitionRef.MANIFEST_CODER, n -> {})
              .values()
              .forEach(all::addAll);
        }
      }
      all.remove("");
      for (String file : all) {
        ResidentStore.get().release(file);
      }
      DurableCopy.delete(all);
      LOG.info("ComQueue '{}': deleted {} durable files", name, all.size());
    }
  }
}
