package org.beamlink.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.pipeline.PipelineModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code beamlink tune}: a grid over a scaler + softmax pipeline on iris, cross-validated by
 * accuracy on the DirectRunner; the table printed and the winner's pipeline written; bad grids.
 */
class TuneCommandTest {
  @TempDir Path dir;

  private CommandLineFixture files;

  @BeforeEach
  void files() {
    files = new CommandLineFixture(dir);
  }

  /**
   * Two L2 values, three stratified folds: the table has both candidates with their folds, and the
   * model file is the rank-1 candidate's pipeline (assembler, scaler, softmax with that L2).
   */
  @Test
  void printsTheTableAndWritesTheBestPipeline() throws IOException {
    Path model = files.path("best.blm");
    CommandLineRun run =
        CommandLineFixture.succeeds(
            "tune",
            "--pipeline",
            "standard-scaler,softmax",
            "--grid",
            "softmax.l2=0.0001,0.5",
            "--folds",
            "3",
            "--seed",
            "4",
            "--stratified",
            "--metric",
            "accuracy",
            "--input",
            CommandLineFixture.IRIS,
            "--label",
            "species",
            "--model",
            model.toString(),
            "--quiet");
    String out = run.out();
    String[] lines = out.split("\n");
    assertTrue(
        lines[0].matches(
            "candidate\\s+softmax.l2\\s+metric\\s+mean\\s+std\\s+rank\\s+fold0\\s+fold1\\s+fold2"),
        out);
    assertTrue(lines[1].matches("0\\s+0.000100000\\s+accuracy\\s.*"), out);
    assertTrue(lines[2].matches("1\\s+0.500000\\s+accuracy\\s.*"), out);
    int best = lines[1].split("\\s+")[5].equals("1") ? 0 : 1;
    assertTrue(lines[3].startsWith("best: candidate " + best + " (accuracy "), out);
    PipelineModel fitted = ModelFile.read(model, PipelineModel.class);
    assertEquals(3, fitted.stages().size());
    LinearModel softmax = (LinearModel) fitted.stages().get(2);
    assertEquals(best == 0 ? "1.0E-4" : "0.5", softmax.provenance().parameters().get("l2"), out);
  }

  @Test
  void rejectsAnUnknownParameterAndAStageNotInThePipeline() {
    CommandLineRun unknown =
        CommandLineFixture.direct(
            "tune",
            "--pipeline",
            "softmax",
            "--grid",
            "softmax.l3=1",
            "--metric",
            "accuracy",
            "--input",
            CommandLineFixture.IRIS,
            "--label",
            "species",
            "--model",
            files.path("m.blm").toString());
    assertEquals(1, unknown.code(), unknown.err());
    assertTrue(
        unknown.err().contains("--grid softmax.l3: unknown parameter; expected one of"),
        unknown.err());
    CommandLineRun foreign =
        CommandLineFixture.direct(
            "tune",
            "--pipeline",
            "softmax",
            "--grid",
            "standard-scaler.with-mean=true",
            "--metric",
            "accuracy",
            "--input",
            CommandLineFixture.IRIS,
            "--label",
            "species",
            "--model",
            files.path("m.blm").toString());
    assertTrue(
        foreign
            .err()
            .contains(
                "--grid standard-scaler.with-mean: the pipeline has no stage"
                    + " 'standard-scaler'"),
        foreign.err());
  }
}
