package org.beamlink.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code beamlink demo}: end-to-end showcases on real or generated data, each a full workflow
 * (features, training, prediction, evaluation) run on embedded Flink unless told otherwise.
 *
 * <pre>{@code
 * bin/beamlink demo --help        # lists the demos
 * }</pre>
 */
@Command(
    name = "demo",
    description = "End-to-end showcases; each runs a whole workflow and prints its results.",
    subcommands = {DemoTextCommand.class, DemoCtrCommand.class})
public final class DemoCommand implements Runnable {
  @Override
  public void run() {
    CommandLine command = new CommandLine(this);
    throw new CommandLine.ParameterException(
        command, "Missing a demo: " + String.join(", ", command.getSubcommands().keySet()));
  }
}
