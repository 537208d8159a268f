package org.beamlink.examples.bench;

/**
 * The floor every KMeans path is measured against: Lloyd's algorithm as a plain single-threaded
 * Java loop over the data in one array, with the same initial centroids.
 *
 * <pre>{@code
 * LloydFloor.Result r = LloydFloor.run(values, n, d, initialCentroids, k, 20);
 * }</pre>
 */
final class LloydFloor {
  private LloydFloor() {}

  /** Iterations run, the cost of the last assignment and the time of the loop alone. */
  record Result(int iterations, double cost, double seconds) {}

  static Result run(double[] x, int n, int d, double[] initial, int k, int iterations) {
    double[] centroids = initial.clone();
    double cost = 0;
    long start = System.nanoTime();
    for (int iter = 0; iter < iterations; iter++) {
      double[] sums = new double[k * d];
      double[] counts = new double[k];
      cost = 0;
      for (int i = 0; i < n; i++) {
        int off = i * d;
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          double s = 0;
          int coff = c * d;
          for (int j = 0; j < d; j++) {
            double diff = x[off + j] - centroids[coff + j];
            s += diff * diff;
          }
          if (s < bestDistance) {
            bestDistance = s;
            best = c;
          }
        }
        cost += bestDistance;
        counts[best]++;
        for (int j = 0; j < d; j++) {
          sums[best * d + j] += x[off + j];
        }
      }
      for (int c = 0; c < k; c++) {
        if (counts[c] > 0) {
          for (int j = 0; j < d; j++) {
            centroids[c * d + j] = sums[c * d + j] / counts[c];
          }
        }
      }
    }
    return new Result(iterations, cost, (System.nanoTime() - start) / 1e9);
  }
}
