package org.beamlink.transforms.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.pipeline.LocalPredictor;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.classification.Softmax;
import org.beamlink.transforms.clustering.KMeans;
import org.beamlink.transforms.clustering.TestData;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlPipelineTest {
  private static final String[] IRIS = {
    "sepal_length", "sepal_width", "petal_length", "petal_width"
  };

  @TempDir Path dir;

  /**
   * KMeans, then softmax regression on the features plus the KMeans distance: the second estimator
   * is fitted on the output of the first, as in Spark ML.
   */
  private static MlPipeline irisPipeline() {
    return MlPipeline.of(
        KMeans.fit()
            .withFeatureCols(IRIS)
            .withK(3)
            .withSeed(1)
            .withPredictionCol("cluster")
            .withDistanceCol("distance"),
        Softmax.fit()
            .withFeatureCols(
                "sepal_length", "sepal_width", "petal_length", "petal_width", "distance")
            .withLabelCol("species")
            .withL2(1e-3)
            .withMaxIter(30));
  }

  private static Comparator<Row> byFeatures() {
    return Comparator.<Row>comparingDouble(r -> r.getDouble("sepal_length"))
        .thenComparingDouble(r -> r.getDouble("sepal_width"))
        .thenComparingDouble(r -> r.getDouble("petal_length"))
        .thenComparingDouble(r -> r.getDouble("petal_width"));
  }

  /**
   * On each batch runner: the fitted pipeline model has both stages, the later one fitted on the
   * earlier one's output; scoring in the pipeline equals the LocalPredictor on the same model to
   * the last bit; the model written by WriteModel loads back equal.
   */
  @Test
  void fitsScoresAndSavesOnDirectAndFlink() throws IOException {
    for (TestRunner runner : List.of(TestRunner.DIRECT, TestRunner.FLINK_BATCH)) {
      Pipeline p = runner.create();
      PCollection<Row> rows = p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
      PCollection<PipelineModel> model = rows.apply(irisPipeline().fit());
      PCollection<Row> scored = rows.apply(MlPipeline.transform(model));
      assertEquals(
          List.of(
              "sepal_length",
              "sepal_width",
              "petal_length",
              "petal_width",
              "species",
              "cluster",
              "distance",
              "prediction",
              "predictionDetail"),
          scored.getSchema().getFieldNames());
      String file = dir.resolve("iris-" + runner + ".blm").toString();
      Kept.keep(model.apply(WriteModel.to(file)), "written-" + runner);
      Kept.keep(model, "model-" + runner);
      Kept.keep(scored, "scored-" + runner);
      runner.run(p);

      PipelineModel fitted = Kept.<PipelineModel>get("model-" + runner).get(0);
      assertEquals(List.of(file), Kept.get("written-" + runner));
      assertEquals(fitted, ModelFile.read(Path.of(file), PipelineModel.class));
      assertTrue(fitted.stages().get(0) instanceof KMeansModel);
      LinearModel softmax = (LinearModel) fitted.stages().get(1);
      assertEquals(5, softmax.numFeatures());
      assertEquals(List.of("setosa", "versicolor", "virginica"), softmax.labelValues());

      LocalPredictor local = LocalPredictor.load(Path.of(file));
      List<Row> rowsOut = Kept.get("scored-" + runner);
      assertEquals(150, rowsOut.size());
      int correct = 0;
      for (Row r : rowsOut) {
        Row in = Row.withSchema(TestData.IRIS).addValues(r.getValues().subList(0, 5)).build();
        assertEquals(local.predict(in), r);
        correct += r.getString("prediction").equals(r.getString("species")) ? 1 : 0;
      }
      assertTrue(correct >= 144, "training accuracy " + correct + "/150");
    }
  }

  /** A pipeline fitted on bounded rows scores a stream (TestStream; Flink in streaming mode). */
  @UnboundedRunnerTest
  void fittedPipelineScoresAStream(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
    PCollection<PipelineModel> model = rows.apply(irisPipeline().fit());
    List<Row> iris = TestData.iris();
    TestStream<Row> stream =
        TestStream.create(TestData.IRIS)
            .addElements(TimestampedValue.of(iris.get(0), new Instant(0)))
            .advanceWatermarkTo(new Instant(5000))
            .addElements(TimestampedValue.of(iris.get(149), new Instant(6000)))
            .advanceWatermarkToInfinity();
    String key = "stream-" + runner;
    Kept.keep(p.apply("Stream", stream).apply(MlPipeline.transform(model)), key);
    runner.run(p);
    List<Row> scored = Kept.get(key);
    assertEquals(2, scored.size());
    for (Row r : scored) {
      assertEquals(r.getString("species"), r.getString("prediction"));
    }
  }

  @Test
  void misspeltColumnFailsWhenThePipelineIsBuilt() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
    MlPipeline pipeline =
        MlPipeline.of(
            KMeans.fit().withFeatureCols(IRIS).withK(3),
            Softmax.fit().withFeatureCols("distanse").withLabelCol("species"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> rows.apply(pipeline.fit()));
    assertTrue(
        e.getMessage().startsWith("Pipeline stage 2 (Softmax): Column 'distanse' not found"),
        e.getMessage());
  }

  @Test
  void scoringWithoutTheFeaturesFailsWhenThePipelineIsBuilt() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
    PCollection<PipelineModel> model = rows.apply(irisPipeline().fit());
    Schema noPetals =
        Schema.builder().addDoubleField("sepal_length").addDoubleField("sepal_width").build();
    PCollection<Row> other = p.apply("Other", Create.empty(noPetals));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> other.apply(MlPipeline.transform(model)));
    assertTrue(e.getMessage().contains("Column 'petal_length' not found"), e.getMessage());
  }

  @Test
  void rejectsAnEmptyPipeline() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MlPipeline.of());
    assertEquals("Expected at least one pipeline stage, got none", e.getMessage());
  }
}
