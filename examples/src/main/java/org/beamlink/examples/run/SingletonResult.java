package org.beamlink.examples.run;

import java.io.IOException;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.runners.RunnerOptions;

/**
 * The command line's way to run a pipeline for its one result: the library's {@link
 * org.beamlink.transforms.pipeline.SingletonResult}, run with a {@link ProgressReporter}, and a
 * remote Flink cluster without {@code --tempLocation} refused before the run rather than after it.
 *
 * <pre>{@code
 * Summary s = SingletonResult.run(summary, options, progress);
 * }</pre>
 */
public final class SingletonResult {
  private SingletonResult() {}

  /**
   * Runs {@code singleton}'s pipeline with {@code progress} and returns its one element.
   *
   * @throws IllegalArgumentException for a remote Flink cluster without {@code --tempLocation}
   */
  public static <T> T run(
      PCollection<T> singleton, PipelineOptions options, ProgressReporter progress)
      throws IOException {
    String temp = options.getTempLocation();
    if ((temp == null || temp.isEmpty())
        && options.getRunner() == FlinkRunner.class
        && RunnerOptions.isRemote(options.as(FlinkPipelineOptions.class).getFlinkMaster())) {
      throw new IllegalArgumentException(
          "--flinkMaster names a remote cluster, whose workers cannot write the result to this"
              + " machine: pass --tempLocation=DIR, a directory both reach (a shared mount or a"
              + " file system Beam knows)");
    }
    org.beamlink.transforms.pipeline.SingletonResult<T> result =
        org.beamlink.transforms.pipeline.SingletonResult.of(singleton);
    progress.run(singleton.getPipeline());
    return result.get();
  }
}
