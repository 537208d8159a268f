package org.beamlink.iteration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An iterative program in Alink's ComQueue style, run on Beam: partitioned data, broadcast data, a
 * queue of compute functions and {@link AllReduce} steps run once per superstep, a stop criterion,
 * and a function that turns the final state into output.
 *
 * <p>Beam has no loops, so the program runs one of two ways ({@link Execution}): distributed, as
 * supersteps unrolled into Beam stages when the pipeline is built (one stage per AllReduce, the
 * reduced buffer reaching the next stage as a side input), or in-worker, with the data gathered to
 * one worker and the whole loop run in one step, partitions as threads. Both cut the data into the
 * same partitions (by a hash of each element's content, ordered by it) and reduce partials in task
 * order, so for the same input they compute the same results, bit for bit.
 *
 * <pre>{@code
 * PCollection<double[]> result =
 *     IterativeComQueue.create("mean")
 *         .initWithPartitionedData("data", blocks)
 *         .add(new ComputeFunction() {
 *           public void calc(ComContext c) {
 *             double[] sum = new double[2];
 *             for (Block b : c.<List<Block>>getObj("data")) { ... }
 *             c.putObj("sum", sum);
 *           }
 *         })
 *         .add(AllReduce.sum("sum"))
 *         .setMaxIter(1)
 *         .closeWith(c -> c.getTaskId() == 0 ? List.of(c.<double[]>getObj("sum")) : List.of(),
 *             DoubleArrayCoder.of())
 *         .exec();
 * }</pre>
 */
public final class IterativeComQueue {
  private static final Logger LOG = LoggerFactory.getLogger(IterativeComQueue.class);

  /** The default bound on supersteps. */
  public static final int DEFAULT_MAX_ITER = 100;

  private final String name;
  private final List<String> partitionedNames = new ArrayList<>();
  private final List<PCollection<?>> partitionedData = new ArrayList<>();
  private final List<String> broadcastNames = new ArrayList<>();
  private final List<PCollection<?>> broadcastData = new ArrayList<>();
  private final List<Object> items = new ArrayList<>();
  private CompareCriterionFunction criterion;
  private int maxIter = DEFAULT_MAX_ITER;
  private int numTasks;
  private Execution execution = Execution.AUTO;
  private long memoryBudgetBytes;

  private IterativeComQueue(String name) {
    this.name = name;
  }

  /** A new queue; {@code name} names its stages, metrics and log lines. */
  public static IterativeComQueue create(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Expected a queue name, got none");
    }
    return new IterativeComQueue(name);
  }

  /**
   * Data cut once into partitions: each partition sees its share as a {@code List<T>} under {@code
   * name}. Pack rows into blocks first ({@link PackBlocks}) so that supersteps iterate over a few
   * large elements.
   */
  public <T> IterativeComQueue initWithPartitionedData(String name, PCollection<T> data) {
    checkNewName(name);
    partitionedNames.add(name);
    partitionedData.add(data);
    return this;
  }

  /** Data every partition sees whole, as a {@code List<T>} under {@code name}. */
  public <T> IterativeComQueue initWithBroadcastData(String name, PCollection<T> data) {
    checkNewName(name);
    broadcastNames.add(name);
    broadcastData.add(data);
    return this;
  }

  /** Appends a compute function to the queue. */
  public IterativeComQueue add(ComputeFunction function) {
    items.add(function);
    return this;
  }

  /** Appends a communication step to the queue. */
  public IterativeComQueue add(AllReduce allReduce) {
    items.add(allReduce);
    return this;
  }

  /** The stop test, evaluated after each superstep; none means run {@code maxIter} supersteps. */
  public IterativeComQueue setCompareCriterion(CompareCriterionFunction criterion) {
    this.criterion = criterion;
    return this;
  }

  /** The most supersteps to run, at least 1; default {@value #DEFAULT_MAX_ITER}. */
  public IterativeComQueue setMaxIter(int maxIter) {
    if (maxIter < 1) {
      throw new IllegalArgumentException("Expected maxIter >= 1, got " + maxIter);
    }
    this.maxIter = maxIter;
    return this;
  }

  /** The number of partitions P; default: the pipeline's parallelism. */
  public IterativeComQueue withNumTasks(int numTasks) {
    if (numTasks < 1) {
      throw new IllegalArgumentException("Expected numTasks >= 1, got " + numTasks);
    }
    this.numTasks = numTasks;
    return this;
  }

  /** How to run; default {@link Execution#AUTO}. */
  public IterativeComQueue withExecution(Execution execution) {
    this.execution = execution;
    return this;
  }

  /**
   * The most bytes of partitioned data the in-worker path may gather; default 40% of the worker's
   * maximum heap. Only {@code Block} elements are measured.
   */
  public IterativeComQueue withMemoryBudgetBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("Expected a positive memory budget, got " + bytes);
    }
    this.memoryBudgetBytes = bytes;
    return this;
  }

  /** Ends the queue with the function that turns each partition's final state into output. */
  public <T> Closed<T> closeWith(CompleteResultFunction<T> close, Coder<T> outputCoder) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("ComQueue '" + name + "' has an empty queue");
    }
    if (partitionedData.isEmpty() && broadcastData.isEmpty()) {
      throw new IllegalArgumentException("ComQueue '" + name + "' has no input data");
    }
    return new Closed<>(this, close, outputCoder);
  }

  private void checkNewName(String objName) {
    if (objName == null || objName.isEmpty()) {
      throw new IllegalArgumentException("Expected a data name, got none");
    }
    if (partitionedNames.contains(objName) || broadcastNames.contains(objName)) {
      throw new IllegalArgumentException("Data name '" + objName + "' is used twice");
    }
  }

  /**
   * A complete queue; {@link #exec()} adds it to the pipeline.
   *
   * @param <T> the output element type
   */
  public static final class Closed<T> {
    private final IterativeComQueue queue;
    private final CompleteResultFunction<T> close;
    private final Coder<T> outputCoder;

    private Closed(IterativeComQueue queue, CompleteResultFunction<T> close, Coder<T> coder) {
      this.queue = queue;
      this.close = close;
      this.outputCoder = coder;
    }

    /** Adds the program to the pipeline of its input data and returns its output. */
    public PCollection<T> exec() {
      PCollection<?> first =
          queue.partitionedData.isEmpty()
              ? queue.broadcastData.get(0)
              : queue.partitionedData.get(0);
      return first
          .getPipeline()
          .apply(queue.name, new ComQueueTransform<>(queue, close, outputCoder));
    }
  }

  /** The queue as one composite transform, so that a runner's UI shows it as one node. */
  private static final class ComQueueTransform<T> extends PTransform<PBegin, PCollection<T>> {
    private final IterativeComQueue queue;
    private final CompleteResultFunction<T> close;
    private final Coder<T> outputCoder;

    ComQueueTransform(IterativeComQueue queue, CompleteResultFunction<T> close, Coder<T> coder) {
      this.queue = queue;
      this.close = close;
      this.outputCoder = coder;
    }

    @Override
    public PCollection<T> expand(PBegin input) {
      Pipeline pipeline = input.getPipeline();
      RunnerFacts facts = RunnerFacts.of(pipeline.getOptions());
      int numTasks = queue.numTasks > 0 ? queue.numTasks : facts.parallelism();
      Execution execution = queue.execution;
      String why = "requested";
      if (execution == Execution.AUTO) {
        boolean oneJvm = facts.runsInOneJvm();
        execution = oneJvm ? Execution.IN_WORKER : Execution.DISTRIBUTED;
        why =
            oneJvm
                ? facts.runner() + " runs in one JVM, where gathering costs no more memory"
                : facts.runner() + " runs on a cluster";
      }
      ComQueueProgram program =
          new ComQueueProgram(queue.name, queue.items, queue.criterion, queue.maxIter);
      LOG.info(
          "ComQueue '{}': {} execution ({}), {} tasks, at most {} supersteps",
          queue.name,
          execution,
          why,
          numTasks,
          queue.maxIter);
      boolean gather = execution == Execution.IN_WORKER;

      Map<String, Coder<?>> dataCoders = new TreeMap<>();
      TupleTag<Integer> markerTag = new TupleTag<>("tasks");
      List<Integer> keys =
          gather ? List.of(0) : IntStream.range(0, numTasks).boxed().collect(Collectors.toList());
      PCollection<KV<Integer, Integer>> markers =
          pipeline
              .apply(
                  "Tasks",
                  Create.of(keys.stream().map(k -> KV.of(k, k)).collect(Collectors.toList())))
              .setCoder(KvCoder.of(VarIntCoder.of(), VarIntCoder.of()));
      KeyedPCollectionTuple<Integer> keyed = KeyedPCollectionTuple.of(markerTag, markers);
      List<TupleTag<?>> tags = new ArrayList<>();
      for (int i = 0; i < queue.partitionedNames.size(); i++) {
        String dataName = queue.partitionedNames.get(i);
        PCollection<KV<Integer, KV<Long, Object>>> assigned =
            assign(queue.partitionedData.get(i), dataName, numTasks, gather);
        TupleTag<KV<Long, Object>> tag = new TupleTag<>(dataName);
        tags.add(tag);
        keyed = keyed.and(tag, assigned);
        dataCoders.put(dataName, queue.partitionedData.get(i).getCoder());
      }
      // Broadcast data joins the same grouping (every task key gets every element) rather than
      // being a side input: in Flink's batch translation a ParDo with side inputs sorts its main
      // input, and the grouped partitions are large records.
      List<TupleTag<?>> broadcastTags = new ArrayList<>();
      for (int i = 0; i < queue.broadcastNames.size(); i++) {
        String dataName = queue.broadcastNames.get(i);
        @SuppressWarnings("unchecked")
        PCollection<Object> data = (PCollection<Object>) queue.broadcastData.get(i);
        Coder<Object> coder = data.getCoder();
        PCollection<KV<Integer, KV<Long, Object>>> replicated =
            data.apply(
                    "Broadcast " + dataName,
                    ParDo.of(new PartitionAssigner.BroadcastFn<>(coder, keys.size())))
                .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), coder)));
        TupleTag<KV<Long, Object>> tag = new TupleTag<>("broadcast " + dataName);
        broadcastTags.add(tag);
        keyed = keyed.and(tag, replicated);
        dataCoders.put(dataName, coder);
      }
      PCollection<KV<Integer, CoGbkResult>> grouped =
          keyed.apply("Partition", CoGroupByKey.create());

      ComQueueSpec spec =
          new ComQueueSpec(
              program,
              numTasks,
              queue.partitionedNames,
              tags,
              queue.broadcastNames,
              broadcastTags,
              queue.memoryBudgetBytes);
      if (gather) {
        return grouped
            .apply("Loop in worker", ParDo.of(new InWorkerLoopFn<>(spec, close)))
            .setCoder(outputCoder);
      }
      return distributed(grouped, spec, dataCoders);
    }

    @SuppressWarnings("unchecked")
    private static PCollection<KV<Integer, KV<Long, Object>>> assign(
        PCollection<?> data, String dataName, int numTasks, boolean gather) {
      PCollection<Object> objects = (PCollection<Object>) data;
      Coder<Object> coder = objects.getCoder();
      return objects
          .apply(
              "Assign " + dataName,
              ParDo.of(new PartitionAssigner.AssignFn<>(coder, numTasks, gather)))
          .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), coder)));
    }

    private PCollection<T> distributed(
        PCollection<KV<Integer, CoGbkResult>> grouped,
        ComQueueSpec spec,
        Map<String, Coder<?>> dataCoders) {
      ComContextCoder stateCoder = new ComContextCoder(dataCoders);
      KvCoder<Integer, double[]> partialCoder = KvCoder.of(VarIntCoder.of(), DoubleArrayCoder.of());
      TupleTagList others =
          TupleTagList.of(DistributedStageFns.FINISHED).and(DistributedStageFns.PARTIALS);
      PCollectionTuple out =
          grouped.apply(
              "Stage 0",
              ParDo.of(new DistributedStageFns.InitFn(spec))
                  .withOutputTags(DistributedStageFns.CONTINUING, others));
      List<PCollection<ComContext>> finished = new ArrayList<>();
      int stages = spec.program.maxStages();
      for (int s = 1; ; s++) {
        PCollection<ComContext> continuing =
            out.get(DistributedStageFns.CONTINUING).setCoder(stateCoder);
        finished.add(out.get(DistributedStageFns.FINISHED).setCoder(stateCoder));
        PCollection<KV<Integer, double[]>> partials =
            out.get(DistributedStageFns.PARTIALS).setCoder(partialCoder);
        if (s == stages) {
          finished.add(continuing);
          break;
        }
        PCollectionView<List<KV<Integer, double[]>>> view =
            partials.apply("AllReduce " + s, View.asList());
        out =
            continuing.apply(
                "Stage " + s,
                ParDo.of(new DistributedStageFns.StageFn(spec.program, view))
                    .withSideInputs(view)
                    .withOutputTags(DistributedStageFns.CONTINUING, others));
      }
      return PCollectionList.of(finished)
          .apply("Finished", Flatten.pCollections())
          .apply("Close", ParDo.of(new DistributedStageFns.CloseFn<>(spec.program.name, close)))
          .setCoder(outputCoder);
    }
  }
}
