package org.beamlink.iteration;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;

/** Everything a ComQueue's DoFns need, fixed when the pipeline is built. */
final class ComQueueSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Share of the worker's maximum heap the in-worker path may fill with data by default. */
  static final double DEFAULT_BUDGET_SHARE = 0.4;

  final ComQueueProgram program;
  final int numTasks;
  final List<String> partitionedNames;
  final List<String> broadcastNames;

  /** The coder of each data object's elements, by data name. */
  final Map<String, Coder<?>> dataCoders;

  /**
   * False to keep nothing in the {@link ResidentStore}, so that every stage reads its partition
   * from the durable copy: the path a stage on another worker takes, forced for tests.
   */
  final boolean residentStore;

  /**
   * True to keep the chunks a bundle writes in its JVM's store as well: only where every worker
   * shares one JVM, so that the step assembling a partition surely runs where its chunks are. On a
   * cluster, that step reads the chunks from their durable copies, and the JVMs that wrote them do
   * not hold on to data they will not use.
   */
  final boolean keepChunks;

  private final long memoryBudgetBytes;

  ComQueueSpec(
      ComQueueProgram program,
      int numTasks,
      List<String> partitionedNames,
      List<String> broadcastNames,
      Map<String, Coder<?>> dataCoders,
      boolean residentStore,
      boolean keepChunks,
      long memoryBudgetBytes) {
    this.program = program;
    this.numTasks = numTasks;
    this.partitionedNames = List.copyOf(partitionedNames);
    this.broadcastNames = List.copyOf(broadcastNames);
    this.dataCoders = new TreeMap<>(dataCoders);
    this.residentStore = residentStore;
    this.keepChunks = residentStore && keepChunks;
    this.memoryBudgetBytes = memoryBudgetBytes;
  }

  /** The names of the data inputs in input order: partitioned ones first, then broadcast ones. */
  List<String> dataNames() {
    List<String> names = new ArrayList<>(partitionedNames);
    names.addAll(broadcastNames);
    return names;
  }

  /** True when input {@code input} (in {@link #dataNames()} order) is broadcast data. */
  boolean isBroadcast(int input) {
    return input >= partitionedNames.size();
  }

  /** The coder of the objects a token carries, data objects by their elements' coders. */
  ComObjectsCoder objectsCoder() {
    return new ComObjectsCoder(dataCoders);
  }

  /** The configured budget, or by default a share of this worker's maximum heap. */
  long memoryBudgetBytes() {
    return memoryBudgetBytes > 0
        ? memoryBudgetBytes
        : (long) (Runtime.getRuntime().maxMemory() * DEFAULT_BUDGET_SHARE);
  }
}
