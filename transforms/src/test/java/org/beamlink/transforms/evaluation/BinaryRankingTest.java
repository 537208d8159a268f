package org.beamlink.transforms.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.util.CoderUtils;
import org.beamlink.transforms.evaluation.BinaryRanking.Segment;
import org.beamlink.transforms.evaluation.BinaryRanking.Totals;
import org.junit.jupiter.api.Test;

/**
 * The shared arithmetic of binary ranking metrics, without a pipeline: against scikit-learn
 * (evaluation_reference.json) and against a straightforward pairwise computation, and the
 * distributed cut into buckets against the one-pass walk.
 */
class BinaryRankingTest {
  /** Sums of a few hundred terms in another order than numpy's: a few ulps. */
  private static final double TOL = 1e-12;

  static List<ScoreCount> counts(int[] labels, double[] scores) {
    Map<Double, ScoreCount> byScore = new HashMap<>();
    for (int i = 0; i < labels.length; i++) {
      boolean positive = labels[i] == 1;
      ScoreCount c =
          new ScoreCount(
              scores[i],
              positive ? 1 : 0,
              positive ? 0 : 1,
              PredictionDetail.binaryLogLossTerm(scores[i], positive));
      byScore.merge(scores[i], c, ScoreCount::plus);
    }
    return new ArrayList<>(byScore.values());
  }

  private static BinaryMetrics reference(String name, int maxPoints) {
    JsonNode ref = EvaluationReference.get(name);
    return BinaryRanking.compute(
        counts(
            EvaluationReference.ints(ref.get("labels")),
            EvaluationReference.doubles(ref.get("scores"))),
        "1",
        "0",
        0.5,
        maxPoints);
  }

  @Test
  void matchesSklearnOnBreastCancerPredictions() {
    checkAgainstSklearn("breastCancer");
  }

  @Test
  void matchesSklearnWhenScoresAreTied() {
    checkAgainstSklearn("breastCancerTies");
  }

  private static void checkAgainstSklearn(String name) {
    JsonNode ref = EvaluationReference.get(name);
    BinaryMetrics m = reference(name, 10_000);
    assertEquals(ref.get("auc").asDouble(), m.auc(), TOL);
    assertEquals(ref.get("averagePrecision").asDouble(), m.averagePrecision(), TOL);
    assertEquals(ref.get("areaUnderPrSpark").asDouble(), m.areaUnderPr(), TOL);
    assertEquals(ref.get("areaUnderPrAlink").asDouble(), m.areaUnderPrAlink(), TOL);
    assertEquals(ref.get("ks").asDouble(), m.ks(), TOL);
    assertEquals(ref.get("logLoss").asDouble(), m.logLoss(), TOL);
    assertEquals(ref.get("accuracy").asDouble(), m.accuracy(), TOL);
    assertEquals(ref.get("precision").asDouble(), m.precision(), TOL);
    assertEquals(ref.get("recall").asDouble(), m.recall(), TOL);
    assertEquals(ref.get("f1").asDouble(), m.f1(), TOL);
    long[][] cm = EvaluationReference.matrix(ref.get("confusionMatrix"));
    assertEquals(Arrays.deepToString(cm), Arrays.deepToString(m.confusionMatrix()));
    double[] thresholds = EvaluationReference.doubles(ref.get("rocThresholds"));
    double[] fpr = EvaluationReference.doubles(ref.get("rocFpr"));
    double[] tpr = EvaluationReference.doubles(ref.get("rocTpr"));
    assertEquals(thresholds.length, m.curve().size());
    for (int i = 0; i < thresholds.length; i++) {
      var row = m.curveRows().get(i);
      assertEquals(thresholds[i], row.getDouble("threshold"), 0.0);
      assertEquals(fpr[i], row.getDouble("falsePositiveRate"), TOL);
      assertEquals(tpr[i], row.getDouble("recall"), TOL);
    }
  }

  @Test
  void downSamplesCurvesToTheRequestedPointsIncludingBothEnds() {
    BinaryMetrics all = reference("breastCancer", 10_000);
    BinaryMetrics few = reference("breastCancer", 50);
    assertEquals(50, few.curve().size());
    assertEquals(all.curve().get(0), few.curve().get(0));
    assertEquals(all.curve().get(all.curve().size() - 1), few.curve().get(49));
    assertEquals(all.auc(), few.auc(), 0.0);
    for (int d = 2; d < 300; d++) {
      int kept = 0;
      for (long i = 0; i < d; i++) {
        kept += BinaryRanking.keep(i, d, 7) ? 1 : 0;
      }
      assertEquals(Math.min(d, 7), kept, "distinct " + d);
    }
  }

  /**
   * The distributed path's arithmetic: 200k rows with scores rounded to 3 decimals (so ties cross
   * every cut), cut into 37 buckets at arbitrary boundaries, each walked with the prefix sums of
   * the buckets above; against a pairwise (Mann-Whitney) AUC with average ranks and against the
   * one-pass walk. Tolerance 1e-12: the AUC is exact in both, the other sums differ in order only.
   */
  @Test
  void bucketedWalkEqualsInMemoryComputationOnManyTies() {
    Random random = new Random(7);
    int n = 200_000;
    int[] labels = new int[n];
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextDouble() < 0.3 ? 1 : 0;
      double z = random.nextGaussian() + (labels[i] == 1 ? 0.8 : 0.0);
      scores[i] = Math.round(1000.0 / (1.0 + Math.exp(-z))) / 1000.0;
    }
    List<ScoreCount> distinct = counts(labels, scores);
    BinaryMetrics inMemory = BinaryRanking.compute(distinct, "1", "0", 0.5, 1000);

