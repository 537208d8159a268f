package org.beamlink.examples.cli;

import static org.beamlink.examples.cli.CommandLineFixture.IRIS;
import static org.beamlink.examples.cli.CommandLineFixture.csv;
import static org.beamlink.examples.cli.CommandLineFixture.predict;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code beamlink predict} on bad input (issue 17): malformed and unscorable records go to the
 * failures file with file, line, error and text; a failed run leaves no temporary files; an output
 * that is a directory or an input is refused; a feature pipeline adds its features. Models are
 * trained once, on the DirectRunner.
 */
class PredictCommandTest {
  @TempDir static Path models;

  /** KMeans, k=3, on the 4 numeric columns of iris. */
  private static Path kmeans;

  /** The numeric columns hashed, then softmax on species. */
  private static Path hashed;

  @TempDir Path dir;

  private CommandLineFixture files;

  @BeforeAll
  static void train() {
    kmeans = models.resolve("kmeans.blm");
    hashed = models.resolve("hashed.blm");
    CommandLineFixture.succeeds(
        "train", "--input", IRIS, "--pipeline", "kmeans=3", "--model", kmeans.toString(), "-q");
    CommandLineFixture.succeeds(
        "train",
        "--input",
        IRIS,
        "--pipeline",
        "hash=64,softmax",
        "--label",
        "species",
        "--model",
        hashed.toString(),
        "-q");
  }

  @BeforeEach
  void files() {
    files = new CommandLineFixture(dir);
  }

  private Path irisWith(String... extra) throws IOException {
    List<String> iris = Files.readAllLines(Path.of(IRIS));
    List<String> lines = new ArrayList<>(iris.subList(0, 3));
    lines.addAll(List.of(extra));
    lines.add(iris.get(3));
    return files.write("input.csv", lines);
  }

  /**
   * Before: a record with a wrong cell count or an unparsable value failed the job and nothing was
   * written; the failures file held only scoring errors, as "row,error".
   */
  @Test
  void writesRecordsThatCannotBeReadOrScoredToTheFailuresFileAndScoresTheRest() throws IOException {
    Path input =
        irisWith("5.0,,1.4,0.2,setosa", "5.0,3.1,1.4", "5.0,oops,1.4,0.2,setosa", "5,1,1,inf,x");
    Path out = files.path("scored.csv");
    Path failures = files.path("failures.csv");
    CommandLineRun run =
        predict(
            kmeans, input.toString(), out, "--failures", failures.toString(), "--json", "--quiet");
    assertEquals(0, run.code(), run.err());
    assertThat(run.out(), containsString("\"rowsScored\":3"));
    assertThat(run.out(), containsString("\"rowsFailed\":4"));
    assertThat(run.out(), containsString("\"columnsAdded\":\"prediction,distance\""));
    assertEquals(4, csv(out).size());
    List<CSVRecord> failed = new ArrayList<>(csv(failures));
    assertEquals(List.of("file", "line", "error", "text"), failed.remove(0).toList());
    failed.sort((a, b) -> Long.compare(Long.parseLong(a.get(1)), Long.parseLong(b.get(1))));
    assertEquals(4, failed.size(), failed.toString());
    assertFailure(failed.get(0), input, 4, "5.0,,1.4,0.2,setosa", "Column 'sepal_width' is null");
    assertFailure(failed.get(1), input, 5, "5.0,3.1,1.4", "expected 5 cells as in the header");
    assertFailure(
        failed.get(2), input, 6, "5.0,oops,1.4,0.2,setosa", "has value 'oops'; expected a number");
    assertFailure(
        failed.get(3), input, 7, "5,1,1,inf,x", "column 'petal_width' has value Infinity");
    assertThat(
        failed.get(0).get(2), containsString("in row {sepal_length: 5.0, sepal_width: null"));
  }

  private static void assertFailure(CSVRecord f, Path file, long line, String text, String error) {
    assertEquals(file.toString(), f.get(0));
    assertEquals(Long.toString(line), f.get(1));
    assertThat(f.get(2), containsString(error));
    assertEquals(text, f.get(3));
  }

  /**
   * Before: the row of a vector column was printed as the bytes of the vector's encoding, over
   * several lines.
   */
  @Test
  void printsAVectorOfAFailedRowReadably() throws IOException {
    Path input = irisWith("5.0,NaN,1.4,0.2,setosa");
    Path failures = files.path("failures.csv");
    CommandLineRun run =
        predict(
            hashed,
            input.toString(),
            files.path("scored.csv"),
            "--failures",
            failures.toString(),
            "--quiet");
    assertEquals(0, run.code(), run.err());
    List<CSVRecord> failed = csv(failures);
    assertEquals(2, failed.size(), failed.toString());
    String error = failed.get(1).get(2);
    assertThat(error, containsString("features_1: (64,["));
    assertThat(error, containsString("NaN"));
    assertTrue(error.lines().count() == 1, error);
  }

  /** Without --failures, the first bad record fails the run in one line naming file and line. */
  @Test
  void failsOnAnUnscorableRecordNamingFileAndLineAndLeavesNoTemporaryFiles() throws IOException {
    Path input = irisWith("5.0,,1.4,0.2,setosa");
    CommandLineRun run = predict(kmeans, input.toString(), files.path("scored.csv"));
    assertEquals(1, run.code());
    assertThat(
        run.err(),
        containsString(
            "predict: error: In "
                + input
                + ", line 4: Pipeline stage 1: Column 'sepal_width' is null in row"
                + " {sepal_length: 5.0, sepal_width: null, petal_length: 1.4, petal_width: 0.2,"
                + " species: \"setosa\"}\n"));
    assertEquals(List.of(), files.leftovers("input.csv"));
  }

  /**
   * Before: the job ran, failed to move its output onto the directory, and left {@code
   * .temp-beam-UUID/} with the full output beside it.
   */
  @Test
  void refusesAnOutputThatIsADirectoryAndLeavesNothingBehind() throws IOException {
    Path input = irisWith();
    Path out = Files.createDirectory(files.path("out"));
    CommandLineRun run = predict(kmeans, input.toString(), out);
    assertEquals(1, run.code());
    assertThat(run.err(), containsString("--output " + out + " is a directory"));
    assertEquals(List.of(), files.leftovers("input.csv", "out"));
  }

  @Test
  void refusesToOverwriteAnInputFile() throws IOException {
    Path input = irisWith();
    CommandLineRun run = predict(kmeans, files.path("*.csv").toString(), input);
    assertEquals(1, run.code());
    assertThat(run.err(), containsString("--output " + input + " is one of the input files"));
  }

  /** Before: Beam's FileBasedSink warned "Failed to match temporary files" after a clean run. */
  @Test
  void aCleanRunPrintsNoWarning() throws IOException {
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    CommandLineRun run;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      run = predict(kmeans, IRIS, files.path("scored.csv"), "--quiet");
    } finally {
      System.setErr(stderr);
    }
    assertEquals(0, run.code(), run.err());
    assertEquals("", run.err());
    assertThat(captured.toString(StandardCharsets.UTF_8), not(containsString("WARN")));
    assertEquals(List.of("scored.csv"), files.leftovers());
  }
}
