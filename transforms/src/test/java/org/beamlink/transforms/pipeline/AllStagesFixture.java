package org.beamlink.transforms.pipeline;

import java.nio.file.Path;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.clustering.TestData;

/**
 * How the committed format-1 fixture {@code all-stages-format1.blm} was made: {@link
 * AllStages#formatOne()} fitted on iris on the DirectRunner (run once, with the test classpath,
 * from the transforms directory). It is kept so that later formats can show they still read format
 * 1 for every model type; do not run it again to overwrite the fixture.
 */
final class AllStagesFixture {
  private AllStagesFixture() {}

  public static void main(String[] args) throws Exception {
    Pipeline p = TestRunner.DIRECT.create();
    Kept.keep(
        p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS))
            .apply(AllStages.formatOne().fit()),
        "fixture");
    TestRunner.DIRECT.run(p);
    PipelineModel model = Kept.<PipelineModel>get("fixture").get(0);
    ModelFile.write(
        model,
        Path.of("src/test/resources/org/beamlink/transforms/pipeline/all-stages-format1.blm"));
  }
}
