package org.beamlink.runners.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.testing.TestPipeline;
import org.beamlink.runners.RunnerOptions;

/**
 * The runners a pipeline test runs on: the same test body builds a pipeline with {@link
 * #create(String...)} and runs it with {@link #run(Pipeline)}, which waits for the end, fails on
 * any error, and checks that every {@code PAssert} ran and passed.
 *
 * <p>Write a test once and let JUnit run it on each runner:
 *
 * <pre>{@code
 * @BoundedRunnerTest
 * void doublesEveryValue(TestRunner runner) {
 *   Pipeline p = runner.create();
 *   PCollection<Integer> out = p.apply(Create.of(1, 2)).apply(MapElements.into(integers()).via(x -> 2 * x));
 *   PAssert.that(out).containsInAnyOrder(2, 4);
 *   runner.run(p);
 * }
 * }</pre>
 *
 * <p>Flink tests share one local cluster per JVM ({@link SharedFlinkCluster}), at parallelism 2
 * unless the test passes {@code --parallelism=N}.
 */
public enum TestRunner {
  /** Beam's DirectRunner, with the project's defaults (immutability check off). */
  DIRECT("--runner=DirectRunner"),
  /** FlinkRunner, bounded input, DataStream batch translation, on the shared cluster. */
  FLINK_BATCH("--flinkMaster=[auto]"),
  /** FlinkRunner in streaming mode, on the shared cluster. */
  FLINK_STREAMING("--flinkMaster=[auto]", "--streaming=true");

  private final String[] args;

  TestRunner(String... args) {
    this.args = args;
  }

  /** True for the Flink runners. */
  public boolean isFlink() {
    return this != DIRECT;
  }

  /** Options for this runner, with {@code extraArgs} ({@code --name=value}) applied last. */
  public PipelineOptions options(String... extraArgs) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    if (isFlink() && Arrays.stream(extraArgs).noneMatch(a -> a.startsWith("--parallelism="))) {
      all.add("--parallelism=" + SharedFlinkCluster.DEFAULT_PARALLELISM);
    }
    all.addAll(Arrays.asList(extraArgs));
    if (isFlink()) {
      SharedFlinkCluster.ensureStarted();
    }
    return RunnerOptions.fromArgs(all.toArray(new String[0]));
  }

  /** A new pipeline on this runner. */
  public Pipeline create(String... extraArgs) {
    return Pipeline.create(options(extraArgs));
  }

  /**
   * Runs {@code pipeline} to the end; fails when it fails, when it does not end {@code DONE}, or
   * when a {@code PAssert} in it did not run or did not pass.
   */
  public PipelineResult run(Pipeline pipeline) {
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish();
    assertEquals(PipelineResult.State.DONE, state, "pipeline on " + this + " ended " + state);
    TestPipeline.verifyPAssertsSucceeded(pipeline, result);
    return result;
  }
}
