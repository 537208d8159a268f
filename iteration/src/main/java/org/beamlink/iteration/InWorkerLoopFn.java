package org.beamlink.iteration;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-worker path: the references to every chunk of every input arrive under one key, the
 * partitions are assembled here (from this JVM's {@link ResidentStore}, else from the durable
 * copies), and the whole loop runs in this step, partitions as threads, AllReduce in memory in task
 * order.
 *
 * <p>Partitions stay in memory while the partitioned data fits the memory budget; the partitions
 * beyond it are read from their durable copies at every superstep instead, one at a time, so a loop
 * over more data than the budget still runs, slower, with the same result.
 */
final class InWorkerLoopFn<OutputT> extends DoFn<KV<Integer, Iterable<ChunkRef>>, OutputT> {
  private static final Logger LOG = LoggerFactory.getLogger(IterativeComQueue.class);

  private final ComQueueSpec spec;
  private final CompleteResultFunction<OutputT> close;
  private final ResidentPartitions partitions;
  private final Counter supersteps;
  private final Counter computeMillis;
  private final Counter loopMillis;

  private transient String directory;

  InWorkerLoopFn(ComQueueSpec spec, CompleteResultFunction<OutputT> close) {
    this.spec = spec;
    this.close = close;
    this.partitions = new ResidentPartitions(spec, false);
    this.supersteps = ComQueueMetrics.supersteps(spec.program.name);
    this.computeMillis = ComQueueMetrics.computeMillis(spec.program.name);
    this.loopMillis = ComQueueMetrics.loopMillis(spec.program.name);
  }

  @StartBundle
  public void startBundle(StartBundleContext c) {
    directory = DurableCopy.directory(c.getPipelineOptions(), spec.program.name);
  }

  @ProcessElement
  public void process(ProcessContext c) throws Exception {
    long start = System.nanoTime();
    ComQueueProgram program = spec.program;
    int numTask = spec.numTasks;
    List<ChunkRef> refs = new ArrayList<>();
    c.element().getValue().forEach(refs::add);
    long[] taskBytes = new long[numTask];
    long elements = 0;
    for (ChunkRef ref : refs) {
      if (!ref.isMarker() && !spec.isBroadcast(ref.input())) {
        taskBytes[ref.task()] += ref.bytes();
        elements += ref.elements();
      }
    }
    long budget = spec.memoryBudgetBytes();
    long held = 0;
    int streamed = 0;
    List<ComContext> contexts = new ArrayList<>(numTask);
    Set<String> files = new HashSet<>();
    for (ChunkRef ref : refs) {
      files.add(ref.path());
    }
    for (int t = 0; t < numTask; t++) {
      ComContext context = new ComContext(t, numTask);
      if (held + taskBytes[t] <= budget) {
        held += taskBytes[t];
        partitions.assemble(context, refs, directory);
        files.addAll(context.partition.files());
        context.partition = null;
        context.attached = null;
      } else {
        context.partition = partitions.reference(t, refs, directory);
        streamed++;
      }
      contexts.add(context);
    }
    LOG.info(
        "ComQueue '{}': in-worker loop over {} tasks, {} elements (~{} MB), {} of them read from"
            + " disk at every superstep (memory budget {} MB), at most {} supersteps",
        program.name,
        numTask,
        elements,
        java.util.Arrays.stream(taskBytes).sum() >> 20,
        streamed,
        budget >> 20,
        program.maxIter);

    long loopStart = System.nanoTime();
    long[] computeNanos = new long[1];
    int steps = runLoop(program, contexts, computeNanos, this::attach, this::detach);
    loopMillis.inc((System.nanoTime() - loopStart) / 1_000_000);
    computeMillis.inc(computeNanos[0] / 1_000_000);
    supersteps.inc(steps);
    for (ComContext context : contexts) {
      attach(context);
      List<OutputT> out = close.calc(context);
      if (out != null) {
        for (OutputT o : out) {
          c.output(o);
        }
      }
      detach(context);
    }
    cleanUp(files, contexts);
    LOG.info(
        "ComQueue '{}': in-worker loop ran {} supersteps in {} ms",
        program.name,
        steps,
        (System.nanoTime() - start) / 1_000_000);
  }

