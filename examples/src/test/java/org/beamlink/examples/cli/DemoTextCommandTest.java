package org.beamlink.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code beamlink demo text} on the command line. The demo's pipelines and numbers are checked by
 * {@link TextDemoTest} on both runners; here, what the command adds.
 */
class DemoTextCommandTest {
  @TempDir Path dir;

  @Test
  void aMissingCorpusFailsWithTheFetchHint() {
    CommandLineRun run =
        CommandLineRun.of("demo", "text", "--input", dir.resolve("none.csv").toString());
    assertEquals(2, run.code(), run.err());
    assertTrue(run.err().contains("fetch-spam-assassin.sh"), run.err());
    assertTrue(run.err().contains("spam-assassin-sample.csv"), run.err());
  }

  @Test
  void demoNamesTheTextDemo() {
    CommandLineRun run = CommandLineRun.of("help", "demo");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("text"), run.out());
    assertTrue(run.out().contains("SpamAssassin"), run.out());
  }
}
