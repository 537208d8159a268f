package org.beamlink.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
  @TempDir Path dir;

  private static final String BREAST_CANCER =
      Path.of("../transforms/src/test/resources/linear/breast_cancer.csv")
          .toAbsolutePath()
          .normalize()
          .toString();

  private static final String IRIS = Path.of("data/iris.csv").toAbsolutePath().toString();

  /**
   * The objective at scikit-learn's optimum for l2 = 0.01 with standardization (case
   * logistic_breast_cancer_std of transforms' linear_reference.json): {@value #REFERENCE_LOSS}.
   */
  private static final double REFERENCE_LOSS = 0.09963845979804115;

  @Test
  void trainsLogisticRegressionOnFlinkAndPrintsJson() {
    CommandLineRun run =
        CommandLineRun.of(
            "train",
            "logreg",
            "--input",
            BREAST_CANCER,
            "--label",
            "label",
            "--l2",
            "0.01",
            "--tol",
            "1e-12",
            "--max-iter",
            "500",
            "--json",
            "--quiet",
            // [auto]: the shared test cluster when another test class started it in this JVM
            // (Flink then refuses a second, local environment), else an embedded one.
            "--flinkMaster=[auto]",
            "--parallelism=2");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("\"rows\":569"), run.out());
    assertTrue(run.out().contains("\"labels\":\"0,1\""), run.out());
    Matcher loss = Pattern.compile("\"loss\":([0-9.eE-]+)").matcher(run.out());
    assertTrue(loss.find(), run.out());
    assertEquals(REFERENCE_LOSS, Double.parseDouble(loss.group(1)), 1e-9);
  }

  @Test
  void printsCoefficientTable() {
    CommandLineRun run =
        CommandLineRun.of(
            "train",
            "logreg",
            "--input",
            BREAST_CANCER,
            "--label",
            "label",
            "--features",
            "f0,f1",
            "--quiet",
            "--runner=DirectRunner");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("labels [0, 1] (positive: 1)"), run.out());
    assertTrue(run.out().contains("(intercept)"), run.out());
    assertTrue(run.out().contains("over 569 rows"), run.out());
  }

  /**
   * Three iterations on breast cancer cannot reach the optimum: the command says so on stderr and
   * in its output, and says nothing when the fit converged.
   */
  @Test
  void warnsWhenTheFitStopsAtMaxIter() {
    CommandLineRun cut = breastCancerWithMaxIter(3);
    assertEquals(0, cut.code(), cut.err());
    assertTrue(
        cut.err().contains("warning: LogisticRegression hit maxIter after 3 iterations"),
        cut.err());
    assertTrue(cut.out().contains("after 3 iterations over 569 rows (hit maxIter)"), cut.out());
    CommandLineRun converged = breastCancerWithMaxIter(500);
    assertEquals(0, converged.code(), converged.err());
    assertTrue(!converged.err().contains("warning"), converged.err());
    // Which criterion stops the fit first (gradient norm or loss change over 10 iterations)
    // depends on the order of the partial sums, so on the number of partitions.
    assertTrue(converged.out().contains("iterations over 569 rows (converged: "), converged.out());
  }

  private static CommandLineRun breastCancerWithMaxIter(int maxIter) {
    return CommandLineRun.of(
        "train",
        "logreg",
        "--input",
        BREAST_CANCER,
        "--label",
        "label",
        "--l2",
        "0.01",
        "--max-iter",
        Integer.toString(maxIter),
        "--quiet",
        "--runner=DirectRunner");
  }

  @Test
  void saysWhenTheLabelHasMoreThanTwoValues() {
    CommandLineRun run =
        CommandLineRun.of(
            "train", "logreg", "--input", IRIS, "--label", "species", "--runner=DirectRunner");
    assertEquals(1, run.code());
    assertTrue(run.err().contains("at most 2 distinct labels"), run.err());
  }

  /** Before: "item 'x' is not index:value" without the file or the line. */
  @Test
  void namesTheFileAndLineOfAMalformedLibSvmLine() throws IOException {
    Path file = dir.resolve("bad.svm");
    Files.writeString(file, "1 1:0.5 2:1\n0 1:0.25 x\n");
    CommandLineRun run =
        CommandLineRun.of(
            "train",
            "logreg",
            "--input",
            file.toString(),
            "--format",
            "libsvm",
            "--label",
            "label",
            "--runner=DirectRunner");
    assertEquals(1, run.code());
    assertEquals(
        "logreg: error: Malformed record in " + file + ", line 2: item 'x' is not index:value\n",
        run.err());
  }
}
