package org.beamlink.examples.cli;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.beamlink.runners.RunnerOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The Beam options a command passes through: every argument the command itself does not know, in
 * Beam's {@code --name=value} form, goes to {@link RunnerOptions#fromArgs} (embedded Flink unless
 * told otherwise). The command collects them in an {@code @Unmatched} field of its own: picocli
 * does not bind one in a mixin.
 *
 * <p>An argument that is neither the command's nor a Beam option is a usage error naming it, with
 * the command's or Beam's option of the nearest name ({@code --max_iter=5}: did you mean {@code
 * --max-iter}?); so is a value Beam cannot read ({@code --parallelism=abc}, {@code
 * --runner=NoSuchRunner}) and a parallelism below 1.
 *
 * <pre>{@code
 * @Unmatched List<String> beamArgs = new ArrayList<>();
 * ...
 * Pipeline p = Pipeline.create(new PipelineArgs(beamArgs, spec).options());
 * }</pre>
 */
final class PipelineArgs {
  /** The usage footer of a command that runs a pipeline. */
  static final String FOOTER =
      "%nEvery other --name=value argument is a Beam pipeline option, for example"
          + " --runner=DirectRunner, --flinkMaster=host:port, --parallelism=2. The default is an"
          + " embedded Flink with one task per core.";

  private final List<String> args;
  private final CommandSpec command;

  /** The arguments {@code command} did not know. */
  PipelineArgs(List<String> args, CommandSpec command) {
    this.args = List.copyOf(args);
    this.command = command;
  }

  /**
   * The pipeline options.
   *
   * @throws ParameterException for an argument that is not {@code --name=value} or {@code --flag},
   *     that Beam does not know, or whose value Beam cannot read or Beamlink does not accept
   */
  PipelineOptions options() {
    Set<String> beam = beamOptionNames();
    for (String arg : args) {
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw usage(
            "Unexpected argument '"
                + arg
                + "': Beam options are written --name=value, for example --runner=DirectRunner");
      }
      String name = name(arg);
      if (!beam.contains(name)) {
        throw usage(
            "Unknown option: '"
                + arg
                + "' is neither an option of '"
                + command.qualifiedName()
                + "' nor a Beam pipeline option"
                + suggestion(name, beam));
      }
    }
    PipelineOptions options;
    try {
      options = RunnerOptions.fromArgs(args.toArray(new String[0]));
    } catch (IllegalArgumentException e) {
      throw usage(invalid(e));
    }
    checkParallelism(options);
    if (options.getRunner() == DirectRunner.class
        && args.stream().noneMatch(a -> a.startsWith("--blockOnRun"))) {
      // A blocking run() would hide the running pipeline's metrics from the progress reporter.
      options.as(DirectOptions.class).setBlockOnRun(false);
    }
    return options;
  }

  private ParameterException usage(String message) {
    return new ParameterException(command.commandLine(), message);
  }

  private static String name(String arg) {
    int eq = arg.indexOf('=');
    return arg.substring(2, eq < 0 ? arg.length() : eq);
  }

  /** Which argument Beam could not read, and Beam's reason in one line. */
  private String invalid(IllegalArgumentException all) {
    for (String arg : args) {
      try {
        PipelineOptionsFactory.fromArgs(arg).withValidation().create();
      } catch (IllegalArgumentException e) {
        return "Invalid Beam option '" + arg + "': " + reason(e);
      }
    }
    return "Invalid Beam options " + args + ": " + reason(all);
  }

  /** The first line of Beam's message (the rest is the parser's position in its own input). */
  private static String reason(Throwable e) {
    String message = e.getMessage();
    return message == null ? e.toString() : message.lines().findFirst().orElse(message);
  }

  private void checkParallelism(PipelineOptions options) {
    for (String arg : args) {
      String name = name(arg);
      int value;
      if (name.equals("parallelism") && options.getRunner() == FlinkRunner.class) {
        value = options.as(FlinkPipelineOptions.class).getParallelism();
      } else if (name.equals("targetParallelism") && options.getRunner() == DirectRunner.class) {
        value = options.as(DirectOptions.class).getTargetParallelism();
      } else {
        continue;
      }
      if (value < 1) {
        throw usage("Invalid Beam option '" + arg + "': expected at least 1 task, got " + value);
      }
    }
  }

  /** ", did you mean --x?" for the command's or Beam's option nearest to {@code name}, or "". */
  private String suggestion(String name, Set<String> beam) {
    String key = key(name);
    for (OptionSpec option : command.options()) {
      for (String n : option.names()) {
        if (n.startsWith("--") && key(n.substring(2)).equals(key)) {
          return "; did you mean " + n + "?";
        }
      }
    }
    String nearest = null;
    int best = 3;
    for (String b : beam) {
      int d = distance(key, key(b));
      if (d < best) {
        best = d;
        nearest = b;
      }
    }
    return nearest == null ? "" : "; did you mean --" + nearest + "?";
  }

  /**
   * A name without case, dashes or underscores: {@code max_iter}, {@code maxIter} and {@code
   * max-iter} meet.
   */
  private static String key(String name) {
    return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** The properties of every registered options interface: what Beam reads from {@code --name}. */
  private static Set<String> beamOptionNames() {
    Set<String> names = new TreeSet<>();
    List<Class<? extends PipelineOptions>> interfaces =
        new ArrayList<>(PipelineOptionsFactory.getRegisteredOptions());
    for (Class<? extends PipelineOptions> options : interfaces) {
      for (Method m : options.getMethods()) {
        String property = property(m);
        if (property != null) {
          names.add(property);
        }
      }
    }
    return names;
  }

  private static String property(Method getter) {
    String n = getter.getName();
    if (getter.getParameterCount() != 0) {
      return null;
    }
    String rest = n.startsWith("get") ? n.substring(3) : n.startsWith("is") ? n.substring(2) : null;
    if (rest == null || rest.isEmpty()) {
      return null;
    }
    return Character.toLowerCase(rest.charAt(0)) + rest.substring(1);
  }
}
