package org.beamlink.iteration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.beamlink.models.linalg.Block;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-worker path: every element of the partitioned and broadcast data arrives under one key and
 * is kept in state; when the input ends (the end of the global window), the loop runs here,
 * partitions as threads, AllReduce in memory in task order.
 */
final class InWorkerLoopFn<OutputT> extends DoFn<KV<Integer, RawUnionValue>, OutputT> {
  private static final Logger LOG = LoggerFactory.getLogger(IterativeComQueue.class);

  private final ComQueueSpec spec;
  private final CompleteResultFunction<OutputT> close;
  private final Counter supersteps;
  private final Counter computeMillis;
  private final Counter loopMillis;

  @StateId("data")
  private final StateSpec<BagState<RawUnionValue>> dataSpec;

  @TimerId("end")
  private final TimerSpec endSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  InWorkerLoopFn(ComQueueSpec spec, CompleteResultFunction<OutputT> close, UnionCoder coder) {
    this.spec = spec;
    this.close = close;
    this.supersteps = ComQueueMetrics.supersteps(spec.program.name);
    this.computeMillis = ComQueueMetrics.computeMillis(spec.program.name);
    this.loopMillis = ComQueueMetrics.loopMillis(spec.program.name);
    this.dataSpec = StateSpecs.bag(coder);
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, RawUnionValue> element,
      BoundedWindow window,
      @StateId("data") BagState<RawUnionValue> data,
      @TimerId("end") Timer end) {
    data.add(element.getValue());
    end.set(window.maxTimestamp());
  }

  @OnTimer("end")
  public void loop(OnTimerContext c, @StateId("data") BagState<RawUnionValue> data)
      throws Exception {
    long start = System.nanoTime();
    ComQueueProgram program = spec.program;
    int numTask = spec.numTasks;
    int partitioned = spec.partitionedNames.size();
    List<List<KV<Long, Object>>> inputs = new ArrayList<>();
    for (int i = 0; i < partitioned + spec.broadcastNames.size(); i++) {
      inputs.add(new ArrayList<>());
    }
    for (RawUnionValue value : data.read()) {
      if (value.getUnionTag() > 0) {
        @SuppressWarnings("unchecked")
        KV<Long, Object> kv = (KV<Long, Object>) value.getValue();
        inputs.get(value.getUnionTag() - 1).add(kv);
      }
    }
    data.clear();
    List<ComContext> contexts = new ArrayList<>(numTask);
    for (int t = 0; t < numTask; t++) {
      contexts.add(new ComContext(t, numTask));
    }
    long elements = 0;
    long bytes = 0;
    for (int i = 0; i < partitioned; i++) {
      List<List<Object>> parts = PartitionAssigner.split(inputs.get(i), numTask);
      inputs.set(i, null);
      for (int t = 0; t < numTask; t++) {
        for (Object o : parts.get(t)) {
          elements++;
          if (o instanceof Block b) {
            bytes += b.estimatedBytes();
          }
        }
        contexts.get(t).putObj(spec.partitionedNames.get(i), parts.get(t));
      }
    }
    long budget = spec.memoryBudgetBytes();
    if (bytes > budget) {
      throw new IllegalStateException(
          String.format(
              "ComQueue '%s': the partitioned data takes about %d MB, over the in-worker memory"
                  + " budget of %d MB; run it with Execution.DISTRIBUTED or raise the budget",
              program.name, bytes >> 20, budget >> 20));
    }
    for (int i = 0; i < spec.broadcastNames.size(); i++) {
      List<?> broadcast =
          Collections.unmodifiableList(PartitionAssigner.sortedValues(inputs.get(partitioned + i)));
      for (ComContext context : contexts) {
        context.putObj(spec.broadcastNames.get(i), broadcast);
      }
    }
    LOG.info(
        "ComQueue '{}': in-worker loop over {} tasks, {} elements (~{} MB), at most {} supersteps",
        program.name,
        numTask,
        elements,
        bytes >> 20,
        program.maxIter);

    long loopStart = System.nanoTime();
    long[] computeNanos = new long[1];
    int steps = runLoop(program, contexts, computeNanos);
    loopMillis.inc((System.nanoTime() - loopStart) / 1_000_000);
    computeMillis.inc(computeNanos[0] / 1_000_000);
    supersteps.inc(steps);
    for (ComContext context : contexts) {
      List<OutputT> out = close.calc(context);
      if (out != null) {
        for (OutputT o : out) {
          c.output(o);
        }
      }
    }
    LOG.info(
        "ComQueue '{}': in-worker loop ran {} supersteps in {} ms",
        program.name,
        steps,
        (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Runs the loop to its end; returns the number of supersteps run and adds the time spent in
   * compute functions, summed over tasks, to {@code computeNanos[0]}.
   */
  static int runLoop(ComQueueProgram program, List<ComContext> contexts, long[] computeNanos)
      throws Exception {
    int numTask = contexts.size();
    ExecutorService pool =
        numTask == 1
            ? null
            : Executors.newFixedThreadPool(
                numTask,
                r -> {
                  Thread thread = new Thread(r, "comqueue-" + program.name);
                  thread.setDaemon(true);
                  return thread;
                });
    try {
      while (true) {
        List<AllReduce> reached = runAll(pool, program, contexts, computeNanos);
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
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  private static List<AllReduce> runAll(
      ExecutorService pool, ComQueueProgram program, List<ComContext> contexts, long[] computeNanos)
      throws Exception {
    List<AllReduce> reached = new ArrayList<>(contexts.size());
    if (pool == null) {
      for (ComContext context : contexts) {
        long start = System.nanoTime();
        reached.add(program.runUntilCommunication(context));
        computeNanos[0] += System.nanoTime() - start;
      }
      return reached;
    }
    java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
    List<Callable<AllReduce>> tasks = new ArrayList<>(contexts.size());
    for (ComContext context : contexts) {
      tasks.add(
          () -> {
            long start = System.nanoTime();
            try {
              return program.runUntilCommunication(context);
            } finally {
              nanos.addAndGet(System.nanoTime() - start);
            }
          });
    }
    for (Future<AllReduce> f : pool.invokeAll(tasks)) {
      try {
        reached.add(f.get());
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(
            "ComQueue '" + program.name + "': a compute function failed", cause);
      }
    }
    computeNanos[0] += nanos.get();
    return reached;
  }
}