  /** Reads a streamed partition's data into its context. */
  private void attach(ComContext context) {
    if (context.partition != null) {
      partitions.attach(context);
    }
  }

  /** Takes a streamed partition's data out again. */
  private void detach(ComContext context) {
    if (context.partition != null) {
      partitions.detach(context, directory);
    }
  }

  /** Deletes the loop's files (chunks, manifests, replaced objects) and their resident copies. */
  private static void cleanUp(Set<String> files, List<ComContext> contexts) throws IOException {
    for (ComContext context : contexts) {
      if (context.partition != null) {
        files.addAll(context.partition.files());
      }
    }
    files.remove("");
    for (String file : files) {
      ResidentStore.get().release(file);
    }
    DurableCopy.delete(files);
  }

  /** Work done on a context before or after its compute functions run. */
  @FunctionalInterface
  interface Around {
    void apply(ComContext context);
  }

  /**
   * Runs the loop to its end; returns the number of supersteps run and adds the time spent in
   * compute functions, summed over tasks, to {@code computeNanos[0]}. {@code before} and {@code
   * after} run around each task's share of a superstep (to read and drop streamed partitions).
   */
  static int runLoop(
      ComQueueProgram program,
      List<ComContext> contexts,
      long[] computeNanos,
      Around before,
      Around after)
      throws Exception {
    int numTask = contexts.size();
    while (true) {
      List<AllReduce> reached = runAll(program, contexts, computeNanos, before, after);
      int arrived = 0;
      for (AllReduce r : reached) {
        arrived += r == null ? 0 : 1;
      }
      if (arrived == 0) {
        return contexts.get(0).stepNo;
      }
      program.checkAgreement(arrived, numTask, contexts.get(0).stepNo);
      AllReduce allReduce = reached.get(0);
      List<double[]> partials = new ArrayList<>(numTask);
      for (ComContext context : contexts) {
        partials.add(allReduce.buffer(context));
      }
      double[] reduced = allReduce.reduce(partials);
      for (ComContext context : contexts) {
        program.applyReduced(context, reduced);
      }
    }
  }

  /**
   * Runs every task to its next AllReduce with {@link PartitionThreads}: each partition held in
   * memory on its own thread, at the same time as the streamed ones one after another on one more,
   * so that at most one streamed partition is in memory at once. Returns the tasks' results in task
   * order.
   */
  private static List<AllReduce> runAll(
      ComQueueProgram program,
      List<ComContext> contexts,
      long[] computeNanos,
      Around before,
      Around after)
      throws Exception {
    AtomicLong nanos = new AtomicLong();
    List<Integer> streamed = new ArrayList<>();
    List<Integer> order = new ArrayList<>(contexts.size());
    List<Callable<List<AllReduce>>> work = new ArrayList<>(contexts.size() + 1);
    for (int t = 0; t < contexts.size(); t++) {
      if (contexts.get(t).partition != null) {
        streamed.add(t);
      }
    }
    if (!streamed.isEmpty()) {
      order.addAll(streamed);
      work.add(
          () -> {
            List<AllReduce> reached = new ArrayList<>(streamed.size());
            for (int t : streamed) {
              ComContext context = contexts.get(t);
              before.apply(context);
              try {
                reached.add(timed(program, context, nanos));
              } finally {
                after.apply(context);
              }
            }
            return reached;
          });
    }
    for (int t = 0; t < contexts.size(); t++) {
      ComContext context = contexts.get(t);
      if (context.partition == null) {
        order.add(t);
        work.add(() -> Collections.singletonList(timed(program, context, nanos)));
      }
    }
    AllReduce[] reached = new AllReduce[contexts.size()];
    int next = 0;
    for (List<AllReduce> results : PartitionThreads.runAll(work)) {
      for (AllReduce r : results) {
        reached[order.get(next++)] = r;
      }
    }
    computeNanos[0] += nanos.get();
    return Arrays.asList(reached);
  }

  private static AllReduce timed(ComQueueProgram program, ComContext context, AtomicLong nanos) {
    long start = System.nanoTime();
    try {
      return program.runUntilCommunication(context);
    } finally {
      nanos.addAndGet(System.nanoTime() - start);
    }
  }
}
