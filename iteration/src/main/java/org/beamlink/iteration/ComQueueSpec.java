package org.beamlink.iteration;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.values.TupleTag;

/** Everything a ComQueue's DoFns need, fixed when the pipeline is built. */
final class ComQueueSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Share of the worker's maximum heap the in-worker path may fill with data by default. */
  static final double DEFAULT_BUDGET_SHARE = 0.4;

  final ComQueueProgram program;
  final int numTasks;
  final List<String> partitionedNames;
  final List<TupleTag<?>> partitionedTags;
  final List<String> broadcastNames;
  final List<TupleTag<?>> broadcastTags;
  private final long memoryBudgetBytes;

  ComQueueSpec(
      ComQueueProgram program,
      int numTasks,
      List<String> partitionedNames,
      List<TupleTag<?>> partitionedTags,
      List<String> broadcastNames,
      List<TupleTag<?>> broadcastTags,
      long memoryBudgetBytes) {
    this.program = program;
    this.numTasks = numTasks;
    this.partitionedNames = List.copyOf(partitionedNames);
    this.partitionedTags = List.copyOf(partitionedTags);
    this.broadcastNames = List.copyOf(broadcastNames);
    this.broadcastTags = List.copyOf(broadcastTags);
    this.memoryBudgetBytes = memoryBudgetBytes;
  }

  /** The configured budget, or by default a share of this worker's maximum heap. */
  long memoryBudgetBytes() {
    return memoryBudgetBytes > 0
        ? memoryBudgetBytes
        : (long) (Runtime.getRuntime().maxMemory() * DEFAULT_BUDGET_SHARE);
  }
}
