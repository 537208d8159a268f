package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.DenseVector;
import org.beamlink.models.linalg.Vector;

/**
 * A fitted principal component analysis: the column means and the top {@code k} principal axes of
 * the training vectors, mapping a vector column ({@code inputCol}) to a dense vector of {@code k}
 * scores ({@code outputCol}).
 *
 * <p>Semantics are scikit-learn's {@code PCA}: the axes are the eigenvectors of the sample
 * covariance (divisor {@code n - 1}) by decreasing eigenvalue, {@link #explainedVariance()} is
 * {@code explained_variance_} and {@link #explainedVarianceRatio()} is {@code
 * explained_variance_ratio_} (each eigenvalue over the covariance's trace; 0 when the trace is 0).
 * A row maps to {@code (x - mean) . components^T}, as {@code PCA.transform}. With {@code
 * meanCentering} off it maps to {@code x . components^T}, as Spark ML's {@code PCAModel} (which
 * does not center). Signs: each axis is flipped so that its entry of largest absolute value (the
 * first such entry on a tie) is positive; this is {@code svd_flip(u_based_decision=False)}, the
 * convention of scikit-learn 1.5 and later (earlier versions flip on the scores instead, so an axis
 * may differ from theirs by its sign).
 *
 * <p>Input vectors may be dense or sparse; the output is dense. A null input, a NaN or infinite
 * value, or a vector whose size is not the model's fails with an {@link IllegalArgumentException}
 * naming the column and row.
 *
 * <pre>{@code
 * PcaModel pca = PcaModel.fromScatter("features", "pca", true, mean, scatter, n, 2);
 * Row scored = pca.bind(rows.getSchema()).apply(row); // row + "pca": 2 scores
 * }</pre>
 */
public final class PcaModel extends FiniteVectorStage {
  private static final long serialVersionUID = 1L;

  /**
   * The largest feature dimension PCA accepts: fitting holds a {@code d x d} scatter matrix per
   * partition (8 d^2 bytes, 134 MB at this bound) and eigen-decomposes it on one worker.
   */
  public static final int MAX_DIMENSION = 4096;

  private final boolean meanCentering;
  private final long numRows;
  private final double[] mean;
  private final double[][] components;
  private final double[] explainedVariance;
  private final double[] explainedVarianceRatio;

  private PcaModel(
      String inputCol,
      String outputCol,
      boolean meanCentering,
      long numRows,
      double[] mean,
      double[][] components,
      double[] explainedVariance,
      double[] explainedVarianceRatio) {
    super(inputCol, outputCol);
    this.meanCentering = meanCentering;
    this.numRows = numRows;
    this.mean = mean;
    this.components = components;
    this.explainedVariance = explainedVariance;
    this.explainedVarianceRatio = explainedVarianceRatio;
  }

  /**
   * A model from fitted numbers (copied): {@code components} is {@code k} rows of size {@code d},
   * {@code mean} has size {@code d}, the variances have size {@code k}.
   *
   * <pre>{@code
   * PcaModel m = PcaModel.of("features", "pca", true, 150, mean, components, variance, ratio);
   * }</pre>
   *
   * @throws IllegalArgumentException when the sizes disagree or there is no component
   */
  public static PcaModel of(
      String inputCol,
      String outputCol,
      boolean meanCentering,
      long numRows,
      double[] mean,
      double[][] components,
      double[] explainedVariance,
      double[] explainedVarianceRatio) {
    Objects.requireNonNull(inputCol, "inputCol");
    Objects.requireNonNull(outputCol, "outputCol");
    int k = components.length;
    if (k < 1) {
      throw new IllegalArgumentException("Expected at least one component, got none");
    }
    double[][] copy = new double[k][];
    for (int i = 0; i < k; i++) {
      if (components[i].length != mean.length) {
        throw new IllegalArgumentException(
            "Component "
                + i
                + " has size "
                + components[i].length
                + " but the mean has size "
                + mean.length);
      }
      copy[i] = components[i].clone();
    }
    if (explainedVariance.length != k || explainedVarianceRatio.length != k) {
      throw new IllegalArgumentException(
          "Expected "
              + k
              + " explained variances and ratios, got "
              + explainedVariance.length
              + " and "
              + explainedVarianceRatio.length);
    }
    return new PcaModel(
        inputCol,
        outputCol,
        meanCentering,
        numRows,
        mean.clone(),
        copy,
        explainedVariance.clone(),
        explainedVarianceRatio.clone());
  }