    double[] cuts = new double[36];
    for (int j = 0; j < cuts.length; j++) {
      cuts[j] = Math.round(1000.0 * (0.05 + 0.9 * random.nextDouble())) / 1000.0;
    }
    Arrays.sort(cuts);
    Map<Integer, List<ScoreCount>> buckets = new HashMap<>();
    for (ScoreCount c : distinct) {
      buckets
          .computeIfAbsent(
              BucketedBinaryEvaluation.bucketOf(c.score(), cuts), b -> new ArrayList<>())
          .add(c);
    }
    long positives = 0;
    long negatives = 0;
    for (int label : labels) {
      positives += label;
      negatives += 1 - label;
    }
    Totals totals = new Totals(positives, negatives, distinct.size());
    List<Segment> segments = new ArrayList<>();
    long tp = 0;
    long fp = 0;
    long before = 0;
    for (int b = cuts.length; b >= 0; b--) {
      List<ScoreCount> bucket = new ArrayList<>(buckets.getOrDefault(b, List.of()));
      bucket.sort(Comparator.comparingDouble(ScoreCount::score).reversed());
      segments.add(BinaryRanking.walk(bucket, tp, fp, before, totals, 0.5, 1000));
      for (ScoreCount c : bucket) {
        tp += c.positives();
        fp += c.negatives();
      }
      before += bucket.size();
    }
    BinaryMetrics bucketed = BinaryRanking.finish(segments, totals, "1", "0", 0.5);

    assertEquals(pairwiseAuc(labels, scores), bucketed.auc(), TOL);
    assertEquals(inMemory.auc(), bucketed.auc(), 0.0);
    assertEquals(inMemory.ks(), bucketed.ks(), TOL);
    assertEquals(inMemory.averagePrecision(), bucketed.averagePrecision(), TOL);
    assertEquals(inMemory.areaUnderPr(), bucketed.areaUnderPr(), TOL);
    assertEquals(inMemory.areaUnderPrAlink(), bucketed.areaUnderPrAlink(), TOL);
    assertEquals(inMemory.logLoss(), bucketed.logLoss(), TOL);
    assertEquals(inMemory.truePositives(), bucketed.truePositives());
    assertEquals(inMemory.falsePositives(), bucketed.falsePositives());
    assertEquals(inMemory.curve(), bucketed.curve());
  }

  /** The Mann-Whitney U statistic with average ranks for ties, over P * N. */
  private static double pairwiseAuc(int[] labels, double[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double rankSum = 0.0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j < order.length && scores[order[j]] == scores[order[i]]) {
        j++;
      }
      double averageRank = (i + 1 + j) / 2.0;
      for (int k = i; k < j; k++) {
        if (labels[order[k]] == 1) {
          rankSum += averageRank;
          positives++;
        }
      }
      i = j;
    }
    long negatives = scores.length - positives;
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  @Test
  void segmentAndTotalsCodersRoundTrip() throws Exception {
    List<ScoreCount> distinct = counts(new int[] {1, 0, 1, 0}, new double[] {0.9, 0.8, 0.4, 0.1});
    Totals totals = new Totals(2, 2, 4);
    Segment s =
        BinaryRanking.walk(
            distinct.stream()
                .sorted(Comparator.comparingDouble(ScoreCount::score).reversed())
                .toList(),
            0,
            0,
            0,
            totals,
            0.5,
            3);
    Segment back =
        CoderUtils.decodeFromByteArray(
            BinaryRanking.SegmentCoder.of(),
            CoderUtils.encodeToByteArray(BinaryRanking.SegmentCoder.of(), s));
    assertEquals(
        BinaryRanking.finish(List.of(s), totals, "1", "0", 0.5),
        BinaryRanking.finish(List.of(back), totals, "1", "0", 0.5));
    assertEquals(3, back.points.size());
    assertEquals(
        totals,
        CoderUtils.decodeFromByteArray(
            BinaryRanking.TotalsCoder.of(),
            CoderUtils.encodeToByteArray(BinaryRanking.TotalsCoder.of(), totals)));
  }

  @Test
  void allEqualScoresGiveAucOneHalf() {
    BinaryMetrics m =
        BinaryRanking.compute(
            counts(new int[] {1, 0, 1, 0, 0}, new double[] {0.3, 0.3, 0.3, 0.3, 0.3}),
            "1",
            "0",
            0.5,
            1000);
    assertEquals(0.5, m.auc(), 0.0);
    assertEquals(0.0, m.ks(), 0.0);
    // One threshold: precision 2/5 at recall 1.
    assertEquals(0.4, m.averagePrecision(), 1e-15);
  }

  @Test
  void oneClassGivesNaNRankingMetrics() {
    BinaryMetrics m =
        BinaryRanking.compute(
            counts(new int[] {1, 1}, new double[] {0.3, 0.6}), "1", null, 0.5, 10);
    assertEquals(Double.NaN, m.auc());
    assertEquals(Double.NaN, m.ks());
    assertEquals(0.5, m.accuracy(), 0.0);
  }
}
