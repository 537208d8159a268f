package org.beamlink.transforms.clustering;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;

/** Data sets for the clustering tests, and Iris for the other families. */
public final class TestData {
  /** The Iris schema: four DOUBLE measurements and a STRING species. */
  public static final Schema IRIS =
      Schema.builder()
          .addDoubleField("sepal_length")
          .addDoubleField("sepal_width")
          .addDoubleField("petal_length")
          .addDoubleField("petal_width")
          .addStringField("species")
          .build();

  static final String[] IRIS_FEATURES = {
    "sepal_length", "sepal_width", "petal_length", "petal_width"
  };

  static final Schema VECTORS =
      Schema.builder()
          .addInt32Field("id")
          .addField("features", VectorLogicalType.FIELD_TYPE)
          .build();

  private TestData() {}

  /** The 150 Iris rows shipped with scikit-learn (src/test/resources/clustering/iris.csv). */
  public static List<Row> iris() {
    List<Row> rows = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                TestData.class.getResourceAsStream("/clustering/iris.csv"),
                StandardCharsets.UTF_8))) {
      in.readLine();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(",");
        rows.add(
            Row.withSchema(IRIS)
                .addValues(
                    Double.parseDouble(f[0]),
                    Double.parseDouble(f[1]),
                    Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]),
                    f[4])
                .build());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  static Row vectorRow(int id, Vector v) {
    return Row.withSchema(VECTORS).addValues(id, v).build();
  }

  /**
   * {@code perCluster} points around each of {@code centers} (Gaussian, standard deviation {@code
   * sigma}), as vector rows; a seeded generator, so the data is the same on every run.
   */
  static List<Row> blobs(double[][] centers, int perCluster, double sigma, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    int id = 0;
    for (double[] c : centers) {
      for (int i = 0; i < perCluster; i++) {
        double[] p = new double[c.length];
        for (int j = 0; j < p.length; j++) {
          p[j] = c[j] + sigma * random.nextGaussian();
        }
        rows.add(vectorRow(id++, Vector.dense(p)));
      }
    }
    return rows;
  }
}
