package org.beamlink.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.examples.run.SingletonResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code beamlink} command line: one subcommand per task, each its own class.
 *
 * <p>To add a command, write a class like {@link StatsCommand}: a picocli {@code @Command}
 * implementing {@code Callable<Integer>}, with {@link OutputOptions} (table or {@code --json},
 * {@code --quiet}) as a {@code @Mixin}, an {@code @Unmatched} list for the Beam options it passes
 * through to {@link PipelineArgs} (picocli binds {@code @Unmatched} only in the command class), a
 * {@link ProgressReporter} to run the pipeline and {@link SingletonResult} to bring its result
 * back; then list it in {@code subcommands} below. A command with its own subcommands ({@code bench
 * kmeans}) is a {@code @Command} class listing them in its own {@code subcommands}.
 *
 * <pre>{@code
 * bin/beamlink stats --input examples/data/iris.csv
 * java -jar examples/target/beamlink-examples-0.1.0-SNAPSHOT-all.jar stats --help
 * }</pre>
 */
@Command(
    name = "beamlink",
    description = "Machine learning on Apache Beam, from the command line.",
    subcommands = {
      StatsCommand.class,
      EvalCommand.class,
      KMeansCommand.class,
      TrainCommand.class,
      PredictCommand.class,
      BenchCommand.class,
      DemoCommand.class,
      OnlineCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = "%nRun 'beamlink help COMMAND' for a command's options.")
public final class Beamlink implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, with errors reported as one line instead of a stack trace. */
  static CommandLine commandLine() {
    return new CommandLine(new Beamlink()).setExecutionExceptionHandler(Beamlink::reportError);
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a command");
  }

  /**
   * Prints the innermost message of a failure: runners wrap the error that says what to fix (a
   * malformed line, a missing file, a bad option) in layers of their own. Any other exception is a
   * bug, printed with its stack trace.
   */
  private static int reportError(Exception e, CommandLine command, ParseResult parsed) {
    Throwable innermost = e;
    while (innermost.getCause() != null && innermost.getCause() != innermost) {
      innermost = innermost.getCause();
    }
    PrintWriter err = command.getErr();
    boolean userError =
        innermost instanceof IllegalArgumentException
            || innermost instanceof IllegalStateException
            || innermost instanceof IOException;
    if (!userError) {
      e.printStackTrace(err);
    }
    String message = innermost.getMessage() != null ? innermost.getMessage() : innermost.toString();
    err.println(command.getCommandName() + ": error: " + message);
    err.flush();
    return 1;
  }
}
