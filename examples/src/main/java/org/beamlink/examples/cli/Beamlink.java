package org.beamlink.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.examples.run.SingletonResult;
import org.beamlink.runners.EmbeddedFlinkCluster;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code beamlink} command line: one subcommand per task, each its own class.
 *
 * <p>To add a command, write a class like {@link StatsCommand}: a picocli {@code @Command}
 * implementing {@code Callable<Integer>}, with {@link InputOptions} (the input files) as an
 * argument group, {@link OutputOptions} (table or {@code --json}, {@code --quiet}) as a
 * {@code @Mixin}, an {@code @Unmatched} list for the Beam options it passes through to {@link
 * PipelineArgs} (picocli binds {@code @Unmatched} only in the command class), a {@link
 * ProgressReporter} to run the pipeline and {@link SingletonResult} to bring its result back; then
 * list it in {@code subcommands} below. A command with its own subcommands ({@code bench kmeans})
 * is a {@code @Command} class listing them in its own {@code subcommands}. Every command inherits
 * {@code -h, --help}.
 *
 * <pre>{@code
 * bin/beamlink stats --input examples/data/iris.csv
 * bin/beamlink help train logreg
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
      TuneCommand.class,
      PredictCommand.class,
      RecommendCommand.class,
      BenchCommand.class,
      DemoCommand.class,
      OnlineCommand.class,
      KafkaCommand.class,
      HelpCommand.class
    },
    footer = "%nRun 'beamlink help COMMAND [SUBCOMMAND]' for a command's options.")
public final class Beamlink implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      scope = ScopeType.INHERIT,
      description = "Show this help and exit.")
  boolean help;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    startOptionsRegistry();
    if (runsOnEmbeddedFlink(args)) {
      EmbeddedFlinkCluster.startInBackground();
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * True unless the arguments ask for help, name a runner other than Flink's or a Flink master, or
   * a parallelism above the processors (the started cluster's slots; Flink then refuses Beam's own
   * local cluster in the same JVM, see {@link EmbeddedFlinkCluster}): the embedded Flink cluster
   * then starts on a daemon thread while the command builds its pipeline (about 1.4 s of a job's
   * start overlapped), and every pipeline of the command runs on it.
   */
  static boolean runsOnEmbeddedFlink(String[] args) {
    if (args.length == 0 || args[0].equals("help")) {
      return false;
    }
    for (String arg : args) {
      if (arg.equals("-h")
          || arg.equals("--help")
          || arg.startsWith("--flinkMaster")
          || (arg.startsWith("--runner=") && !arg.endsWith("FlinkRunner"))
          || (arg.startsWith("--parallelism=")
              && parallelism(arg) > Runtime.getRuntime().availableProcessors())) {
        return false;
      }
    }
    return true;
  }

  /** The number in {@code --parallelism=N}; 0 when it is not a number (Beam then says so). */
  private static int parallelism(String arg) {
    try {
      return Integer.parseInt(arg.substring("--parallelism=".length()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Initialises Beam's options registry on a daemon thread while picocli builds and parses the
   * command line: the registry validates every registered options interface by reflection (about
   * 1.4 s on 2 cores), and the command waits for it only when it first reads Beam's options.
   */
  private static void startOptionsRegistry() {
    Thread init = new Thread(PipelineOptionsFactory::getRegisteredOptions, "beamlink-options");
    init.setDaemon(true);
    init.start();
  }

  /**
   * The command line, with errors reported as one line instead of a stack trace. An option's value
   * may be a subcommand's name ({@code train --pipeline logreg}).
   */
  static CommandLine commandLine() {
    return new CommandLine(new Beamlink())
        .setExecutionExceptionHandler(Beamlink::reportError)
        .setAllowSubcommandsAsOptionParameters(true);
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a command");
  }

  /**
   * Prints the message of a failure that says what to fix (a malformed line, a missing file, a bad
   * option): runners wrap it in layers of their own, and it may wrap the lower-level error it
   * explains, so the message shown is that of the outermost of the innermost run of user errors
   * (illegal argument or state, I/O) in the chain of causes, on one line. A failure without one is
   * a bug, printed with its stack trace.
   */
  private static int reportError(Exception e, CommandLine command, ParseResult parsed) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    int shown = chain.size() - 1;
    while (shown >= 0 && !isUserError(chain.get(shown))) {
      shown--;
    }
    PrintWriter err = command.getErr();
    if (shown < 0) {
      e.printStackTrace(err);
      shown = chain.size() - 1;
    } else {
      while (shown > 0 && isUserError(chain.get(shown - 1))) {
        shown--;
      }
    }
    Throwable cause = chain.get(shown);
    String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
    // One line, whatever a lower layer put in its message.
    err.println(command.getCommandName() + ": error: " + message.replaceAll("\\s*\\R\\s*", " "));
    err.flush();
    return 1;
  }

  private static boolean isUserError(Throwable t) {
    return t instanceof IllegalArgumentException
        || t instanceof IllegalStateException
        || t instanceof IOException
        || t instanceof UncheckedIOException;
  }
}
