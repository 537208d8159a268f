package org.beamlink.examples.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Help on every command and at any depth (issue 17). */
class HelpCommandTest {
  /** Before: "Missing required option: '--input=FILE'" and exit code 2. */
  @Test
  void everyCommandTakesHelp() {
    CommandLineRun kmeans = CommandLineRun.of("kmeans", "--help");
    assertEquals(0, kmeans.code(), kmeans.err());
    assertThat(kmeans.out(), startsWith("Usage: beamlink kmeans"));
    assertThat(kmeans.out(), containsString("--input=FILE"));
    CommandLineRun logreg = CommandLineRun.of("train", "logreg", "-h");
    assertEquals(0, logreg.code(), logreg.err());
    assertThat(logreg.out(), startsWith("Usage: beamlink train logreg"));
    CommandLineRun bench = CommandLineRun.of("bench", "csv", "--help");
    assertEquals(0, bench.code(), bench.err());
    assertThat(bench.out(), containsString("--rows"));
  }

  /** Before: 'help train logreg' showed train's options, not logreg's. */
  @Test
  void showsASubcommandsHelp() {
    CommandLineRun run = CommandLineRun.of("help", "train", "logreg");
    assertEquals(0, run.code(), run.err());
    assertThat(run.out(), startsWith("Usage: beamlink train logreg"));
    assertThat(run.out(), containsString("--l1"));
    assertThat(run.out(), not(containsString("--pipeline")));
  }

  @Test
  void namesAnUnknownCommand() {
    CommandLineRun run = CommandLineRun.of("help", "train", "lasso");
    assertEquals(2, run.code());
    assertThat(
        run.err(), startsWith("Unknown command 'lasso' of 'beamlink train'; its commands are"));
  }
}
