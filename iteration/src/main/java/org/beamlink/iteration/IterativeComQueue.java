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
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
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
      int numKeys = gather ? 1 : numTasks;
      List<TupleTag<?>> tags = new ArrayList<>();
      List<PCollection<KV<Integer, KV<Long, Object>>>> inputs = new ArrayList<>();
      for (int i = 0; i < queue.partitionedNames.size(); i++) {
        String dataName = queue.partitionedNames.get(i);
        tags.add(new TupleTag<KV<Long, Object>>(dataName));
        inputs.add(assign(queue.partitionedData.get(i), dataName, numTasks, gather));
        dataCoders.put(dataName, queue.partitionedData.get(i).getCoder());
      }
      List<TupleTag<?>> broadcastTags = new ArrayList<>();
      for (int i = 0; i < queue.broadcastNames.size(); i++) {
        String dataName = queue.broadcastNames.get(i);
        @SuppressWarnings("unchecked")
        PCollection<Object> data = (PCollection<Object>) queue.broadcastData.get(i);
        Coder<Object> coder = data.getCoder();
        broadcastTags.add(new TupleTag<KV<Long, Object>>("broadcast " + dataName));
        inputs.add(
            data.apply(
                    "Broadcast " + dataName,
                    ParDo.of(new PartitionAssigner.BroadcastFn<>(coder, numKeys)))
                .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), coder))));
        dataCoders.put(dataName, coder);
      }
      ComQueueSpec spec =
          new ComQueueSpec(
              program,
              numTasks,
              queue.partitionedNames,
              tags,
              queue.broadcastNames,
              broadcastTags,
              queue.memoryBudgetBytes);
      PCollection<KV<Integer, Integer>> markers =
          pipeline
              .apply(
                  "Tasks",
                  Create.of(
                      IntStream.range(0, numKeys)
                          .mapToObj(k -> KV.of(k, k))
                          .collect(Collectors.toList())))
              .setCoder(KvCoder.of(VarIntCoder.of(), VarIntCoder.of()));
      if (gather) {
        UnionCoder unionCoder = unionCoder(inputs);
        return gathered(markers, inputs, spec, unionCoder)
            .apply("Loop in worker", ParDo.of(new InWorkerLoopFn<>(spec, close, unionCoder)))
            .setCoder(outputCoder);
      }
      // Broadcast data joins the same grouping as the partitioned data (every task key gets every
      // element) rather than being a side input: in Flink's batch translation a ParDo with side
      // inputs sorts its main input, and the grouped partitions are large records.
      KeyedPCollectionTuple<Integer> keyed =
          KeyedPCollectionTuple.of(new TupleTag<Integer>("tasks"), markers);
      List<TupleTag<?>> allTags = new ArrayList<>(tags);
      allTags.addAll(broadcastTags);
      for (int i = 0; i < inputs.size(); i++) {
        @SuppressWarnings("unchecked")
        TupleTag<KV<Long, Object>> tag = (TupleTag<KV<Long, Object>>) allTags.get(i);
        keyed = keyed.and(tag, inputs.get(i));
      }
      PCollection<KV<Integer, CoGbkResult>> grouped =
          keyed.apply("Partition", CoGroupByKey.create());
      return distributed(grouped, spec, dataCoders);
    }

    /**
     * Every element of every input, tagged with its input's position (0 for the marker that makes
     * the loop run on empty data, then the partitioned inputs, then the broadcast ones), under the
     * one key of the in-worker loop. A stateful step collects them element by element: a grouping
     * would not do, because Flink's batch GroupByKey concatenates a key's values into one record
     * before it sorts them, and a record larger than Flink's sort buffer (a few hundred MB with
     * embedded defaults) fails the job.
     */
    private static PCollection<KV<Integer, RawUnionValue>> gathered(
        PCollection<KV<Integer, Integer>> markers,
        List<PCollection<KV<Integer, KV<Long, Object>>>> inputs,
        ComQueueSpec spec,
        UnionCoder unionCoder) {
      KvCoder<Integer, RawUnionValue> coder = KvCoder.of(VarIntCoder.of(), unionCoder);
      List<PCollection<KV<Integer, RawUnionValue>>> tagged = new ArrayList<>();
      tagged.add(markers.apply("Tag tasks", ParDo.of(new TagFn<>(0))).setCoder(coder));
      for (int i = 0; i < inputs.size(); i++) {
        tagged.add(
            inputs
                .get(i)
                .apply("Tag " + inputName(spec, i), ParDo.of(new TagFn<>(i + 1)))
                .setCoder(coder));
      }
      return PCollectionList.of(tagged).apply("Gather", Flatten.pCollections()).setCoder(coder);
    }

    private static String inputName(ComQueueSpec spec, int i) {
      int partitioned = spec.partitionedNames.size();
      return i < partitioned
          ? spec.partitionedNames.get(i)
          : "broadcast " + spec.broadcastNames.get(i - partitioned);
    }

    private static UnionCoder unionCoder(List<PCollection<KV<Integer, KV<Long, Object>>>> inputs) {
      List<Coder<?>> coders = new ArrayList<>();
      coders.add(VarIntCoder.of());
      for (PCollection<KV<Integer, KV<Long, Object>>> input : inputs) {
        coders.add(((KvCoder<Integer, KV<Long, Object>>) input.getCoder()).getValueCoder());
      }
      return UnionCoder.of(coders);
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

    /** Wraps each value of one input in a {@link RawUnionValue} carrying the input's position. */
    private static final class TagFn<V> extends DoFn<KV<Integer, V>, KV<Integer, RawUnionValue>> {
      private final int index;

      TagFn(int index) {
        this.index = index;
      }

      @ProcessElement
      public void process(
          @Element KV<Integer, V> element, OutputReceiver<KV<Integer, RawUnionValue>> out) {
        out.output(KV.of(element.getKey(), new RawUnionValue(index, element.getValue())));
      }
    }
  }
}
