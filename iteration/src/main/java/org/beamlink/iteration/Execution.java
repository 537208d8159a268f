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
   * {@link #IN_WORKER} when the pipeline runs in one JVM (DirectRunner, embedded Flink), where
   * gathering the data costs no more memory than partitioning it; {@link #DISTRIBUTED} on a remote
   * cluster. The choice is made when the pipeline is built and logged.
   */
  AUTO,
  /**
   * One unrolled Beam stage per communication step: data of any size, about 90 ms of engine cost
   * per stage on Flink.
   */
  DISTRIBUTED,
  /**
   * The data gathered to one worker and the whole loop run in one step, partitions as threads and
   * AllReduce in memory. Fails clearly when the data exceeds the memory budget.
   */
  IN_WORKER
}
