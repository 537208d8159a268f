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
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.feature.OneHotEncoderModel;
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
    Row fromRow =
        predictor.predict(Row.withSchema(predictor.inputSchema()).addValues(3.0, 5.0).build());
    assertEquals(fromRow, fromMap);
  }

  /** The label is not read by any stage: a predictor loaded from a file does not ask for it. */
  @Test
  void loadAsksOnlyForTheColumnsTheStagesRead() throws IOException {
    Path file = dir.resolve("m.blm");
    ModelFile.write(TestModels.pipeline(), file);
    LocalPredictor predictor = LocalPredictor.load(file);
    assertEquals(List.of("x", "y"), predictor.inputSchema().getFieldNames());
    assertEquals(
        List.of("x", "y", "cluster", "distance", "prediction", "probability"),
        predictor.outputSchema().getFieldNames());
    Row expected = LocalPredictor.of(TestModels.pipeline(), TestModels.INPUT).predict(input(3, 5));
    Row out = predictor.predict(Map.of("x", 3.0, "y", 5.0));
    assertEquals((Object) expected.getValue("probability"), out.getValue("probability"));
    assertEquals(expected.getString("prediction"), out.getString("prediction"));
    assertEquals(out, predictor.predict(Map.of("x", 3.0, "y", 5.0, "label", "?")));
    assertEquals(expected, predictor.predict(input(3, 5)), "a training row, label included");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> predictor.predict(Map.of("x", 3.0, "y", 5.0, "z", 1.0)));
    assertEquals("Unknown column 'z'; this predictor reads [x, y]", e.getMessage());
  }

  /** Numbers given by name become the column's type when exact: 3 for 3.0 in a DOUBLE column. */
  @Test
  void convertsExactNumbersToTheColumnType() throws IOException {
    Path file = dir.resolve("m.blm");
    ModelFile.write(TestModels.pipeline(), file);
    LocalPredictor predictor = LocalPredictor.load(file);
    assertEquals(
        predictor.predict(Map.of("x", 3.0, "y", 5.0)), predictor.predict(Map.of("x", 3, "y", 5L)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> predictor.predict(Map.of("x", "3", "y", 5.0)));
    assertEquals(
        "Column 'x' has value 3 (String), which is not a DOUBLE value; the model reads the column"
            + " as DOUBLE NOT NULL",
        e.getMessage());
    long beyond = (1L << 53) + 1;
    assertThrows(
        IllegalArgumentException.class, () -> predictor.predict(Map.of("x", beyond, "y", 5.0)));
  }

  /**
   * A category column fitted as INT64 and requested as DOUBLE: the encoder would take the request's
   * 3.0 for an unseen category (its categories are "1", "2", "3" as INT64 text); the predictor
   * refuses the schema instead, and converts exact numbers given by name.
   */
  @Test
  void refusesAColumnTypedOtherwiseThanWhenFitted() {
    Schema fitted = Schema.builder().addInt64Field("rooms").addStringField("label").build();
    PipelineModel model =
        PipelineModel.of(
            fitted,
            List.of(
                OneHotEncoderModel.of(
                    List.of("rooms"),
                    List.of("roomsVec"),
                    List.of(List.of("1", "2", "3")),
                    false,
                    HandleInvalid.KEEP)));
    Schema request = Schema.builder().addDoubleField("rooms").build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LocalPredictor.of(model, request));
    assertEquals(
        "Column 'rooms' has type DOUBLE NOT NULL but the pipeline was fitted on INT64 NOT NULL:"
            + " convert it to INT64 before scoring (the stages would read other values)",
        e.getMessage());

    Schema rooms = Schema.builder().addInt64Field("rooms").build();
    LocalPredictor predictor = LocalPredictor.of(model, rooms);
    Row byName = predictor.predict(Map.of("rooms", 3.0));
    assertEquals(
        Vector.sparse(4, new int[] {2}, new double[] {1}),
        byName.getLogicalTypeValue("roomsVec", Vector.class));
    assertThrows(IllegalArgumentException.class, () -> predictor.predict(Map.of("rooms", 2.5)));
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
