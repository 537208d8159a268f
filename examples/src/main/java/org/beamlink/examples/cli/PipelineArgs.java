package org.beamlink.examples.cli;

import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.beamlink.runners.RunnerOptions;

/**
 * The Beam options a command passes through: every argument the command itself does not know, in
 * Beam's {@code --name=value} form, goes to {@link RunnerOptions#fromArgs} (embedded Flink unless
 * told otherwise). The command collects them in an {@code @Unmatched} field of its own: picocli
 * does not bind one in a mixin.
 *
 * <pre>{@code
 * @Unmatched List<String> beamArgs = new ArrayList<>();
 * ...
 * Pipeline p = Pipeline.create(new PipelineArgs(beamArgs).options());
 * }</pre>
 */
final class PipelineArgs {
  /** The usage footer of a command that runs a pipeline. */
  static final String FOOTER =
      "%nEvery other --name=value argument is a Beam pipeline option, for example"
          + " --runner=DirectRunner, --flinkMaster=host:port, --parallelism=2. The default is an"
          + " embedded Flink with one task per core.";

  private final List<String> args;

  /** The arguments a command did not know. */
  PipelineArgs(List<String> args) {
    this.args = List.copyOf(args);
  }

  /**
   * The pipeline options.
   *
   * @throws IllegalArgumentException for an argument that is not {@code --name=value} or {@code
   *     --flag}, or that Beam does not know
   */
  PipelineOptions options() {
    for (String arg : args) {
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException(
            "Unexpected argument '"
                + arg
                + "': Beam options are written --name=value, for example --runner=DirectRunner");
      }
    }
    PipelineOptions options = RunnerOptions.fromArgs(args.toArray(new String[0]));
    if (options.getRunner() == DirectRunner.class
        && args.stream().noneMatch(a -> a.startsWith("--blockOnRun"))) {
      // A blocking run() would hide the running pipeline's metrics from the progress reporter.
      options.as(DirectOptions.class).setBlockOnRun(false);
    }
    return options;
  }
}
