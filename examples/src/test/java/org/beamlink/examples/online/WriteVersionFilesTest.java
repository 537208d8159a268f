package org.beamlink.examples.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Create;
import org.beamlink.models.Provenance;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelCoder;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.runners.testing.TestRunner;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteVersionFilesTest {
  @TempDir Path temp;

  private static ModelVersion<LinearModel> version(long number, double weight) {
    LinearModel model =
        LinearModel.of(
            LinearModelType.LOGISTIC,
            2,
            new double[] {weight, -weight},
            new double[] {0.5},
            List.of("0", "1"),
            TypeName.INT32,
            FeatureColumns.ofVector("features"),
            Provenance.of("FTRL", Map.of(), 0, (int) number, 0.3, 100 * number));
    return ModelVersion.of(number, model, 100 * number, new Instant(0), new Instant(9), "FTRL");
  }

  private void write(List<ModelVersion<LinearModel>> versions) {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(
            Create.of(versions)
                .withCoder(ModelVersion.Coder.of(LinearModelCoder.of(TypeName.INT32))))
        .apply(WriteVersionFiles.<LinearModel>to(temp.toString()));
    TestRunner.DIRECT.run(p);
  }

  @Test
  void writesEachVersionToAFileNamedByItsNumber() throws IOException {
    write(List.of(version(0, 0.0), version(1, 0.25), version(12, 1.5)));
    try (var files = Files.list(temp)) {
      assertEquals(
          List.of("version-000000.blm", "version-000001.blm", "version-000012.blm"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    LinearModel v12 = ModelFile.read(temp.resolve("version-000012.blm"), LinearModel.class);
    assertEquals(version(12, 1.5).model(), v12);
  }

  @Test
  void rewritingAVersionWithTheSameContentLeavesTheFile() throws IOException {
    write(List.of(version(1, 0.25)));
    byte[] first = Files.readAllBytes(temp.resolve("version-000001.blm"));
    write(List.of(version(1, 0.25), version(2, 0.5)));
    assertArrayEquals(first, Files.readAllBytes(temp.resolve("version-000001.blm")));
    assertTrue(Files.exists(temp.resolve("version-000002.blm")));
  }

  @Test
  void failsOnAVersionAlreadyWrittenWithOtherContent() {
    write(List.of(version(1, 0.25)));
    Exception e = assertThrows(Exception.class, () -> write(List.of(version(1, 0.75))));
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof IllegalStateException)) {
      cause = cause.getCause();
    }
    assertTrue(
        cause.getMessage().contains("Model version 1 is already in")
            && cause.getMessage().contains("version-000001.blm")
            && cause.getMessage().contains("with other content"),
        cause.getMessage());
  }

  @Test
  void namesFilesWithSixOrMoreDigits() {
    assertEquals("version-000007.blm", WriteVersionFiles.fileName(7));
    assertEquals("version-1234567.blm", WriteVersionFiles.fileName(1_234_567));
  }

  @Test
  void rejectsAMissingDirectory() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WriteVersionFiles.to(""));
    assertEquals("Expected a directory for the model versions, got none", e.getMessage());
  }
}
