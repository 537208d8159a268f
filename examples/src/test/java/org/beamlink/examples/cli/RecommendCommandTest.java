package org.beamlink.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.beamlink.models.Provenance;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.recommendation.AlsModel;
import org.beamlink.models.recommendation.NeighbourhoodModel;
import org.beamlink.models.recommendation.Recommendation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code beamlink recommend} prints what the model file's own recommendItems gives. */
class RecommendCommandTest {
  @TempDir Path dir;

  /**
   * Users 1 and 7; items 3, 4, 5; item 3's neighbours 5 (0.75) and 4 (0.5), 4's and 5's item 3.
   * User 1 (items 3 and 4) scores 3 by 0.5 x 2 / 2 = 0.5, 4 by 0.5 x 4 / 2 = 1, 5 by 0.75 x 4 / 2 =
   * 1.5.
   */
  private Path neighbourhoodModel() throws IOException {
    NeighbourhoodModel m =
        NeighbourhoodModel.of(
            NeighbourhoodModel.Side.ITEMS,
            "COSINE",
            false,
            new long[] {1, 7},
            new int[] {0, 2, 4},
            new long[] {3, 4, 3, 5},
            new double[] {4.0, 2.0, 5.0, 1.5},
            new long[] {3, 4, 5},
            new int[] {0, 2, 3, 4},
            new long[] {5, 4, 3, 3},
            new double[] {0.75, 0.5, 0.5, 0.75},
            Provenance.of("ItemCf", Map.of(), 0L, 1, Double.NaN, 4));
    assertEquals(
        List.of(new Recommendation(5, 1.5), new Recommendation(4, 1.0), new Recommendation(3, 0.5)),
        m.recommendItems(1, 3, false));
    Path file = dir.resolve("itemcf.blm");
    ModelFile.write(m, file);
    return file;
  }

  @Test
  void printsTheTopItemsAsATableOrJson() throws IOException {
    Path file = neighbourhoodModel();
    CommandLineRun table =
        CommandLineRun.of("recommend", "--model", file.toString(), "--user", "1", "--k", "2");
    assertEquals(0, table.code(), table.err());
    assertEquals(
        String.format(
            "%4s  %12s  %14s%n%4d  %12d  %14.6g%n%4d  %12d  %14.6g%n",
            "rank", "item", "score", 1, 5, 1.5, 2, 4, 1.0),
        table.out());
    CommandLineRun json =
        CommandLineRun.of(
            "recommend", "-m", file.toString(), "-u", "1", "--exclude-seen", "--json");
    assertEquals(0, json.code(), json.err());
    assertEquals(
        "{\"user\":1,\"k\":10,\"recommendations\":[{\"item\":5,\"score\":1.5}]}\n", json.out());
    CommandLineRun unseen = CommandLineRun.of("recommend", "-m", file.toString(), "-u", "99");
    assertEquals(0, unseen.code(), unseen.err());
    assertEquals("No recommendations for user 99\n", unseen.out());
  }

  @Test
  void readsAnAlsModelAndRefusesWhatItCannotDo() throws IOException {
    AlsModel als =
        AlsModel.of(
            1,
            new long[] {1},
            new double[] {2.0},
            new long[] {10, 11},
            new double[] {0.5, 1.5},
            Provenance.of("Als", Map.of(), 0L, 1, Double.NaN, 2));
    Path file = dir.resolve("als.blm");
    ModelFile.write(als, file);
    CommandLineRun run = CommandLineRun.of("recommend", "-m", file.toString(), "-u", "1", "--json");
    assertEquals(0, run.code(), run.err());
    assertEquals(
        "{\"user\":1,\"k\":10,\"recommendations\":[{\"item\":11,\"score\":3.0},"
            + "{\"item\":10,\"score\":1.0}]}\n",
        run.out());
    assertEquals(als.recommendItems(1, 2, Set.of()).get(0).id(), 11L);
    CommandLineRun seen =
        CommandLineRun.of("recommend", "-m", file.toString(), "-u", "1", "--exclude-seen");
    assertEquals(2, seen.code());
    assertTrue(seen.err().contains("--exclude-seen needs the user's ratings"), seen.err());
    CommandLineRun badK =
        CommandLineRun.of("recommend", "-m", file.toString(), "-u", "1", "--k", "0");
    assertEquals(2, badK.code());
    assertTrue(badK.err().contains("Expected --k >= 1, got 0"), badK.err());
  }
}
