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

  @Test
  void embeddedRunnersShareOneJvmWithTheirParallelism() {
    WorkerOptions direct =
        RunnerOptions.fromArgs("--runner=DirectRunner", "--targetParallelism=3")
            .as(WorkerOptions.class);
    WorkerOptions flink = RunnerOptions.fromArgs("--parallelism=5").as(WorkerOptions.class);

    assertEquals(Boolean.TRUE, direct.getWorkersShareOneJvm());
    assertEquals(3, direct.getWorkerParallelism());
    assertEquals(Boolean.TRUE, flink.getWorkersShareOneJvm());
    assertEquals(5, flink.getWorkerParallelism());
  }

  @Test
  void aRemoteFlinkMasterIsACluster() {
    WorkerOptions remote =
        RunnerOptions.fromArgs(
                "--flinkMaster=localhost:8081", "--parallelism=4", "--filesToStage=beamlink.jar")
            .as(WorkerOptions.class);

    assertEquals(Boolean.FALSE, remote.getWorkersShareOneJvm());
    assertEquals(4, remote.getWorkerParallelism());
  }

  @Test
  void workerFactsGivenOnTheCommandLineWin() {
    WorkerOptions given =
        RunnerOptions.fromArgs(
                "--runner=DirectRunner", "--workersShareOneJvm=false", "--workerParallelism=7")
            .as(WorkerOptions.class);

    assertEquals(Boolean.FALSE, given.getWorkersShareOneJvm());
    assertEquals(7, given.getWorkerParallelism());
  }
}
