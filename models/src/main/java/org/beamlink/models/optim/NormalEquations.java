package org.beamlink.models.optim;

import java.io.Serializable;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.beamlink.models.StopReason;
import org.beamlink.models.linalg.Block;

/**
 * Weighted least squares through the normal equations, with the semantics of Spark's {@code
 * WeightedLeastSquares} (features standardized for the solve, the intercept eliminated by
 * centering, a Cholesky decomposition; quasi-Newton on the normal equations for an L1 penalty) on
 * this library's objective:
 *
 * <pre>
 *   F(beta, b) = (1/W) sum_i w_i (x_i . beta + b - y_i)^2 / 2 + sum_j l1_j |beta_j| + sum_j l2_j beta_j^2 / 2
 * </pre>
 *
 * <p>with a penalty weight per coefficient and none on the intercept. One pass over the data adds
 * every block's weighted moments of {@code (x, y)} about a center (the feature and label means when
 * there is an intercept, 0 otherwise) into a buffer of {@link #sumsSize} values ({@link
 * #addBlock}); {@link #of} reads the buffer summed over all partitions, and {@link #solve} finds
 * the minimizer:
 *
 * <ul>
 *   <li>The moments are corrected for the difference between the center and the exact means (the
 *       corrected two-pass algorithm of Chan, Golub and LeVeque), so a column whose spread is tiny
 *       next to its mean loses no precision to cancellation.
 *   <li>With an intercept, a constant column (spread below {@value #CONSTANT} of its magnitude)
 *       gets coefficient 0, as in Spark; so does an all-zero column without one, and every column
 *       the caller holds at 0.
 *   <li>Without an L1 part: the system {@code (C + diag(l2)) beta = c}, scaled to a unit diagonal,
 *       is solved by a Cholesky decomposition ({@link StopReason#EXACT}). When a pivot falls below
 *       {@value #SINGULAR_PIVOT} (collinear columns, fewer rows than features), the system is
 *       singular and the solution is the minimum-norm one in the scaled coefficients, by a
 *       pseudo-inverse that drops eigenvalues below {@value #SINGULAR_PIVOT} of the largest ({@link
 *       StopReason#EXACT_MINIMUM_NORM}): the point Spark's quasi-Newton fallback converges to from
 *       zero, and what scikit-learn's {@code LinearRegression} gives for duplicated columns.
 *   <li>With an L1 part: {@link OwlQn} on the normal equations, each evaluation {@code O(d^2)} with
 *       no pass over the data, as Spark's {@code QuasiNewtonSolver}.
 *   <li>A constant label with an intercept: coefficients 0 and the intercept its mean, as Spark.
 * </ul>
 *
 * <p>At most {@value #MAX_FEATURES} features, Spark's bound: the buffer holds {@code (d + 1)(d + 2)
 * / 2 + d + 2} doubles (67 MB at 4096, reduced over every partition) and the solve a {@code d x d}
 * matrix and its factor (134 MB each) with {@code d^3 / 3} operations.
 *
 * <pre>{@code
 * double[] sums = new double[NormalEquations.sumsSize(d)];
 * for (Block b : blocks) {
 *   NormalEquations.addBlock(b, center, sums);
 * }
 * NormalEquations.Solution s =
 *     NormalEquations.of(d, sums, center, true).solve(Penalty.none(d), new boolean[d], new double[d], 100, 1e-6);
 * }</pre>
 */
