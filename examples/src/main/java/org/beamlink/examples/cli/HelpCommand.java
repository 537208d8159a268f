package org.beamlink.examples.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpCommandInitializable2;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code beamlink help [COMMAND [SUBCOMMAND ...]]}: the help of a command at any depth ({@code help
 * train logreg} shows {@code logreg}'s options, where picocli's own help command stops at {@code
 * train}).
 *
 * <pre>{@code
 * bin/beamlink help bench csv
 * }</pre>
 */
@Command(
    name = "help",
    helpCommand = true,
    description = "Show the help of a command, or of a subcommand: help train logreg.")
final class HelpCommand implements IHelpCommandInitializable2, Runnable {
  @Parameters(paramLabel = "COMMAND", description = "The command, then its subcommands.")
  List<String> names = new ArrayList<>();

  private CommandLine self;
  private Help.ColorScheme colors;

  @Override
  public void init(
      CommandLine helpCommandLine,
      Help.ColorScheme colorScheme,
      PrintWriter outWriter,
      PrintWriter errWriter) {
    this.self = helpCommandLine;
    this.colors = colorScheme;
  }

  @Override
  public void run() {
    CommandLine command = self.getParent();
    for (String name : names) {
      CommandLine sub = command.getSubcommands().get(name);
      if (sub == null) {
        throw new ParameterException(
            self,
            "Unknown command '"
                + name
                + "' of '"
                + command.getCommandSpec().qualifiedName()
                + "'; its commands are "
                + command.getSubcommands().keySet());
      }
      command = sub;
    }
    command.usage(self.getOut(), colors);
    self.getOut().flush();
  }
}
