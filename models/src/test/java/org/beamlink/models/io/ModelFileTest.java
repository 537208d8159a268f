package org.beamlink.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.pipeline.TestModels;
import org.beamlink.models.pipeline.Transformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
  @TempDir Path dir;

  @Test
  void pipelineModelRoundTripsThroughAFile() throws IOException {
    PipelineModel model = TestModels.pipeline();
    Path file = dir.resolve("m.blm");
    ModelFile.write(model, file);
    PipelineModel read = ModelFile.read(file, PipelineModel.class);
    assertEquals(model, read);
    assertEquals(model.inputSchema(), read.inputSchema());
    LinearModel stage = (LinearModel) read.stages().get(1);
    assertArrayEquals(new double[] {0.69, 0.4, 0.31}, stage.provenance().lossCurve());
  }

  @Test
  void everyModelTypeRoundTrips() throws IOException {
    KMeansModel kmeans = TestModels.kmeansStage().withoutOutputCols();
    assertEquals(kmeans, ModelFile.fromBytes(ModelFile.toBytes(kmeans), "kmeans"));
    Object linear = TestModels.logisticStage().withoutOutputCols();
    assertEquals(linear, ModelFile.fromBytes(ModelFile.toBytes(linear), "linear"));
    Transformer stage = TestModels.kmeansStage();
    assertEquals(stage, ModelFile.fromBytes(ModelFile.toBytes(stage), "stage"));
    // A linear stage's parameters include "type" (LOGISTIC), which must not hide the file's type.
    Transformer logistic = TestModels.logisticStage();
    byte[] bytes = ModelFile.toBytes(logistic);
    assertEquals(logistic, ModelFile.fromBytes(bytes, "logistic stage"));
    String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("\nparameter.type: LOGISTIC\n"), text.substring(0, 400));
  }

  @Test
  void headerIsReadableText() throws IOException {
    Path file = dir.resolve("m.blm");
    ModelFile.write(TestModels.pipeline(), file);
    String head = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertTrue(head.startsWith("BEAMLINK-MODEL 1\ntype: pipeline-model\n"), head);
    Map<String, String> header = ModelFile.header(file);
    assertEquals("x DOUBLE, y DOUBLE, label STRING", header.get("inputSchema"));
    assertTrue(header.get("stage1").startsWith("kmeans-model-stage {k=2"), header.get("stage1"));
    assertTrue(header.get("stage2").contains("iterations=17"), header.get("stage2"));
  }

  @Test
  void formatOneFixtureStillLoads() throws IOException {
    byte[] bytes;
    try (InputStream in = getClass().getResourceAsStream("pipeline-model-format1.blm")) {
      bytes = in.readAllBytes();
    }
    Object model = ModelFile.fromBytes(bytes, "pipeline-model-format1.blm");
    assertEquals(TestModels.pipeline(), model);
    assertArrayEquals(bytes, ModelFile.toBytes(model));
  }

  @Test
  void rejectsAFlippedByte() throws IOException {
    byte[] bytes = ModelFile.toBytes(TestModels.pipeline());
    bytes[bytes.length - 100] ^= 1;
    IOException e = assertThrows(IOException.class, () -> ModelFile.fromBytes(bytes, "f.blm"));
    assertTrue(e.getMessage().contains("f.blm is corrupt: its SHA-256 is"), e.getMessage());
  }

  @Test
  void rejectsATruncatedFile() throws IOException {
    byte[] bytes = ModelFile.toBytes(TestModels.pipeline());
    byte[] cut = Arrays.copyOf(bytes, bytes.length / 2);
    IOException e = assertThrows(IOException.class, () -> ModelFile.fromBytes(cut, "f.blm"));
    assertTrue(e.getMessage().contains("f.blm is truncated"), e.getMessage());
  }

  @Test
  void rejectsAForeignFile() {
    byte[] zip = {0x50, 0x4b, 0x03, 0x04, 0, 0, 0};
    IOException e = assertThrows(IOException.class, () -> ModelFile.fromBytes(zip, "x.zip"));
    assertEquals("x.zip is not a Beamlink model file: it starts with \"PK?????\"", e.getMessage());
  }

  @Test
  void rejectsANewerFormat() throws IOException {
    byte[] bytes = ModelFile.toBytes(TestModels.pipeline());
    String text =
        new String(bytes, StandardCharsets.ISO_8859_1).replaceFirst("MODEL 1\n", "MODEL 2\n");
    IOException e =
        assertThrows(
            IOException.class,
            () -> ModelFile.fromBytes(text.getBytes(StandardCharsets.ISO_8859_1), "new.blm"));
    assertTrue(
        e.getMessage().contains("format 2; this library reads formats 1 to 1"), e.getMessage());
  }

  @Test
  void rejectsTheWrongModelType() throws IOException {
    Path file = dir.resolve("k.blm");
    ModelFile.write(TestModels.kmeansStage().withoutOutputCols(), file);
    IOException e =
        assertThrows(IOException.class, () -> ModelFile.read(file, PipelineModel.class));
    assertTrue(
        e.getMessage().endsWith("holds a kmeans-model, not a PipelineModel"), e.getMessage());
  }

  @Test
  void writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("m.blm");
    ModelFile.write(TestModels.kmeansStage(), file);
    ModelFile.write(TestModels.pipeline(), file);
    assertEquals(TestModels.pipeline(), ModelFile.read(file));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void schemasWithNestedTypesRoundTrip() throws IOException {
    Schema nested = Schema.builder().addInt64Field("id").build();
    Schema schema =
        Schema.builder()
            .addNullableField("v", VectorLogicalType.FIELD_TYPE)
            .addArrayField("tags", Schema.FieldType.STRING)
            .addMapField("m", Schema.FieldType.STRING, Schema.FieldType.DOUBLE)
            .addRowField("r", nested)
            .addBooleanField("b")
            .build();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    SchemaCoding.write(schema, out);
    Schema read = SchemaCoding.read(new java.io.ByteArrayInputStream(out.toByteArray()));
    assertTrue(schema.equivalent(read), read.toString());
    assertEquals(
        "v VECTOR?, tags ARRAY<STRING>, m MAP<STRING, DOUBLE>, r ROW(id INT64), b BOOLEAN",
        SchemaCoding.describe(schema));
  }
}
