package org.beamlink.transforms.evaluation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.KV;

/** The clustering indices computed in memory: the silhouette and the Davies-Bouldin index. */
final class ClusterIndices {
  private ClusterIndices() {}

  /** The Euclidean distance of two points of one size. */
  static double distance(double[] a, double[] b) {
    double sum = 0;
    for (int j = 0; j < a.length; j++) {
      double d = a[j] - b[j];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  /** The mean silhouette of {@code points} (cluster text, features); NaN unless 2 <= k < n. */
  static double silhouette(List<KV<String, double[]>> points) {
    Map<String, Integer> index = new HashMap<>();
    int n = points.size();
    int[] cluster = new int[n];
    for (int i = 0; i < n; i++) {
      cluster[i] = index.computeIfAbsent(points.get(i).getKey(), c -> index.size());
    }
    int k = index.size();
    if (k < 2 || k > n - 1) {
      return Double.NaN;
    }
    long[] counts = new long[k];
    for (int c : cluster) {
      counts[c]++;
    }
    double[][] sums = new double[n][k];
    for (int i = 0; i < n; i++) {
      double[] xi = points.get(i).getValue();
      for (int j = i + 1; j < n; j++) {
        double d = distance(xi, points.get(j).getValue());
        sums[i][cluster[j]] += d;
        sums[j][cluster[i]] += d;
      }
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      int own = cluster[i];
      if (counts[own] < 2) {
        continue;
      }
      double a = sums[i][own] / (counts[own] - 1);
      double b = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        if (c != own) {
          b = Math.min(b, sums[i][c] / counts[c]);
        }
      }
      double spread = Math.max(a, b);
      total += spread == 0.0 ? 0.0 : (b - a) / spread;
    }
    return total / n;
  }

  /**
   * scikit-learn's Davies-Bouldin index from the clusters' mean distances to their means and the
   * means themselves.
   */
  static double daviesBouldin(double[] spread, double[][] means) {
    int k = spread.length;
    double[][] between = new double[k][k];
    boolean spreadsZero = true;
    boolean centresZero = true;
    for (int i = 0; i < k; i++) {
      spreadsZero &= Math.abs(spread[i]) <= 1e-8;
      for (int j = 0; j < k; j++) {
        between[i][j] = distance(means[i], means[j]);
        centresZero &= between[i][j] <= 1e-8;
      }
    }
    // numpy's allclose(x, 0): |x| <= 1e-8 everywhere.
    if (spreadsZero || centresZero) {
      return 0.0;
    }
    double sum = 0;
    for (int i = 0; i < k; i++) {
      double worst = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        double d = between[i][j] == 0.0 ? Double.POSITIVE_INFINITY : between[i][j];
        worst = Math.max(worst, (spread[i] + spread[j]) / d);
      }
      sum += worst;
    }
    return sum / k;
  }
}
