package org.beamlink.transforms.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
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
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.tree.DecisionTree;
import org.beamlink.models.tree.DecisionTreeModel;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.classification.DecisionTreeClassifier;
import org.beamlink.transforms.clustering.TestData;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.beamlink.transforms.regression.DecisionTreeRegressor;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionTreeFitTest {
  private static final String[] IRIS_FEATURES = {
    "sepal_length", "sepal_width", "petal_length", "petal_width"
  };

  /**
   * Bins enough for every distinct value of every feature (breast cancer has at most 565 in a
   * column), so that the trees are scikit-learn's exact CART.
   */
  private static final int EXACT_BINS = 1024;

  /**
   * Decreases, leaf values and importances agree with scikit-learn's to 1e-9 (relative): both sum
   * the same rows' statistics in float64, in different orders.
   */
  private static final double TOLERANCE = 1e-9;

  private static final Map<String, DecisionTreeModel> MODELS = new ConcurrentHashMap<>();
  private static JsonNode reference;

  /** Keeps the single model of a pipeline in this JVM, under a key (all runners run in it). */
  static final class KeepModel extends DoFn<DecisionTreeModel, Void> {
    private final String key;

    KeepModel(String key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element DecisionTreeModel model) {
      MODELS.put(key, model);
    }
  }

  /**
   * Case {@code name} of tree_reference.json, written by tree_reference.py (scikit-learn 1.2.1).
   */
  private static synchronized JsonNode reference(String name) {
    if (reference == null) {
      try (InputStream in =
          DecisionTreeFitTest.class.getResourceAsStream("/tree/tree_reference.json")) {
        reference = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return reference.path("cases").get(name);
  }

  /** A reference case: its data, its schema and the fit that should give scikit-learn's tree. */
  private record Case(String name, List<Row> rows, Schema schema, DecisionTreeFit fit) {}

  private static List<Case> referenceCases() {
    List<Row> bc = LinearTestSupport.csv("breast_cancer.csv", Schema.FieldType.INT32);
    List<Row> db = LinearTestSupport.csv("diabetes.csv", Schema.FieldType.DOUBLE);
    List<Case> cases = new ArrayList<>();
    for (String name :
        List.of(
            "iris_gini",
            "iris_entropy",
            "breast_cancer_gini",
            "breast_cancer_entropy",
            "diabetes_variance")) {
      JsonNode ref = reference(name);
      Impurity impurity = Impurity.valueOf(ref.get("criterion").asText().toUpperCase());
      DecisionTreeFit fit =
          (impurity.isClassification()
                  ? DecisionTreeClassifier.fit().withImpurity(impurity)
                  : DecisionTreeRegressor.fit())
              .withMaxDepth(ref.get("maxDepth").asInt())
              .withMinInstancesPerNode(ref.get("minInstancesPerNode").asInt())
              .withMaxBins(EXACT_BINS);
      if (name.startsWith("iris")) {
        cases.add(
            new Case(
                name,
                TestData.iris(),
                TestData.IRIS,
                fit.withLabelCol("species").withFeatureCols(IRIS_FEATURES)));
      } else {
        List<Row> rows = name.startsWith("breast") ? bc : db;
        int d = rows.get(0).getSchema().getFieldCount() - 1;
        cases.add(
            new Case(
                name,
                rows,
                rows.get(0).getSchema(),
                fit.withLabelCol("label").withFeatureCols(LinearTestSupport.featureNames(d))));
      }
    }
    return cases;
  }

  /**
   * The tree equals scikit-learn's node by node in preorder: where several (feature, threshold)
   * pairs split a node equally well (ties; scikit-learn picks by a random feature order) the
   * Beamlink split is one of them, elsewhere it is scikit-learn's; the same decrease, the same leaf
   * values, the same importances and the same prediction for every training row.
   */
  private static void assertMatchesSklearn(Case c, DecisionTreeModel model) {
    JsonNode ref = reference(c.name());
    DecisionTree tree = model.tree();
    JsonNode nodes = ref.get("nodes");
    int[] next = {0};
    double[] importances = new double[model.numFeatures()];
    assertNode(c.name(), tree, 0, nodes, next, importances);
    assertEquals(nodes.size(), next[0], c.name() + ": node count");
    assertEquals(nodes.size(), tree.numNodes(), c.name() + ": node count");
    double total = java.util.Arrays.stream(importances).sum();
    for (int j = 0; j < importances.length; j++) {
      importances[j] /= total;
    }
    assertArrayEquals(
        importances, model.featureImportances(), TOLERANCE, c.name() + ": importances");
    if (!c.name().startsWith("iris") && !c.name().startsWith("breast")) {
      assertArrayEquals(
          LinearTestSupport.doubles(ref.get("importances")),
          model.featureImportances(),
          TOLERANCE,
          c.name() + ": importances, no ties");
    }
    Transformer.Bound scorer = model.bind(c.schema());
    JsonNode predictions = ref.get("predictions");
    for (int i = 0; i < c.rows().size(); i++) {
      Row scored = scorer.apply(c.rows().get(i));
      if (model.isClassifier()) {
        assertEquals(
            predictions.get(i).asText(),
            String.valueOf((Object) scored.getValue("prediction")),
            c.name() + ": row " + i);
      } else {
        assertEquals(
            predictions.get(i).asDouble(),
            scored.getDouble("prediction"),
            TOLERANCE * Math.abs(predictions.get(i).asDouble()),
            c.name() + ": row " + i);
      }
    }
  }

  /**
   * Walks the tree beside scikit-learn's preorder nodes, adding each reference decrease to the
   * feature Beamlink split on there into {@code importances}: scikit-learn's importances with the
   * tied splits attributed as Beamlink chose them.
   */
  private static void assertNode(
      String name, DecisionTree tree, int node, JsonNode nodes, int[] next, double[] importances) {
    JsonNode ref = nodes.get(next[0]++);
    String where = name + ": node " + node + " (sklearn preorder " + (next[0] - 1) + ")";
    if (!ref.has("feature")) {
      assertTrue(tree.isLeaf(node), where + " is a leaf in scikit-learn");
      assertArrayEquals(
          LinearTestSupport.doubles(ref.get("value")), tree.value(node), TOLERANCE, where);
      return;
    }
    assertTrue(!tree.isLeaf(node), where + " splits in scikit-learn");
    double decrease = ref.get("decrease").asDouble();
    assertEquals(decrease, tree.decrease(node), TOLERANCE * Math.abs(decrease), where);
    importances[tree.feature(node)] += decrease;
    if (tree.feature(node) != ref.get("feature").asInt()) {
      assertTiedSubtree(where, tree, node, nodes, next, importances);
      return;
    }
    boolean found = false;
    for (JsonNode tie : ref.get("ties")) {
      if (tie.get("feature").asInt() == tree.feature(node)) {
        double t = tie.get("threshold").asDouble();
        assertEquals(t, tree.threshold(node), 1e-12 * Math.max(1, Math.abs(t)), where);
        found = true;
      }
    }
    assertTrue(found, where + ": feature " + tree.feature(node) + " not among " + ref.get("ties"));
    assertNode(name, tree, tree.left(node), nodes, next, importances);
    assertNode(name, tree, tree.right(node), nodes, next, importances);
  }

  /**
   * A node where Beamlink chose another of the tied splits than scikit-learn: the split is among
   * the ties, and the subtrees, which may hold the same rows in other leaves, have the same
   * decreases and leaf values as multisets (every row's prediction is checked apart); their splits'
   * decreases go to the features Beamlink chose.
   */
  private static void assertTiedSubtree(
      String where, DecisionTree tree, int node, JsonNode nodes, int[] next, double[] importances) {
    JsonNode ref = nodes.get(next[0] - 1);
    boolean found = false;
    for (JsonNode tie : ref.get("ties")) {
      double t = tie.get("threshold").asDouble();
      found |=
          tie.get("feature").asInt() == tree.feature(node)
              && Math.abs(t - tree.threshold(node)) <= 1e-12 * Math.max(1, Math.abs(t));
    }
    assertTrue(found, where + ": split not among " + ref.get("ties"));
    List<String> expected = new ArrayList<>();
    skipSubtree(nodes, next, expected, 2);
    List<String> actual = new ArrayList<>();
    describeSubtree(tree, tree.left(node), actual, importances);
    describeSubtree(tree, tree.right(node), actual, importances);
    java.util.Collections.sort(expected);
    java.util.Collections.sort(actual);
    assertEquals(expected, actual, where + ": tied subtrees");
  }

  /** Consumes {@code count} subtrees of the preorder list, describing their nodes. */
  private static void skipSubtree(JsonNode nodes, int[] next, List<String> out, int count) {
    for (int i = 0; i < count; i++) {
      JsonNode n = nodes.get(next[0]++);
      if (n.has("feature")) {
        out.add(String.format("split %.9g", n.get("decrease").asDouble()));
        skipSubtree(nodes, next, out, 2);
      } else {
        out.add("leaf " + java.util.Arrays.toString(LinearTestSupport.doubles(n.get("value"))));
      }
    }
  }

  private static void describeSubtree(
      DecisionTree tree, int node, List<String> out, double[] importances) {
    if (tree.isLeaf(node)) {
      out.add("leaf " + java.util.Arrays.toString(tree.value(node)));
      return;
    }
    out.add(String.format("split %.9g", tree.decrease(node)));
    importances[tree.feature(node)] += tree.decrease(node);
    describeSubtree(tree, tree.left(node), out, importances);
    describeSubtree(tree, tree.right(node), out, importances);
  }

  @BoundedRunnerTest
  void fitMatchesSklearnOnIrisBreastCancerAndDiabetesOnBothPaths(TestRunner runner) {
    Pipeline p = runner.create();
    List<Case> cases = referenceCases();
    for (Case c : cases) {
      PCollection<Row> rows = p.apply(c.name(), Create.of(c.rows()).withRowSchema(c.schema()));
      for (Execution path : new Execution[] {Execution.DISTRIBUTED, Execution.IN_WORKER}) {
        rows.apply(c.name() + " " + path, c.fit().withExecution(path))
            .apply(
                "Keep " + c.name() + " " + path,
                ParDo.of(new KeepModel(runner + "/" + c.name() + "/" + path)));
      }
    }
    runner.run(p);
    for (Case c : cases) {
      DecisionTreeModel distributed = MODELS.get(runner + "/" + c.name() + "/DISTRIBUTED");
      assertMatchesSklearn(c, distributed);
      assertEquals(c.rows().size(), distributed.provenance().rows());
      assertEquals(
          distributed,
          MODELS.get(runner + "/" + c.name() + "/IN_WORKER"),
          c.name() + ": both execution paths give the same model, bit for bit");
    }
  }

  @Test
  void sameModelOnDirectAndFlinkAtParallelismOneAndTwo() {
    String[][] setups = {{"DIRECT", ""}, {"FLINK_BATCH", "1"}, {"FLINK_BATCH", "2"}};
    Case c = referenceCases().get(4);
    for (String[] s : setups) {
      TestRunner runner = TestRunner.valueOf(s[0]);
      Pipeline p = s[1].isEmpty() ? runner.create() : runner.create("--parallelism=" + s[1]);
      p.apply(Create.of(c.rows()).withRowSchema(c.schema()))
          .apply(c.fit().withExecution(Execution.DISTRIBUTED))
          .apply(ParDo.of(new KeepModel("setup/" + s[0] + s[1])));
      runner.run(p);
    }
    DecisionTreeModel direct = MODELS.get("setup/DIRECT");
    assertMatchesSklearn(c, direct);
    for (String key : new String[] {"setup/FLINK_BATCH1", "setup/FLINK_BATCH2"}) {
      DecisionTreeModel flink = MODELS.get(key);
      DecisionTree a = direct.tree();
      DecisionTree b = flink.tree();
      assertEquals(a.numNodes(), b.numNodes(), key);
      for (int i = 0; i < a.numNodes(); i++) {
        assertEquals(a.feature(i), b.feature(i), key);
        assertEquals(a.threshold(i), b.threshold(i), key);
        assertArrayEquals(a.value(i), b.value(i), 1e-9, key);
      }
    }
  }

  /**
   * Generated data with a known truth and more distinct values than bins: {@code y = 1} exactly
   * when {@code x0 > 0.3}, {@code x1} is noise. Thirty-two quantile bins put an edge within one
   * bin's width (1/32 of the range) of 0.3, and a depth-2 tree separates the classes but for the
   * rows between that edge and 0.3.
   */
  @BoundedRunnerTest
  void quantileBinsFindAStepAmongManyDistinctValues(TestRunner runner) {
    Schema schema =
        Schema.builder().addDoubleField("x0").addDoubleField("x1").addInt32Field("y").build();
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      double x0 = random.nextDouble();
      rows.add(Row.withSchema(schema).addValues(x0, random.nextDouble(), x0 > 0.3 ? 1 : 0).build());
    }
    Pipeline p = runner.create();
    p.apply(Create.of(rows).withRowSchema(schema))
        .apply(
            DecisionTreeClassifier.fit()
                .withLabelCol("y")
                .withFeatureCols("x0", "x1")
                .withMaxDepth(2))
        .apply(ParDo.of(new KeepModel(runner + "/step")));
    runner.run(p);
    DecisionTreeModel model = MODELS.get(runner + "/step");
    DecisionTree tree = model.tree();
    assertEquals(0, tree.feature(0));
    assertEquals(0.3, tree.threshold(0), 1.0 / 32);
    assertTrue(model.featureImportances()[0] > 0.99, model.toDebugString());
    long wrong =
        rows.stream()
            .filter(
                r ->
                    !model
                        .predictLabel(Vector.dense(r.getDouble("x0"), r.getDouble("x1")))
                        .equals(r.getInt32("y")))
            .count();
    assertTrue(wrong < 4000 / 32, "misclassified " + wrong);
  }

  @Test
  void parametersHaveDefaults() {
    DecisionTreeFit fit = DecisionTreeClassifier.fit();
    assertEquals(Impurity.GINI, fit.impurity());
    assertEquals(5, fit.maxDepth());
    assertEquals(32, fit.maxBins());
    assertEquals(1, fit.minInstancesPerNode());
    assertEquals(0.0, fit.minInfoGain());
    assertEquals(Execution.AUTO, fit.iterationSettings().execution());
    assertEquals(PackBlocks.DEFAULT_BLOCK_SIZE, fit.iterationSettings().blockSize());
    assertEquals("prediction", fit.predictionCol());
    assertEquals("predictionDetail", fit.predictionDetailCol());
    assertNull(fit.labelCol());
    assertNull(fit.featureCols());
    assertNull(fit.vectorCol());
    assertNull(fit.weightCol());
    assertNull(fit.iterationSettings().numTasks());
    assertEquals(Impurity.VARIANCE, DecisionTreeRegressor.fit().impurity());
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(
        IllegalArgumentException.class, () -> DecisionTreeClassifier.fit().withMaxDepth(-1));
    assertThrows(
        IllegalArgumentException.class, () -> DecisionTreeClassifier.fit().withMaxDepth(31));
    assertThrows(IllegalArgumentException.class, () -> DecisionTreeClassifier.fit().withMaxBins(1));
    assertThrows(
        IllegalArgumentException.class,
        () -> DecisionTreeClassifier.fit().withMinInstancesPerNode(0));
    assertThrows(
        IllegalArgumentException.class, () -> DecisionTreeClassifier.fit().withMinInfoGain(-0.1));
    assertThrows(
        IllegalArgumentException.class, () -> DecisionTreeClassifier.fit().withFeatureCols());
    IllegalArgumentException kind =
        assertThrows(
            IllegalArgumentException.class,
            () -> DecisionTreeRegressor.fit().withImpurity(Impurity.GINI));
    assertTrue(kind.getMessage().contains("takes VARIANCE, got GINI"), kind.getMessage());
  }

  private static DecisionTreeModel stump(boolean classifier) {
    DecisionTree tree =
        DecisionTree.of(
            new int[] {1, -1, -1},
            new double[] {0.5, 0, 0},
            new int[] {1, -1, -1},
            new int[] {2, -1, -1},
            classifier ? new double[] {0.5, 0.5, 0.9, 0.1, 0.2, 0.8} : new double[] {2, 1, 3},
            classifier ? 2 : 1,
            new double[] {4, 0, 0});
    FeatureColumns features = FeatureColumns.of(List.of("x", "y"));
    Provenance provenance = Provenance.of("DecisionTreeClassifier", Map.of(), 0, 1, 0.0, 4);
    return classifier
        ? DecisionTreeModel.classifier(
            tree, 2, List.of("no", "yes"), TypeName.STRING, features, provenance)
        : DecisionTreeModel.regression(tree, 2, features, provenance);
  }

  @Test
  void outputSchemaAppendsThePredictionAndTheProbabilities() {
    Schema xy = Schema.builder().addDoubleField("x").addDoubleField("y").build();
    DecisionTreeModel classifier = stump(true).withOutputCols("label", "p");
    Schema out = classifier.outputSchema(xy);
    assertEquals(List.of("x", "y", "label", "p"), out.getFieldNames());
    assertEquals(Schema.FieldType.STRING, out.getField("label").getType());
    assertEquals(VectorLogicalType.FIELD_TYPE, out.getField("p").getType());
    Row scored = classifier.bind(xy).apply(Row.withSchema(xy).addValues(0.0, 0.7).build());
    assertEquals("yes", scored.getString("label"));
    assertEquals(Vector.dense(0.2, 0.8), scored.getLogicalTypeValue("p", Vector.class));
    Schema regression = stump(false).outputSchema(xy);
    assertEquals(List.of("x", "y", "prediction"), regression.getFieldNames());
    assertEquals(Schema.FieldType.DOUBLE, regression.getField("prediction").getType());
    IllegalArgumentException taken =
        assertThrows(IllegalArgumentException.class, () -> classifier.outputSchema(out));
    assertTrue(taken.getMessage().contains("label"), taken.getMessage());
    assertThrows(IllegalArgumentException.class, () -> stump(false).withOutputCols("a", "b"));
  }

  @Test
  void rejectsAMissingColumnWhenThePipelineIsBuilt() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(
                    DecisionTreeClassifier.fit()
                        .withLabelCol("species")
                        .withFeatureCols("sepal_length", "petal_lenght")));
    assertTrue(e.getMessage().contains("'petal_lenght' not found"), e.getMessage());
    IllegalArgumentException label =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply("L", DecisionTreeClassifier.fit().withFeatureCols(IRIS_FEATURES)));
    assertTrue(label.getMessage().contains("needs a label column"), label.getMessage());
    IllegalArgumentException regressionLabel =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(
                    "R",
                    DecisionTreeRegressor.fit()
                        .withLabelCol("species")
                        .withFeatureCols(IRIS_FEATURES)));
    assertTrue(regressionLabel.getMessage().contains("species"), regressionLabel.getMessage());
  }

  /** The Iris tree written to a model file and read back: equal, scoring every row the same. */
  @Test
  void saveAndLoadScoresTheSame(@TempDir Path dir) throws IOException {
    Case c = referenceCases().get(0);
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(c.rows()).withRowSchema(c.schema()))
        .apply(c.fit())
        .apply(ParDo.of(new KeepModel("saved")));
    TestRunner.DIRECT.run(p);
    DecisionTreeModel fitted = MODELS.get("saved").withOutputCols("species_hat", "p");
    Path file = dir.resolve("iris-tree.blm");
    ModelFile.write(fitted, file);
    DecisionTreeModel loaded = ModelFile.read(file, DecisionTreeModel.class);
    assertEquals(fitted, loaded);
    Transformer.Bound before = fitted.bind(TestData.IRIS);
    Transformer.Bound after = loaded.bind(TestData.IRIS);
    for (Row row : TestData.iris()) {
      assertEquals(before.apply(row), after.apply(row));
    }
    String text = loaded.toDebugString();
    assertTrue(text.startsWith("DecisionTreeClassifier of depth 5 with 17 nodes\n"), text);
    assertTrue(text.contains("if (petal_length <= 2.45)"), text);
  }

  /** A tree fitted on bounded data scores an unbounded stream. */
  @UnboundedRunnerTest
  void predictsOnAStream(TestRunner runner) {
    Pipeline p = runner.create();
    Case c = referenceCases().get(0);
    PCollection<DecisionTreeModel> model =
        p.apply(Create.of(c.rows()).withRowSchema(c.schema())).apply(c.fit());
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
        p.apply("Stream", stream).apply(DecisionTreeClassifier.predict(model));
    PAssert.that(scored)
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                assertEquals(r.getString("species"), r.getString("prediction"), r.toString());
              }
              assertEquals(3, n);
              return null;
            });
    runner.run(p);
  }

  /**
   * Rows the tree cannot score (a NaN feature, a vector of the wrong size) go, whole, to the
   * failure output; the others are scored.
   */
  @BoundedRunnerTest
  void predictKeepsUnscorableRowsInTheFailureOutput(TestRunner runner) {
    Schema schema =
        Schema.builder()
            .addInt32Field("id")
            .addField("v", VectorLogicalType.FIELD_TYPE)
            .addDoubleField("y")
            .build();
    List<Row> train = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      train.add(
          Row.withSchema(schema).addValues(i, Vector.dense(i, -i), i < 10 ? 1.0 : 5.0).build());
    }
    Pipeline p = runner.create();
    PCollection<DecisionTreeModel> model =
        p.apply("Train", Create.of(train).withRowSchema(schema))
            .apply(DecisionTreeRegressor.fit().withLabelCol("y").withVectorCol("v"));
    List<Row> toScore =
        List.of(
            Row.withSchema(schema).addValues(1, Vector.dense(2, -2), 0.0).build(),
            Row.withSchema(schema).addValues(2, Vector.dense(Double.NaN, 1), 0.0).build(),
            Row.withSchema(schema).addValues(3, Vector.dense(1, 2, 3), 0.0).build(),
            Row.withSchema(schema).addValues(4, Vector.dense(15, -15), 0.0).build());
    WithFailures.Result<PCollection<Row>, Row> result =
        p.apply("To score", Create.of(toScore).withRowSchema(schema))
            .apply(DecisionTreeRegressor.predict(model).withFailures());
    PAssert.that(result.output())
        .satisfies(
            rows -> {
              Map<Integer, Double> predicted = new java.util.TreeMap<>();
              rows.forEach(r -> predicted.put(r.getInt32("id"), r.getDouble("prediction")));
              assertEquals(Map.of(1, 1.0, 4, 5.0), predicted);
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
                  errors.get(3).contains("size 3") && errors.get(3).contains("2 was expected"),
                  errors.get(3));
              return null;
            });
    runner.run(p);
  }

  private static String failureOf(List<Row> rows, Schema schema, DecisionTreeFit fit) {
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
        Schema.builder()
            .addDoubleField("x")
            .addNullableField("y", Schema.FieldType.DOUBLE)
            .addStringField("label")
            .build();
    DecisionTreeFit fit =
        DecisionTreeClassifier.fit().withLabelCol("label").withFeatureCols("x", "y");
    String nan =
        failureOf(
            List.of(
                Row.withSchema(xy).addValues(1.0, 2.0, "a").build(),
                Row.withSchema(xy).addValues(3.0, Double.NaN, "b").build()),
            xy,
            fit);
    assertTrue(nan.contains("Column 'y' has value NaN"), nan);
    String nulls =
        failureOf(
            List.of(
                Row.withSchema(xy).addValues(1.0, null, "a").build(),
                Row.withSchema(xy).addValues(1.0, 2.0, "b").build()),
            xy,
            fit);
    assertTrue(nulls.contains("Column 'y' is null"), nulls);
    String oneClass =
        failureOf(
            List.of(
                Row.withSchema(xy).addValues(1.0, 2.0, "a").build(),
                Row.withSchema(xy).addValues(3.0, 4.0, "a").build()),
            xy,
            fit);
    assertTrue(
        oneClass.contains(
            "DecisionTreeClassifier needs 2 distinct labels in column 'label'; the input has only [a]"),
        oneClass);
    String empty =
        failureOf(
            List.of(), xy, DecisionTreeRegressor.fit().withLabelCol("x").withFeatureCols("y"));
    assertTrue(
        empty.contains("DecisionTreeRegressor needs training rows; the input is empty"), empty);
  }

  /** maxDepth 0 is a single leaf, as Spark: the class frequencies of the whole input. */
  @Test
  void maxDepthZeroIsOneLeaf() {
    Case c = referenceCases().get(0);
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(c.rows()).withRowSchema(c.schema()))
        .apply(c.fit().withMaxDepth(0))
        .apply(ParDo.of(new KeepModel("leaf")));
    TestRunner.DIRECT.run(p);
    DecisionTree tree = MODELS.get("leaf").tree();
    assertEquals(1, tree.numNodes());
    assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, tree.value(0), 1e-15);
  }
}
