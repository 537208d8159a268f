package org.beamlink.examples.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's one rule for missing and non-finite values (issue 17): the same file with an
 * infinity is refused by {@code stats}, {@code kmeans} and {@code train} with the same one-line
 * error naming file, line, column and value; a missing value is refused where a command needs one,
 * named the same way, and counted by {@code stats}.
 */
class ValueRulesTest {
  @TempDir Path dir;

  private String file(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file.toString();
  }

  /** Before: stats printed mean NaN and exited 0, while kmeans and train refused the file. */
  @Test
  void everyCommandRefusesAnInfinityNamingFileLineColumnAndValue() throws IOException {
    String file = file("inf.csv", "x,y,label\n1,2,0\n3,inf,1\n4,5,0\n6,7,1\n");
    String error =
        ": error: In "
            + file
            + ", line 3: column 'y' has value Infinity;"
            + " beamlink reads finite numbers only\n";
    CommandLineRun stats = CommandLineRun.of("stats", "-i", file, "-q", "--runner=DirectRunner");
    assertEquals(1, stats.code(), stats.out());
    assertEquals("stats" + error, stats.err());
    CommandLineRun kmeans = CommandLineRun.of("kmeans", "-i", file, "-q", "--runner=DirectRunner");
    assertEquals(1, kmeans.code(), kmeans.out());
    assertEquals("kmeans" + error, kmeans.err());
    CommandLineRun train =
        CommandLineRun.of(
            "train", "logreg", "-i", file, "--label", "label", "-q", "--runner=DirectRunner");
    assertEquals(1, train.code(), train.out());
    assertEquals("logreg" + error, train.err());
  }

  /**
   * Before: KMeans failed with "Column 'y' is null in row" and the row spread over several lines,
   * without the file or the line.
   */
  @Test
  void kmeansNamesTheLineOfAMissingFeatureValue() throws IOException {
    String file = file("gap.csv", "x,y\n1,2\n3,\n4,NaN\n");
    CommandLineRun run = CommandLineRun.of("kmeans", "-i", file, "-q", "--runner=DirectRunner");
    assertEquals(1, run.code());
    assertThat(
        run.err(),
        containsString(
            "kmeans: error: In " + file + ", line 3: column 'y' is empty; kmeans needs a value"));
    assertEquals(1, run.err().lines().count(), run.err());
  }

  @Test
  void statsCountsMissingValues() throws IOException {
    String file = file("gap.csv", "x,y\n1,2\n3,\n4,NaN\n");
    CommandLineRun run =
        CommandLineRun.of("stats", "-i", file, "--json", "-q", "--runner=DirectRunner");
    assertEquals(0, run.code(), run.err());
    assertThat(run.out(), containsString("\"column\":\"y\",\"count\":1,\"missing\":2"));
    assertThat(run.err(), not(containsString("error")));
  }

  /** Before: "No file matches ... (or pass withSchema)", advice the command line cannot take. */
  @Test
  void saysThatNoFileMatchesTheInput() {
    String missing = dir.resolve("none.csv").toString();
    CommandLineRun run = CommandLineRun.of("stats", "-i", missing, "--runner=DirectRunner");
    assertEquals(1, run.code());
    assertEquals("stats: error: No file matches --input " + missing + "\n", run.err());
  }
}
