package org.beamlink.examples;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.stats.ColumnSummary;
import org.beamlink.transforms.stats.Summary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsCommandTest {
  private static final String IRIS = Path.of("data/iris.csv").toAbsolutePath().toString();

  /** The first lines of the iris table; numbers as numpy 2.4 gives them, to 7 digits. */
  private static final String IRIS_TABLE =
      String.join(
          "\n",
          "column        count  missing      mean     stddev  min  max",
          "sepal_length    150        0  5.843333  0.8280661  4.3  7.9",
          "sepal_width     150        0  3.057333  0.4358663    2  4.4",
          "petal_length    150        0     3.758   1.765298    1  6.9",
          "petal_width     150        0  1.199333  0.7622377  0.1  2.5",
          "");

  @TempDir Path dir;

  private static ProgressReporter silent() {
    return new ProgressReporter(
        new PrintWriter(Writer.nullWriter()), "stats", ReadCsv.ROWS_READ, "rows", true, false);
  }

  @BoundedRunnerTest
  void summarizesIrisLikeNumpy(TestRunner runner) throws IOException {
    Summary summary = StatsCommand.summarize(runner.options(), IRIS, ',', silent());
    assertEquals(150, summary.rows());
    // numpy 2.4: x.mean(), x.std(ddof=1), x.min(), x.max() per column of the same file; 1e-12
    // allows for a different summation order.
    assertStats(summary.column("sepal_length"), 5.843333333333334, 0.828066127977863, 4.3, 7.9);
    assertStats(summary.column("sepal_width"), 3.0573333333333337, 0.4358662849366982, 2.0, 4.4);
    assertStats(summary.column("petal_length"), 3.7580000000000005, 1.7652982332594662, 1.0, 6.9);
    assertStats(summary.column("petal_width"), 1.1993333333333336, 0.7622376689603465, 0.1, 2.5);
    assertEquals(4, summary.columns().size(), "species is a string column");
  }

  private static void assertStats(
      ColumnSummary column, double mean, double stddev, double min, double max) {
    assertEquals(150, column.count());
    assertEquals(0, column.missing());
    assertEquals(mean, column.mean(), 1e-12);
    assertEquals(stddev, column.stddev(), 1e-12);
    assertEquals(min, column.min());
    assertEquals(max, column.max());
  }

  @Test
  void printsTheTableAndASummaryLineOnTheDirectRunner() {
    CommandLineRun run = CommandLineRun.of("stats", "--input", IRIS, "--runner=DirectRunner");
    assertEquals(0, run.code(), run.err());
    assertEquals(IRIS_TABLE, run.out());
    assertThat(run.err(), containsString("stats: 150 rows read in "));
    assertThat(run.err(), containsString(" s on DirectRunner"));
  }

  @Test
  void printsTheTableFromEmbeddedFlinkByDefault() {
    CommandLineRun run = CommandLineRun.of("stats", "--input", IRIS, "--parallelism=2");
    assertEquals(0, run.code(), run.err());
    assertEquals(IRIS_TABLE, run.out());
    assertThat(run.err(), containsString("stats: 150 rows read in "));
    assertThat(run.err(), containsString(" s on FlinkRunner"));
  }

  @Test
  void printsOneLineOfJsonAndNoProgressWhenAskedTo() {
    CommandLineRun run =
        CommandLineRun.of("stats", "-i", IRIS, "--json", "--quiet", "--runner=DirectRunner");
    assertEquals(0, run.code(), run.err());
    assertEquals("", run.err());
    assertEquals(1, run.out().lines().count(), run.out());
    assertThat(run.out(), startsWith("{\"command\":\"stats\",\"input\":\"" + IRIS + "\""));
    assertThat(
        run.out(),
        containsString(
            // The last digit of the mean depends on the order the runner adds the values in.
            "{\"column\":\"sepal_length\",\"count\":150,\"missing\":0,\"mean\":5.84333333333333"));
    assertThat(run.out(), containsString("\"rows\":150,"));
  }

  @Test
  void reportsAMalformedLineAsOneErrorNamingFileAndLine() throws IOException {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "x,y\n1,2\n3\n");
    CommandLineRun run =
        CommandLineRun.of("stats", "--input", bad.toString(), "--runner=DirectRunner", "-q");
    assertEquals(1, run.code());
    assertEquals(
        "stats: error: Malformed record in "
            + bad
            + ", line 3: expected 2 cells as in the header, got 1\n",
        run.err());
  }

  @Test
  void rejectsAnArgumentThatIsNotABeamOption() {
    CommandLineRun run = CommandLineRun.of("stats", "--input", IRIS, "DirectRunner");
    assertEquals(1, run.code());
    assertThat(run.err(), containsString("Unexpected argument 'DirectRunner'"));
  }

  @Test
  void asksForACommandWhenGivenNone() {
    CommandLineRun run = CommandLineRun.of();
    assertEquals(2, run.code());
    assertThat(run.err(), containsString("Missing a command"));
    assertThat(run.err(), containsString("stats"));
  }
}
