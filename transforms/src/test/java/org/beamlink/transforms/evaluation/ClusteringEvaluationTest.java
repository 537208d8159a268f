package org.beamlink.transforms.evaluation;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.junit.jupiter.api.Test;

class ClusteringEvaluationTest {
  private static final String[] FEATURES = {
    "sepal_length", "sepal_width", "petal_length", "petal_width"
  };

  private static final Schema VECTORS =
      Schema.builder()
          .addField("features", VectorLogicalType.FIELD_TYPE)
          .addStringField("species")
          .build();

  private static final Schema POINTS =
      Schema.builder()
          .addDoubleField("x")
          .addNullableField("cluster", Schema.FieldType.STRING)
          .build();

  private static Row point(double x, String cluster) {
    return Row.withSchema(POINTS).addValues(x, cluster).build();
  }

  /**
   * The metrics against scikit-learn's for a labelling of Iris
   * (regression_clustering_reference.json "clustering"): sizes exactly; inertia and
   * Calinski-Harabasz to relative 1e-12; silhouette and Davies-Bouldin to 1e-12 absolute (values
   * near 0.5; scikit-learn's own distances, from {@code |a|^2 - 2ab + |b|^2}, differ from the exact
   * ones by 1e-15 here).
   */
  static void assertMatchesSklearn(ClusteringMetrics m, String labelling) {
    JsonNode ref = RegressionClusteringReference.get("clustering", labelling);
    List<String> clusters = new ArrayList<>();
    ref.get("clusters").forEach(c -> clusters.add(c.asText()));
    assertEquals(clusters, m.clusters());
    long[] sizes = new long[ref.get("sizes").size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = ref.get("sizes").get(i).asLong();
    }
    assertArrayEquals(sizes, m.clusterSizes());
    assertEquals(150, m.count());
    double inertia = ref.get("inertia").asDouble();
    assertEquals(inertia, m.inertia(), 1e-12 * inertia, labelling + " inertia");
    double ch = ref.get("calinski_harabasz").asDouble();
    assertEquals(ch, m.calinskiHarabasz(), 1e-12 * ch, labelling + " calinski-harabasz");
    assertEquals(
        ref.get("silhouette").asDouble(), m.silhouette(), 1e-12, labelling + " silhouette");
    assertEquals(
        ref.get("davies_bouldin").asDouble(),
        m.daviesBouldin(),
        1e-12,
        labelling + " davies-bouldin");
    assertTrue(m.silhouetteExact());
    assertEquals(150, m.silhouetteRows());
  }

  /** Iris with the species as clusters and with scikit-learn's KMeans clusters, both runners. */
  @BoundedRunnerTest
  void matchesSklearnOnIrisWithSpeciesAndKMeansClusters(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Row> rows =
        p.apply(
            Create.of(RegressionClusteringReference.irisClusters())
                .withRowSchema(RegressionClusteringReference.IRIS_CLUSTERS));
    PAssert.thatSingleton(
            rows.apply("Species", ClusteringEvaluation.of("species").withFeatureCols(FEATURES)))
        .satisfies(
            m -> {
              assertMatchesSklearn(m, "species");
              return null;
            });
    PAssert.thatSingleton(
            rows.apply("KMeans", ClusteringEvaluation.of("cluster").withFeatureCols(FEATURES)))
        .satisfies(
            m -> {
              assertMatchesSklearn(m, "kmeans");
              return null;
            });
    runner.run(p);
  }

  private static List<Row> irisVectors() {
    List<Row> rows = new ArrayList<>();
    for (Row r : RegressionClusteringReference.irisClusters()) {
      double[] x = new double[4];
      for (int j = 0; j < 4; j++) {
        x[j] = r.getDouble(FEATURES[j]);
      }
      rows.add(Row.withSchema(VECTORS).addValues(Vector.dense(x), r.getString("species")).build());
    }
    return rows;
  }

