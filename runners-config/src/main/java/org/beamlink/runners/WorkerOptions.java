package org.beamlink.runners;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * What the library needs to know of the runner, filled in by {@link RunnerOptions#fromArgs} so that
 * library code reads typed options instead of guessing from the runner's name. The iteration shim
 * reads the same two properties through its own interface ({@code
 * org.beamlink.iteration.ComQueueOptions}): Beam keeps one value per property name, whichever
 * interface declares it, and this module does not depend on the library.
 *
 * <pre>{@code
 * PipelineOptions options = RunnerOptions.fromArgs("--runner=DirectRunner");
 * boolean oneJvm = options.as(WorkerOptions.class).getWorkersShareOneJvm(); // true
 * }</pre>
 */
public interface WorkerOptions extends PipelineOptions {
  /** True when every worker runs in this JVM; null when unknown. */
  @Description(
      "True when every worker of the pipeline runs in the JVM that builds it (the DirectRunner,"
          + " embedded Flink): Execution.AUTO then runs iterative loops in one worker. Unset: a"
          + " cluster.")
  Boolean getWorkersShareOneJvm();

  /** Sets {@link #getWorkersShareOneJvm()}. */
  void setWorkersShareOneJvm(Boolean value);

  /** The pipeline's parallelism; null when unknown. */
  @Description(
      "The pipeline's parallelism, the default number of partitions of an iterative loop. Unset:"
          + " the number of cores.")
  Integer getWorkerParallelism();

  /** Sets {@link #getWorkerParallelism()}. */
  void setWorkerParallelism(Integer value);
}
