package org.beamlink.iteration;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.beamlink.models.linalg.Block;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distributed path's DoFns. A partition's state flows from stage to stage as one element; a
 * stage runs it to its next AllReduce and emits the partial, which the next stage reads as a side
 * input, reduces in task order and applies. Partitions whose loop has ended leave by the finished
 * output, so the stages after an early stop receive nothing.
 */
final class DistributedStageFns {
  static final TupleTag<ComContext> CONTINUING = new TupleTag<ComContext>() {};
  static final TupleTag<ComContext> FINISHED = new TupleTag<ComContext>() {};
  static final TupleTag<KV<Integer, double[]>> PARTIALS = new TupleTag<KV<Integer, double[]>>() {};

  private static final Logger LOG = LoggerFactory.getLogger(IterativeComQueue.class);

  /**
   * The most data one distributed partition may hold. Its state is one record between stages, and
   * FlinkRunner's batch translation sorts each stage's main input: a record above the sort buffer
   * (about 247 MB with the embedded defaults) fails the job, and large records are slow to sort.
   */
  static final long MAX_PARTITION_BYTES = 128L << 20;

  private DistributedStageFns() {}

  private static void route(
      ComQueueProgram program,
      ComContext context,
      DoFn<?, ?>.ProcessContext c,
      Counter steps,
      Counter computeMillis) {
    int stepBefore = context.stepNo;
    long start = System.nanoTime();
    AllReduce reached = program.runUntilCommunication(context);
    computeMillis.inc((System.nanoTime() - start) / 1_000_000);
    if (context.taskId == 0) {
      steps.inc(context.stepNo - stepBefore + (context.finished ? 1 : 0));
    }
    if (reached == null) {
      c.output(FINISHED, context);
    } else {
      c.output(PARTIALS, KV.of(context.taskId, reached.buffer(context).clone()));
      c.output(CONTINUING, context);
    }
  }

  /** Builds a partition's state from its data and broadcast data, and runs the first stage. */
  static final class InitFn extends DoFn<KV<Integer, CoGbkResult>, ComContext> {
    private final ComQueueSpec spec;
    private final Counter supersteps;
    private final Counter computeMillis;

    InitFn(ComQueueSpec spec) {
      this.spec = spec;
      this.supersteps = ComQueueMetrics.supersteps(spec.program.name);
      this.computeMillis = ComQueueMetrics.computeMillis(spec.program.name);
    }

    @ProcessElement
    public void process(ProcessContext c) {
      int taskId = c.element().getKey();
      ComContext context = new ComContext(taskId, spec.numTasks);
      long bytes = 0;
      for (int i = 0; i < spec.partitionedNames.size(); i++) {
        @SuppressWarnings("unchecked")
        TupleTag<KV<Long, Object>> tag = (TupleTag<KV<Long, Object>>) spec.partitionedTags.get(i);
        List<KV<Long, Object>> part = new ArrayList<>();
        c.element().getValue().getAll(tag).forEach(part::add);
        for (KV<Long, Object> kv : part) {
          if (kv.getValue() instanceof Block b) {
            bytes += b.estimatedBytes();
          }
        }
        context.putObj(spec.partitionedNames.get(i), PartitionAssigner.sortedValues(part));
      }
      if (bytes > MAX_PARTITION_BYTES) {
        throw new IllegalStateException(
            String.format(
                "ComQueue '%s': task %d holds about %d MB of data, over the %d MB a distributed"
                    + " partition may hold: its state travels between supersteps as one record,"
                    + " and Flink's batch sorter refuses records larger than its sort buffer. Use"
                    + " withNumTasks(%d) or more, or Execution.IN_WORKER if the data fits one worker",
                spec.program.name,
                taskId,
                bytes >> 20,
                MAX_PARTITION_BYTES >> 20,
                (int) Math.ceil((double) bytes * spec.numTasks / MAX_PARTITION_BYTES)));
      }
      for (int i = 0; i < spec.broadcastNames.size(); i++) {
        context.putObj(
            spec.broadcastNames.get(i),
            PartitionAssigner.values(c.element().getValue(), spec.broadcastTags.get(i)));
      }
      route(spec.program, context, c, supersteps, computeMillis);
    }
  }

  /** Applies the previous stage's AllReduce and runs to the next one. */
  static final class StageFn extends DoFn<ComContext, ComContext> {
    private final ComQueueProgram program;
    private final PCollectionView<List<KV<Integer, double[]>>> partialsView;
    private final Counter supersteps;
    private final Counter computeMillis;

    StageFn(ComQueueProgram program, PCollectionView<List<KV<Integer, double[]>>> partialsView) {
      this.program = program;
      this.partialsView = partialsView;
      this.supersteps = ComQueueMetrics.supersteps(program.name);
      this.computeMillis = ComQueueMetrics.computeMillis(program.name);
    }

    @ProcessElement
    public void process(ProcessContext c) {
      ComContext context = c.element();
      List<KV<Integer, double[]>> partials = c.sideInput(partialsView);
      program.checkAgreement(partials.size(), context.numTask, context.stepNo);
      double[][] byTask = new double[context.numTask][];
      for (KV<Integer, double[]> kv : partials) {
        byTask[kv.getKey()] = kv.getValue();
      }
      List<double[]> ordered = new ArrayList<>(context.numTask);
      for (int t = 0; t < context.numTask; t++) {
        if (byTask[t] == null) {
          program.checkAgreement(partials.size() - 1, context.numTask, context.stepNo);
        }
        ordered.add(byTask[t]);
      }
      program.applyReduced(context, program.pending(context).reduce(ordered));
      route(program, context, c, supersteps, computeMillis);
    }
  }

  /** Turns finished partition states into the queue's output. */
  static final class CloseFn<OutputT> extends DoFn<ComContext, OutputT> {
    private final String name;
    private final CompleteResultFunction<OutputT> close;

    CloseFn(String name, CompleteResultFunction<OutputT> close) {
      this.name = name;
      this.close = close;
    }

    @ProcessElement
    public void process(@Element ComContext context, OutputReceiver<OutputT> out) {
      if (!context.finished) {
        throw new IllegalStateException(
            "ComQueue '" + name + "': task " + context.taskId + " did not finish its loop");
      }
      if (context.taskId == 0) {
        LOG.info("ComQueue '{}': distributed loop ended after {} supersteps", name, context.stepNo);
      }
      List<OutputT> result = close.calc(context);
      if (result != null) {
        result.forEach(out::output);
      }
    }
  }
}
