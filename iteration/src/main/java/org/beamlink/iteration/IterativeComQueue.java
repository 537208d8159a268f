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
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An iterative program in Alink's ComQueue style, run on Beam: partitioned data, broadcast data, a
 * queue of compute functions and {@link AllReduce} steps run once per superstep, a stop criterion,
 * and a function that turns the final state into output.
 *
 * <p>Beam has no loops, so the program runs one of two ways ({@link Execution}): distributed, as
 * supersteps unrolled into Beam stages when the pipeline is built (one stage per AllReduce, every
 * task's partial reaching the next stage through a side input, inline when small and otherwise by a
 * reference to the copy its task wrote under the loop's directory), or in-worker, with the whole
 * loop run in one step of one worker, partitions as threads. Either way the data is loaded once,
 * where it is: each bundle writes its elements of each partition as a chunk, durably under the
 * pipeline's {@code --tempLocation} and into its JVM's memory, and only references to the chunks
 * travel. A partition's data then stays in the worker that assembled it; between distributed stages
 * only a small token (the partition's other objects) and its partial move, and a stage that finds
 * no resident copy reads the durable one. Both paths cut the data into the same partitions (by a
 * hash of each element's content, ordered by it) and reduce partials in task order, so for the same
 * input they compute the same results, bit for bit, wherever a stage runs.
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
  private boolean residentStore = true;

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

  /** The execution path and, when set, the number of partitions of {@code settings}. */
  public IterativeComQueue withSettings(IterationSettings settings) {
    withExecution(settings.execution());
    if (settings.numTasks() != null) {
      withNumTasks(settings.numTasks());
    }
    return this;
  }

  /**
   * The most bytes of partitioned data (encoded) the in-worker path holds in memory; default 40% of
   * the worker's maximum heap. The partitions beyond it are read from their durable copies at every
   * superstep: the loop runs, slower, with the same result.
   */
  public IterativeComQueue withMemoryBudgetBytes(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("Expected a positive memory budget, got " + bytes);
    }
    this.memoryBudgetBytes = bytes;
    return this;
  }

  /**
   * Keeps no partition in memory between stages, so that every stage reads its partition from the
   * durable copy, as a stage placed on another worker does: for tests of that path.
   */
  IterativeComQueue withForcedMisses() {
    this.residentStore = false;
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
      ComQueueOptions options = pipeline.getOptions().as(ComQueueOptions.class);
      Integer parallelism = options.getWorkerParallelism();
      int numTasks =
          queue.numTasks > 0
              ? queue.numTasks
              : parallelism != null && parallelism > 0
                  ? parallelism
                  : Runtime.getRuntime().availableProcessors();
      Execution execution = queue.execution;
      String why = "requested";
      boolean oneJvm = Boolean.TRUE.equals(options.getWorkersShareOneJvm());
      if (execution == Execution.AUTO) {
        execution = oneJvm ? Execution.IN_WORKER : Execution.DISTRIBUTED;
        why =
            oneJvm
                ? "the workers share one JVM, where gathering costs no more memory"
                : "the workers may run in several JVMs";
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
      List<PCollection<?>> inputs = new ArrayList<>(queue.partitionedData);
      inputs.addAll(queue.broadcastData);
      List<String> names = new ArrayList<>(queue.partitionedNames);
      names.addAll(queue.broadcastNames);
      for (int i = 0; i < inputs.size(); i++) {
        dataCoders.put(names.get(i), inputs.get(i).getCoder());
      }
      ComQueueSpec spec =
          new ComQueueSpec(
              program,
              numTasks,
              queue.partitionedNames,
              queue.broadcastNames,
              dataCoders,
              queue.residentStore,
              oneJvm,
              queue.memoryBudgetBytes);

      KvCoder<Integer, ChunkRef> refCoder = KvCoder.of(VarIntCoder.of(), ChunkRef.RefCoder.of());
      int numKeys = gather ? 1 : numTasks;
      List<PCollection<KV<Integer, ChunkRef>>> chunks = new ArrayList<>();
      chunks.add(
          pipeline.apply(
              "Tasks",
              Create.of(
                      IntStream.range(0, numKeys)
                          .mapToObj(k -> KV.of(k, ChunkRef.marker()))
                          .collect(Collectors.toList()))
                  .withCoder(refCoder)));
      for (int i = 0; i < inputs.size(); i++) {
        chunks.add(load(inputs.get(i), spec, i, gather).setCoder(refCoder));
      }
      PCollection<KV<Integer, Iterable<ChunkRef>>> grouped =
          PCollectionList.of(chunks)
              .apply("Chunks", Flatten.pCollections())
              .setCoder(refCoder)
              .apply("Partition", GroupByKey.create());
      if (gather) {
        return grouped
            .apply("Loop in worker", ParDo.of(new InWorkerLoopFn<>(spec, close)))
            .setCoder(outputCoder);
      }
      return distributed(grouped, spec);
    }

    /**
     * Writes input {@code index} once, where it is, as chunks per task: the data itself is never
     * grouped or shuffled, only the chunks' references are.
     */
    @SuppressWarnings("unchecked")
    private static PCollection<KV<Integer, ChunkRef>> load(
        PCollection<?> data, ComQueueSpec spec, int index, boolean gather) {
      PCollection<Object> objects = (PCollection<Object>) data;
      return objects.apply(
          "Load " + spec.dataNames().get(index),
          ParDo.of(new ChunkWriterFn<>(spec, index, objects.getCoder(), gather)));
    }

    private PCollection<T> distributed(
        PCollection<KV<Integer, Iterable<ChunkRef>>> grouped, ComQueueSpec spec) {
      ComContextCoder tokenCoder = new ComContextCoder(spec.dataCoders);
      TupleTagList others =
          TupleTagList.of(DistributedStageFns.FINISHED).and(DistributedStageFns.PARTIALS);
      PCollectionTuple out =
          grouped.apply(
              "Stage 0",
              ParDo.of(new DistributedStageFns.InitFn(spec, tokenCoder))
                  .withOutputTags(DistributedStageFns.CONTINUING, others));
      List<PCollection<ComContext>> finished = new ArrayList<>();
      int stages = spec.program.maxStages();
      for (int s = 1; ; s++) {
        PCollection<ComContext> continuing =
            out.get(DistributedStageFns.CONTINUING).setCoder(tokenCoder);
        finished.add(out.get(DistributedStageFns.FINISHED).setCoder(tokenCoder));
        PCollection<ShippedPartial> partials =
            out.get(DistributedStageFns.PARTIALS).setCoder(ShippedPartial.PartialCoder.of());
        if (s == stages) {
          finished.add(continuing);
          break;
        }
        PCollectionView<List<ShippedPartial>> view =
            partials.apply("AllReduce " + s, View.asList());
        out =
            continuing.apply(
                "Stage " + s,
                ParDo.of(new DistributedStageFns.StageFn(spec, tokenCoder, view))
                    .withSideInputs(view)
                    .withOutputTags(DistributedStageFns.CONTINUING, others));
      }
      TupleTag<T> results = new TupleTag<>();
      PCollectionTuple closed =
          PCollectionList.of(finished)
              .apply("Finished", Flatten.pCollections())
              .setCoder(tokenCoder)
              .apply(
                  "Close",
                  ParDo.of(new DistributedStageFns.CloseFn<>(spec, tokenCoder, close, results))
                      .withOutputTags(results, TupleTagList.of(DistributedStageFns.RELEASED)));
      closed
          .get(DistributedStageFns.RELEASED)
          .setCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()))
          .apply("Released", GroupByKey.create())
          .apply("Clean up", ParDo.of(new DistributedStageFns.CleanUpFn(spec.program.name)));
      return closed.get(results).setCoder(outputCoder);
    }
  }
}
