package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.RowText;

/**
 * Expands a vector into all its monomials of degree 1 to {@code degree}, in scikit-learn's {@code
 * PolynomialFeatures(degree, include_bias=False)} order: by degree, and within a degree in
 * lexicographic order of the non-decreasing index tuples. For {@code (a, b, c)} and degree 2:
 * {@code a, b, c, a², ab, ac, b², bc, c²}. (Spark ML's {@code PolynomialExpansion} computes the
 * same monomials in another order; this class follows scikit-learn.) A vector of size {@code n}
 * gives {@code C(n + degree, degree) - 1} coordinates.
 *
 * <p>A dense vector gives a dense vector with every product computed, as scikit-learn (so NaN
 * propagates into every monomial it is a factor of, {@code NaN * 0} included); a sparse vector
 * gives a sparse one in which only products of stored nonzeros are computed (a monomial with an
 * implicit zero factor is 0, whatever its other factors). A null vector, or one whose expansion
 * would exceed {@code Integer.MAX_VALUE} coordinates, fails the row naming the column and row.
 *
 * <pre>{@code
 * PolynomialExpansionMapper m = PolynomialExpansionMapper.of("x", "poly", 2);
 * Row out = m.bind(schema).apply(row); // (2, 3) -> (2, 3, 4, 6, 9)
 * }</pre>
 */
public final class PolynomialExpansionMapper extends VectorColumnStage {
  private static final long serialVersionUID = 1L;

  private final int degree;

  private PolynomialExpansionMapper(String inputCol, String outputCol, int degree) {
    super(inputCol, outputCol);
    this.degree = degree;
  }

  /**
   * Expands {@code inputCol} into {@code outputCol} up to {@code degree}.
   *
   * @throws IllegalArgumentException for {@code degree < 1}
   */
  public static PolynomialExpansionMapper of(String inputCol, String outputCol, int degree) {
    if (degree < 1) {
      throw new IllegalArgumentException("Expected degree >= 1, got " + degree);
    }
    return new PolynomialExpansionMapper(
        Objects.requireNonNull(inputCol), Objects.requireNonNull(outputCol), degree);
  }

  /** The highest degree. */
  public int degree() {
    return degree;
  }

  /**
   * The number of monomials of degree 1 to {@code degree} in {@code n} variables, {@code C(n +
   * degree, degree) - 1}, or -1 when it exceeds {@code Integer.MAX_VALUE}.
   */
  public static long outputSize(int n, int degree) {
    // C(n + d, d) built as a product of exact binomials C(n + i, i), i = 1..d.
    long c = 1;
    for (int i = 1; i <= degree; i++) {
      c = c * (n + i) / i;
      if (c - 1 > Integer.MAX_VALUE) {
        return -1;
      }
    }
    return c - 1;
  }

  @Override
  String stageName() {
    return "PolynomialExpansion";
  }

  @Override
  Vector map(Vector v, Row row) {
    long size = outputSize(v.size(), degree);
    if (size < 0) {
      throw new IllegalArgumentException(
          "PolynomialExpansion: column '"
              + inputCol
              + "' holds a vector of size "
              + v.size()
              + " whose degree-"
              + degree
              + " expansion has more than "
              + Integer.MAX_VALUE
              + " coordinates, in row "
              + RowText.of(row));
    }
    return expand(v, (int) size);
  }

  /** The expansion of {@code v}, with {@code size} coordinates. */
  Vector expand(Vector v, int size) {
    int n = v.size();
    double[] x = v.toArray();
    Terms out = new Terms(v instanceof SparseVector ? -1 : size);
    int offset = 0;
    for (int d = 1; d <= degree; d++) {
      offset = out.emit(x, n, d, 0, 1.0, offset);
    }
    return out.toVector(size);
  }

  /** The monomials, written in output order. */
  private static final class Terms {
    private final double[] dense;
    private int[] indices = new int[16];
    private double[] values = new double[16];
    private int nnz;

    /** Dense output of {@code size}, or sparse when {@code size < 0}. */
    Terms(int size) {
      dense = size >= 0 ? new double[size] : null;
    }

    /**
     * Writes the monomials {@code product * x[j_1] ... x[j_r]} with {@code from <= j_1 <= ... <=
     * j_r < n}, {@code r = remaining}, starting at output index {@code index}; returns the index
     * after the last of them (for sparse output, monomials with a zero factor are skipped but
     * counted).
     */
    int emit(double[] x, int n, int remaining, int from, double product, int index) {
      if (remaining == 0) {
        put(index, product);
        return index + 1;
      }
      for (int j = from; j < n; j++) {
        if (dense == null && x[j] == 0.0) {
          index += (int) count(n - j, remaining - 1);
        } else {
          index = emit(x, n, remaining - 1, j, product * x[j], index);
        }
      }
      return index;
    }

    /** Multisets of size {@code r} from {@code m} elements: C(m + r - 1, r). */
    private static long count(int m, int r) {
      long c = 1;
      for (int i = 1; i <= r; i++) {
        c = c * (m - 1 + i) / i;
      }
      return c;
    }

    private void put(int index, double v) {
      if (dense != null) {
        dense[index] = v;
        return;
      }
      if (v == 0.0) {
        return;
      }
      if (nnz == indices.length) {
        indices = Arrays.copyOf(indices, 2 * nnz);
        values = Arrays.copyOf(values, 2 * nnz);
      }
      indices[nnz] = index;
      values[nnz] = v;
      nnz++;
    }

    Vector toVector(int size) {
      return dense != null
          ? Vector.dense(dense)
          : Vector.sparse(size, Arrays.copyOf(indices, nnz), Arrays.copyOf(values, nnz));
    }
  }

  @Override
  void addParameters(Map<String, String> p) {
    p.put("degree", Integer.toString(degree));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolynomialExpansionMapper m
        && inputCol.equals(m.inputCol)
        && outputCol.equals(m.outputCol)
        && degree == m.degree;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCol, outputCol, degree);
  }

  @Override
  public String toString() {
    return "PolynomialExpansionMapper" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link PolynomialExpansionMapper}.
   *
   * <pre>{@code
   * PolynomialExpansionMapper.Coder.of().encode(mapper, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<PolynomialExpansionMapper> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(PolynomialExpansionMapper value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      StringListCoding.writeString(value.inputCol, data);
      StringListCoding.writeString(value.outputCol, data);
      data.writeInt(value.degree);
      data.flush();
    }

    @Override
    public PolynomialExpansionMapper decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "polynomial expansion");
      DataInputStream data = new DataInputStream(in);
      String inputCol = StringListCoding.readString(data);
      String outputCol = StringListCoding.readString(data);
      return new PolynomialExpansionMapper(inputCol, outputCol, data.readInt());
    }

    @Override
    public void verifyDeterministic() {}
  }
}
