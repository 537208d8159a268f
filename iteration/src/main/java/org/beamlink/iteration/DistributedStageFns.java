package org.beamlink.iteration;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
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
 * where its data is, and its other objects, without the AllReduce buffer) and its partial, cut into
 * pieces ({@link AllReducePiece}). The pieces of one index are grouped, reduced in task order and
 * written where the next stage finds them ({@link ReducedPiece}); the next stage reads their
 * references as a side input, puts the reduced array together and applies it. No record is larger
 * than a group of pieces or a token, and tokens are never grouped or sorted. Partitions whose loop
 * has ended leave by the finished output, so the stages after an early stop receive nothing.
 */
final class DistributedStageFns {
  static final TupleTag<ComContext> CONTINUING = new TupleTag<ComContext>() {};
  static final TupleTag<ComContext> FINISHED = new TupleTag<ComContext>() {};
  static final TupleTag<KV<Integer, AllReducePiece>> PIECES =
      new TupleTag<KV<Integer, AllReducePiece>>() {};

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
    transient String directory;
    private transient List<Held> held;

    /** A partition this bundle runs at its end, and where its element came from. */
    private record Held(Callable<ComContext> prepare, Instant timestamp, BoundedWindow window) {}

    /**
     * A partition after its stage: its token, its partial's pieces (null once finished), the
     * supersteps it completed, its time in compute functions and the bytes it ships.
     */
    private record Routed(
        ComContext token, List<AllReducePiece> pieces, int steps, long computeNanos, long bytes) {}

    Stage(ComQueueSpec spec, Coder<ComContext> tokenCoder) {
      this.spec = spec;
      this.partitions = new ResidentPartitions(spec, true);
      this.tokenCoder = tokenCoder;
      this.supersteps = ComQueueMetrics.supersteps(spec.program.name);
      this.computeMillis = ComQueueMetrics.computeMillis(spec.program.name);
      this.shippedBytes = ComQueueMetrics.shippedBytes(spec.program.name);
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
        if (r.pieces() == null) {
          c.output(FINISHED, token, h.timestamp(), h.window());
        } else {
          for (AllReducePiece piece : r.pieces()) {
            c.output(PIECES, KV.of(piece.index(), piece), h.timestamp(), h.window());
          }
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
     * AllReduce buffer out (the reduced result takes the buffer's place), and gives its token and
     * the buffer's pieces.
     */
    private Routed route(ComContext context) throws CoderException {
      int stepBefore = context.stepNo;
      long start = System.nanoTime();
      AllReduce reached = spec.program.runUntilCommunication(context);
      long nanos = System.nanoTime() - start;
      int steps = context.stepNo - stepBefore + (context.finished ? 1 : 0);
      List<AllReducePiece> pieces = null;
      long bytes = 0;
      if (reached != null) {
        double[] partial = reached.buffer(context);
        context.removeObj(reached.name());
        pieces =
            AllReducePiece.cut(
                context.pendingAllReduce, context.stepNo, context.taskId, spec.numTasks, partial);
        for (AllReducePiece piece : pieces) {
          bytes += piece.encodedBytes();
        }
      }
      partitions.detach(context, directory);
      bytes += CoderUtils.encodeToByteArray(tokenCoder, context).length;
      return new Routed(context, pieces, steps, nanos, bytes);
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

  /**
   * Reduces one index's pieces of every task's partial in task order, writes the reduced piece
   * where the next stage finds it and gives its reference; deletes the pieces the stage before last
   * read, as the stage that read them has ended.
   */
  static final class ReduceFn extends DoFn<KV<Integer, Iterable<AllReducePiece>>, ReducedPiece> {
    private final ComQueueSpec spec;
    private final int stage;
    private final String run;
    private final Counter bytesWritten;
    private transient String directory;

    /**
     * Reduces the pieces stage {@code stage - 1} ships to stage {@code stage}; {@code run} names
     * this run's files.
     */
    ReduceFn(ComQueueSpec spec, int stage, String run) {
      this.spec = spec;
      this.stage = stage;
      this.run = run;
      this.bytesWritten = ComQueueMetrics.durableBytesWritten(spec.program.name);
    }

    @StartBundle
    public void startBundle(StartBundleContext c) {
      directory = DurableCopy.directory(c.getPipelineOptions(), spec.program.name);
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      int index = c.element().getKey();
      List<AllReducePiece> pieces = new ArrayList<>();
      c.element().getValue().forEach(pieces::add);
      pieces.sort(Comparator.comparingInt(AllReducePiece::task));
      AllReducePiece first = pieces.get(0);
      AllReduce allReduce = spec.program.allReduceAt(first.allReduce());
      boolean complete = pieces.size() == spec.numTasks && first.task() == 0;
      if (index == 0) {
        // Every task ships piece 0, so its group sees every task's length.
        spec.program.checkAgreement(pieces.size(), spec.numTasks, first.stepNo());
        for (AllReducePiece piece : pieces) {
          allReduce.checkSize(piece.task(), piece.length(), first.length());
        }
      }
      for (AllReducePiece piece : pieces) {
        complete &= piece.length() == first.length();
      }
      if (!complete) {
        // Tasks that disagree on the size or on going on: the group of piece 0 fails the job.
        return;
      }
      List<double[]> inTaskOrder = new ArrayList<>(pieces.size());
      for (AllReducePiece piece : pieces) {
        inTaskOrder.add(piece.values());
      }
      double[] reduced = allReduce.reduce(inTaskOrder);
      String path = ReducedPiece.file(directory, run, stage, index);
      bytesWritten.inc(ReducedPiece.write(path, reduced, spec.numTasks));
      c.output(new ReducedPiece(index, first.offset(), first.length(), path));
      c.output(RELEASED, KV.of(0, path));
      if (stage > 1) {
        String read = ReducedPiece.file(directory, run, stage - 1, index);
        ResidentStore.get().release(read);
        DurableCopy.delete(List.of(read));
      }
    }
  }

  /** Applies the previous stage's AllReduce and runs to the next one. */
  static final class StageFn extends Stage<ComContext> {
    private final PCollectionView<List<ReducedPiece>> reducedView;

    StageFn(
        ComQueueSpec spec,
        Coder<ComContext> tokenCoder,
        PCollectionView<List<ReducedPiece>> reducedView) {
      super(spec, tokenCoder);
      this.reducedView = reducedView;
    }

    @ProcessElement
    public void process(ProcessContext c, BoundedWindow window) throws CoderException {
      ComContext context = CoderUtils.clone(tokenCoder, c.element());
      List<ReducedPiece> pieces = c.sideInput(reducedView);
      ComQueueProgram program = spec.program;
      hold(
          () -> {
            double[] reduced = ReducedPiece.assemble(pieces, program.name, context.stepNo);
            partitions.attach(context);
            program.putReduced(context, reduced);
            return context;
          },
          c.timestamp(),
          window);
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
    }
  }

  /**
   * Deletes the durable copies (the partitions' manifests, the chunks they list and the replaced
   * objects) once every partition has closed, as a partition's files may serve another until then
   * (broadcast chunks are shared), and drops this JVM's resident copies of them.
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
