package org.beamlink.iteration;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * What the iteration shim needs to know of the runner, as typed pipeline options: whether every
 * worker runs in the JVM that builds the pipeline, and the pipeline's parallelism. Beamlink's
 * {@code RunnerOptions.fromArgs} (module {@code runners-config}) fills them in for the runners it
 * knows, through its own declaration of the same properties ({@code WorkerOptions}); on any other
 * runner set them on the command line ({@code --workersShareOneJvm=true --workerParallelism=8}) or
 * with {@code options.as(ComQueueOptions.class)}. Unset, the shim takes a cluster and the number of
 * cores.
 *
 * <pre>{@code
 * PipelineOptions options = PipelineOptionsFactory.create();
 * options.as(ComQueueOptions.class).setWorkersShareOneJvm(true);
 * }</pre>
 */
public interface ComQueueOptions extends PipelineOptions {
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
