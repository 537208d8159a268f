package org.beamlink.transforms.stats;

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
 * numpy's and scipy's numbers for the statistics tests: {@code stats_reference.json} and {@code
 * iris_categorical.csv} under {@code src/test/resources/stats}, written by {@code
 * stats_reference.py} there (Debian's numpy 1.24 and scipy 1.10).
 */
final class StatsReference {
  /** The binned Iris: four INT64 bins (petal_width's as STRING) and the STRING species. */
  static final Schema IRIS_CATEGORICAL =
      Schema.builder()
          .addInt64Field("sepal_length_bin")
          .addInt64Field("sepal_width_bin")
          .addInt64Field("petal_length_bin")
          .addStringField("petal_width_bin")
          .addStringField("species")
          .build();

  private static JsonNode json;

  private StatsReference() {}

  /** The node at {@code path} (field names) of stats_reference.json. */
  static synchronized JsonNode get(String... path) {
    if (json == null) {
      try (InputStream in =
          StatsReference.class.getResourceAsStream("/stats/stats_reference.json")) {
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

  /** A JSON matrix as {@code double[][]}. */
  static double[][] matrix(JsonNode node) {
    double[][] m = new double[node.size()][];
    for (int i = 0; i < m.length; i++) {
      m[i] = new double[node.get(i).size()];
      for (int j = 0; j < m[i].length; j++) {
        m[i][j] = node.get(i).get(j).asDouble();
      }
    }
    return m;
  }

  /** The rows of iris_categorical.csv. */
  static List<Row> irisCategorical() {
    List<Row> rows = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                StatsReference.class.getResourceAsStream("/stats/iris_categorical.csv"),
                StandardCharsets.UTF_8))) {
      in.readLine();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(",");
        rows.add(
            Row.withSchema(IRIS_CATEGORICAL)
                .addValues(
                    Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), f[3], f[4])
                .build());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
