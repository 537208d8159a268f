package org.beamlink.transforms.clustering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.iteration.Execution;
import org.beamlink.iteration.PackBlocks;
import org.beamlink.models.Provenance;
import org.beamlink.models.clustering.DistanceMeasure;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.io.ReadParquet;
import org.beamlink.transforms.io.ReadParquetBlocks;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KMeansTest {
  /**
   * scikit-learn 1.2.1 (Debian python3-sklearn), {@code KMeans(n_clusters=3, init=X[[0, 50, 100]],
   * n_init=1, algorithm="lloyd", max_iter=300, tol=0.0)} on its Iris copy; made by
   * src/test/resources/clustering/kmeans_reference.py into kmeans_iris_reference.json.
   */
  private static final double[][] SKLEARN_IRIS_CENTERS = {
    {5.006, 3.428, 1.4620000000000002, 0.24600000000000055},
    {5.901612903225806, 2.7483870967741937, 4.393548387096774, 1.4338709677419355},
    {6.85, 3.0736842105263156, 5.742105263157894, 2.0710526315789473}
  };

  private static final double SKLEARN_IRIS_INERTIA = 78.851441426146;
  private static final int SKLEARN_IRIS_ITERATIONS = 4;

  /** Same source; sklearn's centres differ from plain means in the last bits, hence 1e-9. */
  private static final double TOLERANCE = 1e-9;

  private static final Map<String, KMeansModel> MODELS = new ConcurrentHashMap<>();

  /** Keeps the single model of a pipeline in this JVM, under a key (all runners run in it). */
  static final class KeepModel extends DoFn<KMeansModel, Void> {
    private final String key;

    KeepModel(String key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element KMeansModel model) {
      MODELS.put(key, model);
    }
  }

  private static KMeans.Fit irisFit() {
    List<Row> iris = TestData.iris();
    List<Vector> init = new ArrayList<>();
    for (int i : new int[] {0, 50, 100}) {
      Row r = iris.get(i);
      init.add(Vector.dense(r.getDouble(0), r.getDouble(1), r.getDouble(2), r.getDouble(3)));
    }
    return KMeans.fit().withFeatureCols(TestData.IRIS_FEATURES).withK(3).withInitialCentroids(init);
  }

  private static void assertIrisModel(KMeansModel model) {
    for (int c = 0; c < 3; c++) {
      assertArrayEquals(SKLEARN_IRIS_CENTERS[c], model.centroid(c).toArray(), TOLERANCE);
    }
    assertEquals(SKLEARN_IRIS_INERTIA, model.provenance().finalLoss(), TOLERANCE);
    assertEquals(SKLEARN_IRIS_ITERATIONS, model.provenance().iterations());
    assertEquals(150, model.provenance().rows());
  }

  @BoundedRunnerTest
  void fitMatchesSklearnOnIrisOnBothPaths(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
    for (Execution path : new Execution[] {Execution.DISTRIBUTED, Execution.IN_WORKER}) {
      PCollection<KMeansModel> model = rows.apply(path.name(), irisFit().withExecution(path));
      PAssert.thatSingleton(model)
          .satisfies(
              m -> {
                assertIrisModel(m);
                return null;
              });
      model.apply("Keep " + path, ParDo.of(new KeepModel(runner + "/" + path)));
    }
    runner.run(p);
    assertEquals(
        MODELS.get(runner + "/DISTRIBUTED"),
        MODELS.get(runner + "/IN_WORKER"),
        "both execution paths give the same model, bit for bit");
  }

  /**
   * Iris read from its CSV file straight into blocks ({@link KMeans.Fit#fromCsv}): scikit-learn's
   * model to the same tolerance, and the model fitted on ReadCsv's rows to 1e-12 (blocks hold other
   * rows, so sums may differ in their last bits).
   */
  @BoundedRunnerTest
  void fromCsvMatchesSklearnAndTheFitOnRows(TestRunner runner) throws Exception {
    String iris = Path.of(KMeansTest.class.getResource("/clustering/iris.csv").toURI()).toString();
    Pipeline p = runner.create();
    p.apply("From CSV", irisFit().fromCsv(ReadCsv.from(iris)))
        .apply("Keep CSV", ParDo.of(new KeepModel("csv/" + runner)));
    p.apply("Rows", ReadCsv.from(iris))
        .apply("From rows", irisFit())
        .apply("Keep rows", ParDo.of(new KeepModel("rows/" + runner)));
    runner.run(p);
    KMeansModel csv = MODELS.get("csv/" + runner);
    KMeansModel rows = MODELS.get("rows/" + runner);
    assertIrisModel(csv);
    assertArrayEquals(rows.centroidValues(), csv.centroidValues(), 1e-12);
    assertEquals(rows.provenance().finalLoss(), csv.provenance().finalLoss(), 1e-12);
  }

  /**
   * Iris read from its Parquet file straight into blocks ({@link KMeans.Fit#fromParquet}):
   * scikit-learn's model to the same tolerance, and the model fitted on ReadParquet's rows to 1e-12
   * (blocks hold other rows, so sums may differ in their last bits).
   */
  @BoundedRunnerTest
  void fromParquetMatchesSklearnAndTheFitOnRows(TestRunner runner) throws Exception {
    String iris = Path.of(KMeansTest.class.getResource("/io/iris.parquet").toURI()).toString();
    Pipeline p = runner.create();
    p.apply("From Parquet", irisFit().fromParquet(ReadParquetBlocks.from(iris)))
        .apply("Keep Parquet", ParDo.of(new KeepModel("parquet/" + runner)));
    p.apply("Rows", ReadParquet.from(iris))
        .apply("From rows", irisFit())
        .apply("Keep rows", ParDo.of(new KeepModel("parquet-rows/" + runner)));
    runner.run(p);
    KMeansModel parquet = MODELS.get("parquet/" + runner);
    KMeansModel rows = MODELS.get("parquet-rows/" + runner);
    assertIrisModel(parquet);
    assertArrayEquals(rows.centroidValues(), parquet.centroidValues(), 1e-12);
    assertEquals(rows.provenance().finalLoss(), parquet.provenance().finalLoss(), 1e-12);
  }

  @Test
  void sameModelOnDirectAndFlinkAtParallelismOneAndTwo() {
    String[][] setups = {{"DIRECT", ""}, {"FLINK_BATCH", "1"}, {"FLINK_BATCH", "2"}};
    for (String[] s : setups) {
      TestRunner runner = TestRunner.valueOf(s[0]);
      Pipeline p = s[1].isEmpty() ? runner.create() : runner.create("--parallelism=" + s[1]);
      p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS))
          .apply(irisFit().withInitialCentroids(irisInit()).withExecution(Execution.DISTRIBUTED))
          .apply(ParDo.of(new KeepModel("setup/" + s[0] + s[1])));
      runner.run(p);
    }
    KMeansModel direct = MODELS.get("setup/DIRECT");
    assertIrisModel(direct);
    for (String key : new String[] {"setup/FLINK_BATCH1", "setup/FLINK_BATCH2"}) {
      KMeansModel flink = MODELS.get(key);
      assertArrayEquals(direct.centroidValues(), flink.centroidValues(), 1e-12, key);
      assertEquals(direct.provenance().finalLoss(), flink.provenance().finalLoss(), 1e-12, key);
      assertEquals(direct.provenance().iterations(), flink.provenance().iterations(), key);
    }
  }

  private static List<Vector> irisInit() {
    List<Row> iris = TestData.iris();
    List<Vector> init = new ArrayList<>();
    for (int i : new int[] {0, 50, 100}) {
      Row r = iris.get(i);
      init.add(Vector.dense(r.getDouble(0), r.getDouble(1), r.getDouble(2), r.getDouble(3)));
    }
    return init;
  }

  private static List<Row> sixPoints() {
    double[][] points = {
      {0, 0, 0}, {0.1, 0.1, 0.1}, {0.2, 0.2, 0.2}, {9, 9, 9}, {9.1, 9.1, 9.1}, {9.2, 9.2, 9.2}
    };
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < points.length; i++) {
      rows.add(TestData.vectorRow(i, Vector.dense(points[i])));
    }
    return rows;
  }

  /** KMeans on the six points, started from (0,0,0) and (9,9,9). */
  private static PCollection<KMeansModel> sixPointsModel(Pipeline p) {
    return p.apply("Training", Create.of(sixPoints()).withRowSchema(TestData.VECTORS))
        .apply(
            KMeans.fit()
                .withVectorCol("features")
                .withK(2)
                .withInitialCentroids(List.of(Vector.dense(0, 0, 0), Vector.dense(9, 9, 9))));
  }

  /** The issue's six points: centroids (0.1,0.1,0.1) and (9.1,9.1,9.1), distances 0.1732, 0. */
  @BoundedRunnerTest
  void sixPointsFitAndPredict(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(Create.of(sixPoints()).withRowSchema(TestData.VECTORS));
    PCollection<KMeansModel> model =
        rows.apply(KMeans.fit().withVectorCol("features").withK(2).withSeed(1));
    PAssert.thatSingleton(model)
        .satisfies(
            m -> {
              double[][] centers = {m.centroid(0).toArray(), m.centroid(1).toArray()};
              Arrays.sort(centers, Comparator.comparingDouble(c -> c[0]));
              assertArrayEquals(new double[] {0.1, 0.1, 0.1}, centers[0], TOLERANCE);
              assertArrayEquals(new double[] {9.1, 9.1, 9.1}, centers[1], TOLERANCE);
              // sklearn's inertia for these points: 0.11999999999999969.
              assertEquals(0.12, m.provenance().finalLoss(), TOLERANCE);
              return null;
            });
    PAssert.that(rows.apply(KMeans.predict(model)))
        .satisfies(
            scored -> {
              double[] distance = new double[6];
              int[] cluster = new int[6];
              for (Row r : scored) {
                distance[r.getInt32("id")] = r.getDouble("distance");
                cluster[r.getInt32("id")] = r.getInt32("prediction");
              }
              double d = Math.sqrt(0.03);
              assertArrayEquals(new double[] {d, 0, d, d, 0, d}, distance, TOLERANCE);
              assertEquals(cluster[0], cluster[2]);
              assertEquals(cluster[3], cluster[5]);
              assertTrue(cluster[0] != cluster[3]);
              return null;
            });
    runner.run(p);
  }

  /** Rows the model cannot score go, whole, to the failure output; the others are scored. */
  @BoundedRunnerTest
  void predictKeepsUnscorableRowsInTheFailureOutput(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<KMeansModel> model = sixPointsModel(p);
    List<Row> toScore =
        List.of(
            TestData.vectorRow(1, Vector.dense(0, 0, 1)),
            TestData.vectorRow(2, Vector.dense(1, Double.NaN, 1)),
            TestData.vectorRow(3, Vector.dense(1, 2)),
            TestData.vectorRow(4, Vector.dense(9, 9, 8)));
    WithFailures.Result<PCollection<Row>, Row> result =
        p.apply("To score", Create.of(toScore).withRowSchema(TestData.VECTORS))
            .apply(KMeans.predict(model).withFailures());
    PAssert.that(result.output())
        .satisfies(
            rows -> {
              List<Integer> ids = new ArrayList<>();
              rows.forEach(r -> ids.add(r.getInt32("id")));
              ids.sort(null);
              assertEquals(List.of(1, 4), ids);
              return null;
            });
    PAssert.that(result.failures())
        .satisfies(
            failures -> {
              Map<Integer, String> errors = new java.util.TreeMap<>();
              failures.forEach(
                  f -> errors.put(f.getRow("row").getInt32("id"), f.getString("error")));
              assertEquals(List.of(2, 3), new ArrayList<>(errors.keySet()));
              assertTrue(errors.get(2).contains("NaN"), errors.get(2));
              assertTrue(
                  errors.get(3).contains("size 2") && errors.get(3).contains("size 3"),
                  errors.get(3));
              return null;
            });
    runner.run(p);
  }

  /** A model fitted on bounded data scores an unbounded stream. */
  @UnboundedRunnerTest
  void predictsOnAStream(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<KMeansModel> model = sixPointsModel(p);
    TestStream<Row> stream =
        TestStream.create(TestData.VECTORS)
            .addElements(
                TimestampedValue.of(
                    TestData.vectorRow(100, Vector.dense(0.1, 0.1, 0.2)), new Instant(0)),
                TimestampedValue.of(
                    TestData.vectorRow(101, Vector.dense(8, 9, 9)), new Instant(1000)))
            .advanceWatermarkTo(new Instant(5000))
            .addElements(
                TimestampedValue.of(
                    TestData.vectorRow(102, Vector.dense(9.1, 9.1, 9.1)), new Instant(6000)))
            .advanceWatermarkToInfinity();
    PCollection<Row> scored = p.apply("Stream", stream).apply(KMeans.predict(model));
    PAssert.that(scored)
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                int id = r.getInt32("id");
                assertEquals(id == 100 ? 0 : 1, r.getInt32("prediction"), "row " + id);
                if (id == 102) {
                  assertEquals(0.0, r.getDouble("distance"), TOLERANCE);
                }
                if (id == 100) {
                  // (0.1,0.1,0.2) to (0.1,0.1,0.1)
                  assertEquals(0.1, r.getDouble("distance"), TOLERANCE);
                }
              }
              assertEquals(3, n);
              return null;
            });
    runner.run(p);
  }

  /**
   * Generated data with a known truth: k-means|| finds the three true centres. Random
   * initialisation may stop in a local optimum (Lloyd's algorithm does; scikit-learn hides it by
   * restarting ten times), so of it the test asks only what must hold: its cost is never below that
   * of the true clustering.
   */
  @BoundedRunnerTest
  void recoversGeneratedClusters(TestRunner runner) {
    double[][] truth = {{0, 0, 0, 0}, {10, 10, 0, 0}, {0, 10, 10, -10}};
    Pipeline p = runner.create();
    PCollection<Row> rows =
        p.apply(Create.of(TestData.blobs(truth, 300, 0.5, 42)).withRowSchema(TestData.VECTORS));
    PCollection<KMeansModel> parallel =
        rows.apply("Parallel", KMeans.fit().withVectorCol("features").withK(3).withSeed(7));
    PAssert.thatSingleton(parallel)
        .satisfies(
            m -> {
              for (double[] t : truth) {
                double best = Double.POSITIVE_INFINITY;
                for (int c = 0; c < 3; c++) {
                  best = Math.min(best, Math.sqrt(m.centroid(c).squaredDistance(Vector.dense(t))));
                }
                // 300 points of sd 0.5 in 4-d: the mean is within ~0.1 of the truth.
                assertTrue(best < 0.15, "no centroid near " + Arrays.toString(t));
              }
              assertEquals(900, m.provenance().rows());
              return null;
            });
    parallel.apply("Keep parallel", ParDo.of(new KeepModel("blobs/" + runner + "/parallel")));
    rows.apply(
            "Random",
            KMeans.fit()
                .withVectorCol("features")
                .withK(3)
                .withSeed(7)
                .withInitMode(InitMode.RANDOM))
        .apply("Keep random", ParDo.of(new KeepModel("blobs/" + runner + "/random")));
    runner.run(p);
    double optimal = MODELS.get("blobs/" + runner + "/parallel").provenance().finalLoss();
    double random = MODELS.get("blobs/" + runner + "/random").provenance().finalLoss();
    assertTrue(random >= optimal * (1 - 1e-12), random + " < " + optimal);
  }

  @Test
  void aSeedGivesTheSameModelOnEveryRunner() {
    double[][] truth = {{0, 0}, {5, 5}, {0, 5}, {5, 0}};
    for (TestRunner runner : new TestRunner[] {TestRunner.DIRECT, TestRunner.FLINK_BATCH}) {
      Pipeline p = runner.create();
      p.apply(Create.of(TestData.blobs(truth, 100, 1.5, 3)).withRowSchema(TestData.VECTORS))
          .apply(KMeans.fit().withVectorCol("features").withK(4).withSeed(11).withNumTasks(3))
          .apply(ParDo.of(new KeepModel("seeded/" + runner)));
      runner.run(p);
    }
    KMeansModel direct = MODELS.get("seeded/DIRECT");
    KMeansModel flink = MODELS.get("seeded/FLINK_BATCH");
    assertArrayEquals(direct.centroidValues(), flink.centroidValues(), 1e-12);
    assertEquals(direct.provenance().iterations(), flink.provenance().iterations());
  }

  /** Cosine: centroids are normalised means of normalised points; distances are 1 - cos. */
  @Test
  void cosineDistanceClustersByDirection() {
    Pipeline p = TestRunner.DIRECT.create();
    List<Row> rows =
        List.of(
            TestData.vectorRow(0, Vector.dense(1, 0)),
            TestData.vectorRow(1, Vector.dense(10, 1)),
            TestData.vectorRow(2, Vector.dense(0, 2)),
            TestData.vectorRow(3, Vector.dense(1, 30)));
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(TestData.VECTORS));
    PCollection<KMeansModel> model =
        input.apply(
            KMeans.fit()
                .withVectorCol("features")
                .withK(2)
                .withDistance(DistanceMeasure.COSINE)
                .withInitialCentroids(List.of(Vector.dense(1, 0), Vector.dense(0, 1))));
    // By hand: cluster 0 holds (1,0) and (10,1)/|(10,1)|; its centroid is their mean, normalised.
    double[] a = {1 + 10 / Math.sqrt(101), 1 / Math.sqrt(101)};
    double na = Math.hypot(a[0], a[1]);
    PAssert.thatSingleton(model)
        .satisfies(
            m -> {
              assertArrayEquals(
                  new double[] {a[0] / na, a[1] / na}, m.centroid(0).toArray(), 1e-12);
              return null;
            });
    PAssert.that(input.apply(KMeans.predict(model)))
        .satisfies(
            scored -> {
              for (Row r : scored) {
                if (r.getInt32("id") == 0) {
                  assertEquals(0, r.getInt32("prediction"));
                  assertEquals(1 - a[0] / na, r.getDouble("distance"), 1e-12);
                }
              }
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  /** A row of weight 2 counts as the same row twice. */
  @Test
  void weightsCountAsRepeatedRows() {
    Schema schema =
        Schema.builder().addDoubleField("x").addDoubleField("y").addDoubleField("w").build();
    List<Row> weighted = new ArrayList<>();
    List<Row> repeated = new ArrayList<>();
    double[][] pts = {{0, 0}, {1, 0}, {0, 1}, {8, 8}, {9, 8}, {8, 10}};
    for (int i = 0; i < pts.length; i++) {
      int w = i % 3 + 1;
      weighted.add(Row.withSchema(schema).addValues(pts[i][0], pts[i][1], (double) w).build());
      for (int r = 0; r < w; r++) {
        repeated.add(Row.withSchema(schema).addValues(pts[i][0], pts[i][1], 1.0).build());
      }
    }
    KMeans.Fit fit =
        KMeans.fit()
            .withFeatureCols("x", "y")
            .withK(2)
            .withInitialCentroids(List.of(Vector.dense(0, 0), Vector.dense(9, 9)));
    Pipeline p = TestRunner.DIRECT.create();
    p.apply("W", Create.of(weighted).withRowSchema(schema))
        .apply("FitW", fit.withWeightCol("w"))
        .apply("KeepW", ParDo.of(new KeepModel("weighted")));
    p.apply("R", Create.of(repeated).withRowSchema(schema))
        .apply("FitR", fit)
        .apply("KeepR", ParDo.of(new KeepModel("repeated")));
    TestRunner.DIRECT.run(p);
    assertArrayEquals(
        MODELS.get("repeated").centroidValues(), MODELS.get("weighted").centroidValues(), 1e-12);
    assertEquals(
        MODELS.get("repeated").provenance().finalLoss(),
        MODELS.get("weighted").provenance().finalLoss(),
        1e-12);
  }

  @Test
  void parametersHaveDefaults() {
    KMeans.Fit fit = KMeans.fit();
    assertEquals(2, fit.k());
    assertEquals(20, fit.maxIter());
    assertEquals(1e-4, fit.tol());
    assertEquals(0L, fit.seed());
    assertEquals(InitMode.K_MEANS_PARALLEL, fit.initMode());
    assertEquals(2, fit.initSteps());
    assertEquals(DistanceMeasure.EUCLIDEAN, fit.distance());
    assertEquals(Execution.AUTO, fit.iterationSettings().execution());
    assertEquals(PackBlocks.DEFAULT_BLOCK_SIZE, fit.iterationSettings().blockSize());
    assertEquals("prediction", fit.predictionCol());
    assertEquals("distance", fit.distanceCol());
    assertNull(fit.featureCols());
    assertNull(fit.vectorCol());
    assertNull(fit.weightCol());
    assertNull(fit.initialCentroids());
    assertNull(fit.iterationSettings().numTasks());
  }

  @Test
  void outputSchemaAppendsTheClusterAndTheDistance() {
    KMeansModel model =
        KMeansModel.of(
                new double[] {0, 0, 1, 1},
                2,
                DistanceMeasure.EUCLIDEAN,
                FeatureColumns.of(List.of("x", "y")),
                Provenance.of("KMeans", Map.of(), 0, 1, 0.0, 2))
            .withOutputCols("cluster", "dist");
    Schema xy = Schema.builder().addDoubleField("x").addDoubleField("y").build();
    Schema out = model.outputSchema(xy);
    assertEquals(List.of("x", "y", "cluster", "dist"), out.getFieldNames());
    assertEquals(Schema.FieldType.INT32, out.getField("cluster").getType());
    assertEquals(Schema.FieldType.DOUBLE, out.getField("dist").getType());
    Row scored = model.bind(xy).apply(Row.withSchema(xy).addValues(0.9, 1.0).build());
    assertEquals(1, scored.getInt32("cluster"));
    assertEquals(0.1, scored.getDouble("dist"), 1e-15);
    IllegalArgumentException taken =
        assertThrows(IllegalArgumentException.class, () -> model.outputSchema(out));
    assertTrue(taken.getMessage().contains("cluster"), taken.getMessage());
  }

  /**
   * The Iris model written to a model file and read back: equal, and scoring every row the same.
   */
  @Test
  void saveAndLoadScoresTheSame(@TempDir Path dir) throws IOException {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS))
        .apply(irisFit())
        .apply(ParDo.of(new KeepModel("saved")));
    TestRunner.DIRECT.run(p);
    KMeansModel fitted = MODELS.get("saved").withOutputCols("cluster", "dist");
    assertIrisModel(fitted);
    Path file = dir.resolve("iris.blm");
    ModelFile.write(fitted, file);
    KMeansModel loaded = ModelFile.read(file, KMeansModel.class);
    assertEquals(fitted, loaded);
    Transformer.Bound before = fitted.bind(TestData.IRIS);
    Transformer.Bound after = loaded.bind(TestData.IRIS);
    for (Row row : TestData.iris()) {
      assertEquals(before.apply(row), after.apply(row));
    }
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> KMeans.fit().withK(1));
    assertThrows(IllegalArgumentException.class, () -> KMeans.fit().withMaxIter(0));
    assertThrows(IllegalArgumentException.class, () -> KMeans.fit().withTol(-1));
    assertThrows(IllegalArgumentException.class, () -> KMeans.fit().withInitSteps(0));
    assertThrows(IllegalArgumentException.class, () -> KMeans.fit().withFeatureCols());
  }

  @Test
  void rejectsAMissingColumnWhenThePipelineIsBuilt() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(KMeans.fit().withFeatureCols("sepal_length", "petal_lenght")));
    assertTrue(e.getMessage().contains("'petal_lenght' not found"), e.getMessage());
    IllegalArgumentException wrongType =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply("T", KMeans.fit().withFeatureCols("species")));
    assertTrue(wrongType.getMessage().contains("species"), wrongType.getMessage());
    assertThrows(IllegalArgumentException.class, () -> rows.apply("N", KMeans.fit()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            rows.apply(
                "C",
                KMeans.fit()
                    .withFeatureCols(TestData.IRIS_FEATURES)
                    .withK(3)
                    .withInitialCentroids(List.of(Vector.dense(1, 2, 3, 4)))));
  }

  private static String failureOf(List<Row> rows, Schema schema, KMeans.Fit fit) {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(rows).withRowSchema(schema)).apply(fit);
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
    KMeans.Fit fit = KMeans.fit().withFeatureCols("x", "y").withK(2);
    String nan =
        failureOf(
            List.of(
                Row.withSchema(xy).addValues(1.0, 2.0).build(),
                Row.withSchema(xy).addValues(3.0, Double.NaN).build()),
            xy,
            fit);
    assertTrue(nan.contains("Column 'y' has value NaN"), nan);
    String nulls = failureOf(List.of(Row.withSchema(xy).addValues(1.0, null).build()), xy, fit);
    assertTrue(nulls.contains("Column 'y' is null"), nulls);
    String tooFew =
        failureOf(
            List.of(
                Row.withSchema(xy).addValues(1.0, 1.0).build(),
                Row.withSchema(xy).addValues(1.0, 1.0).build(),
                Row.withSchema(xy).addValues(2.0, 2.0).build()),
            xy,
            fit.withK(3));
    assertTrue(
        tooFew.contains("k=3 needs at least 3 distinct points; the input has only 2"), tooFew);
    String empty = failureOf(List.of(), xy, fit);
    assertTrue(empty.contains("the input is empty"), empty);
    String sizes =
        failureOf(
            List.of(
                TestData.vectorRow(0, Vector.dense(1, 2)),
                TestData.vectorRow(1, Vector.dense(1, 2, 3)),
                TestData.vectorRow(2, Vector.dense(5, 5))),
            TestData.VECTORS,
            KMeans.fit().withVectorCol("features").withK(2));
    assertTrue(sizes.matches("(?s).*size [23] in some rows and [23] in others.*"), sizes);
    String zero =
        failureOf(
            List.of(
                TestData.vectorRow(0, Vector.dense(1, 2)),
                TestData.vectorRow(1, Vector.dense(0, 0))),
            TestData.VECTORS,
            KMeans.fit().withVectorCol("features").withDistance(DistanceMeasure.COSINE));
    assertTrue(zero.contains("zero vector"), zero);
  }
}
