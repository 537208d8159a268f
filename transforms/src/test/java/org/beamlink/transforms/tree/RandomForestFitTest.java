package org.beamlink.transforms.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.iteration.Execution;
import org.beamlink.models.Provenance;
import org.beamlink.models.SeededHash;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.LocalPredictor;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.tree.DecisionTree;
import org.beamlink.models.tree.DecisionTreeModel;
import org.beamlink.models.tree.RandomForestModel;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.classification.DecisionTreeClassifier;
import org.beamlink.transforms.classification.RandomForestClassifier;
import org.beamlink.transforms.clustering.TestData;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.beamlink.transforms.pipeline.Kept;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.pipeline.WriteModel;
import org.beamlink.transforms.regression.DecisionTreeRegressor;
import org.beamlink.transforms.regression.RandomForestRegressor;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomForestFitTest {
  private static final String[] IRIS_FEATURES = {
    "sepal_length", "sepal_width", "petal_length", "petal_width"
  };

  /** Bins enough for every distinct value of every feature: scikit-learn's exact thresholds. */
  private static final int EXACT_BINS = 1024;

  private static JsonNode reference;

  /** Case {@code name} of forest_reference.json, written by forest_reference.py (sklearn 1.2.1). */
  private static synchronized JsonNode reference(String name) {
    if (reference == null) {
      try (InputStream in =
          RandomForestFitTest.class.getResourceAsStream("/tree/forest_reference.json")) {
        reference = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return reference.path("cases").get(name);
  }

  private static Vector features(Row row, List<String> cols) {
    double[] x = new double[cols.size()];
    for (int j = 0; j < x.length; j++) {
      x[j] = ((Number) row.getValue(cols.get(j))).doubleValue();
    }
    return Vector.dense(x);
  }

  /**
   * Without bootstrap, with subsamplingRate 1 and every feature at every node, every tree of the
   * forest is the decision tree of the same settings, array for array (the same histograms summed
   * in the same order, the same split search): iris (GINI, three string labels), breast cancer
   * (ENTROPY) and diabetes (VARIANCE, minimum leaf 5), depth 3, two trees, on both shim paths.
   * (Breast cancer's exact bins are 15,340, so a node's histogram is 46,020 values and the last
   * level of two trees 2.9 MB a partition; Beam's Flink runner concatenates a worker's partials
   * into one record, which must stay under the 8 MB sort buffer of an embedded batch job.)
   */
  @BoundedRunnerTest
  void withoutSamplingEveryTreeIsTheDecisionTree(TestRunner runner) {
    List<Row> bc = LinearTestSupport.csv("breast_cancer.csv", Schema.FieldType.INT32);
    List<Row> db = LinearTestSupport.csv("diabetes.csv", Schema.FieldType.DOUBLE);
    record Case(String name, List<Row> rows, DecisionTreeFit tree, RandomForestFit forest) {}
    List<Case> cases =
        List.of(
            new Case(
                "iris",
                TestData.iris(),
                DecisionTreeClassifier.fit().withLabelCol("species").withFeatureCols(IRIS_FEATURES),
                RandomForestClassifier.fit()
                    .withLabelCol("species")
                    .withFeatureCols(IRIS_FEATURES)),
            new Case(
                "breast_cancer",
                bc,
                DecisionTreeClassifier.fit()
                    .withImpurity(Impurity.ENTROPY)
                    .withLabelCol("label")
                    .withFeatureCols(LinearTestSupport.featureNames(30)),
                RandomForestClassifier.fit()
                    .withImpurity(Impurity.ENTROPY)
                    .withLabelCol("label")
                    .withFeatureCols(LinearTestSupport.featureNames(30))),
            new Case(
                "diabetes",
                db,
                DecisionTreeRegressor.fit()
                    .withLabelCol("label")
                    .withFeatureCols(LinearTestSupport.featureNames(10))
                    .withMinInstancesPerNode(5),
                RandomForestRegressor.fit()
                    .withLabelCol("label")
                    .withFeatureCols(LinearTestSupport.featureNames(10))
                    .withMinInstancesPerNode(5)));
    Pipeline p = runner.create();
    for (Case c : cases) {
      PCollection<Row> rows =
          p.apply(c.name(), Create.of(c.rows()).withRowSchema(c.rows().get(0).getSchema()));
      Kept.keep(
          rows.apply(c.name() + " tree", c.tree().withMaxDepth(3).withMaxBins(EXACT_BINS)),
          "rf-tree/" + runner + "/" + c.name());
      for (Execution path : new Execution[] {Execution.DISTRIBUTED, Execution.IN_WORKER}) {
        RandomForestFit forest =
            c.forest()
                .withMaxDepth(3)
                .withMaxBins(EXACT_BINS)
                .withNumTrees(2)
                .withBootstrap(false)
                .withSubsamplingRate(1.0)
                .withFeatureSubsetStrategy("all")
                .withExecution(path);
        Kept.keep(
            rows.apply(c.name() + " forest " + path, forest),
            "rf-forest/" + runner + "/" + c.name() + "/" + path);
      }
    }
    runner.run(p);
    for (Case c : cases) {
      DecisionTreeModel tree =
          Kept.<DecisionTreeModel>get("rf-tree/" + runner + "/" + c.name()).get(0);
      assertTrue(tree.tree().numNodes() >= 7, c.name() + ": a tree with splits");
      for (Execution path : new Execution[] {Execution.DISTRIBUTED, Execution.IN_WORKER}) {
        RandomForestModel forest =
            Kept.<RandomForestModel>get("rf-forest/" + runner + "/" + c.name() + "/" + path).get(0);
        assertEquals(2, forest.trees().size());
        for (DecisionTree t : forest.trees()) {
          assertEquals(tree.tree(), t, c.name() + " " + path + ": the decision tree");
        }
        assertEquals(tree.labelValues(), forest.labelValues());
        assertArrayEquals(tree.featureImportances(), forest.featureImportances(), 1e-15);
        assertEquals(c.rows().size(), forest.provenance().rows());
      }
    }
  }

  /**
   * Breast cancer (400 rows to train, 169 held out; 50 trees of depth 6, sqrt features) and
   * diabetes (342 and 100; 50 trees of depth 6, a third of the features, minimum leaf 5), exact
   * bins as scikit-learn's thresholds. The draws differ from scikit-learn's (Poisson counts from
   * row hashes against its n draws with replacement), so the held-out score is compared with the
   * spread of scikit-learn's over random states 0 to 19 (forest_reference.py): within three of its
   * standard deviations of its mean (breast cancer 0.967 +- 0.022, i.e. within 3 of 169 rows;
   * diabetes R^2 0.495 +- 0.042), for each of three seeds.
   */
  @Test
  void heldOutScoresAreWithinTheSklearnSpread() {
    JsonNode bcRef = reference("breast_cancer");
    JsonNode dbRef = reference("diabetes");
    List<Row> bc = LinearTestSupport.csv("breast_cancer.csv", Schema.FieldType.INT32);
    List<Row> db = LinearTestSupport.csv("diabetes.csv", Schema.FieldType.DOUBLE);
    int bcTrain = bcRef.get("trainRows").asInt();
    int dbTrain = dbRef.get("trainRows").asInt();
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> bcRows =
        p.apply("bc", Create.of(bc.subList(0, bcTrain)).withRowSchema(bc.get(0).getSchema()));
    PCollection<Row> dbRows =
        p.apply("db", Create.of(db.subList(0, dbTrain)).withRowSchema(db.get(0).getSchema()));
    long[] seeds = {1, 2, 3};
    for (long seed : seeds) {
      Kept.keep(
          bcRows.apply(
              "bc " + seed,
              RandomForestClassifier.fit()
                  .withLabelCol("label")
                  .withFeatureCols(LinearTestSupport.featureNames(30))
                  .withNumTrees(bcRef.get("numTrees").asInt())
                  .withMaxDepth(bcRef.get("maxDepth").asInt())
                  .withFeatureSubsetStrategy(bcRef.get("featureSubsetStrategy").asText())
                  .withMinInstancesPerNode(bcRef.get("minInstancesPerNode").asInt())
                  .withMaxBins(EXACT_BINS)
                  .withSeed(seed)),
          "spread-bc-" + seed);
      Kept.keep(
          dbRows.apply(
              "db " + seed,
              RandomForestRegressor.fit()
                  .withLabelCol("label")
                  .withFeatureCols(LinearTestSupport.featureNames(10))
                  .withNumTrees(dbRef.get("numTrees").asInt())
                  .withMaxDepth(dbRef.get("maxDepth").asInt())
                  .withFeatureSubsetStrategy(dbRef.get("featureSubsetStrategy").asText())
                  .withMinInstancesPerNode(dbRef.get("minInstancesPerNode").asInt())
                  .withMaxBins(EXACT_BINS)
                  .withSeed(seed)),
          "spread-db-" + seed);
    }
    TestRunner.DIRECT.run(p);
    JsonNode accuracy = bcRef.get("heldOutAccuracy");
    JsonNode r2 = dbRef.get("heldOutR2");
    for (long seed : seeds) {
      RandomForestModel forest = Kept.<RandomForestModel>get("spread-bc-" + seed).get(0);
      List<String> cols = forest.features().featureCols();
      int right = 0;
      for (Row row : bc.subList(bcTrain, bc.size())) {
        right += forest.predictLabel(features(row, cols)).equals(row.getInt32("label")) ? 1 : 0;
      }
      double acc = right / (double) (bc.size() - bcTrain);
      assertEquals(
          accuracy.get("mean").asDouble(),
          acc,
          3 * accuracy.get("std").asDouble(),
          "breast cancer held-out accuracy, seed " + seed);
      RandomForestModel regression = Kept.<RandomForestModel>get("spread-db-" + seed).get(0);
      List<Row> heldOut = db.subList(dbTrain, db.size());
      double mean = heldOut.stream().mapToDouble(r -> r.getDouble("label")).average().orElseThrow();
      double residual = 0;
      double total = 0;
      for (Row row : heldOut) {
        double e = row.getDouble("label") - regression.predict(features(row, cols(regression)));
        residual += e * e;
        total += (row.getDouble("label") - mean) * (row.getDouble("label") - mean);
      }
      assertEquals(
          r2.get("mean").asDouble(),
          1 - residual / total,
          3 * r2.get("std").asDouble(),
          "diabetes held-out R^2, seed " + seed);
    }
  }

  private static List<String> cols(RandomForestModel model) {
    return model.features().featureCols();
  }

  /**
   * A bootstrapped forest of the same seed is the same, tree for tree, on Direct and on Flink at
   * parallelism 1 and 2, on both shim paths: the draws come from the rows' content, and the
   * classification histograms are sums of integers, exact in any order.
   */
  @Test
  void sameModelOnDirectAndFlinkAtParallelismOneAndTwoOnBothPaths() {
    List<Row> bc = LinearTestSupport.csv("breast_cancer.csv", Schema.FieldType.INT32);
    RandomForestFit fit =
        RandomForestClassifier.fit()
            .withLabelCol("label")
            .withFeatureCols(LinearTestSupport.featureNames(30))
            .withNumTrees(10)
            .withMaxDepth(4)
            .withSubsamplingRate(0.8)
            .withSeed(42);
    String[][] setups = {{"DIRECT", ""}, {"FLINK_BATCH", "1"}, {"FLINK_BATCH", "2"}};
    for (String[] s : setups) {
      TestRunner runner = TestRunner.valueOf(s[0]);
      Pipeline p = s[1].isEmpty() ? runner.create() : runner.create("--parallelism=" + s[1]);
      PCollection<Row> rows = p.apply(Create.of(bc).withRowSchema(bc.get(0).getSchema()));
      for (Execution path : new Execution[] {Execution.DISTRIBUTED, Execution.IN_WORKER}) {
        Kept.keep(
            rows.apply(path.toString(), fit.withExecution(path)),
            "setup/" + s[0] + s[1] + "/" + path);
      }
      runner.run(p);
    }
    RandomForestModel direct = Kept.<RandomForestModel>get("setup/DIRECT/DISTRIBUTED").get(0);
    assertEquals(10, direct.trees().size());
    assertNotEquals(direct.trees().get(0), direct.trees().get(1), "trees differ by their draws");
    for (String key :
        List.of(
            "setup/DIRECT/IN_WORKER",
            "setup/FLINK_BATCH1/DISTRIBUTED",
            "setup/FLINK_BATCH1/IN_WORKER",
            "setup/FLINK_BATCH2/DISTRIBUTED",
            "setup/FLINK_BATCH2/IN_WORKER")) {
      assertEquals(direct, Kept.<RandomForestModel>get(key).get(0), key);
    }
  }

  /**
   * A level beyond a million values runs on the distributed path, which ships such histograms by
   * reference, and gives the in-worker forest: 64 trees of depth 3 over breast cancer's 15,340
   * exact bins make up to 64 x 4 x 46,020 = 11,781,120 values (94 MB a task) at the last level,
   * where one task's partial alone used to exceed the sort buffer of the embedded job ("The record
   * exceeds the maximum size of a sort buffer").
   */
  @Test
  void aLevelOfMillionsOfValuesRunsDistributedOnFlink() {
    List<Row> bc = LinearTestSupport.csv("breast_cancer.csv", Schema.FieldType.INT32);
    RandomForestFit fit =
        RandomForestClassifier.fit()
            .withImpurity(Impurity.ENTROPY)
            .withLabelCol("label")
            .withFeatureCols(LinearTestSupport.featureNames(30))
            .withNumTrees(64)
            .withMaxDepth(3)
            .withMaxBins(EXACT_BINS)
            .withFeatureSubsetStrategy("all")
            .withSeed(3);
    Pipeline p = TestRunner.FLINK_BATCH.create();
    PCollection<Row> rows = p.apply(Create.of(bc).withRowSchema(bc.get(0).getSchema()));
    for (Execution path : new Execution[] {Execution.DISTRIBUTED, Execution.IN_WORKER}) {
      Kept.keep(rows.apply(path.toString(), fit.withExecution(path)), "wide/" + path);
    }
    TestRunner.FLINK_BATCH.run(p);
    RandomForestModel inWorker = Kept.<RandomForestModel>get("wide/IN_WORKER").get(0);
    assertEquals(64, inWorker.trees().size());
    assertEquals(inWorker, Kept.<RandomForestModel>get("wide/DISTRIBUTED").get(0));
  }

  /**
   * Seven trees grown three at a time (three passes) are the seven trees grown together, tree for
   * tree: a tree's draws depend on its index, not on when it grows. The passes take more
   * supersteps: at most three times the depth.
   */
  @Test
  void treesGrownInPassesAreTheTreesGrownTogether() {
    List<Row> db = LinearTestSupport.csv("diabetes.csv", Schema.FieldType.DOUBLE);
    RandomForestFit fit =
        RandomForestRegressor.fit()
            .withLabelCol("label")
            .withFeatureCols(LinearTestSupport.featureNames(10))
            .withNumTrees(7)
            .withMaxDepth(4)
            .withSeed(5);
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(db).withRowSchema(db.get(0).getSchema()));
    Kept.keep(rows.apply("Together", fit), "passes-together");
    Kept.keep(rows.apply("In passes", fit.withTreesPerPass(3)), "passes-three");
    TestRunner.DIRECT.run(p);
    RandomForestModel together = Kept.<RandomForestModel>get("passes-together").get(0);
    RandomForestModel passes = Kept.<RandomForestModel>get("passes-three").get(0);
    assertEquals(together.trees(), passes.trees());
    assertEquals(4, together.provenance().iterations());
    assertEquals(12, passes.provenance().iterations());
  }

  /** A forest fitted on bounded rows scores an unbounded stream as it scores each row. */
  @UnboundedRunnerTest
  void predictsOnAStream(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<RandomForestModel> model =
        p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS))
            .apply(
                RandomForestClassifier.fit()
                    .withLabelCol("species")
                    .withFeatureCols(IRIS_FEATURES)
                    .withNumTrees(10));
    List<Row> iris = TestData.iris();
    TestStream<Row> stream =
        TestStream.create(TestData.IRIS)
            .addElements(
                TimestampedValue.of(iris.get(0), new Instant(0)),
                TimestampedValue.of(iris.get(60), new Instant(1000)))
            .advanceWatermarkTo(new Instant(5000))
            .addElements(TimestampedValue.of(iris.get(120), new Instant(6000)))
            .advanceWatermarkToInfinity();
    PCollection<Row> scored =
        p.apply("Stream", stream).apply(RandomForestClassifier.predict(model));
    PAssert.that(scored)
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                assertEquals(r.getString("species"), r.getString("prediction"), r.toString());
                Vector detail = r.getLogicalTypeValue("predictionDetail", Vector.class);
                assertEquals(1.0, detail.get(0) + detail.get(1) + detail.get(2), 1e-12);
              }
              assertEquals(3, n);
              return null;
            });
    runner.run(p);
  }

  /**
   * As a pipeline stage: the fitted pipeline scores as a LocalPredictor on the file WriteModel
   * wrote, to the last bit, and the file loads back as the same model.
   */
  @Test
  void pipelineStageSavesLoadsAndScoresLocally(@TempDir Path dir) throws IOException {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
    PCollection<PipelineModel> model =
        rows.apply(
            MlPipeline.of(
                    RandomForestClassifier.fit()
                        .withLabelCol("species")
                        .withFeatureCols(IRIS_FEATURES)
                        .withNumTrees(5)
                        .withPredictionDetailCol("p"))
                .fit());
    String file = dir.resolve("forest.blm").toString();
    model.apply(WriteModel.to(file));
    Kept.keep(model, "stage-model");
    Kept.keep(rows.apply(MlPipeline.transform(model)), "stage-scored");
    TestRunner.DIRECT.run(p);
    PipelineModel fitted = Kept.<PipelineModel>get("stage-model").get(0);
    assertEquals(fitted, ModelFile.read(Path.of(file), PipelineModel.class));
    RandomForestModel forest = (RandomForestModel) fitted.stages().get(0);
    assertEquals(5, forest.trees().size());
    LocalPredictor local = LocalPredictor.load(Path.of(file));
    List<Row> scored = Kept.get("stage-scored");
    assertEquals(150, scored.size());
    int right = 0;
    for (Row r : scored) {
      Row in = Row.withSchema(TestData.IRIS).addValues(r.getValues().subList(0, 5)).build();
      assertEquals(local.predict(in), r);
      right += r.getString("prediction").equals(r.getString("species")) ? 1 : 0;
    }
    assertTrue(right >= 140, "training accuracy " + right + "/150");
    RandomForestModel loaded = ModelFile.read(writeForest(forest, dir), RandomForestModel.class);
    assertEquals(forest, loaded);
    assertTrue(loaded.toDebugString().startsWith("RandomForestClassifier of 5 trees\ntree 0\n"));
  }

  private static Path writeForest(RandomForestModel forest, Path dir) throws IOException {
    Path file = dir.resolve("forest-alone.blm");
    ModelFile.write(forest, file);
    return file;
  }

  /**
   * Two stumps by hand: the prediction averages the trees' class probabilities, and the importances
   * are Spark's (each tree's normalised to 1, summed, normalised): [0.5, 0.5], where the total gain
   * over both trees would give [2/3, 1/3].
   */
  @Test
  void predictionAveragesTheTreesAndImportancesAreSparks() {
    DecisionTree first =
        DecisionTree.of(
            new int[] {0, -1, -1},
            new double[] {2.5, 0, 0},
            new int[] {1, -1, -1},
            new int[] {2, -1, -1},
            new double[] {0.5, 0.5, 0.9, 0.1, 0.2, 0.8},
            2,
            new double[] {1.5, 0, 0});
    DecisionTree second =
        DecisionTree.of(
            new int[] {1, -1, -1},
            new double[] {1.0, 0, 0},
            new int[] {1, -1, -1},
            new int[] {2, -1, -1},
            new double[] {0.4, 0.6, 0.7, 0.3, 0, 1},
            2,
            new double[] {0.75, 0, 0});
    RandomForestModel forest =
        RandomForestModel.classifier(
            List.of(first, second),
            2,
            List.of("no", "yes"),
            TypeName.STRING,
            FeatureColumns.of(List.of("x", "y")),
            Provenance.of("RandomForestClassifier", Map.of(), 0L, 1, 0.0, 4));
    assertArrayEquals(new double[] {0.45, 0.55}, forest.predictValue(Vector.dense(1, 2)), 1e-15);
    assertEquals("yes", forest.predictLabel(Vector.dense(1, 2)));
    assertArrayEquals(new double[] {0.8, 0.2}, forest.predictValue(Vector.dense(1, 0)), 1e-15);
    assertEquals("no", forest.predictLabel(Vector.dense(1, 0)));
    assertArrayEquals(new double[] {0.5, 0.5}, forest.featureImportances(), 1e-15);
  }

  /** Spark's numbers of features per node, for 30 features. */
  @Test
  void featureSubsetStrategiesAsSpark() {
    assertEquals(6, ForestTraining.featuresPerNode("auto", 30, true, 20));
    assertEquals(10, ForestTraining.featuresPerNode("auto", 30, false, 20));
    assertEquals(30, ForestTraining.featuresPerNode("auto", 30, true, 1));
    assertEquals(30, ForestTraining.featuresPerNode("all", 30, true, 20));
    assertEquals(6, ForestTraining.featuresPerNode("sqrt", 30, false, 20));
    assertEquals(5, ForestTraining.featuresPerNode("log2", 30, true, 20));
    assertEquals(10, ForestTraining.featuresPerNode("onethird", 30, true, 20));
    assertEquals(15, ForestTraining.featuresPerNode("0.5", 30, true, 20));
    assertEquals(30, ForestTraining.featuresPerNode("1.0", 30, true, 20));
    assertEquals(4, ForestTraining.featuresPerNode("4", 30, true, 20));
    assertEquals(30, ForestTraining.featuresPerNode("40", 30, true, 20));
    assertEquals(1, ForestTraining.featuresPerNode("log2", 1, true, 20));
  }

  /**
   * The row counts over 200,000 row hashes: Poisson(0.5) with bootstrap (P(0) = exp(-0.5) = 0.6065,
   * P(1) = 0.3033, mean 0.5), kept with probability 0.5 without; within 0.005 (about five standard
   * errors). Node subsets have the requested size, distinct sorted features, and depend on the tree
   * and the node.
   */
  @Test
  void drawsFollowTheirDistributions() {
    ForestTraining.Params bootstrap = params(true);
    ForestTraining.Params without = params(false);
    int n = 200_000;
    double[] freq = new double[4];
    double sum = 0;
    double kept = 0;
    for (int i = 0; i < n; i++) {
      long h = SeededHash.mix(i);
      int c = bootstrap.count(h, bootstrap.rowKey(3), Math.exp(-0.5));
      freq[Math.min(c, 3)] += 1.0 / n;
      sum += c;
      kept += without.count(h, without.rowKey(3), Math.exp(-0.5));
    }
    assertEquals(Math.exp(-0.5), freq[0], 0.005);
    assertEquals(0.5 * Math.exp(-0.5), freq[1], 0.005);
    assertEquals(0.5, sum / n, 0.005);
    assertEquals(0.5, kept / n, 0.005);
    int[] a = bootstrap.subset(0, 5, 30, 6);
    assertEquals(6, a.length);
    for (int i = 1; i < a.length; i++) {
      assertTrue(a[i] > a[i - 1], java.util.Arrays.toString(a));
    }
    assertArrayEquals(a, bootstrap.subset(0, 5, 30, 6));
    assertTrue(
        !java.util.Arrays.equals(a, bootstrap.subset(1, 5, 30, 6))
            || !java.util.Arrays.equals(a, bootstrap.subset(0, 6, 30, 6)));
  }

  private static ForestTraining.Params params(boolean bootstrap) {
    TreeTraining.Params tree =
        new TreeTraining.Params(
            "RandomForestClassifier",
            Impurity.GINI,
            5,
            1,
            0.0,
            FeatureColumns.of(List.of("x")),
            TypeName.STRING,
            false,
            Map.of());
    return new ForestTraining.Params(tree, 20, "auto", 0.5, bootstrap, 7L, 20);
  }

  @Test
  void parametersHaveSparksDefaults() {
    RandomForestFit fit = RandomForestClassifier.fit();
    assertEquals(20, fit.numTrees());
    assertEquals("auto", fit.featureSubsetStrategy());
    assertEquals(1.0, fit.subsamplingRate());
    assertTrue(fit.bootstrap());
    assertEquals(Impurity.GINI, fit.impurity());
    assertEquals(5, fit.maxDepth());
    assertEquals(32, fit.maxBins());
    assertEquals(1, fit.minInstancesPerNode());
    assertEquals(0.0, fit.minInfoGain());
    assertEquals(Impurity.VARIANCE, RandomForestRegressor.fit().impurity());
  }

  @Test
  void rejectsBadParameters() {
    RandomForestFit fit = RandomForestClassifier.fit();
    assertEquals(
        "Expected numTrees in [1, 10000], got 0",
        assertThrows(IllegalArgumentException.class, () -> fit.withNumTrees(0)).getMessage());
    for (String bad : new String[] {"half", "0", "1.5", "-2", "0.0", "SQRT", ""}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> fit.withFeatureSubsetStrategy(bad));
      assertTrue(e.getMessage().contains("got '" + bad + "'"), e.getMessage());
    }
    for (double rate : new double[] {0, -0.1, 1.01, Double.NaN}) {
      assertEquals(
          "Expected subsamplingRate in (0, 1], got " + rate,
          assertThrows(IllegalArgumentException.class, () -> fit.withSubsamplingRate(rate))
              .getMessage());
    }
    assertEquals(
        "Expected treesPerPass >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> fit.withTreesPerPass(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> fit.withMinInfoGain(-1));
    assertThrows(IllegalArgumentException.class, () -> fit.withImpurity(Impurity.VARIANCE));
    assertThrows(IllegalArgumentException.class, () -> fit.withMaxDepth(31));
  }

  /** An empty input fails naming the trainer, as the decision trees'. */
  @Test
  void anEmptyInputFailsClearly() {
    Schema xy = Schema.builder().addDoubleField("x").addDoubleField("y").build();
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.empty(xy))
        .apply(RandomForestRegressor.fit().withLabelCol("y").withFeatureCols("x"));
    Throwable e = assertThrows(Throwable.class, () -> TestRunner.DIRECT.run(p));
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" | ");
    }
    assertTrue(
        all.toString().contains("RandomForestRegressor needs training rows; the input is empty"),
        all.toString());
  }
}
