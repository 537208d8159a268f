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

  @Test
  void pipelinesWithoutAMasterRunOnTheStartedCluster() throws Exception {
    EmbeddedFlinkCluster.startInBackground();
    int processors = Runtime.getRuntime().availableProcessors();
    FlinkPipelineOptions flink = RunnerOptions.fromArgs().as(FlinkPipelineOptions.class);
    assertEquals(RunnerOptions.STARTED_FLINK_MASTER, flink.getFlinkMaster());
    assertEquals(processors, EmbeddedFlinkCluster.slots());

    for (int run = 1; run <= 2; run++) {
      Pipeline p = Pipeline.create(RunnerOptions.fromArgs());
      PCollection<Long> sum =
          p.apply(Create.of(1L, 2L, 3L, 4L)).apply(Sum.longsGlobally().withoutDefaults());
      PAssert.thatSingleton(sum).isEqualTo(10L);
      assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
      assertEquals(run, EmbeddedFlinkCluster.cluster().listJobs().get().size());
    }
  }

  @Test
  void aParallelismAboveTheSlotsOrAGivenMasterKeepsBeamsOwnCluster() throws Exception {
    EmbeddedFlinkCluster.startInBackground();
    int slots = EmbeddedFlinkCluster.slots();

    assertEquals(
        RunnerOptions.EMBEDDED_FLINK_MASTER,
        RunnerOptions.fromArgs("--parallelism=" + (slots + 1))
            .as(FlinkPipelineOptions.class)
            .getFlinkMaster());
    assertEquals(
        "[local]",
        RunnerOptions.fromArgs("--flinkMaster=[local]")
            .as(FlinkPipelineOptions.class)
            .getFlinkMaster());
    EmbeddedFlinkCluster.close();
    assertEquals(
        RunnerOptions.EMBEDDED_FLINK_MASTER,
        RunnerOptions.fromArgs().as(FlinkPipelineOptions.class).getFlinkMaster());
  }
}
