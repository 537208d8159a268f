package org.beamlink.transforms.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.io.ModelFormats;
import org.beamlink.models.pipeline.LocalPredictor;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.clustering.TestData;
import org.beamlink.transforms.recommendation.Als;
import org.beamlink.transforms.recommendation.InstEval;
import org.beamlink.transforms.recommendation.ItemCf;
import org.beamlink.transforms.recommendation.Swing;
import org.beamlink.transforms.recommendation.UserCf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline with a stage of every saved type ({@link AllStages}), fitted, scored and saved. */
class AllStagesTest {
  /** The stage types of the format-1 fixture ({@link AllStages#formatOne()}). */
  private static final List<String> FORMAT1_TYPES =
      List.of(
          "imputer-model",
          "vector-assembler",
          "standard-scaler-model",
          "min-max-scaler-model",
          "max-abs-scaler-model",
          "normalizer",
          "binarizer",
          "bucketizer",
          "bucketizer",
          "polynomial-expansion",
          "vector-slicer",
          "pca-model",
          "chi-sq-selector-model",
          "string-indexer-model",
          "one-hot-encoder-model",
          "index-to-string",
          "feature-hasher",
          "kmeans-model-stage",
          "linear-model-stage");

  /** The stage types of {@link AllStages#pipeline()}: the fixture's and every model type since. */
  private static final List<String> TYPES = allTypes();

  private static List<String> allTypes() {
    List<String> all = new ArrayList<>(FORMAT1_TYPES);
    all.add(all.indexOf("linear-model-stage"), "dbscan-model");
    all.addAll(
        List.of(
            "bisecting-kmeans-model",
            "gaussian-mixture-model",
            "lda-model",
            "naive-bayes-model",
            "decision-tree-model",
            "random-forest-model",
            "gbt-model"));
    return List.copyOf(all);
  }

  /** The types of {@link #recommenders()}' stages: ALS, then ItemCF, UserCF and Swing. */
  private static final List<String> RECOMMENDER_TYPES =
      List.of("als-model", "neighbourhood-model", "neighbourhood-model", "neighbourhood-model");

  @TempDir Path dir;

  /** The recommenders as stages, each appending its rate of a row's (user, item). */
  private static MlPipeline recommenders() {
    return MlPipeline.of(
        Als.fit()
            .withRank(3)
            .withMaxIter(2)
            .withNumUserBlocks(2)
            .withNumItemBlocks(2)
            .withPredictionCol("als"),
        ItemCf.fit().withRatingCol("rating").withNumBlocks(2).withPredictionCol("item_cf"),
        UserCf.fit().withRatingCol("rating").withNumBlocks(2).withPredictionCol("user_cf"),
        Swing.fit().withMinUserItems(2).withNumBlocks(2).withPredictionCol("swing"));
  }

  private static List<String> types(PipelineModel model) {
    List<String> types = new ArrayList<>();
    for (Transformer stage : model.stages()) {
      types.add(ModelFormats.forModel(stage).type());
    }
    return types;
  }

  /**
   * On Direct and Flink: every stage fits; the pipeline's output rows equal, to the last bit, a
   * LocalPredictor's on the model file WriteModel wrote; the file loads back equal to the model.
   */
  @Test
  void everyStageFitsScoresAndSavesOnDirectAndFlink() throws IOException {
    for (TestRunner runner : List.of(TestRunner.DIRECT, TestRunner.FLINK_BATCH)) {
      Pipeline p = runner.create();
      PCollection<Row> rows = p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
      PCollection<PipelineModel> model = rows.apply(AllStages.pipeline().fit());
      String file = dir.resolve("all-" + runner + ".blm").toString();
      model.apply(WriteModel.to(file));
      Kept.keep(model, "all-model-" + runner);
      Kept.keep(rows.apply(MlPipeline.transform(model)), "all-scored-" + runner);
      runner.run(p);

      PipelineModel fitted = Kept.<PipelineModel>get("all-model-" + runner).get(0);
      assertEquals(TYPES, types(fitted));
      assertEquals(fitted, ModelFile.read(Path.of(file), PipelineModel.class));
      LocalPredictor local = LocalPredictor.load(Path.of(file));
      List<Row> scored = Kept.get("all-scored-" + runner);
      assertEquals(150, scored.size());
      int correct = 0;
      for (Row r : scored) {
        Row in = Row.withSchema(TestData.IRIS).addValues(r.getValues().subList(0, 5)).build();
        assertEquals(local.predict(in), r);
        assertEquals(r.getString("species"), r.getString("species_again"));
        correct += r.getString("species").equals(r.getString("predicted")) ? 1 : 0;
      }
      assertTrue(correct >= 135, "softmax on 2 principal components: " + correct + "/150");
    }
  }

