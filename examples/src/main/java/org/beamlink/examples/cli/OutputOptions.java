package org.beamlink.examples.cli;

import java.io.PrintWriter;
import org.apache.beam.sdk.metrics.MetricName;
import org.beamlink.examples.run.ProgressReporter;
import picocli.CommandLine.Option;

/**
 * The output options every command shares: a table for people by default, one line of JSON with
 * {@code --json}, and progress on stderr unless {@code --quiet}.
 *
 * <pre>{@code
 * @Mixin OutputOptions output;
 * ...
 * output.print(spec.commandLine().getOut(), summary.toTable(), json);
 * }</pre>
 */
final class OutputOptions {
  @Option(
      names = "--json",
      description = "Print the result as one line of JSON instead of a table.")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print no progress on stderr, only the result.")
  boolean quiet;

  /**
   * A reporter of {@code stage}'s progress on {@code err}, counting rows with {@code rowsCounter}:
   * silent with {@code --quiet}, one line redrawn in place on a terminal.
   */
  ProgressReporter progress(PrintWriter err, String stage, MetricName rowsCounter, String label) {
    return new ProgressReporter(err, stage, rowsCounter, label, quiet, System.console() != null);
  }

  /** Prints {@code table}, or {@code json} with {@code --json}, to {@code out}. */
  void print(PrintWriter out, String table, JsonObject result) {
    if (json) {
      out.println(result);
    } else {
      out.print(table);
    }
    out.flush();
  }
}
