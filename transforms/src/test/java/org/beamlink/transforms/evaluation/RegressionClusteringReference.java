package org.beamlink.transforms.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * scikit-learn's numbers and the data for the regression and clustering evaluation tests: files
 * under {@code src/test/resources/evaluation} written by {@code regression_clustering_reference.py}
 * there (Debian's scikit-learn 1.2.1, numpy 1.24).
 */
final class RegressionClusteringReference {
  /** Iris with its species and a k-means cluster: iris_clusters.csv. */
  static final Schema IRIS_CLUSTERS =
      Schema.builder()
          .addDoubleField("sepal_length")
          .addDoubleField("sepal_width")
          .addDoubleField("petal_length")
          .addDoubleField("petal_width")
          .addStringField("species")
          .addInt64Field("cluster")
          .build();

  private static JsonNode json;

  private RegressionClusteringReference() {}

  /** The node at {@code path} of regression_clustering_reference.json. */
  static synchronized JsonNode get(String... path) {
    if (json == null) {
      try (InputStream in =
          RegressionClusteringReference.class.getResourceAsStream(
              "/evaluation/regression_clustering_reference.json")) {
        json = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    JsonNode node = json;
    for (String p : path) {
      node = node.get(p);
      if (node == null) {
        throw new IllegalArgumentException("No reference at " + List.of(path));
      }
    }
    return node;
  }

  /**
   * The diabetes labels with the predictions of scikit-learn's LinearRegression fitted on the first
   * 300 rows (diabetes_predictions.csv), as rows of {@link RegressionEvaluationTest#SCHEMA}.
   */
  static List<Row> diabetesPredictions() {
    List<Row> rows = new ArrayList<>();
    for (String[] f : lines("diabetes_predictions.csv")) {
      rows.add(RegressionEvaluationTest.row(Double.parseDouble(f[0]), Double.parseDouble(f[1])));
    }
    return rows;
  }

  /** The rows of iris_clusters.csv, of {@link #IRIS_CLUSTERS}. */
  static List<Row> irisClusters() {
    List<Row> rows = new ArrayList<>();
    for (String[] f : lines("iris_clusters.csv")) {
      rows.add(
          Row.withSchema(IRIS_CLUSTERS)
              .addValues(
                  Double.parseDouble(f[0]),
                  Double.parseDouble(f[1]),
                  Double.parseDouble(f[2]),
                  Double.parseDouble(f[3]),
                  f[4],
                  Long.parseLong(f[5]))
              .build());
    }
    return rows;
  }

  private static List<String[]> lines(String file) {
    List<String[]> lines = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                RegressionClusteringReference.class.getResourceAsStream("/evaluation/" + file),
                StandardCharsets.UTF_8))) {
      in.readLine();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line.split(","));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }
}