  /**
   * The model of {@code numRows} rows with column means {@code mean} and centered scatter matrix
   * {@code scatter} ({@code sum (x - mean)(x - mean)^T}, {@code d x d} row-major): the top {@code
   * k} eigenvectors of {@code scatter / (numRows - 1)} (commons-math3 {@link EigenDecomposition}),
   * signed as the class documentation says.
   *
   * <pre>{@code
   * PcaModel m = PcaModel.fromScatter("features", "pca", true, mean, scatter, 150, 2);
   * }</pre>
   *
   * @throws IllegalArgumentException for fewer than 2 rows, {@code d >} {@value #MAX_DIMENSION}, or
   *     {@code k} outside {@code [1, min(numRows, d)]}
   */
  public static PcaModel fromScatter(
      String inputCol,
      String outputCol,
      boolean meanCentering,
      double[] mean,
      double[] scatter,
      long numRows,
      int k) {
    int d = mean.length;
    checkDimension(d);
    if (scatter.length != d * d) {
      throw new IllegalArgumentException(
          "Expected a " + d + " x " + d + " scatter matrix, got " + scatter.length + " values");
    }
    if (numRows < 2) {
      throw new IllegalArgumentException(
          "PCA needs at least 2 rows to estimate a covariance; got " + numRows);
    }
    if (k < 1 || k > Math.min(numRows, d)) {
      throw new IllegalArgumentException(
          "Expected k in [1, min(rows, dimension)] = [1, "
              + Math.min(numRows, d)
              + "] for "
              + numRows
              + " rows of dimension "
              + d
              + ", got "
              + k);
    }
    double[][] cov = new double[d][d];
    double trace = 0;
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        // Symmetrize against rounding: the decomposition expects an exactly symmetric matrix.
        cov[i][j] = 0.5 * (scatter[i * d + j] + scatter[j * d + i]) / (numRows - 1);
      }
      trace += cov[i][i];
    }
    EigenDecomposition eigen = new EigenDecomposition(new Array2DRowRealMatrix(cov, false));
    double[] values = eigen.getRealEigenvalues();
    Integer[] order = new Integer[d];
    for (int i = 0; i < d; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
    double[][] components = new double[k][];
    double[] variance = new double[k];
    double[] ratio = new double[k];
    for (int c = 0; c < k; c++) {
      double[] axis = eigen.getEigenvector(order[c]).toArray();
      int largest = 0;
      for (int j = 1; j < d; j++) {
        if (Math.abs(axis[j]) > Math.abs(axis[largest])) {
          largest = j;
        }
      }
      if (axis[largest] < 0) {
        for (int j = 0; j < d; j++) {
          axis[j] = -axis[j];
        }
      }
      components[c] = axis;
      // Eigenvalues of a covariance are non-negative; rounding can leave -1e-17 on a null axis.
      variance[c] = Math.max(values[order[c]], 0.0);
      ratio[c] = trace > 0 ? variance[c] / trace : 0.0;
    }
    return new PcaModel(
        inputCol, outputCol, meanCentering, numRows, mean.clone(), components, variance, ratio);
  }

  /**
   * Checks a feature dimension against {@value #MAX_DIMENSION}.
   *
   * <pre>{@code
   * PcaModel.checkDimension(64);
   * }</pre>
   *
   * @throws IllegalArgumentException when {@code d} is larger
   */
  public static void checkDimension(int d) {
    if (d > MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "PCA supports at most "
              + MAX_DIMENSION
              + " features (it holds a d x d covariance matrix in memory); got vectors of size "
              + d
              + ". Reduce the dimension first, e.g. with a feature selector.");
    }
  }

  /**
   * The output schema of a PCA stage reading {@code inputCol}: the input plus a vector column
   * {@code outputCol}.
   *
   * <pre>{@code
   * Schema out = PcaModel.outputSchema(rows.getSchema(), "features", "pca");
   * }</pre>
   *
   * @throws IllegalArgumentException naming a missing or non-vector {@code inputCol}, or an
   *     existing {@code outputCol}
   */
  public static Schema outputSchema(Schema input, String inputCol, String outputCol) {
    return appendVector(input, inputCol, outputCol);
  }

  /** True when rows are centered on the training mean before projection (scikit-learn). */
  public boolean meanCentering() {
    return meanCentering;
  }

  /** The number of training rows. */
  public long numRows() {
    return numRows;
  }

  /** The number of components {@code k}. */
  public int k() {
    return components.length;
  }

  /** The input dimension {@code d}. */
  @Override
  public int numFeatures() {
    return mean.length;
  }

  /** The training column means (a copy). */
  public double[] mean() {
    return mean.clone();
  }

  /** The principal axes, {@code k} rows of size {@code d}, by decreasing variance (a copy). */
  public double[][] components() {
    double[][] copy = new double[components.length][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = components[i].clone();
    }
    return copy;
  }

  /** The variance along each axis: eigenvalues of the {@code n - 1} covariance (a copy). */
  public double[] explainedVariance() {
    return explainedVariance.clone();
  }

  /** Each axis's share of the total variance (a copy). */
  public double[] explainedVarianceRatio() {
    return explainedVarianceRatio.clone();
  }

  /**
   * The scores of one vector.
   *
   * <pre>{@code
   * double[] scores = pca.project(Vector.dense(5.1, 3.5, 1.4, 0.2));
   * }</pre>
   *
   * @throws IllegalArgumentException when its size is not {@link #numFeatures()}
   */
  public double[] project(Vector x) {
    if (x.size() != mean.length) {
      throw new IllegalArgumentException(
          "Expected a vector of size " + mean.length + ", got size " + x.size());
    }
    int k = components.length;
    double[] out = new double[k];
    if (x instanceof DenseVector dense) {
      double[] v = dense.toArray();
      if (meanCentering) {
        for (int j = 0; j < v.length; j++) {
          v[j] -= mean[j];
        }
      }
      for (int c = 0; c < k; c++) {
        double[] axis = components[c];
        double s = 0;
        for (int j = 0; j < v.length; j++) {
          s += v[j] * axis[j];
        }
        out[c] = s;
      }
    } else {
      for (int c = 0; c < k; c++) {
        double[] axis = components[c];
        double s = x.dot(axis);
        if (meanCentering) {
          for (int j = 0; j < mean.length; j++) {
            s -= mean[j] * axis[j];
          }
        }
        out[c] = s;
      }
    }
    return out;
  }

  @Override
  String stageName() {
    return "PCA";
  }

  @Override
  Vector map(Vector x, Row row) {
    return Vector.dense(project(x));
  }

  @Override
  void addParameters(Map<String, String> p) {
    p.put("k", Integer.toString(components.length));
    p.put("numFeatures", Integer.toString(mean.length));
    p.put("meanCentering", Boolean.toString(meanCentering));
    p.put("numRows", Long.toString(numRows));
    p.put("explainedVarianceRatio", StageColumns.preview(explainedVarianceRatio));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PcaModel m
        && inputCol.equals(m.inputCol)
        && outputCol.equals(m.outputCol)
        && meanCentering == m.meanCentering
        && numRows == m.numRows
        && Arrays.equals(mean, m.mean)
        && Arrays.deepEquals(components, m.components)
        && Arrays.equals(explainedVariance, m.explainedVariance)
        && Arrays.equals(explainedVarianceRatio, m.explainedVarianceRatio);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        inputCol,
        outputCol,
        meanCentering,
        numRows,
        Arrays.hashCode(mean),
        Arrays.deepHashCode(components),
        Arrays.hashCode(explainedVariance));
  }

  @Override
  public String toString() {
    return "PcaModel("
        + inputCol
        + " -> "
        + outputCol
        + ", k="
        + components.length
        + ", d="
        + mean.length
        + ", meanCentering="
        + meanCentering
        + ", explainedVariance="
        + Arrays.toString(explainedVariance)
        + ")";
  }

  /**
   * Deterministic, versioned coder for {@link PcaModel}.
   *
   * <pre>{@code
   * PcaModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<PcaModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(PcaModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeUTF(value.inputCol);
      data.writeUTF(value.outputCol);
      data.writeBoolean(value.meanCentering);
      data.writeLong(value.numRows);
      data.writeInt(value.components.length);
      data.flush();
      ArrayEncoding.writeDoubles(value.mean, out);
      for (double[] axis : value.components) {
        ArrayEncoding.writeDoubles(axis, out);
      }
      ArrayEncoding.writeDoubles(value.explainedVariance, out);
      ArrayEncoding.writeDoubles(value.explainedVarianceRatio, out);
    }

    @Override
    public PcaModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "PCA model");
      DataInputStream data = new DataInputStream(in);
      String inputCol = data.readUTF();
      String outputCol = data.readUTF();
      boolean meanCentering = data.readBoolean();
      long numRows = data.readLong();
      int k = data.readInt();
      if (k < 1) {
        throw new CoderException("Corrupt PCA model: " + k + " components");
      }
      double[] mean = ArrayEncoding.readDoubles(in);
      double[][] components = new double[k][];
      for (int c = 0; c < k; c++) {
        components[c] = ArrayEncoding.readDoubles(in);
      }
      double[] variance = ArrayEncoding.readDoubles(in);
      double[] ratio = ArrayEncoding.readDoubles(in);
      try {
        return PcaModel.of(
            inputCol, outputCol, meanCentering, numRows, mean, components, variance, ratio);
      } catch (IllegalArgumentException e) {
        throw new CoderException("Corrupt PCA model: " + e.getMessage());
      }
    }

    @Override
    public void verifyDeterministic() {}
  }
}
