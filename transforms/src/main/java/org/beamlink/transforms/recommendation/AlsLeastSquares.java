package org.beamlink.transforms.recommendation;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;

/**
 * One ALS least-squares problem, the normal equations of one user (or item): {@code A x = b} with
 * {@code A} (rank x rank, symmetric) and {@code b} summed from the factors of the items it rated,
 * as Spark's {@code NormalEquation}. Explicit feedback adds {@code y y'} and {@code r y} per
 * rating; implicit feedback (Hu, Koren and Volinsky) starts from {@code Y'Y} and adds {@code c1 y
 * y'} and, for a positive rating, {@code (1 + c1) y}, with {@code c1 = alpha |r|}. The solve adds
 * {@code regParam * n} to the diagonal (ALS-WR: {@code n} is the number of ratings, or of positive
 * ones for implicit feedback) and solves by Cholesky (commons-math3), or as a nonnegative
 * least-squares problem by Lawson and Hanson's active-set method (Spark solves the same problem by
 * projected conjugate gradients; both find its unique minimum).
 */
final class AlsLeastSquares {
  private final int rank;
  private final double[] ata;
  private final double[] atb;
  private int count;

  AlsLeastSquares(int rank) {
    this.rank = rank;
    this.ata = new double[rank * rank];
    this.atb = new double[rank];
  }

  /** Starts again from {@code gram} (Y'Y, rank x rank; zeros for explicit feedback). */
  void reset(double[] gram) {
    if (gram == null) {
      Arrays.fill(ata, 0.0);
    } else {
      System.arraycopy(gram, 0, ata, 0, ata.length);
    }
    Arrays.fill(atb, 0.0);
    count = 0;
  }

  /** Adds an explicit rating {@code r} of the factor {@code y[offset, offset + rank)}. */
  void addExplicit(double[] y, int offset, double r) {
    addOuter(y, offset, 1.0);
    for (int a = 0; a < rank; a++) {
      atb[a] += r * y[offset + a];
    }
    count++;
  }

  /** Adds an implicit rating {@code r} with confidence {@code 1 + alpha |r|}. */
  void addImplicit(double[] y, int offset, double r, double alpha) {
    double c1 = alpha * Math.abs(r);
    addOuter(y, offset, c1);
    if (r > 0) {
      double p = 1.0 + c1;
      for (int a = 0; a < rank; a++) {
        atb[a] += p * y[offset + a];
      }
      count++;
    }
  }

  private void addOuter(double[] y, int offset, double c) {
    for (int a = 0; a < rank; a++) {
      double ya = c * y[offset + a];
      for (int b = a; b < rank; b++) {
        ata[a * rank + b] += ya * y[offset + b];
      }
    }
  }

  /**
   * The solution with {@code regParam * n} added to the diagonal.
   *
   * @throws IllegalArgumentException when the system is singular (regParam 0 and fewer ratings than
   *     the rank), naming {@code what}
   */
  double[] solve(double regParam, boolean nonnegative, String what) {
    double[][] a = new double[rank][rank];
    double lambda = regParam * count;
    for (int i = 0; i < rank; i++) {
      for (int j = i; j < rank; j++) {
        a[i][j] = ata[i * rank + j];
        a[j][i] = a[i][j];
      }
      a[i][i] += lambda;
    }
    try {
      return nonnegative ? nonnegative(a, atb.clone()) : cholesky(a, atb);
    } catch (NonPositiveDefiniteMatrixException e) {
      throw new IllegalArgumentException(
          "ALS normal equations of "
              + what
              + " are singular ("
              + count
              + " ratings for rank "
              + rank
              + ", regParam "
              + regParam
              + "): use regParam > 0 or a smaller rank",
          e);
    }
  }

  /**
   * Solves by Cholesky, taking a pivot below {@code 1e-12} times the largest diagonal entry for
   * zero: the system is singular.
   */
  private static double[] cholesky(double[][] a, double[] b) {
    double largest = 0;
    for (int i = 0; i < b.length; i++) {
      largest = Math.max(largest, a[i][i]);
    }
    double pivot = Math.max(1e-12 * largest, Double.MIN_NORMAL);
    return new CholeskyDecomposition(new Array2DRowRealMatrix(a, false), 1e-12, pivot)
        .getSolver()
        .solve(new ArrayRealVector(b, false))
        .toArray();
  }

  /**
   * Lawson-Hanson on the normal equations: minimises {@code x'Ax/2 - b'x} over {@code x >= 0}.
   * Variables enter the passive set by the largest positive gradient {@code b - Ax}; a passive
   * solution with a nonpositive entry is moved back towards the feasible point until the first
   * variable reaches zero, which then leaves.
   */
  private static double[] nonnegative(double[][] a, double[] b) {
    int n = b.length;
    double scale = 0;
    for (int i = 0; i < n; i++) {
      scale = Math.max(scale, Math.abs(a[i][i]));
    }
    double tol = 1e-12 * Math.max(scale, 1e-300);
    double[] x = new double[n];
    boolean[] passive = new boolean[n];
    for (int outer = 0; outer < 3 * n + 10; outer++) {
      double[] w = gradient(a, b, x);
      int enter = -1;
      for (int i = 0; i < n; i++) {
        if (!passive[i] && w[i] > tol && (enter < 0 || w[i] > w[enter])) {
          enter = i;
        }
      }
      if (enter < 0) {
        return x;
      }
      passive[enter] = true;
      while (true) {
        double[] z = passiveSolution(a, b, passive);
        double step = 1.0;
        int leave = -1;
        for (int i = 0; i < n; i++) {
          if (passive[i] && z[i] <= 0) {
            double t = x[i] / (x[i] - z[i]);
            if (t < step) {
              step = t;
              leave = i;
            }
          }
        }
        if (leave < 0 && allPositive(z, passive)) {
          x = z;
          break;
        }
        for (int i = 0; i < n; i++) {
          x[i] += step * (z[i] - x[i]);
          if (passive[i] && (x[i] <= tol || i == leave)) {
            x[i] = 0;
            passive[i] = false;
          }
        }
      }
    }
    return x;
  }

  private static boolean allPositive(double[] z, boolean[] passive) {
    for (int i = 0; i < z.length; i++) {
      if (passive[i] && z[i] <= 0) {
        return false;
      }
    }
    return true;
  }

  private static double[] gradient(double[][] a, double[] b, double[] x) {
    double[] w = b.clone();
    for (int i = 0; i < b.length; i++) {
      for (int j = 0; j < b.length; j++) {
        w[i] -= a[i][j] * x[j];
      }
    }
    return w;
  }

  /** The unconstrained solution on the passive variables, zero elsewhere. */
  private static double[] passiveSolution(double[][] a, double[] b, boolean[] passive) {
    int n = b.length;
    int m = 0;
    int[] index = new int[n];
    for (int i = 0; i < n; i++) {
      if (passive[i]) {
        index[m++] = i;
      }
    }
    double[][] sub = new double[m][m];
    double[] rhs = new double[m];
    for (int i = 0; i < m; i++) {
      rhs[i] = b[index[i]];
      for (int j = 0; j < m; j++) {
        sub[i][j] = a[index[i]][index[j]];
      }
    }
    double[] s = cholesky(sub, rhs);
    double[] z = new double[n];
    for (int i = 0; i < m; i++) {
      z[index[i]] = s[i];
    }
    return z;
  }
}
