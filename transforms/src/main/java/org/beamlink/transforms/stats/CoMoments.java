package org.beamlink.transforms.stats;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.VarInt;
import org.beamlink.models.linalg.ArrayEncoding;

/**
 * Running means and co-moments {@code C[i][j] = sum (x_i - mean_i)(x_j - mean_j)} of vectors of one
 * size: the mergeable state behind {@link Correlation}. A vector is added with Welford's update
 * {@code C += (x - mean_old)(x - mean_new)^T}, partials are merged with the pairwise formula of
 * Chan, Golub and LeVeque ({@code C = C_a + C_b + delta delta^T n_a n_b / n}), as {@link Moments}
 * does for one column, so the result does not depend on the order rows are added or merged in
 * beyond rounding. Only the upper triangle is kept up to date; {@link #comoment} reads it.
 *
 * <pre>{@code
 * CoMoments m = CoMoments.empty();
 * m.add(new double[] {1, 2});
 * m.add(new double[] {2, 4});
 * m.pearson()[0][1]; // 1.0
 * }</pre>
 */
public final class CoMoments {
  private int size;
  private long n;
  private double[] mean;
  private double[] c;

  private CoMoments(int size, long n, double[] mean, double[] c) {
    this.size = size;
    this.n = n;
    this.mean = mean;
    this.c = c;
  }

  /** No vectors yet; the size is set by the first one. */
  public static CoMoments empty() {
    return new CoMoments(-1, 0, null, null);
  }

  /** No vectors yet, of a known size. */
  public static CoMoments ofSize(int size) {
    return new CoMoments(size, 0, new double[size], new double[size * size]);
  }

  /** Size of the vectors, or -1 before the first. */
  public int size() {
    return size;
  }

  /** Number of vectors added (with multiplicity). */
  public long count() {
    return n;
  }

  /** The mean of coordinate {@code i}. */
  public double mean(int i) {
    return mean[i];
  }

  /** {@code sum (x_i - mean_i)(x_j - mean_j)} over the vectors added. */
  public double comoment(int i, int j) {
    return i <= j ? c[i * size + j] : c[j * size + i];
  }

  private void checkSize(int other) {
    if (size < 0) {
      size = other;
      mean = new double[size];
      c = new double[size * size];
    } else if (other != size) {
      throw new IllegalArgumentException(
          "Expected vectors of size " + size + " like the ones before, got size " + other);
    }
  }

  /**
   * Adds one vector.
   *
   * @throws IllegalArgumentException when its size is not that of the vectors before it
   */
  public void add(double[] x) {
    checkSize(x.length);
    n++;
    double[] before = new double[size];
    for (int i = 0; i < size; i++) {
      before[i] = x[i] - mean[i];
      mean[i] += before[i] / n;
    }
    for (int i = 0; i < size; i++) {
      double d = before[i];
      if (d == 0.0) {
        continue;
      }
      int row = i * size;
      for (int j = i; j < size; j++) {
        c[row + j] += d * (x[j] - mean[j]);
      }
    }
  }

  /**
   * Adds {@code weight} copies of one vector: a partial of {@code weight} equal vectors merged in.
   *
   * @throws IllegalArgumentException for a size unlike the vectors before or a weight below 1
   */
  public void add(double[] x, long weight) {
    if (weight < 1) {
      throw new IllegalArgumentException("Expected weight >= 1, got " + weight);
    }
    merge(new CoMoments(x.length, weight, x.clone(), new double[x.length * x.length]));
  }

  /**
   * Merges {@code other}, the co-moments of more vectors of the same size, into this.
   *
   * @throws IllegalArgumentException when both saw vectors, of different sizes
   */
  public void merge(CoMoments other) {
    if (other.n == 0) {
      if (size < 0 && other.size >= 0) {
        checkSize(other.size);
      }
      return;
    }
    if (size >= 0 && other.size != size) {
      throw new IllegalArgumentException(
          "Expected vectors of one size, got sizes " + size + " and " + other.size);
    }
    checkSize(other.size);
    if (n == 0) {
      n = other.n;
      mean = other.mean.clone();
      c = other.c.clone();
      return;
    }
    double total = (double) n + other.n;
    double factor = (double) n * other.n / total;
    double share = other.n / total;
    double[] delta = new double[size];
    for (int i = 0; i < size; i++) {
      delta[i] = other.mean[i] - mean[i];
    }
    for (int i = 0; i < size; i++) {
      int row = i * size;
      for (int j = i; j < size; j++) {
        c[row + j] += other.c[row + j] + delta[i] * delta[j] * factor;
      }
      mean[i] += delta[i] * share;
    }
    n += other.n;
  }

  /**
   * The Pearson correlation matrix, {@code C[i][j] / sqrt(C[i][i] C[j][j])} clipped to [-1, 1] with
   * 1 on the diagonal, as numpy's {@code corrcoef}: a coordinate without spread (constant, or fewer
   * than two vectors) has NaN in its whole row and column, diagonal included.
   */
  public double[][] pearson() {
    int d = Math.max(size, 0);
    double[][] r = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        double cii = comoment(i, i);
        double cjj = comoment(j, j);
        double value;
        if (!(cii > 0) || !(cjj > 0)) {
          value = Double.NaN;
        } else if (i == j) {
          value = 1.0;
        } else {
          value = comoment(i, j) / Math.sqrt(cii) / Math.sqrt(cjj);
          value = Math.max(-1.0, Math.min(1.0, value));
        }
        r[i][j] = value;
        r[j][i] = value;
      }
    }
    return r;
  }

  /**
   * A deterministic coder for {@link CoMoments}: a version byte, the size plus one (0 before the
   * first vector), the count, then the means and the co-moments.
   *
   * <pre>{@code
   * Coder<CoMoments> coder = CoMoments.Coder.of();
   * }</pre>
   */
  public static final class Coder extends AtomicCoder<CoMoments> {
    private static final int VERSION = 1;
    private static final Coder INSTANCE = new Coder();

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(CoMoments value, OutputStream out) throws IOException {
      out.write(VERSION);
      VarInt.encode(value.size + 1, out);
      VarInt.encode(value.n, out);
      if (value.size >= 0) {
        ArrayEncoding.writeDoubles(value.mean, out);
        ArrayEncoding.writeDoubles(value.c, out);
      }
    }

    @Override
    public CoMoments decode(InputStream in) throws IOException {
      int version = in.read();
      if (version != VERSION) {
        throw new CoderException(
            "Cannot decode CoMoments of version " + version + "; this coder reads " + VERSION);
      }
      int size = VarInt.decodeInt(in) - 1;
      long n = VarInt.decodeLong(in);
      if (size < 0) {
        return new CoMoments(size, n, null, null);
      }
      return new CoMoments(size, n, ArrayEncoding.readDoubles(in), ArrayEncoding.readDoubles(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