  /**
   * The recommenders (ALS, ItemCF, UserCF, Swing) as stages of one pipeline on real ratings (the
   * first 600 of {@link InstEval}), on Direct and Flink: the output rows equal, to the last bit, a
   * LocalPredictor's on the model file WriteModel wrote, and the file loads back equal to the
   * model. They are not in {@link AllStages}, whose rows are iris's, and so not in the format-1
   * fixture.
   */
  @Test
  void everyRecommenderStageFitsScoresAndSavesOnDirectAndFlink() throws IOException {
    List<Row> ratings = InstEval.ratings().subList(0, 600);
    for (TestRunner runner : List.of(TestRunner.DIRECT, TestRunner.FLINK_BATCH)) {
      Pipeline p = runner.create();
      PCollection<Row> rows = p.apply(Create.of(ratings).withRowSchema(InstEval.SCHEMA));
      PCollection<PipelineModel> model = rows.apply(recommenders().fit());
      String file = dir.resolve("recommenders-" + runner + ".blm").toString();
      model.apply(WriteModel.to(file));
      Kept.keep(model, "recommenders-model-" + runner);
      Kept.keep(rows.apply(MlPipeline.transform(model)), "recommenders-scored-" + runner);
      runner.run(p);

      PipelineModel fitted = Kept.<PipelineModel>get("recommenders-model-" + runner).get(0);
      assertEquals(RECOMMENDER_TYPES, types(fitted));
      assertEquals(fitted, ModelFile.read(Path.of(file), PipelineModel.class));
      LocalPredictor local = LocalPredictor.load(Path.of(file));
      List<Row> scored = Kept.get("recommenders-scored-" + runner);
      assertEquals(ratings.size(), scored.size());
      for (Row r : scored) {
        Row in = Row.withSchema(InstEval.SCHEMA).addValues(r.getValues().subList(0, 3)).build();
        assertEquals(local.predict(in), r);
        assertTrue(Double.isFinite(r.getDouble("als")), r.toString());
      }
    }
  }

  /** Eight threads sharing one predictor over every stage type get what one thread gets. */
  @Test
  void everyStageIsSafeToShareBetweenThreads() throws Exception {
    PipelineModel model;
    try (InputStream in = getClass().getResourceAsStream("all-stages-format1.blm")) {
      model = (PipelineModel) ModelFile.fromBytes(in.readAllBytes(), "all-stages-format1.blm");
    }
    LocalPredictor local = LocalPredictor.of(model, TestData.IRIS);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.addAll(TestData.iris());
    }
    List<Row> expected = rows.stream().map(local::predict).toList();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<Row>>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> rows.stream().map(local::predict).toList()));
      }
      for (Future<List<Row>> f : results) {
        assertEquals(expected, f.get());
      }
    } finally {
      pool.shutdown();
    }
  }

  /**
   * The format-1 file of every stage type ({@link AllStagesFixture}) still loads, scores iris, and
   * encodes back to the same bytes: decoding format 1 loses nothing.
   */
  @Test
  void formatOneFixtureOfEveryTypeStillLoads() throws IOException {
    byte[] bytes;
    try (InputStream in = getClass().getResourceAsStream("all-stages-format1.blm")) {
      bytes = in.readAllBytes();
    }
    PipelineModel model = (PipelineModel) ModelFile.fromBytes(bytes, "all-stages-format1.blm");
    assertEquals(FORMAT1_TYPES, types(model));
    assertArrayEquals(bytes, ModelFile.toBytes(model));
    LocalPredictor local = LocalPredictor.of(model, TestData.IRIS);
    int correct = 0;
    for (Row r : TestData.iris()) {
      correct += r.getString("species").equals(local.predict(r).getString("predicted")) ? 1 : 0;
    }
    assertTrue(correct >= 135, correct + "/150");
  }
}
