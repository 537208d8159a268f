package org.beamlink.examples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of the benchmarks that read a seeded table of double columns from files they write
 * first ({@code bench columnar}, {@code bench ingest}): its size, the timed runs, where the files
 * are and the data seed.
 *
 * <pre>{@code
 * @Mixin TableBenchOptions table;
 * ...
 * new IngestBenchmark.Config(table.rows, table.columns, modes, table.runs, table.seed, table.dir);
 * }</pre>
 */
final class TableBenchOptions {
  @Option(names = "--rows", defaultValue = "1000000", description = "Rows of the table.")
  long rows;

  @Option(names = "--columns", defaultValue = "50", description = "Double columns.")
  int columns;

  @Option(names = "--runs", defaultValue = "3", description = "Timed runs of each format or mode.")
  int runs;

  @Option(
      names = "--dir",
      description =
          "Where the files are, written first when missing (default: the temporary directory).")
  Path dir;

  @Option(names = "--seed", defaultValue = "7", description = "Data seed.")
  long seed;
}
