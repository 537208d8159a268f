package org.beamlink.examples.bench;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;

/**
 * The floor {@code bench als} is measured against: one explicit ALS iteration (every item solved
 * from the user factors, then every user from the item factors, ALS-WR regularisation, Cholesky by
 * commons-math3 as {@code Als}) as a plain single-threaded Java loop over the ratings held in two
 * CSR arrays in memory, timed after one warm-up iteration.
 *
 * <pre>{@code
 * double seconds = AlsFloor.secondsPerIteration(config);
 * }</pre>
 */
final class AlsFloor {
  private AlsFloor() {}

  /** The seconds of one iteration on {@code config}'s ratings, after a warm-up iteration. */
  static double secondsPerIteration(AlsBenchmark.Config config) {
    int users = (int) config.users();
    int items = (int) config.items();
    int perUser = (int) config.perUser();
    int n = users * perUser;
    int[] userStarts = new int[users + 1];
    int[] userItems = new int[n];
    double[] userRatings = new double[n];
    int[] itemCounts = new int[items + 1];
    for (int i = 0; i < n; i++) {
      long[] pair = AlsBenchmark.pair(config, i);
      userItems[i] = (int) pair[1];
      userRatings[i] = AlsBenchmark.ratingValue(config, i, pair[0], pair[1]);
      itemCounts[(int) pair[1] + 1]++;
    }
    for (int u = 0; u <= users; u++) {
      userStarts[u] = u * perUser;
    }
    int[] itemStarts = new int[items + 1];
    for (int i = 0; i < items; i++) {
      itemStarts[i + 1] = itemStarts[i] + itemCounts[i + 1];
    }
    int[] itemUsers = new int[n];
    double[] itemRatings = new double[n];
    int[] fill = itemStarts.clone();
    for (int u = 0; u < users; u++) {
      for (int j = userStarts[u]; j < userStarts[u + 1]; j++) {
        int at = fill[userItems[j]]++;
        itemUsers[at] = u;
        itemRatings[at] = userRatings[j];
      }
    }
    int rank = config.rank();
    double[] userFactors = new double[users * rank];
    for (int k = 0; k < userFactors.length; k++) {
      userFactors[k] = 1.0 / Math.sqrt(rank);
    }
    double[] itemFactors = new double[items * rank];
    double seconds = 0;
    for (int iter = 0; iter < 2; iter++) {
      long start = System.nanoTime();
      solve(items, itemStarts, itemUsers, itemRatings, userFactors, itemFactors, rank);
      solve(users, userStarts, userItems, userRatings, itemFactors, userFactors, rank);
      seconds = (System.nanoTime() - start) / 1e9;
    }
    return seconds;
  }

  private static void solve(
      int count,
      int[] starts,
      int[] others,
      double[] ratings,
      double[] sources,
      double[] out,
      int rank) {
    for (int e = 0; e < count; e++) {
      double[][] a = new double[rank][rank];
      double[] b = new double[rank];
      for (int j = starts[e]; j < starts[e + 1]; j++) {
        int o = others[j] * rank;
        for (int p = 0; p < rank; p++) {
          double yp = sources[o + p];
          b[p] += ratings[j] * yp;
          for (int q = p; q < rank; q++) {
            a[p][q] += yp * sources[o + q];
          }
        }
      }
      int ratingsOf = starts[e + 1] - starts[e];
      for (int p = 0; p < rank; p++) {
        for (int q = 0; q < p; q++) {
          a[p][q] = a[q][p];
        }
        a[p][p] += 0.01 * ratingsOf;
      }
      if (ratingsOf == 0) {
        continue;
      }
      double[] x =
          new CholeskyDecomposition(new Array2DRowRealMatrix(a, false))
              .getSolver()
              .solve(new ArrayRealVector(b, false))
              .toArray();
      System.arraycopy(x, 0, out, e * rank, rank);
    }
  }
}
