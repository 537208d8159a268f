package org.beamlink.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.beamlink.examples.online.ClickFtrl;
import org.beamlink.examples.online.FtrlReference;
import org.beamlink.examples.online.WriteVersionFiles;
import org.beamlink.models.online.FtrlParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code beamlink online ftrl} on embedded Flink in streaming mode, with checkpoints. */
class OnlineCommandTest {
  @TempDir Path temp;

  @Test
  void ftrlWritesTheVersionsOfSequentialFtrl() throws IOException {
    Path out = temp.resolve("versions");
    CommandLineRun run =
        CommandLineRun.of(
            "online",
            "ftrl",
            "--output",
            out.toString(),
            "--events",
            "2550",
            "--rate",
            "100000",
            "--seed",
            "3",
            "--num-features",
            "1024",
            "--mini-batch",
            "100",
            "--threads",
            "2",
            "--emit-every",
            "1000",
            "--json",
            "--quiet",
            "--flinkMaster=[auto]",
            "--parallelism=1",
            "--checkpointingInterval=500");
    assertEquals(0, run.code(), run.err());
    ClickFtrl.Config config =
        new ClickFtrl.Config(
            2550,
            100000,
            3,
            1275,
            1024,
            FtrlParams.defaults().withMiniBatchSize(100).withThreads(2),
            1000);
    // Versions 0 (initial), 1 at 1000, 2 at 2000 and 3 at the end (2550, a partial batch of 50).
    assertEquals(4, FtrlReference.assertWrittenVersionsMatch(config, out).size());
    assertTrue(run.out().contains("\"newestVersion\":3"), run.out());
    assertTrue(run.out().contains("\"examples\":2550"), run.out());
  }

  @Test
  void ftrlRefusesADirectoryThatHoldsVersions() throws IOException {
    Files.writeString(temp.resolve(WriteVersionFiles.fileName(0)), "an earlier run's version");
    CommandLineRun run =
        CommandLineRun.of("online", "ftrl", "--output", temp.toString(), "--events", "10");
    assertEquals(1, run.code());
    assertTrue(run.err().contains("already holds model versions"), run.err());
    assertTrue(run.err().contains("--savepointPath"), run.err());
  }

  @Test
  void onlineWithoutAJobNamesTheJobs() {
    CommandLineRun run = CommandLineRun.of("online");
    assertEquals(2, run.code());
    assertTrue(run.err().contains("Missing a job: ftrl"), run.err());
  }
}
