package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableCopyTest {
  @TempDir Path temp;

  @Test
  void filesLiveUnderTheTempLocationPerQueue() {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setTempLocation(temp.toString());

    String dir = DurableCopy.directory(options, "KMeans fit/1");

    assertEquals(temp.resolve("beamlink-iteration").resolve("KMeans_fit_1") + "/", dir);
    assertTrue(DurableCopy.newFile(dir, ".chunk").startsWith(dir));
    assertFalse(DurableCopy.newFile(dir, ".chunk").equals(DurableCopy.newFile(dir, ".chunk")));
  }

  @Test
  void withoutATempLocationFilesGoToTheJvmsTemporaryDirectory() {
    String dir = DurableCopy.directory(PipelineOptionsFactory.create(), "q");

    assertTrue(dir.startsWith(Path.of(System.getProperty("java.io.tmpdir")).toString()), dir);
  }

  @Test
  void readsWhatItWroteAndCountsTheBytes() throws Exception {
    String path = temp.resolve("sub/dir/a.chunk").toString();
    ListCoder<Long> coder = ListCoder.of(VarLongCoder.of());
    long written = DurableCopy.write(path, coder, List.of(1L, 300L, -5L));
    long[] read = {0};

    assertEquals(List.of(1L, 300L, -5L), DurableCopy.read(path, coder, n -> read[0] += n));
    assertEquals(written, read[0]);
    assertEquals(written, Files.size(Path.of(path)));
    assertFalse(Files.exists(Path.of(path + ".tmp")), "the temporary file was renamed");

    DurableCopy.delete(List.of(path, temp.resolve("never-written").toString()));
    assertFalse(Files.exists(Path.of(path)));
  }

  @Test
  void aMissingCopyNamesTheFileAndTheTempLocation() {
    String path = temp.resolve("gone.chunk").toString();

    FileNotFoundException e =
        assertThrows(
            FileNotFoundException.class, () -> DurableCopy.read(path, VarLongCoder.of(), n -> {}));
    assertTrue(e.getMessage().contains(path), e.getMessage());
    assertTrue(e.getMessage().contains("--tempLocation"), e.getMessage());
  }
}
