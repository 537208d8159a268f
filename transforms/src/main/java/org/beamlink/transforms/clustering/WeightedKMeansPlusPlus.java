package org.beamlink.transforms.clustering;

import java.util.Random;

/**
 * Chooses {@code k} centers among weighted candidates with k-means++ and refines them with weighted
 * Lloyd iterations: the last step of k-means|| (Bahmani et al. 2012), as Spark's LocalKMeans. Runs
 * on one machine over the few candidates; seeded, so deterministic.
 */
final class WeightedKMeansPlusPlus {
  private static final int LLOYD_ITERATIONS = 30;

  private WeightedKMeansPlusPlus() {}

  /** Row-major centers from {@code m} candidates (row-major, dimension {@code d}). */
  static double[] choose(double[] candidates, double[] weights, int m, int d, int k, long seed) {
    Random random = new Random(seed);
    double[] centers = new double[k * d];
    int first = pick(weights, m, random);
    System.arraycopy(candidates, first * d, centers, 0, d);
    double[] cost = new double[m];
    for (int i = 0; i < m; i++) {
      cost[i] = squared(candidates, i * d, centers, 0, d);
    }
    for (int c = 1; c < k; c++) {
      double[] score = new double[m];
      for (int i = 0; i < m; i++) {
        score[i] = weights[i] * cost[i];
      }
      int chosen = pick(score, m, random);
      System.arraycopy(candidates, chosen * d, centers, c * d, d);
      for (int i = 0; i < m; i++) {
        cost[i] = Math.min(cost[i], squared(candidates, i * d, centers, c * d, d));
      }
    }
    int[] assignment = new int[m];
    for (int iter = 0; iter < LLOYD_ITERATIONS; iter++) {
      boolean moved = false;
      for (int i = 0; i < m; i++) {
        int best = nearest(candidates, i * d, centers, k, d);
        moved |= best != assignment[i];
        assignment[i] = best;
      }
      double[] sums = new double[k * d];
      double[] counts = new double[k];
      for (int i = 0; i < m; i++) {
        int c = assignment[i];
        counts[c] += weights[i];
        for (int j = 0; j < d; j++) {
          sums[c * d + j] += weights[i] * candidates[i * d + j];
        }
      }
      for (int c = 0; c < k; c++) {
        if (counts[c] > 0) {
          for (int j = 0; j < d; j++) {
            centers[c * d + j] = sums[c * d + j] / counts[c];
          }
        }
      }
      if (!moved && iter > 0) {
        break;
      }
    }
    return centers;
  }

  /** An index drawn with probability proportional to {@code score}; the first positive if all 0. */
  private static int pick(double[] score, int m, Random random) {
    double total = 0;
    for (int i = 0; i < m; i++) {
      total += score[i];
    }
    if (!(total > 0)) {
      return 0;
    }
    double r = random.nextDouble() * total;
    double acc = 0;
    for (int i = 0; i < m; i++) {
      acc += score[i];
      if (r < acc) {
        return i;
      }
    }
    return m - 1;
  }

  static int nearest(double[] points, int offset, double[] centers, int k, int d) {
    int best = 0;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      double dist = squared(points, offset, centers, c * d, d);
      if (dist < bestDistance) {
        bestDistance = dist;
        best = c;
      }
    }
    return best;
  }

  static double squared(double[] a, int aOff, double[] b, int bOff, int d) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      double diff = a[aOff + j] - b[bOff + j];
      s += diff * diff;
    }
    return s;
  }
}
