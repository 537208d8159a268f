package org.beamlink.transforms.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.beamlink.transforms.classification.LogisticRegression;
import org.beamlink.transforms.feature.StandardScaler;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.junit.jupiter.api.Test;

/**
 * {@link RandomSearch} and {@link Distribution}: the draws are SplittableRandom's from the seed in
 * candidate and parameter order, the same for the same seed, within their bounds; errors name the
 * candidate.
 */
class RandomSearchTest {
  private final StandardScaler.Fit scaler =
      StandardScaler.fit().withInputCol("raw").withOutputCol("features");
  private final LinearFit logreg =
      LogisticRegression.fit().withVectorCol("features").withLabelCol("label");
  private final MlPipeline pipeline = MlPipeline.of(scaler, logreg);

  private RandomSearch search(long seed) {
    return RandomSearch.over(pipeline)
        .add("logreg.l2", logreg, LinearFit::withL2, Distribution.logUniform(1e-4, 1.0))
        .add("logreg.tol", logreg, LinearFit::withTol, Distribution.uniform(0.0, 1e-3))
        .add(
            "scaler.withMean",
            scaler,
            StandardScaler.Fit::withMean,
            Distribution.choice(false, true))
        .withNumCandidates(25)
        .withSeed(seed);
  }

  @Test
  void drawsFromTheSeedInCandidateAndParameterOrder() {
    List<Candidate> candidates = search(42).candidates();
    assertEquals(25, candidates.size());
    SplittableRandom random = new SplittableRandom(42);
    for (Candidate c : candidates) {
      double l2 = Math.exp(Math.log(1e-4) + (Math.log(1.0) - Math.log(1e-4)) * random.nextDouble());
      double tol = 1e-3 * random.nextDouble();
      boolean mean = List.of(false, true).get(random.nextInt(2));
      assertEquals(l2, (Double) c.params().get("logreg.l2"), 0.0);
      assertEquals(tol, (Double) c.params().get("logreg.tol"), 0.0);
      assertEquals(mean, c.params().get("scaler.withMean"));
      assertTrue(l2 >= 1e-4 && l2 < 1.0 && tol >= 0 && tol < 1e-3);
      assertEquals(logreg.withL2(l2).withTol(tol), c.pipeline().stages().get(1));
      assertEquals(scaler.withMean(mean), c.pipeline().stages().get(0));
    }
  }

  @Test
  void theSameSeedGivesTheSameCandidatesAndAnotherSeedOthers() {
    assertEquals(params(search(7)), params(search(7)));
    assertNotEquals(params(search(7)), params(search(8)));
  }

  private static List<Object> params(RandomSearch search) {
    List<Object> all = new ArrayList<>();
    for (Candidate c : search.candidates()) {
      all.add(c.params());
    }
    return all;
  }

  @Test
  void aDrawTheStageRejectsFailsNamingTheCandidate() {
    RandomSearch search =
        RandomSearch.over(pipeline)
            .add("logreg.l2", logreg, LinearFit::withL2, Distribution.uniform(-1.0, 1.0))
            .withSeed(3);
    SplittableRandom random = new SplittableRandom(3);
    int first = 0;
    double value = -1.0 + 2.0 * random.nextDouble();
    while (value >= 0) {
      first++;
      value = -1.0 + 2.0 * random.nextDouble();
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, search::candidates);
    assertEquals(
        "Candidate "
            + first
            + ": parameter logreg.l2 = "
            + value
            + " rejected: Expected l2 >= 0 and finite, got "
            + value,
        e.getMessage());
  }

  @Test
  void rejectsAnEmptySearchAndBadDistributions() {
    assertEquals(
        "The random search is empty: add at least one parameter with a distribution",
        assertThrows(IllegalArgumentException.class, () -> RandomSearch.over(pipeline).candidates())
            .getMessage());
    assertEquals(
        "Expected finite bounds with 0 < low < high, got [0.0, 1.0)",
        assertThrows(IllegalArgumentException.class, () -> Distribution.logUniform(0.0, 1.0))
            .getMessage());
    assertEquals(
        "Expected finite bounds with low < high, got [1.0, 1.0)",
        assertThrows(IllegalArgumentException.class, () -> Distribution.uniform(1.0, 1.0))
            .getMessage());
    assertEquals(
        "Expected numCandidates >= 1, got 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> RandomSearch.over(pipeline).withNumCandidates(0))
            .getMessage());
  }
}
