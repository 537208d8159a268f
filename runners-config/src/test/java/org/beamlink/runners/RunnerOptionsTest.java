package org.beamlink.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {
  @Test
  void embeddedFlinkSkipsCopiesBetweenOperatorsWithoutCheckpoints() {
    FlinkPipelineOptions flink = RunnerOptions.fromArgs().as(FlinkPipelineOptions.class);

    assertEquals(FlinkRunner.class, flink.getRunner());
    assertEquals(RunnerOptions.EMBEDDED_FLINK_MASTER, flink.getFlinkMaster());
    assertTrue(flink.getUseDataStreamForBatch());
    assertTrue(flink.getFasterCopy());
  }

  @Test
  void checkpointsKeepFlinksStateCopies() {
    FlinkPipelineOptions flink =
        RunnerOptions.fromArgs("--checkpointingInterval=5000").as(FlinkPipelineOptions.class);

    assertFalse(flink.getFasterCopy());
  }

  @Test
  void anExplicitFasterCopyWins() {
    FlinkPipelineOptions flink =
        RunnerOptions.fromArgs("--checkpointingInterval=5000", "--fasterCopy=true")
            .as(FlinkPipelineOptions.class);

    assertTrue(flink.getFasterCopy());
  }
}
