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
   * One unrolled Beam stage per communication step, for data larger than one worker: about 90 ms of
   * engine cost per stage on Flink, plus moving each partition's data, which travels between stages
   * as one record of at most 128 MB (use more tasks for more data).
   */
  DISTRIBUTED,
  /**
   * The data gathered to one worker and the whole loop run in one step, partitions as threads and
   * AllReduce in memory. Fails clearly when the data exceeds the memory budget.
   */
  IN_WORKER
}
