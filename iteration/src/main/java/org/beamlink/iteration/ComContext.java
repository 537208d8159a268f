package org.beamlink.iteration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a compute function sees of its partition: the task id, the number of tasks, the superstep
 * number, and named objects that live across supersteps on that partition (partitioned data,
 * broadcast data, buffers, anything the function puts there).
 *
 * <pre>{@code
 * public void calc(ComContext context) {
 *   List<Block> blocks = context.getObj("data");
 *   double[] sums = context.getObj("sums");
 *   if (context.getStepNo() == 1) { ... }
 * }
 * }</pre>
 *
 * <p>Partitioned and broadcast data stay in the worker. On the distributed path every other object
 * travels between supersteps encoded, so keep them of the size of the model (per-row state travels
 * too, and costs its size every superstep): {@code double[]}, {@code int[]}, boxed numbers,
 * strings, booleans, {@code double[][]}, vectors, blocks and lists of them are encoded compactly;
 * any other object must be {@link java.io.Serializable}. Treat the data as immutable; to change it,
 * put a new object under its name (it is then kept like the data).
 */
public final class ComContext {
  final int taskId;
  final int numTask;
  int stepNo;
  final Map<String, Object> objects;

  /** Index of the next queue item to run. */
  int pc;

  /** Index of the AllReduce whose result this partition waits for, or -1. */
  int pendingAllReduce = -1;

  /** True once the loop has ended on this partition. */
  boolean finished;

  /** Where the data objects are while they are not in {@link #objects}; null in-worker. */
  PartitionRef partition;

  /** The data objects as attached at the start of a stage, to see which the program replaced. */
  Map<String, Object> attached;

  /**
   * The durable copies of this partition's AllReduce partials shipped by reference ({@link
   * ShippedPartial}) that are not deleted yet: at most the last two on the distributed path.
   */
  final List<String> partialFiles = new ArrayList<>();

  ComContext(int taskId, int numTask) {
    this(taskId, numTask, 1, new HashMap<>());
  }

  ComContext(int taskId, int numTask, int stepNo, Map<String, Object> objects) {
    this.taskId = taskId;
    this.numTask = numTask;
    this.stepNo = stepNo;
    this.objects = objects;
  }

  /** This partition's id, in {@code [0, getNumTask())}. */
  public int getTaskId() {
    return taskId;
  }

  /** The number of partitions. */
  public int getNumTask() {
    return numTask;
  }

  /** The current superstep, from 1. */
  public int getStepNo() {
    return stepNo;
  }

  /** The object named {@code name}, or null when there is none. */
  @SuppressWarnings("unchecked")
  public <T> T getObj(String name) {
    return (T) objects.get(name);
  }

  /** Stores {@code obj} under {@code name} for later functions and supersteps. */
  public void putObj(String name, Object obj) {
    objects.put(name, obj);
  }

  /** Removes the object named {@code name}. */
  public void removeObj(String name) {
    objects.remove(name);
  }

  /** True when an object named {@code name} exists. */
  public boolean containsObj(String name) {
    return objects.containsKey(name);
  }
}