  @Test
  void evaluatesAVectorColumnLikeTheNumericColumns() {
    Pipeline p = TestRunner.DIRECT.create();
    PAssert.thatSingleton(
            p.apply(Create.of(irisVectors()).withRowSchema(VECTORS))
                .apply(ClusteringEvaluation.of("species").withVectorCol("features")))
        .satisfies(
            m -> {
              assertMatchesSklearn(m, "species");
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  /**
   * With a sample of 100 of the 150 rows, the silhouette is that of the 100 rows with the smallest
   * sample keys, whatever the runner's order; another seed draws another sample.
   */
  @Test
  void samplesTheSilhouetteByTheRowsContentAndSeed() {
    List<KV<Long, KV<String, double[]>>> keyed = new ArrayList<>();
    for (Row r : irisVectors()) {
      double[] x = r.getLogicalTypeValue("features", Vector.class).toArray();
      String c = r.getString("species");
      keyed.add(KV.of(SilhouetteSample.sampleKey(7, c, x), KV.of(c, x)));
    }
    keyed.sort(Comparator.comparing(KV::getKey));
    List<KV<String, double[]>> smallest = new ArrayList<>();
    for (KV<Long, KV<String, double[]>> k : keyed.subList(0, 100)) {
      smallest.add(k.getValue());
    }
    double expected = ClusterIndices.silhouette(smallest);
    double exact =
        RegressionClusteringReference.get("clustering", "species", "silhouette").asDouble();
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(irisVectors()).withRowSchema(VECTORS));
    ClusteringEvaluation sampled =
        ClusteringEvaluation.of("species").withVectorCol("features").withSilhouetteSampleSize(100);
    PAssert.thatSingleton(rows.apply("Seed 7", sampled.withSeed(7)))
        .satisfies(
            m -> {
              assertEquals(expected, m.silhouette(), 0.0);
              assertEquals(100, m.silhouetteRows());
              assertFalse(m.silhouetteExact());
              // Sampling noise of 100 of 150 rows: a few hundredths.
              assertEquals(exact, m.silhouette(), 0.05);
              return null;
            });
    PAssert.thatSingleton(rows.apply("Seed 8", sampled.withSeed(8)))
        .satisfies(
            m -> {
              assertNotEquals(expected, m.silhouette());
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  /**
   * Three points on a line, clusters {0, 1} and {10}: scikit-learn gives silhouette
   * 0.5962962962962962 (the lone point scores 0), Davies-Bouldin 0.05263157894736842 and
   * Calinski-Harabasz 120.33333333333334.
   */
  @Test
  void aClusterOfOneScoresZeroInTheSilhouetteAsSklearn() {
    Pipeline p = TestRunner.DIRECT.create();
    PAssert.thatSingleton(
            p.apply(Create.of(point(0, "a"), point(1, "a"), point(10, "b")).withRowSchema(POINTS))
                .apply(ClusteringEvaluation.of("cluster")))
        .satisfies(
            m -> {
              assertEquals(0.5962962962962962, m.silhouette(), 1e-15);
              assertEquals(0.05263157894736842, m.daviesBouldin(), 1e-15);
              assertEquals(120.33333333333334, m.calinskiHarabasz(), 1e-12);
              assertEquals(0.5, m.inertia(), 1e-15);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void failsOnOneClusterOnANullClusterAndOnEmptyInput() {
    assertRunFails(
        List.of(point(0, "a"), point(1, "a")),
        "the number of clusters is 1 [a] over 2 rows; the indices are defined for 2 to rows - 1");
    assertRunFails(
        List.of(point(0, "a"), point(1, null)),
        "Prediction column 'cluster' has value null in row");
    assertRunFails(List.of(), "ClusteringEvaluation: no rows to evaluate");
  }

  private static void assertRunFails(List<Row> rows, String message) {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(rows).withRowSchema(POINTS)).apply(ClusteringEvaluation.of("cluster"));
    RuntimeException e = assertThrows(RuntimeException.class, () -> TestRunner.DIRECT.run(p));
    assertThat(LinearTestSupport.rootMessage(e), containsString(message));
  }

  @Test
  void rejectsAStreamAndBadColumnsWhenThePipelineIsBuilt() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> stream =
        p.apply(TestStream.create(POINTS).addElements(point(0, "a")).advanceWatermarkToInfinity());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> stream.apply("Stream", ClusteringEvaluation.of("cluster")));
    assertThat(e.getMessage(), containsString("takes bounded input"));
    PCollection<Row> rows = p.apply(Create.empty(POINTS));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply("Missing", ClusteringEvaluation.of("cluster").withFeatureCols("y")));
    assertThat(e.getMessage(), containsString("Column 'y' not found"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClusteringEvaluation.of("cluster").withSilhouetteSampleSize(1));
    assertEquals("Expected silhouetteSampleSize >= 2, got 1", e.getMessage());
  }

  @Test
  void daviesBouldinIsZeroWhenEveryClusterIsAPoint() {
    double[][] means = {{0, 0}, {1, 1}};
    assertEquals(0.0, ClusterIndices.daviesBouldin(new double[] {0, 0}, means));
  }

  @Test
  void metricsRoundTripThroughTheCoderAndPrintAReport() throws Exception {
    ClusteringMetrics m =
        ClusteringMetrics.of(
            List.of("0", "1"), new long[] {50, 100}, 78.85, 0.68, 561.6, 0.66, 100);
    assertEquals(m, CoderUtils.clone(ClusteringMetrics.Coder.of(), m));
    assertEquals(
        String.join(
            "\n",
            "Clustering: 150 rows, 2 clusters",
            "",
            "metric                      value",
            "inertia                     78.85",
            "silhouette (sample of 100)   0.68",
            "calinskiHarabasz            561.6",
            "daviesBouldin                0.66",
            "",
            "cluster  size",
            "0          50",
            "1         100",
            ""),
        m.report());
    Row row = m.toRow();
    assertEquals(ClusteringMetrics.schema(), row.getSchema());
    assertEquals(List.of(50L, 100L), row.getArray("clusterSizes"));
    assertFalse(row.getBoolean("silhouetteExact"));
  }
}
