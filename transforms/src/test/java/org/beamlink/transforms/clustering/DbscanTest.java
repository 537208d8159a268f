package org.beamlink.transforms.clustering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.clustering.DbscanModel;
import org.beamlink.models.clustering.DistanceMeasure;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.LocalPredictor;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.pipeline.Kept;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Dbscan} against scikit-learn 1.2.1's {@code DBSCAN}
 * (src/test/resources/clustering/dbscan_reference.py, which writes dbscan_reference.json and the
 * two data files): generated blobs with uniform noise (eps 0.8, min_samples 8), iris
 * standard-scaled (eps 0.6, min_samples 4) and raw iris with the cosine distance (eps 0.0005,
 * min_samples 3).
 *
 * <p>How labels are compared: the core points and the noise points must be exactly scikit-learn's;
 * the labels must equal, up to renumbering, the reference's {@code nearest_core_labels}
 * (scikit-learn's core points and clusters, every border point given the cluster of its nearest
 * core point, the lexicographically smallest among equally near: Beamlink's rule); and they must
 * equal scikit-learn's own labels, up to the same renumbering, except at the reference's {@code
 * ambiguous} points (border points within eps of core points of two clusters, where scikit-learn's
 * choice follows its visiting order): 4 of the blobs' points and 1 of scaled iris'. No tolerance:
 * the coordinates are read from the same text, and distances are compared as scikit-learn's kd-tree
 * does (squared sums against eps squared).
 */
class DbscanTest {
  private static final Schema BLOBS =
      Schema.builder().addInt32Field("id").addDoubleField("x").addDoubleField("y").build();
  private static final Schema IRIS_SCALED =
      Schema.builder()
          .addInt32Field("id")
          .addDoubleField("a")
          .addDoubleField("b")
          .addDoubleField("c")
          .addDoubleField("d")
          .build();

  private static JsonNode reference;

  private static synchronized JsonNode reference(String name) {
    if (reference == null) {
      try (InputStream in =
          DbscanTest.class.getResourceAsStream("/clustering/dbscan_reference.json")) {
        reference = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return reference.get(name);
  }

  private static List<Row> csv(String file, Schema schema) {
    List<Row> rows = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                DbscanTest.class.getResourceAsStream("/clustering/" + file),
                StandardCharsets.UTF_8))) {
      in.readLine();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(",");
        Row.Builder b = Row.withSchema(schema).addValue(Integer.parseInt(f[0]));
        for (int j = 1; j < f.length; j++) {
          b.addValue(Double.parseDouble(f[j]));
        }
        rows.add(b.build());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** A reference case: its rows (each with an INT32 "id", its index in the reference) and fit. */
  private record Case(String name, List<Row> rows, Schema schema, Dbscan.Fit fit) {}

  private static Case blobs() {
    JsonNode ref = reference("blobs");
    return new Case(
        "blobs",
        csv("dbscan_blobs.csv", BLOBS),
        BLOBS,
        Dbscan.fit()
            .withFeatureCols("x", "y")
            .withEps(ref.get("eps").asDouble())
            .withMinPoints(ref.get("min_samples").asInt()));
  }

  private static Case irisScaled() {
    JsonNode ref = reference("iris_scaled");
    return new Case(
        "iris_scaled",
        csv("dbscan_iris_scaled.csv", IRIS_SCALED),
        IRIS_SCALED,
        Dbscan.fit()
            .withFeatureCols("a", "b", "c", "d")
            .withEps(ref.get("eps").asDouble())
            .withMinPoints(ref.get("min_samples").asInt()));
  }

  private static Case irisCosine() {
    JsonNode ref = reference("iris_cosine");
    List<Row> rows = new ArrayList<>();
    List<Row> iris = TestData.iris();
    for (int i = 0; i < iris.size(); i++) {
      double[] v = new double[4];
      for (int j = 0; j < 4; j++) {
        v[j] = iris.get(i).getDouble(TestData.IRIS_FEATURES[j]);
      }
      rows.add(TestData.vectorRow(i, Vector.dense(v)));
    }
    return new Case(
        "iris_cosine",
        rows,
        TestData.VECTORS,
        Dbscan.fit()
            .withVectorCol("features")
            .withDistance(DistanceMeasure.COSINE)
            .withEps(ref.get("eps").asDouble())
            .withMinPoints(ref.get("min_samples").asInt()));
  }

  /** Fits {@code fit} on the case's rows; the labels by id, and the model. */
  private static DbscanModel fitAndLabel(
      Case c, Dbscan.Fit fit, TestRunner runner, String key, String... args) {
    Pipeline p = runner.create(args);
    PCollectionTuple result =
        p.apply(Create.of(c.rows()).withRowSchema(c.schema())).apply(fit.andLabel());
    Kept.keep(result.get(Dbscan.FitAndLabel.rowsTag()), key + "-rows");
    Kept.keep(result.get(Dbscan.FitAndLabel.modelTag()), key + "-model");
    runner.run(p);
    List<DbscanModel> models = Kept.get(key + "-model");
    assertEquals(1, models.size());
    return models.get(0);
  }

  private static int[] labelsById(String key, int n) {
    List<Row> rows = Kept.get(key + "-rows");
    assertEquals(n, rows.size(), key);
    int[] labels = new int[n];
    for (Row r : rows) {
      labels[r.getInt32("id")] = r.getInt32("prediction");
    }
    return labels;
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  /** The checks of the class comment, and the model predicting every training row's label. */
  private static void assertMatchesSklearn(Case c, DbscanModel model, int[] labels, String what) {
    JsonNode ref = reference(c.name());
    int[] sklearn = ints(ref.get("labels"));
    int[] rule = ints(ref.get("nearest_core_labels"));
    List<Integer> ambiguous = new ArrayList<>();
    ref.get("ambiguous").forEach(a -> ambiguous.add(a.asInt()));
    assertEquals(ref.get("core").size(), model.numCores(), what + ": core points");
    assertEquals(ref.get("clusters").asInt(), model.k(), what + ": clusters");
    Map<Integer, Integer> toReference = new HashMap<>();
    Map<Integer, Integer> fromReference = new HashMap<>();
    for (int i = 0; i < labels.length; i++) {
      assertEquals(sklearn[i] == -1, labels[i] == -1, what + ": noise at row " + i);
      if (labels[i] == -1) {
        continue;
      }
      int row = i;
      assertEquals(rule[i], (int) toReference.computeIfAbsent(labels[i], l -> rule[row]), what + i);
      assertEquals(labels[i], (int) fromReference.computeIfAbsent(rule[i], l -> labels[row]), what);
      if (!ambiguous.contains(i)) {
        assertEquals(rule[i], sklearn[i], what + ": the reference agrees with itself at row " + i);
      }
    }
    for (int a : ambiguous) {
      assertNotEquals(-1, labels[a], what + ": ambiguous row " + a + " is a border point");
    }
    Map<Integer, Row> byId = new HashMap<>();
    for (Row r : c.rows()) {
      byId.put(r.getInt32("id"), r);
    }
    var bound = model.bind(c.schema());
    for (int i = 0; i < labels.length; i++) {
      assertEquals(
          labels[i], bound.apply(byId.get(i)).getInt32("prediction"), what + ": predict row " + i);
    }
  }

  /**
   * DirectRunner: the three reference cases, with small cells (side 2 eps: about 12 x 12 cells over
   * the blobs, so most clusters span several cells) and, for the blobs, one large cell: same
   * labels.
   */
  @Test
  void labelsEqualSklearnsOnBlobsAndScaledIrisAndCosineIris() {
    for (Case c : List.of(blobs(), irisScaled(), irisCosine())) {
      String key = "direct-" + c.name();
      DbscanModel model = fitAndLabel(c, c.fit().withCellSize(2), TestRunner.DIRECT, key);
      assertMatchesSklearn(c, model, labelsById(key, c.rows().size()), key);
    }
    Case c = blobs();
    DbscanModel small = fitAndLabel(c, c.fit().withCellSize(2), TestRunner.DIRECT, "small");
    DbscanModel large = fitAndLabel(c, c.fit().withCellSize(1000), TestRunner.DIRECT, "large");
    assertSameClusters(small, large, "cell sizes 2 and 1000");
    assertArrayEquals(labelsById("small", c.rows().size()), labelsById("large", c.rows().size()));
  }

  private static void assertSameClusters(DbscanModel expected, DbscanModel actual, String what) {
    assertEquals(expected.numCores(), actual.numCores(), what);
    assertEquals(expected.k(), actual.k(), what);
    for (int i = 0; i < expected.numCores(); i++) {
      assertEquals(expected.core(i), actual.core(i), what);
      assertEquals(expected.coreCluster(i), actual.coreCluster(i), what);
    }
  }

  /**
   * FlinkRunner at parallelism 1 and 2, small cells: the labels and model of the DirectRunner, and
   * scikit-learn's.
   */
  @Test
  void sameLabelsOnFlinkAtParallelismOneAndTwo() {
    Case c = blobs();
    Dbscan.Fit fit = c.fit().withCellSize(2);
    DbscanModel direct = fitAndLabel(c, fit, TestRunner.DIRECT, "setup-direct");
    int[] expected = labelsById("setup-direct", c.rows().size());
    for (String parallelism : new String[] {"1", "2"}) {
      String key = "setup-flink" + parallelism;
      DbscanModel flink =
          fitAndLabel(c, fit, TestRunner.FLINK_BATCH, key, "--parallelism=" + parallelism);
      assertEquals(direct, flink, key);
      int[] labels = labelsById(key, c.rows().size());
      assertArrayEquals(expected, labels, key);
      assertMatchesSklearn(c, flink, labels, key);
    }
  }

  /** The model fitted on bounded rows scores a TestStream: the labels the fit gave those rows. */
  @Test
  void predictsOnAStream() {
    Case c = blobs();
    JsonNode ref = reference("blobs");
    int[] rule = ints(ref.get("nearest_core_labels"));
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<DbscanModel> model =
        p.apply("Training", Create.of(c.rows()).withRowSchema(c.schema())).apply(c.fit());
    int[] probes = {0, 187, 268, 420, 459};
    List<TimestampedValue<Row>> timed = new ArrayList<>();
    for (int i : probes) {
      timed.add(TimestampedValue.of(c.rows().get(i), new Instant(i * 100L)));
    }
    TestStream<Row> stream =
        TestStream.create(c.schema())
            .addElements(timed.get(0), timed.get(1))
            .advanceWatermarkTo(new Instant(30_000))
            .addElements(timed.get(2), timed.get(3), timed.get(4))
            .advanceWatermarkToInfinity();
    PCollection<Row> scored = p.apply("Stream", stream).apply(Dbscan.predict(model));
    PAssert.that(scored)
        .satisfies(
            rows -> {
              Map<Integer, Integer> labels = new HashMap<>();
              for (Row r : rows) {
                labels.put(r.getInt32("id"), r.getInt32("prediction"));
              }
              assertEquals(probes.length, labels.size());
              for (int i : probes) {
                assertEquals(rule[i] == -1, labels.get(i) == -1, "row " + i);
              }
              assertEquals(labels.get(187).equals(labels.get(268)), rule[187] == rule[268]);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  /** A saved model loads equal, and a LocalPredictor on its file gives the fitted labels. */
  @Test
  void saveLoadAndLocalPredictorGiveTheFittedLabels(@TempDir Path dir) throws IOException {
    Case c = irisScaled();
    DbscanModel fitted =
        fitAndLabel(c, c.fit().withPredictionCol("cluster"), TestRunner.DIRECT, "saved");
    List<Row> labelled = Kept.get("saved-rows");
    Path file = dir.resolve("dbscan.blm");
    ModelFile.write(fitted, file);
    assertEquals(fitted, ModelFile.read(file, DbscanModel.class));
    LocalPredictor local = LocalPredictor.load(file, c.schema());
    for (Row r : labelled) {
      Row in = Row.withSchema(c.schema()).addValues(r.getValues().subList(0, 5)).build();
      assertEquals(r, local.predict(in));
    }
  }

  @Test
  void parametersHaveDefaults() {
    Dbscan.Fit fit = Dbscan.fit();
    assertEquals(0.5, fit.eps());
    assertEquals(5, fit.minPoints());
    assertEquals(DistanceMeasure.EUCLIDEAN, fit.distance());
    assertEquals(10.0, fit.cellSize());
    assertEquals("prediction", fit.predictionCol());
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> Dbscan.fit().withEps(0));
    assertThrows(IllegalArgumentException.class, () -> Dbscan.fit().withEps(-1));
    assertThrows(IllegalArgumentException.class, () -> Dbscan.fit().withEps(Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> Dbscan.fit().withEps(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> Dbscan.fit().withMinPoints(0));
    assertThrows(IllegalArgumentException.class, () -> Dbscan.fit().withCellSize(1.5));
    assertThrows(IllegalArgumentException.class, () -> Dbscan.fit().withFeatureCols());
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(blobs().rows()).withRowSchema(BLOBS));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(Dbscan.fit().withFeatureCols("x", "z")));
    assertTrue(missing.getMessage().contains("'z' not found"), missing.getMessage());
    IllegalArgumentException exists =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply("P", Dbscan.fit().withFeatureCols("x", "y").withPredictionCol("id")));
    assertTrue(exists.getMessage().contains("'id' already exists"), exists.getMessage());
  }

  private static String failureOf(List<Row> rows, Schema schema, Dbscan.Fit fit) {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(rows).withRowSchema(schema)).apply(fit.andLabel());
    Throwable e = assertThrows(Throwable.class, () -> TestRunner.DIRECT.run(p));
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" | ");
    }
    return all.toString();
  }

  @Test
  void badDataFailsWithClearMessages() {
    Schema xy =
        Schema.builder().addDoubleField("x").addNullableField("y", Schema.FieldType.DOUBLE).build();
    Dbscan.Fit fit = Dbscan.fit().withFeatureCols("x", "y");
    String nan =
        failureOf(
            List.of(
                Row.withSchema(xy).addValues(1.0, 2.0).build(),
                Row.withSchema(xy).addValues(3.0, Double.NaN).build()),
            xy,
            fit);
    assertTrue(nan.contains("Column 'y' has value NaN"), nan);
    String empty = failureOf(List.of(), xy, fit);
    assertTrue(empty.contains("Dbscan needs training rows; the input is empty"), empty);
    String sizes =
        failureOf(
            List.of(
                TestData.vectorRow(0, Vector.dense(1, 2)),
                TestData.vectorRow(1, Vector.dense(1, 2, 3)),
                TestData.vectorRow(2, Vector.dense(5, 5))),
            TestData.VECTORS,
            Dbscan.fit().withVectorCol("features"));
    assertTrue(sizes.contains("have sizes [2, 3] in different rows"), sizes);
    String zero =
        failureOf(
            List.of(
                TestData.vectorRow(0, Vector.dense(1, 2)),
                TestData.vectorRow(1, Vector.dense(0, 0))),
            TestData.VECTORS,
            Dbscan.fit().withVectorCol("features").withDistance(DistanceMeasure.COSINE));
    assertTrue(zero.contains("A zero vector has no cosine distance"), zero);
  }

  /** All noise: a model without core points, predicting -1 everywhere. */
  @Test
  void sparsePointsAreAllNoise() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rows.add(TestData.vectorRow(i, Vector.dense(10.0 * i, 0)));
    }
    Case c = new Case("sparse", rows, TestData.VECTORS, Dbscan.fit().withVectorCol("features"));
    DbscanModel model = fitAndLabel(c, c.fit().withMinPoints(2), TestRunner.DIRECT, "sparse");
    assertEquals(0, model.numCores());
    assertEquals(0, model.k());
    assertArrayEquals(new int[] {-1, -1, -1, -1, -1, -1}, labelsById("sparse", 6));
    assertEquals(-1, model.predict(Vector.dense(0, 0)));
  }
}