public final class NormalEquations implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The most features the normal equations take (Spark's {@code MAX_NUM_FEATURES}). */
  public static final int MAX_FEATURES = 4096;

  /** The relative pivot (and eigenvalue) below which the scaled system counts as singular. */
  public static final double SINGULAR_PIVOT = 1e-12;

  /** The relative spread below which a column (or the label) counts as constant. */
  public static final double CONSTANT = 1e-12;

  private final int d;
  private final boolean intercept;
  private final double[] mean;
  private final double[][] cov;

  private NormalEquations(int d, boolean intercept, double[] mean, double[][] cov) {
    this.d = d;
    this.intercept = intercept;
    this.mean = mean;
    this.cov = cov;
  }

  /** The buffer size for {@code d} features: the weight, the first moments and the packed Gram. */
  public static int sumsSize(int d) {
    checkFeatures(d);
    return 1 + (d + 1) + (d + 1) * (d + 2) / 2;
  }

  private static void checkFeatures(int d) {
    if (d < 1 || d > MAX_FEATURES) {
      throw new IllegalArgumentException(
          "The normal equations take 1 to "
              + MAX_FEATURES
              + " features (a d x d system, Spark's bound), got "
              + d
              + "; use L-BFGS or OWL-QN");
    }
  }

  /**
   * Adds {@code block}'s weighted moments of {@code (x, y)} about {@code center} ({@code d + 1}
   * values: the feature means and the label mean, or zeros without an intercept) into {@code sums}.
   */
  public static void addBlock(Block block, double[] center, double[] sums) {
    double[] w = new double[block.numRows()];
    for (int i = 0; i < w.length; i++) {
      w[i] = block.weight(i);
      sums[0] += w[i];
    }
    block.addCenteredMoments(w, center, sums, 1);
  }

  /**
   * The normal equations of the summed buffer {@code sums}, whose moments were taken about {@code
   * center}; with an intercept the model is centered, without one it goes through the origin (and
   * the center must be 0).
   */
  public static NormalEquations of(int d, double[] sums, double[] center, boolean intercept) {
    if (sums.length != sumsSize(d) || center.length != d + 1) {
      throw new IllegalArgumentException(
          "Expected "
              + sumsSize(d)
              + " sums and "
              + (d + 1)
              + " center values for "
              + d
              + " features, got "
              + sums.length
              + " and "
              + center.length);
    }
    double w = sums[0];
    if (!(w > 0)) {
      throw new IllegalArgumentException("Least squares needs rows of positive weight; got " + w);
    }
    int size = d + 1;
    double[] first = Arrays.copyOfRange(sums, 1, 1 + size);
    double[] mean = new double[size];
    double[][] cov = new double[size][size];
    for (int j = 0, p = 1 + size; j < size; j++) {
      mean[j] = intercept ? center[j] + first[j] / w : 0.0;
      for (int k = j; k < size; k++, p++) {
        double m = intercept ? sums[p] - first[j] * first[k] / w : sums[p];
        cov[j][k] = m / w;
        cov[k][j] = m / w;
      }
    }
    return new NormalEquations(d, intercept, mean, cov);
  }

  /**
   * True for the columns whose coefficient is 0 whatever the penalty: constant columns with an
   * intercept, all-zero columns without one.
   */
  public boolean[] degenerateColumns() {
    boolean[] out = new boolean[d];
    for (int j = 0; j < d; j++) {
      out[j] = isConstant(j);
    }
    return out;
  }

  private boolean isConstant(int j) {
    double variance = cov[j][j];
    return intercept
        ? variance <= CONSTANT * CONSTANT * (mean[j] * mean[j] + variance)
        : variance == 0.0;
  }

  /**
   * Minimizes the objective with {@code penalty} on the {@code d} coefficients, holding the {@code
   * fixed} ones at 0. {@code start}, {@code maxIter} and {@code tol} matter only with an L1 part,
   * for OWL-QN (see {@link Minimizer} for its stopping rules).
   */
  public Solution solve(Penalty penalty, boolean[] fixed, double[] start, int maxIter, double tol) {
    if (penalty.size() != d || fixed.length != d || start.length != d) {
      throw new IllegalArgumentException(
          "Expected a penalty, fixed flags and a start for " + d + " coefficients");
    }
    int[] active = activeColumns(fixed);
    double[] beta = new double[d];
    for (int j : active) {
      beta[j] = start[j];
    }
    double startLoss = loss(beta, penalty);
    boolean constantLabel = intercept && isConstant(d);
    if (active.length == 0 || constantLabel) {
      return solution(
          new double[d],
          penalty,
          active,
          StopReason.EXACT,
          constantLabel ? "the label is constant" : "every column is constant or held at 0",
          startLoss);
    }
    int k = active.length;
    double[] scale = new double[k];
    for (int a = 0; a < k; a++) {
      int j = active[a];
      scale[a] = Math.sqrt(cov[j][j] + penalty.l2(j));
    }
    RealMatrix system = new Array2DRowRealMatrix(k, k);
    double[] rhs = new double[k];
    for (int a = 0; a < k; a++) {
      int j = active[a];
      rhs[a] = cov[j][d] / scale[a];
      for (int b = 0; b < k; b++) {
        int l = active[b];
        double v = cov[j][l] + (a == b ? penalty.l2(j) : 0.0);
        system.setEntry(a, b, v / (scale[a] * scale[b]));
      }
    }
    if (penalty.hasL1()) {
      return quasiNewton(active, scale, system, rhs, penalty, beta, maxIter, tol, startLoss);
    }
    double[] theta;
    StopReason reason;
    String message;
    try {
      theta =
          new CholeskyDecomposition(system, 1e-15, SINGULAR_PIVOT)
              .getSolver()
              .solve(new ArrayRealVector(rhs, false))
              .toArray();
      reason = StopReason.EXACT;
      message = "normal equations solved by Cholesky";
    } catch (NonPositiveDefiniteMatrixException e) {
      theta = pseudoInverseSolve(system, rhs);
      reason = StopReason.EXACT_MINIMUM_NORM;
      message =
          "the normal equations are singular (a pivot of "
              + e.getArgument()
              + " at column "
              + active[e.getRow()]
              + "): collinear or constant columns, or fewer rows than features; took the"
              + " minimum-norm solution";
    }
    double[] solution = new double[d];
    for (int a = 0; a < k; a++) {
      solution[active[a]] = theta[a] / scale[a];
    }
    return solution(solution, penalty, active, reason, message, startLoss);
  }

  private int[] activeColumns(boolean[] fixed) {
    return IntStream.range(0, d).filter(j -> !fixed[j] && !isConstant(j)).toArray();
  }

  /** {@code V diag(1 / lambda) V^T rhs} over the eigenvalues above the threshold. */
  private static double[] pseudoInverseSolve(RealMatrix system, double[] rhs) {
    EigenDecomposition eigen = new EigenDecomposition(system);
    double[] lambda = eigen.getRealEigenvalues();
    double largest = Arrays.stream(lambda).max().orElse(0.0);
    RealVector b = new ArrayRealVector(rhs, false);
    RealVector theta = new ArrayRealVector(rhs.length);
    for (int i = 0; i < lambda.length; i++) {
      if (lambda[i] > SINGULAR_PIVOT * largest) {
        RealVector v = eigen.getEigenvector(i);
        theta = theta.add(v.mapMultiply(v.dotProduct(b) / lambda[i]));
      }
    }
    return theta.toArray();
  }

  private Solution quasiNewton(
      int[] active,
      double[] scale,
      RealMatrix system,
      double[] rhs,
      Penalty penalty,
      double[] start,
      int maxIter,
      double tol,
      double startLoss) {
    int k = active.length;
    double[] theta0 = new double[k];
    double[] l1 = new double[k];
    for (int a = 0; a < k; a++) {
      theta0[a] = start[active[a]] * scale[a];
      l1[a] = penalty.l1(active[a]) / scale[a];
    }
    Minimizer m =
        new OwlQn(theta0, Penalty.of(l1, new double[k]), maxIter, tol, 2 * maxIter + 10, 10);
    double constant = 0.5 * cov[d][d];
    while (!m.done()) {
      double[] theta = m.point();
      double[] g = system.operate(theta);
      double f = constant;
      for (int a = 0; a < k; a++) {
        f += 0.5 * theta[a] * g[a] - rhs[a] * theta[a];
        g[a] -= rhs[a];
      }
      m.tell(f, g, null);
    }
    double[] solution = new double[d];
    double[] theta = m.solution();
    for (int a = 0; a < k; a++) {
      solution[active[a]] = theta[a] / scale[a];
    }
    Solution s = solution(solution, penalty, active, m.stopReason(), m.stopMessage(), startLoss);
    return new Solution(
        s.coefficients,
        s.intercept,
        s.loss,
        s.gradient,
        m.stopReason(),
        m.stopMessage(),
        m.iterations(),
        m.lossCurve());
  }

  /** The objective at {@code beta} (the intercept at its optimum), from the moments. */
  private double loss(double[] beta, Penalty penalty) {
    double f = 0.5 * cov[d][d];
    for (int j = 0; j < d; j++) {
      if (beta[j] == 0.0) {
        continue;
      }
      double cb = 0.0;
      for (int l = 0; l < d; l++) {
        cb += cov[j][l] * beta[l];
      }
      f += beta[j] * (0.5 * cb - cov[j][d]);
    }
    return f + penalty.value(beta);
  }

  private Solution solution(
      double[] beta,
      Penalty penalty,
      int[] active,
      StopReason reason,
      String message,
      double startLoss) {
    double b = mean[d];
    for (int j = 0; j < d; j++) {
      b -= mean[j] * beta[j];
    }
    double[] gradient = new double[d];
    for (int j : active) {
      double g = -cov[j][d] + penalty.l2(j) * beta[j];
      for (int l = 0; l < d; l++) {
        g += cov[j][l] * beta[l];
      }
      double l1 = penalty.l1(j);
      if (beta[j] != 0.0) {
        gradient[j] = g + Math.signum(beta[j]) * l1;
      } else if (Math.abs(g) > l1) {
        gradient[j] = g - Math.signum(g) * l1;
      }
    }
    double f = loss(beta, penalty);
    return new Solution(
        beta, intercept ? b : 0.0, f, gradient, reason, message, 1, new double[] {startLoss, f});
  }

  /** A minimizer of the objective and how it was found. */
  public static final class Solution implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] coefficients;
    private final double intercept;
    private final double loss;
    private final double[] gradient;
    private final StopReason reason;
    private final String message;
    private final int iterations;
    private final double[] lossCurve;

    Solution(
        double[] coefficients,
        double intercept,
        double loss,
        double[] gradient,
        StopReason reason,
        String message,
        int iterations,
        double[] lossCurve) {
      this.coefficients = coefficients;
      this.intercept = intercept;
      this.loss = loss;
      this.gradient = gradient;
      this.reason = reason;
      this.message = message;
      this.iterations = iterations;
      this.lossCurve = lossCurve;
    }

    /** The coefficients. */
    public double[] coefficients() {
      return coefficients.clone();
    }

    /** The intercept (0 without one). */
    public double intercept() {
      return intercept;
    }

    /** The objective at the solution, with the penalty. */
    public double loss() {
      return loss;
    }

    /**
     * The gradient of the objective with respect to the coefficients at the solution (with an L1
     * penalty, its subgradient of least norm); 0 for the coefficients held at 0, and 0 with respect
     * to the intercept, which is optimal for the coefficients.
     */
    public double[] gradient() {
      return gradient.clone();
    }

    /** How the solution was found. */
    public StopReason stopReason() {
      return reason;
    }

    /** The same, with figures. */
    public String stopMessage() {
      return message;
    }

    /** 1 for a direct solve; OWL-QN's iterations with an L1 penalty. */
    public int iterations() {
      return iterations;
    }

    /** The objective at the start and after each iteration. */
    public double[] lossCurve() {
      return lossCurve.clone();
    }
  }
}
