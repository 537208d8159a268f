package org.beamlink.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class KMeansCommandTest {
  private static final String IRIS = Path.of("data/iris.csv").toAbsolutePath().toString();

  /**
   * k=3 on Iris with k-means|| lands in one of Iris's two well-known optima: inertia 78.8514
   * (scikit-learn's best, see transforms' kmeans_iris_reference.json) or 78.8557.
   */
  @Test
  void clustersIrisAndPrintsJson() {
    CommandLineRun run =
        CommandLineRun.of(
            "kmeans", "--input", IRIS, "--k", "3", "--json", "--quiet", "--runner=DirectRunner");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("\"k\":3"), run.out());
    assertTrue(run.out().contains("\"rows\":150"), run.out());
    Matcher cost = Pattern.compile("\"cost\":([0-9.]+)").matcher(run.out());
    assertTrue(cost.find(), run.out());
    double value = Double.parseDouble(cost.group(1));
    assertTrue(Math.abs(value - 78.8514) < 1e-3 || Math.abs(value - 78.8557) < 1e-3, run.out());
  }

  @Test
  void printsATableOfCentroidsOnFlink() {
    CommandLineRun run =
        CommandLineRun.of(
            "kmeans",
            "--input",
            IRIS,
            "--k",
            "2",
            "--features",
            "petal_length,petal_width",
            "--quiet",
            "--parallelism=1");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("cluster    petal_length    petal_width"), run.out());
    assertTrue(run.out().contains("over 150 rows"), run.out());
  }

  @Test
  void namesAMissingFeatureColumn() {
    CommandLineRun run =
        CommandLineRun.of(
            "kmeans", "--input", IRIS, "--features", "petal_lenght", "--runner=DirectRunner");
    assertEquals(1, run.code());
    assertTrue(run.err().contains("'petal_lenght' not found"), run.err());
  }
}
