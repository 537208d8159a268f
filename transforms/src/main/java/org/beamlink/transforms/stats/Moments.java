package org.beamlink.transforms.stats;

import java.util.Arrays;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.DenseVector;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.RowText;

/**
 * Running statistics of one column: a number, or every coordinate of a vector. Values are added one
 * at a time with Welford's update, and partial results are merged with the parallel formula of
 * Chan, Golub and LeVeque, so mean and variance stay accurate for large counts and for values far
 * from zero, in any order of merging.
 *
 * <p>Sparse vectors add only their stored coordinates; the coordinates they leave out are zeros,
 * folded in by {@link #summary} as one more partial of that many zeros.
 *
 * <p>References: B. P. Welford, "Note on a method for calculating corrected sums of squares and
 * products", Technometrics 4(3), 1962. T. F. Chan, G. H. Golub, R. J. LeVeque, "Updating formulae
 * and a pairwise algorithm for computing sample variances", Stanford CS report STAN-CS-79-773,
 * 1979.
 *
 * <pre>{@code
 * Moments m = Moments.ofNumber();
 * m.add(1.0);
 * m.add(3.0);
 * m.summary(0, "x").mean(); // 2.0
 * }</pre>
 */
public final class Moments {
  /** Number of slots; -1 for a vector column that has not seen a vector yet. */
  private int size;

  private long present;
  private long nullRows;
  private long[] n;
  private long[] nan;
  private long[] nonzeros;
  private double[] mean;
  private double[] m2;
  private double[] min;
  private double[] max;
  private double[] sum;
  private double[] l1;
  private double[] sumSquares;

  private Moments(int size) {
    this.size = size;
    if (size >= 0) {
      allocate(size);
    }
  }

  /** Statistics of a numeric column: one slot. */
  public static Moments ofNumber() {
    return new Moments(1);
  }

  /** Statistics of a vector column: one slot per coordinate, sized by the first vector. */
  public static Moments ofVector() {
    return new Moments(-1);
  }

  private void allocate(int slots) {
    size = slots;
    n = new long[slots];
    nan = new long[slots];
    nonzeros = new long[slots];
    mean = new double[slots];
    m2 = new double[slots];
    min = new double[slots];
    max = new double[slots];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
    sum = new double[slots];
    l1 = new double[slots];
    sumSquares = new double[slots];
  }

  /** Number of slots: 1 for a number, the vector size, or -1 before the first vector. */
  public int size() {
    return size;
  }

  /** Rows seen, null or not. */
  public long rows() {
    return present + nullRows;
  }

  /** Adds a row where the column is null: every slot counts it as missing. */
  public void addNull() {
    nullRows++;
  }

  /** Adds a number to a numeric column's statistics; NaN counts as missing. */
  public void add(double value) {
    present++;
    addValue(0, value);
  }

  /**
   * Adds a vector to a vector column's statistics.
   *
   * @throws IllegalArgumentException when its size is not that of the vectors before it
   */
  public void add(Vector vector) {
    if (size < 0) {
      allocate(vector.size());
    } else if (vector.size() != size) {
      throw new IllegalArgumentException(
          "Expected a vector of size " + size + " like the ones before, got size " + vector.size());
    }
    present++;
    if (vector instanceof DenseVector dense) {
      for (int i = 0; i < size; i++) {
        addValue(i, dense.get(i));
      }
    } else {
      SparseVector sparse = (SparseVector) vector;
      for (int k = 0; k < sparse.numStored(); k++) {
        addValue(sparse.indexAt(k), sparse.valueAt(k));
      }
    }
  }

  /**
   * Adds the vector in field {@code index} of {@code row}, the column {@code column} of stage
   * {@code stage}, as the scalers fit it: NaN coordinates are missing (left out of their
   * coordinate's statistics).
   *
   * <pre>{@code
   * Moments m = Moments.ofVector();
   * m.addVectorOf(row, schema.indexOf("features"), "StandardScaler", "features");
   * }</pre>
   *
   * @throws IllegalArgumentException for a null vector, an infinite coordinate or a size that is
   *     not that of the vectors before it, naming stage, column and row
   */
  public void addVectorOf(Row row, int index, String stage, String column) {
    Vector v = row.getLogicalTypeValue(index, Vector.class);
    if (v == null) {
      throw new IllegalArgumentException(
          stage + ": vector column '" + column + "' is null in row " + RowText.of(row));
    }
    v.forEachNonzero(
        (i, x) -> {
          if (Double.isInfinite(x)) {
            throw new IllegalArgumentException(
                stage
                    + ": vector column '"
                    + column
                    + "' has value "
                    + x
                    + " at coordinate "
                    + i
                    + " in row "
                    + RowText.of(row)
                    + "; expected a finite number or NaN (missing)");
          }
        });
    try {
      add(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          stage
              + ": vector column '"
              + column
              + "': "
              + e.getMessage()
              + ", in row "
              + RowText.of(row),
          e);
    }
  }

