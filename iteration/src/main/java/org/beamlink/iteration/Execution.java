package org.beamlink.iteration;

/**
 * How an {@link IterativeComQueue} runs.
 *
 * <pre>{@code
 * queue.withExecution(Execution.DISTRIBUTED);
 * }</pre>
 */
public enum Execution {
  /**
   * {@link #IN_WORKER} when every worker runs in one JVM ({@link ComQueueOptions}: the
   * DirectRunner, embedded Flink), where gathering the data costs no more memory than partitioning
   * it; {@link #DISTRIBUTED} otherwise. The choice of path is made when the pipeline is built and
   * logged; how much of the data the in-worker loop keeps in memory is decided when it runs.
   */
  AUTO,
  /**
   * One unrolled Beam stage per communication step, for data larger than one worker: each
   * partition's data stays in the worker that assembled it, and only its token (the objects other
   * than the data) and its partial move between stages, at about 100 ms of engine cost per stage on
   * Flink. A stage placed elsewhere reads the partition's durable copy under {@code
   * --tempLocation}.
   */
  DISTRIBUTED,
  /**
   * The whole loop run in one step of one worker, partitions as threads and AllReduce in memory.
   * Partitions beyond the memory budget are read from their durable copies at every superstep
   * instead of held: slower, the same result.
   */
  IN_WORKER
}
