package org.beamlink.models.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linalg.Vector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPredictorTest {
  @TempDir Path dir;

  private static Row input(double x, double y) {
    return Row.withSchema(TestModels.INPUT).addValues(x, y, "?").build();
  }

  @Test
  void scoresThroughEveryStage() {
    LocalPredictor predictor = LocalPredictor.of(TestModels.pipeline(), TestModels.INPUT);
    Row out = predictor.predict(input(3.0, 5.0));
    assertEquals(
        List.of("x", "y", "label", "cluster", "distance", "prediction", "probability"),
        out.getSchema().getFieldNames());
    assertEquals(1, out.getInt32("cluster"));
    double distance = Math.sqrt(1 + 1);
    assertEquals(distance, out.getDouble("distance"), 1e-15);
    double margin = -0.25 + 0.75 * 3 - 0.5 * 5 + 0.125 * distance;
    double p = 1 / (1 + Math.exp(-margin));
    Vector probability = out.getLogicalTypeValue("probability", Vector.class);
    assertEquals(p, probability.get(1), 1e-15);
    assertEquals(p > 0.5 ? "yes" : "no", out.getString("prediction"));
  }

  @Test
  void loadsAFileAndScoresNamedValues() throws IOException {
    Path file = dir.resolve("m.blm");
    ModelFile.write(TestModels.pipeline(), file);
    LocalPredictor predictor = LocalPredictor.load(file);
    Row fromMap = predictor.predict(Map.of("x", 3.0, "y", 5.0, "label", "?"));
    assertEquals(predictor.predict(input(3.0, 5.0)), fromMap);
  }

  @Test
  void scoresRowsWithoutTheLabelColumn() throws IOException {
    Path file = dir.resolve("m.blm");
    ModelFile.write(TestModels.pipeline(), file);
    Schema noLabel = Schema.builder().addDoubleField("x").addDoubleField("y").build();
    LocalPredictor predictor = LocalPredictor.load(file, noLabel);
    Row out = predictor.predict(Row.withSchema(noLabel).addValues(3.0, 5.0).build());
    Object expected =
        LocalPredictor.of(TestModels.pipeline(), TestModels.INPUT)
            .predict(input(3.0, 5.0))
            .getValue("probability");
    assertEquals(expected, out.getValue("probability"));
  }

  @Test
  void rejectsASchemaWithoutAFeatureColumn() {
    Schema wrong = Schema.builder().addDoubleField("x").addDoubleField("z").build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> LocalPredictor.of(TestModels.pipeline(), wrong));
    assertEquals(
        "Pipeline stage 1 (kmeans-model-stage): Column 'y' not found; the input has columns [x, z]",
        e.getMessage());
  }

  @Test
  void rejectsARowOfAnotherSchema() {
    LocalPredictor predictor = LocalPredictor.of(TestModels.pipeline(), TestModels.INPUT);
    Schema other = Schema.builder().addDoubleField("y").addDoubleField("x").build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> predictor.predict(Row.withSchema(other).addValues(1.0, 2.0).build()));
    assertTrue(e.getMessage().startsWith("The row has columns [y, x]"), e.getMessage());
  }

  @Test
  void namesTheStageColumnAndRowOfABadValue() {
    LocalPredictor predictor = LocalPredictor.of(TestModels.pipeline(), TestModels.INPUT);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> predictor.predict(input(Double.NaN, 1)));
    assertTrue(
        e.getMessage().startsWith("Pipeline stage 1: Column 'x' has value NaN in row"),
        e.getMessage());
  }

  /** Eight threads scoring the same rows through one predictor get what one thread gets. */
  @Test
  void isSafeToShareBetweenThreads() throws Exception {
    LocalPredictor predictor = LocalPredictor.of(TestModels.pipeline(), TestModels.INPUT);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      rows.add(input(Math.sin(i) * 5, Math.cos(i) * 5));
    }
    List<Row> expected = rows.stream().map(predictor::predict).toList();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<Row>>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        LocalPredictor fresh = LocalPredictor.of(TestModels.pipeline(), TestModels.INPUT);
        for (int k = 0; k < 2; k++) {
          LocalPredictor shared = k == 0 ? predictor : fresh;
          results.add(pool.submit(() -> rows.stream().map(shared::predict).toList()));
        }
      }
      for (Future<List<Row>> f : results) {
        assertEquals(expected, f.get());
      }
    } finally {
      pool.shutdown();
    }
  }
}
