package org.beamlink.models.io;

import java.nio.file.Path;
import org.beamlink.models.pipeline.TestModels;

/**
 * How the committed format-1 fixture {@code pipeline-model-format1.blm} was made (run once, with
 * the test classpath, from the models directory). It is kept so that a later format can show it
 * still reads files of format 1; do not run it again to overwrite the fixture.
 */
final class ModelFileFixtures {
  private ModelFileFixtures() {}

  public static void main(String[] args) throws Exception {
    ModelFile.write(
        TestModels.pipeline(),
        Path.of("src/test/resources/org/beamlink/models/io/pipeline-model-format1.blm"));
  }
}
