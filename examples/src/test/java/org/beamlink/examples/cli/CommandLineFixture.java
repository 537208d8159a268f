package org.beamlink.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The set-up the command-line tests share: input files written into a test's temporary directory,
 * commands run on the DirectRunner, and what a command wrote read back (CSV records, files left
 * behind).
 *
 * <pre>{@code
 * CommandLineFixture files = new CommandLineFixture(dir);
 * Path input = files.write("input.csv", "label,p\n1,0.9\n0,0.2\n");
 * CommandLineRun run = CommandLineFixture.direct("eval", "--input", input.toString(), "--json");
 * }</pre>
 */
final class CommandLineFixture {
  /** The iris file the examples ship, as an absolute path. */
  static final String IRIS = Path.of("data/iris.csv").toAbsolutePath().toString();

  private final Path dir;

  CommandLineFixture(Path dir) {
    this.dir = dir;
  }

  /** The path of {@code name} in the directory. */
  Path path(String name) {
    return dir.resolve(name);
  }

  /** Writes {@code text} to {@code name} in the directory. */
  Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  /** Writes {@code lines} to {@code name} in the directory. */
  Path write(String name, List<String> lines) throws IOException {
    return Files.write(dir.resolve(name), lines);
  }

  /** The names of the files in the directory besides {@code keep}: what a run left behind. */
  List<String> leftovers(String... keep) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> !List.of(keep).contains(n))
          .toList();
    }
  }

  /** {@code beamlink args --runner=DirectRunner}, run in this JVM. */
  static CommandLineRun direct(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--runner=DirectRunner");
    return CommandLineRun.of(all.toArray(new String[0]));
  }

  /** As {@link #direct}, failing the test (with the command's stderr) unless it exits 0. */
  static CommandLineRun succeeds(String... args) {
    CommandLineRun run = direct(args);
    assertEquals(0, run.code(), run.err());
    return run;
  }

  /**
   * {@code beamlink predict} of {@code input} (a file or a pattern) with {@code model} into {@code
   * output}, then {@code more} options, on the DirectRunner.
   */
  static CommandLineRun predict(Path model, String input, Path output, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "predict",
                "--model",
                model.toString(),
                "--input",
                input,
                "--output",
                output.toString()));
    args.addAll(List.of(more));
    return direct(args.toArray(new String[0]));
  }

  /** The records of a CSV file, its header first. */
  static List<CSVRecord> csv(Path file) throws IOException {
    try (CSVParser parser = CSVParser.parse(file, StandardCharsets.UTF_8, CSVFormat.DEFAULT)) {
      return parser.getRecords();
    }
  }
}
