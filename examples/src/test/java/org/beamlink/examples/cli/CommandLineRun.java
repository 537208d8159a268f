package org.beamlink.examples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of the {@code beamlink} command line in this JVM, for tests: exit code, stdout, stderr.
 *
 * <pre>{@code
 * CommandLineRun run = CommandLineRun.of("stats", "--input", file);
 * assertEquals(0, run.code(), run.err());
 * }</pre>
 */
record CommandLineRun(int code, String out, String err) {
  static CommandLineRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Beamlink.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new CommandLineRun(code, out.toString(), err.toString());
  }
}
