package org.beamlink.examples.cli;

import static org.beamlink.examples.cli.CommandLineFixture.direct;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code beamlink eval} on small CSV files on the DirectRunner. The binary numbers are Alink's
 * documented example (AUC 5/6, KS 2/3, Alink's PRC 65/72, accuracy 0.6); the multi-class ones are
 * counted by hand from the rows.
 */
class EvalCommandTest {
  @TempDir Path dir;

  private CommandLineFixture files;

  @BeforeEach
  void files() {
    files = new CommandLineFixture(dir);
  }

  /** Whether {@code report} has a table line with {@code name} and {@code value}. */
  private static boolean hasLine(String report, String name, String value) {
    return report
        .lines()
        .anyMatch(l -> l.startsWith(name + " ") && l.strip().endsWith(" " + value));
  }

  /** The number after {@code "name":} in a JSON line. */
  private static double jsonNumber(String json, String name) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"" + name + "\":([-0-9.eE]+)").matcher(json);
    assertTrue(m.find(), name + " in " + json);
    return Double.parseDouble(m.group(1));
  }

  private Path binaryCsv() throws IOException {
    return files.write("predictions.csv", "label,p\n1,0.9\n1,0.8\n1,0.7\n0,0.75\n0,0.6\n");
  }

  /** {@code beamlink eval} of binary scores: label column "label", score column "p". */
  private static CommandLineRun evalBinary(Path input, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("eval", "--input", input.toString(), "--label", "label", "--score", "p"));
    args.addAll(List.of(more));
    return direct(args.toArray(new String[0]));
  }

  @Test
  void printsTheBinaryReportAndWritesChartsAndHtml() throws IOException {
    Path report = files.path("report");
    CommandLineRun run = evalBinary(binaryCsv(), "--report", report.toString());
    assertEquals(0, run.code(), run.err());
    assertThat(
        run.out(),
        containsString("Binary classification: 5 rows, 3 positive ('1'), 2 negative ('0')"));
    assertThat(run.out(), containsString("0.8333333333"));
    assertTrue(hasLine(run.out(), "areaUnderPrAlink (Alink)", "0.9027777778"), run.out());
    assertTrue(hasLine(run.out(), "accuracy", "0.6"), run.out());
    for (String png : new String[] {"roc.png", "pr.png", "ks.png", "lift.png"}) {
      Path file = report.resolve(png);
      assertTrue(Files.size(file) > 1000, png);
      byte[] head = Files.readAllBytes(file);
      assertEquals((byte) 0x89, head[0], png + " is a PNG");
      assertEquals('P', head[1], png + " is a PNG");
    }
    String html = Files.readString(report.resolve("index.html"));
    assertThat(html, containsString("<img src=\"roc.png\""));
    assertThat(html, containsString("<img src=\"lift.png\""));
    assertThat(html, containsString("<td>auc</td>"));
    assertThat(run.err(), containsString("eval: report written to "));
  }

  @Test
  void printsOneJsonLine() throws IOException {
    CommandLineRun run = evalBinary(binaryCsv(), "--json", "--quiet");
    assertEquals(0, run.code(), run.err());
    String line = run.out().strip();
    assertEquals(1, line.lines().count(), line);
    assertThat(line, containsString("\"command\":\"eval\",\"type\":\"binary\""));
    assertThat(line, containsString("\"auc\":0.8333333333333334"));
    assertThat(line, containsString("\"ks\":0.6666666666666666"));
    assertThat(line, containsString("\"truePositives\":3"));
  }

  @Test
  void evaluatesMultiClassPredictions() throws IOException {
    Path csv = files.write("classes.csv", "label,prediction\na,a\na,b\nb,b\nc,c\nc,b\n");
    Path report = files.path("mc");
    CommandLineRun run =
        direct(
            "eval",
            "--input",
            csv.toString(),
            "--type",
            "multiclass",
            "--label",
            "label",
            "--prediction",
            "prediction",
            "--report",
            report.toString());
    assertEquals(0, run.code(), run.err());
    assertThat(run.out(), containsString("Multi-class classification: 5 rows, 3 classes"));
    // accuracy 3/5; macro precision (1 + 1/3 + 1) / 3
    assertTrue(hasLine(run.out(), "accuracy", "0.6"), run.out());
    assertTrue(hasLine(run.out(), "macroPrecision", "0.7777777778"), run.out());
    assertTrue(Files.size(report.resolve("classes.png")) > 1000);
    assertTrue(Files.exists(report.resolve("index.html")));
  }

  @Test
  void evaluatesRegressionPredictions() throws IOException {
    // scikit-learn's documented example: mean_squared_error 0.375, mean_absolute_error 0.5,
    // r2_score 0.9486081370449679.
    Path csv = files.write("values.csv", "y,yhat\n3,2.5\n-0.5,0.0\n2,2\n7,8\n");
    CommandLineRun run =
        direct(
            "eval",
            "--input",
            csv.toString(),
            "--type",
            "regression",
            "--label",
            "y",
            "--prediction",
            "yhat",
            "--json",
            "--quiet");
    assertEquals(0, run.code(), run.err());
    assertThat(run.out(), containsString("\"type\":\"regression\""));
    assertEquals(0.375, jsonNumber(run.out(), "mse"), 1e-12);
    assertEquals(0.5, jsonNumber(run.out(), "mae"), 1e-12);
    assertEquals(0.9486081370449679, jsonNumber(run.out(), "r2"), 1e-12);
  }

  @Test
  void evaluatesClustersAndChartsTheirSizes() throws IOException {
    Path csv = files.write("clusters.csv", "x,y,cluster\n0,0,a\n0,1,a\n5,5,b\n5,6,b\n6,5,b\n");
    Path report = files.path("clusters");
    CommandLineRun run =
        direct(
            "eval",
            "--input",
            csv.toString(),
            "--type",
            "clustering",
            "--prediction",
            "cluster",
            "--features",
            "x,y",
            "--report",
            report.toString());
    assertEquals(0, run.code(), run.err());
    // Inertia by hand: cluster a 2 x 0.25, cluster b (centroid (16/3, 16/3)) 2/9 + 5/9 + 5/9.
    assertTrue(hasLine(run.out(), "inertia", "1.833333333"), run.out());
    assertTrue(Files.size(report.resolve("clusters.png")) > 1000);
    assertTrue(Files.exists(report.resolve("index.html")));
  }

  @Test
  void failsClearlyWithoutAScoreColumn() throws IOException {
    CommandLineRun run = direct("eval", "--input", binaryCsv().toString(), "--label", "label");
    assertEquals(2, run.code());
    assertThat(run.err(), containsString("Missing --score for --type binary"));
  }

  /**
   * Before: "logLoss NaN" with exit code 0 and no word of why. The ranking metrics of scores
   * outside [0, 1] are valid (Alink's example, scores times 10: the same order, the same AUC).
   */
  @Test
  void saysWhyLogLossIsAbsentForScoresOutsideZeroOne() throws IOException {
    Path csv = files.write("margins.csv", "label,p\n1,9\n1,8\n1,7\n0,7.5\n0,6\n");
    CommandLineRun run = evalBinary(csv, "-q");
    assertEquals(0, run.code(), run.err());
    assertTrue(hasLine(run.out(), "auc", "0.8333333333"), run.out());
    assertThat(
        run.out(),
        containsString(
            "Note: logLoss is NaN: some scores are outside [0, 1], so they are not probabilities."));
    CommandLineRun json = evalBinary(csv, "--json", "-q");
    assertThat(json.out(), containsString("\"logLoss\":null"));
    assertThat(json.out(), containsString("\"logLossNote\":\"logLoss is NaN: some scores"));
  }

  /** A missing label or score is named by file and line, as every command does. */
  @Test
  void namesTheLineOfAMissingScore() throws IOException {
    Path csv = files.write("gap.csv", "label,p\n1,0.9\n0,\n");
    CommandLineRun run = evalBinary(csv);
    assertEquals(1, run.code());
    assertThat(
        run.err(),
        containsString(
            "eval: error: In "
                + csv
                + ", line 3: column 'p' is empty; eval --type binary needs a value"));
  }
}
