package org.beamlink.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddedFlinkClusterTest {
  @AfterEach
  void close() throws Exception {
    EmbeddedFlinkCluster.close();
  }

  private static String master(String... args) {
    return RunnerOptions.fromArgs(args).as(FlinkPipelineOptions.class).getFlinkMaster();
  }

  /** One cluster for every pipeline without a master, until it is closed. */
  @Test
  void pipelinesWithoutAMasterRunOnTheStartedCluster() throws Exception {
    EmbeddedFlinkCluster.startInBackground();
    int slots = EmbeddedFlinkCluster.slots();
    assertEquals(Runtime.getRuntime().availableProcessors(), slots);
    assertEquals(RunnerOptions.STARTED_FLINK_MASTER, master());
    assertEquals(RunnerOptions.EMBEDDED_FLINK_MASTER, master("--parallelism=" + (slots + 1)));
    assertEquals("host:8081", master("--flinkMaster=host:8081", "--filesToStage=beamlink.jar"));

    for (int run = 1; run <= 2; run++) {
      Pipeline p = Pipeline.create(RunnerOptions.fromArgs());
      PCollection<Long> sum =
          p.apply(Create.of(1L, 2L, 3L, 4L)).apply(Sum.longsGlobally().withoutDefaults());
      PAssert.thatSingleton(sum).isEqualTo(10L);
      assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
      assertEquals(run, EmbeddedFlinkCluster.cluster().listJobs().get().size());
    }

    EmbeddedFlinkCluster.close();
    assertEquals(0, EmbeddedFlinkCluster.slots());
    assertEquals(RunnerOptions.EMBEDDED_FLINK_MASTER, master());
  }
}
