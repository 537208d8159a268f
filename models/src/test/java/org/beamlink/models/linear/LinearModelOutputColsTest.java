package org.beamlink.models.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.TestModels;
import org.beamlink.models.rows.FeatureColumns;
import org.junit.jupiter.api.Test;

/**
 * {@link LinearModel} as a pipeline stage: its output columns, the probability column and the two
 * versions of the {@code linear-model-stage} format.
 */
class LinearModelOutputColsTest {
  private static final Schema INPUT =
      Schema.builder().addDoubleField("x").addDoubleField("y").addDoubleField("distance").build();

  private static Row row(double x, double y, double distance) {
    return Row.withSchema(INPUT).addValues(x, y, distance).build();
  }

  private static byte[] encode(LinearModel stage) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LinearModelCoder.withOutputCols().encode(stage, out);
    return out.toByteArray();
  }

  private static LinearModel decode(byte[] bytes) throws IOException {
    return LinearModelCoder.withOutputCols().decode(new ByteArrayInputStream(bytes));
  }

  /** TestModels' logistic stage: P(yes) = sigmoid(-0.25 + 0.75 x - 0.5 y + 0.125 distance). */
  @Test
  void probabilityColumnIsThePositiveClassProbability() {
    LinearModel stage = TestModels.logisticStage().withProbabilityCol("pYes");
    Row out = stage.bind(INPUT).apply(row(3, 5, 1.5));
    assertEquals(
        List.of("x", "y", "distance", "prediction", "probability", "pYes"),
        out.getSchema().getFieldNames());
    assertEquals(FieldType.DOUBLE, out.getSchema().getField("pYes").getType());
    double p = 1 / (1 + Math.exp(-(-0.25 + 0.75 * 3 - 0.5 * 5 + 0.125 * 1.5)));
    assertEquals(p, out.getDouble("pYes"), 1e-15);
    assertEquals(
        out.getLogicalTypeValue("probability", Vector.class).get(1), out.getDouble("pYes"), 0.0);
    assertEquals("pYes", stage.probabilityCol());
    assertNull(TestModels.logisticStage().probabilityCol());
  }

  /** Without a probability column the bytes are version 1's, as every existing file has. */
  @Test
  void stageWithoutProbabilityColumnKeepsFormatVersionOne() throws IOException {
    byte[] bytes = encode(TestModels.logisticStage());
    assertEquals(1, bytes[0]);
    assertEquals(TestModels.logisticStage(), decode(bytes));
  }

  @Test
  void stageWithProbabilityColumnRoundTripsAsVersionTwo() throws IOException {
    LinearModel stage = TestModels.logisticStage().withProbabilityCol("pYes");
    byte[] bytes = encode(stage);
    assertEquals(2, bytes[0]);
    LinearModel back = decode(bytes);
    assertEquals(stage, back);
    assertEquals("pYes", back.probabilityCol());
    assertEquals(stage, ModelFile.fromBytes(ModelFile.toBytes(stage), "stage.blm"));
    assertTrue(
        new String(ModelFile.toBytes(stage), java.nio.charset.StandardCharsets.ISO_8859_1)
            .contains("probabilityCol"),
        "the file header names the column");
  }

  @Test
  void refusesAProbabilityColumnForAModelWithoutProbabilities() {
    LinearModel svm =
        LinearModel.of(
            LinearModelType.SVM,
            1,
            new double[] {1.0},
            new double[] {0.0},
            List.of("0", "1"),
            TypeName.INT32,
            FeatureColumns.of(List.of("x")),
            Provenance.of("LinearSvm", Map.of(), 0L, 1, 0.0, 2));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> svm.withOutputCols("prediction", "detail").withProbabilityCol("p"));
    assertEquals(
        "A probability column needs a binary logistic regression model; this is a SVM model",
        e.getMessage());
  }

  @Test
  void refusesAProbabilityColumnNamedAsAnotherOutput() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TestModels.logisticStage().withProbabilityCol("prediction"));
    assertEquals("Two output columns are both named 'prediction'", e.getMessage());
  }
}