  private void addValue(int i, double x) {
    if (Double.isNaN(x)) {
      nan[i]++;
      return;
    }
    long count = ++n[i];
    double delta = x - mean[i];
    mean[i] += delta / count;
    m2[i] += delta * (x - mean[i]);
    min[i] = Math.min(min[i], x);
    max[i] = Math.max(max[i], x);
    sum[i] += x;
    l1[i] += Math.abs(x);
    sumSquares[i] += x * x;
    if (x != 0.0) {
      nonzeros[i]++;
    }
  }

  /**
   * Merges {@code other}, the statistics of more rows of the same column, into this.
   *
   * @throws IllegalArgumentException when both saw vectors, of different sizes
   */
  public void merge(Moments other) {
    if (other.size >= 0 && size < 0) {
      allocate(other.size);
    } else if (other.size >= 0 && other.size != size) {
      throw new IllegalArgumentException(
          "Expected vectors of one size, got sizes " + size + " and " + other.size);
    }
    present += other.present;
    nullRows += other.nullRows;
    for (int i = 0; i < other.size; i++) {
      double[] merged = combine(n[i], mean[i], m2[i], other.n[i], other.mean[i], other.m2[i]);
      n[i] += other.n[i];
      mean[i] = merged[0];
      m2[i] = merged[1];
      nan[i] += other.nan[i];
      nonzeros[i] += other.nonzeros[i];
      min[i] = Math.min(min[i], other.min[i]);
      max[i] = Math.max(max[i], other.max[i]);
      sum[i] += other.sum[i];
      l1[i] += other.l1[i];
      sumSquares[i] += other.sumSquares[i];
    }
  }

  /** Mean and M2 of two partials (Chan et al.): {@code delta * nb / n} keeps the update stable. */
  private static double[] combine(
      long na, double meanA, double m2A, long nb, double meanB, double m2B) {
    if (nb == 0) {
      return new double[] {meanA, m2A};
    }
    if (na == 0) {
      return new double[] {meanB, m2B};
    }
    double total = (double) na + nb;
    double delta = meanB - meanA;
    return new double[] {
      meanA + delta * (nb / total), m2A + m2B + delta * delta * ((double) na * nb / total)
    };
  }

  /**
   * The statistics of slot {@code slot}, named {@code name}, with the zeros sparse vectors left out
   * folded in.
   */
  public ColumnSummary summary(int slot, String name) {
    if (slot < 0 || slot >= size) {
      throw new IllegalArgumentException("Expected a slot in [0, " + size + "), got " + slot);
    }
    long zeros = present - n[slot] - nan[slot];
    long count = n[slot] + zeros;
    double[] moments = combine(n[slot], mean[slot], m2[slot], zeros, 0.0, 0.0);
    double lowest = zeros > 0 ? Math.min(min[slot], 0.0) : min[slot];
    double highest = zeros > 0 ? Math.max(max[slot], 0.0) : max[slot];
    boolean empty = count == 0;
    return new ColumnSummary(
        name,
        count,
        nullRows + nan[slot],
        empty ? Double.NaN : moments[0],
        count > 1 ? moments[1] / (count - 1) : Double.NaN,
        empty ? Double.NaN : lowest,
        empty ? Double.NaN : highest,
        sum[slot],
        l1[slot],
        Math.sqrt(sumSquares[slot]),
        nonzeros[slot]);
  }

  // State for MomentsCoder, which writes and reads every field in this order.

  long present() {
    return present;
  }

  long nullRows() {
    return nullRows;
  }

  long[][] counts() {
    return new long[][] {n, nan, nonzeros};
  }

  double[][] sums() {
    return new double[][] {mean, m2, min, max, sum, l1, sumSquares};
  }

  static Moments of(long present, long nullRows, int size, long[][] counts, double[][] sums) {
    Moments m = new Moments(size);
    m.present = present;
    m.nullRows = nullRows;
    if (size >= 0) {
      m.n = counts[0];
      m.nan = counts[1];
      m.nonzeros = counts[2];
      m.mean = sums[0];
      m.m2 = sums[1];
      m.min = sums[2];
      m.max = sums[3];
      m.sum = sums[4];
      m.l1 = sums[5];
      m.sumSquares = sums[6];
    }
    return m;
  }
}
