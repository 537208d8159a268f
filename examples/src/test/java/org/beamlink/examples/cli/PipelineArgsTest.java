package org.beamlink.examples.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Beam options on the command line (issue 17): a bad runner, parallelism or value and a mistyped
 * flag are usage errors naming the argument, with no stack trace and before anything runs.
 */
class PipelineArgsTest {
  private static final String IRIS = Path.of("data/iris.csv").toAbsolutePath().toString();

  private static CommandLineRun kmeans(String arg) {
    return CommandLineRun.of("kmeans", "--input", IRIS, "--k", "3", "-q", arg);
  }

  /** Before: a 26-line stack trace (the runner's ClassNotFoundException). */
  @Test
  void namesAnUnknownRunnerWithoutAStackTrace() {
    CommandLineRun run = kmeans("--runner=NoSuchRunner");
    assertEquals(2, run.code());
    assertThat(
        run.err(),
        startsWith(
            "Invalid Beam option '--runner=NoSuchRunner': Unknown 'runner' specified"
                + " 'NoSuchRunner', supported pipeline runners [DirectRunner, FlinkRunner"));
    assertThat(run.err(), not(containsString("\tat ")));
  }

  /** Before: 0 and -3 ran silently (Flink took its default). */
  @Test
  void refusesAParallelismBelowOne() {
    for (String value : new String[] {"0", "-3"}) {
      CommandLineRun run = kmeans("--parallelism=" + value);
      assertEquals(2, run.code(), value);
      assertThat(
          run.err(),
          startsWith(
              "Invalid Beam option '--parallelism="
                  + value
                  + "': expected at least 1 task, got "
                  + value));
    }
    CommandLineRun direct = kmeans("--runner=DirectRunner");
    assertEquals(0, direct.code(), direct.err());
  }

  /** Before: "Cannot deserialize value of type `java.lang.Integer` from String "abc"" only. */
  @Test
  void namesAnOptionWhoseValueBeamCannotRead() {
    CommandLineRun run = kmeans("--parallelism=abc");
    assertEquals(2, run.code());
    assertThat(run.err(), startsWith("Invalid Beam option '--parallelism=abc': "));
    assertThat(run.err(), containsString("\"abc\""));
  }

  /** Before: "Class interface PipelineOptions missing a property named 'max_iter'." */
  @Test
  void namesAMistypedFlagAndTheOptionItResembles() {
    CommandLineRun run = kmeans("--max_iter=5");
    assertEquals(2, run.code());
    assertThat(
        run.err(),
        startsWith(
            "Unknown option: '--max_iter=5' is neither an option of 'beamlink kmeans' nor a Beam"
                + " pipeline option; did you mean --max-iter?"));
    CommandLineRun beam = kmeans("--paralelism=2");
    assertThat(beam.err(), containsString("did you mean --parallelism?"));
  }

  /** The launcher starts embedded Flink early only for a command that will run on it. */
  @Test
  void startsEmbeddedFlinkOnlyForACommandOnIt() {
    assertTrue(Beamlink.runsOnEmbeddedFlink(new String[] {"stats", "--input", IRIS}));
    assertTrue(Beamlink.runsOnEmbeddedFlink(new String[] {"stats", "--runner=FlinkRunner"}));
    assertFalse(Beamlink.runsOnEmbeddedFlink(new String[] {"stats", "--runner=DirectRunner"}));
    assertFalse(Beamlink.runsOnEmbeddedFlink(new String[] {"kmeans", "--flinkMaster=host:8081"}));
    assertFalse(Beamlink.runsOnEmbeddedFlink(new String[] {"help", "stats"}));
    assertFalse(Beamlink.runsOnEmbeddedFlink(new String[] {"stats", "--help"}));
    assertFalse(Beamlink.runsOnEmbeddedFlink(new String[0]));
    int cores = Runtime.getRuntime().availableProcessors();
    assertTrue(Beamlink.runsOnEmbeddedFlink(new String[] {"kmeans", "--parallelism=" + cores}));
    assertFalse(
        Beamlink.runsOnEmbeddedFlink(new String[] {"kmeans", "--parallelism=" + (cores + 1)}));
  }
}
