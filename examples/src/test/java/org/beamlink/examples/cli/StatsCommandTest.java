package org.beamlink.examples.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.beamlink.examples.run.ProgressReporter;
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

  /**
   * Pearson correlation and quartiles after the summary. numpy 1.24 on the same file: corrcoef row
   * of sepal_length 1, -0.11756978, 0.87175378, 0.81794113; quantile(method="inverted_cdf") at
   * 0.25, 0.5, 0.75 of sepal_length 5.1, 5.8, 6.4 and of petal_length 1.6, 4.3, 5.1.
   */
  @Test
  void printsCorrelationAndQuantilesAfterTheSummary() {
    CommandLineRun run =
        CommandLineRun.of(
            "stats",
            "--input",
            IRIS,
            "--correlation",
            "pearson",
            "--quantiles",
            "0.25,0.5,0.75",
            "-q",
            "--runner=DirectRunner");
    assertEquals(0, run.code(), run.err());
    assertEquals(
        IRIS_TABLE
            + String.join(
                "\n",
                "",
                "Pearson correlation of 150 rows",
                "              sepal_length  sepal_width  petal_length  petal_width",
                "sepal_length             1   -0.1175698     0.8717538    0.8179411",
                "sepal_width     -0.1175698            1    -0.4284401   -0.3661259",
                "petal_length     0.8717538   -0.4284401             1    0.9628654",
                "petal_width      0.8179411   -0.3661259     0.9628654            1",
                "",
                "Approximate quantiles (rank error below 0.001 x count)",
                "column        count  q0.25  q0.5  q0.75",
                "sepal_length    150    5.1   5.8    6.4",
                "sepal_width     150    2.8     3    3.3",
                "petal_length    150    1.6   4.3    5.1",
                "petal_width     150    0.3   1.3    1.8",
                ""),
        run.out());
  }

  /**
   * The chi-square test of the string and integer columns against the label (the double column
   * weight is not a category), with Spearman and a median in the JSON line. scipy's
   * chi2_contingency(correction=False): color [[0, 2], [2, 1]] gives 2.2222222222222223, p
   * 0.13603712811414423; size [[2, 0], [0, 3]] gives 5.0, p 0.025347318677468325; both 1 degree of
   * freedom.
   */
  @Test
  void printsTheChiSquareTestAndEveryResultInJson() throws IOException {
    Path data = dir.resolve("colors.csv");
    Files.writeString(
        data,
        "color,size,weight,label\nred,1,1.5,a\nred,1,2.5,a\nblue,2,3,b\nblue,2,4,b\nred,2,5.5,b\n");
    CommandLineRun table =
        CommandLineRun.of(
            "stats",
            "-i",
            data.toString(),
            "--chi2",
            "--label",
            "label",
            "-q",
            "--runner=DirectRunner");
    assertEquals(0, table.code(), table.err());
    assertThat(
        table.out(),
        containsString(
            String.join(
                "\n",
                "Chi-square test of independence against 'label', 5 rows",
                "feature  statistic      pValue  df  values",
                "color     2.222222   0.1360371   1       2",
                "size             5  0.02534732   1       2",
                "")));
    CommandLineRun json =
        CommandLineRun.of(
            "stats",
            "-i",
            data.toString(),
            "--chi2",
            "--label",
            "label",
            "--correlation",
            "spearman",
            "--quantiles",
            "0.5",
            "--json",
            "-q",
            "--runner=DirectRunner");
    assertEquals(0, json.code(), json.err());
    assertEquals(1, json.out().lines().count(), json.out());
    assertThat(json.out(), containsString("\"correlationMethod\":\"spearman\",\"correlation\":[{"));
    assertThat(
        json.out(),
        containsString(
            "\"chi2Label\":\"label\",\"chi2\":[{\"feature\":\"color\",\"statistic\":2.22222222222222"));
    assertThat(
        json.out(),
        containsString("\"quantiles\":[{\"column\":\"size\",\"count\":5,\"q0.5\":2.0},"));
  }

  @Test
  void rejectsChiSquareWithoutALabelAndAnUnknownCorrelation() {
    CommandLineRun noLabel = CommandLineRun.of("stats", "-i", IRIS, "--chi2");
    assertEquals(2, noLabel.code());
    assertThat(noLabel.err(), containsString("--chi2 needs --label COL"));
    CommandLineRun kendall = CommandLineRun.of("stats", "-i", IRIS, "--correlation", "kendall");
    assertEquals(2, kendall.code());
    assertThat(
        kendall.err(), containsString("--correlation takes pearson or spearman, got 'kendall'"));
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
    assertEquals(2, run.code());
    assertThat(run.err(), containsString("Unexpected argument 'DirectRunner'"));
  }

  @Test
  void asksForACommandWhenGivenNone() {
    CommandLineRun run = CommandLineRun.of();
    assertEquals(2, run.code());
    assertThat(run.err(), containsString("Missing a command"));
    assertThat(run.err(), containsString("stats"));
  }

  /** The first 100 records of iris with 'abc' for sepal_width on line 78, as in issue 17. */
  private Path irisWithAWord() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(Path.of(IRIS)).subList(0, 101));
    String[] cells = lines.get(77).split(",");
    cells[1] = "abc";
    lines.set(77, String.join(",", cells));
    Path bad = dir.resolve("bad.csv");
    Files.write(bad, lines);
    return bad;
  }

  /**
   * Before: 'abc' among the first 1,000 values made sepal_width a text column, which stats left out
   * with exit code 0.
   */
  @Test
  void failsOnAWordInANumericColumnNamingFileLineColumnAndValue() throws IOException {
    Path bad = irisWithAWord();
    CommandLineRun run = CommandLineRun.of("stats", "-i", bad.toString(), "--runner=DirectRunner");
    assertEquals(1, run.code(), run.out());
    assertEquals(
        "stats: error: Malformed record in "
            + bad
            + ", line 78: column 'sepal_width' has value 'abc'; expected a number (DOUBLE), as"
            + " most values of the column are; if the column is text, declare it so"
            + " (ReadCsv.withColumnType, or --schema sepal_width:string in the beamlink command"
            + " line)\n",
        run.err());
  }

  @Test
  void readsAColumnDeclaredTextWithSchema() throws IOException {
    Path bad = irisWithAWord();
    CommandLineRun run =
        CommandLineRun.of(
            "stats",
            "-i",
            bad.toString(),
            "--schema",
            "sepal_width:string,petal_width:double",
            "--json",
            "-q",
            "--runner=DirectRunner");
    assertEquals(0, run.code(), run.err());
    assertThat(run.out(), containsString("\"rows\":100"));
    assertThat(run.out(), not(containsString("sepal_width")));
    assertThat(run.out(), containsString("\"column\":\"petal_width\""));
  }

  @Test
  void refusesAnUnknownSchemaType() {
    CommandLineRun run =
        CommandLineRun.of("stats", "-i", IRIS, "--schema", "species:text", "--runner=DirectRunner");
    assertEquals(1, run.code());
    assertThat(run.err(), containsString("--schema type 'text' is not one of string, double"));
  }

  /**
   * Before: the type was guessed from the first 1,000 records, so a decimal after them failed the
   * job ("expected an integer (INT64)") although the file is valid.
   */
  @Test
  void readsADecimalAfterTheFirstThousandRecordsOfACountColumn() throws IOException {
    StringBuilder text = new StringBuilder("id,count\n");
    for (int i = 0; i < 1500; i++) {
      text.append(i).append(',').append(i % 7).append('\n');
    }
    text.append("1500,0.5\n");
    Path file = dir.resolve("counts.csv");
    Files.writeString(file, text);
    CommandLineRun run =
        CommandLineRun.of("stats", "-i", file.toString(), "--json", "-q", "--runner=DirectRunner");
    assertEquals(0, run.code(), run.err());
    assertThat(run.out(), containsString("\"rows\":1501"));
    assertThat(run.out(), containsString("\"column\":\"count\",\"count\":1501"));
  }

  /** Before: "the text does not parse as CSV ...: null". */
  @Test
  void namesATruncatedGzipFile() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(Files.readAllBytes(Path.of(IRIS)));
      for (int i = 0; i < 20; i++) {
        gzip.write(
            String.join("\n", Files.readAllLines(Path.of(IRIS)).subList(1, 151))
                .getBytes(StandardCharsets.UTF_8));
        gzip.write('\n');
      }
    }
    Path file = dir.resolve("cut.csv.gz");
    Files.write(file, Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2));
    CommandLineRun run = CommandLineRun.of("stats", "-i", file.toString(), "--runner=DirectRunner");
    assertEquals(1, run.code());
    assertEquals(
        "stats: error: Cannot read "
            + file
            + " to infer its schema: the file ends in the middle of its data (truncated or still"
            + " being written?)\n",
        run.err());
  }
}
