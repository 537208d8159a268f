package org.beamlink.examples.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.demo.ClickEvents;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.online.FtrlExample;
import org.beamlink.models.online.FtrlLearner;
import org.beamlink.models.online.FtrlState;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;

/**
 * The versions {@link ClickFtrl} must produce, computed without a runner: sequential FTRL ({@link
 * FtrlLearner}) over events {@code 0 .. events - 1} in their order, in mini-batches, with a version
 * each time the examples trained pass a multiple of {@code emitEvery} and a last one for a partial
 * batch at the end. A run on any runner, restored from checkpoints or savepoints any number of
 * times, must write exactly these versions; {@link #assertWrittenVersionsMatch} checks a directory
 * of version files against them.
 *
 * <pre>{@code
 * FtrlReference.assertWrittenVersionsMatch(config, Path.of("/tmp/versions"));
 * }</pre>
 */
public final class FtrlReference {
  /**
   * The tolerance on every weight: the reference applies the same updates in the same order with
   * one thread, so only the order of gradient sums with several threads could differ (1e-15
   * relative per sum); 1e-9 leaves room for that and nothing else.
   */
  public static final double TOLERANCE = 1e-9;

  private static final Pattern VERSION_FILE = Pattern.compile("version-(\\d+)\\.blm");

  private FtrlReference() {}

  /** The expected versions by number: version 0 is the initial model. */
  public static TreeMap<Long, LinearModel> versions(ClickFtrl.Config config) {
    int numFeatures = config.numFeatures();
    Transformer.Bound hashing =
        ClickFtrl.features(numFeatures).transformer().bind(ClickEvents.SCHEMA);
    FeatureColumns.Bound features =
        FeatureColumns.ofVector(ClickFtrl.FEATURES).bind(hashing.outputSchema());
    FtrlLearner learner = FtrlLearner.of(ClickFtrl.initialModel(numFeatures), config.params());
    FtrlState state = learner.newState();
    ClickEvents clicks = new ClickEvents(config.seed(), config.driftAt());
    TreeMap<Long, LinearModel> versions = new TreeMap<>();
    versions.put(0L, learner.model(state));
    List<FtrlExample> batch = new ArrayList<>();
    long emitted = 0;
    for (long i = 0; i < config.events(); i++) {
      Row row = hashing.apply(clicks.event(i));
      batch.add(
          FtrlExample.of(
              features.extract(row),
              row.getInt32(ClickFtrl.LABEL),
              ClickEvents.START_MILLIS + i * ClickEvents.SPACING_MILLIS));
      if (batch.size() == config.params().miniBatchSize() || i == config.events() - 1) {
        learner.trainBatch(state, batch, null);
        batch.clear();
        long trained = state.examples();
        boolean crossed = trained / config.emitEvery() > emitted / config.emitEvery();
        if (crossed || i == config.events() - 1 && trained > emitted) {
          versions.put(versions.lastKey() + 1, learner.model(state));
          emitted = trained;
        }
      }
    }
    return versions;
  }

  /**
   * Checks the version files in {@code directory} against {@link #versions}: the same version
   * numbers (0 to the last, none missing, none extra), each trained on the same examples (its
   * provenance's rows: no example counted twice or lost) and with every weight within {@link
   * #TOLERANCE}. Returns the versions read, by number.
   */
  public static TreeMap<Long, LinearModel> assertWrittenVersionsMatch(
      ClickFtrl.Config config, Path directory) throws IOException {
    TreeMap<Long, LinearModel> written = read(directory);
    assertVersionsMatch(config, written, directory.toString());
    return written;
  }

  /**
   * Checks {@code written}, versions by number read from {@code where}, against {@link #versions}
   * as {@link #assertWrittenVersionsMatch} does.
   */
  public static void assertVersionsMatch(
      ClickFtrl.Config config, TreeMap<Long, LinearModel> written, String where) {
    TreeMap<Long, LinearModel> expected = versions(config);
    assertEquals(expected.keySet(), written.keySet(), "version numbers written to " + where);
    long previousRows = -1;
    for (long v : expected.keySet()) {
      LinearModel want = expected.get(v);
      LinearModel got = written.get(v);
      assertEquals(want.provenance().rows(), got.provenance().rows(), "examples of version " + v);
      assertEquals(v, got.provenance().iterations(), "version number recorded in version " + v);
      assertTrue(got.provenance().rows() > previousRows, "examples grow with the version");
      previousRows = got.provenance().rows();
      assertEquals(want.intercepts()[0], got.intercepts()[0], TOLERANCE, "intercept of " + v);
      double[] w = want.coefficients();
      double[] g = got.coefficients();
      assertEquals(w.length, g.length);
      for (int j = 0; j < w.length; j++) {
        assertEquals(w[j], g[j], TOLERANCE, "weight " + j + " of version " + v);
      }
    }
    assertEquals(config.events(), written.lastEntry().getValue().provenance().rows());
  }

  /** The version files in {@code directory}, by version number. */
  public static TreeMap<Long, LinearModel> read(Path directory) throws IOException {
    TreeMap<Long, LinearModel> found = new TreeMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        Matcher m = VERSION_FILE.matcher(file.getFileName().toString());
        if (m.matches()) {
          found.put(Long.parseLong(m.group(1)), ModelFile.read(file, LinearModel.class));
        }
      }
    }
    return found;
  }
}
