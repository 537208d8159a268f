package org.beamlink.models.clustering;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.FeatureColumnsCoding;
import org.beamlink.models.rows.OutputColumns;

/**
 * A fitted Gaussian mixture: per component its weight, mean and covariance ({@link
 * GaussianMixtureDensity}), the feature columns it reads and its provenance (whose final loss is
 * the negative mean log-likelihood of the last E step, scikit-learn's {@code -lower_bound_}); as a
 * pipeline stage it appends the most likely component ({@code predictionCol}, INT32, the first on
 * ties) and the membership probabilities ({@code probabilityCol}, a dense vector of {@code k}), by
 * default "prediction" and "probability" (Spark's names). Immutable.
 *
 * <p>A row whose features are null, NaN, infinite or of another size than the model's fails naming
 * the column and the row.
 *
 * <p>Format {@code gaussian-mixture-model}, version 1: the covariance type, the two column names,
 * the weights, means and covariances ({@code k x d x d}, zeros off the diagonal for DIAGONAL), the
 * features and the provenance.
 *
 * <pre>{@code
 * GaussianMixtureModel model = ...; // from GaussianMixture.fit()
 * double[] p = model.probabilities(Vector.dense(5.1, 3.5, 1.4, 0.2));
 * Row scored = model.bind(schema).apply(row); // + prediction, probability
 * }</pre>
 */
public final class GaussianMixtureModel implements Transformer {
  private static final long serialVersionUID = 1L;

  /** The columns of a model until told others: "prediction" and "probability". */
  public static final OutputColumns DEFAULT_OUTPUT_COLS =
      OutputColumns.of("prediction", "probability");

  private final GaussianMixtureDensity density;
  private final FeatureColumns features;
  private final Provenance provenance;
  private final OutputColumns outputCols;

  private GaussianMixtureModel(
      GaussianMixtureDensity density,
      FeatureColumns features,
      Provenance provenance,
      OutputColumns outputCols) {
    this.density = Objects.requireNonNull(density);
    this.features = Objects.requireNonNull(features);
    this.provenance = Objects.requireNonNull(provenance);
    if (outputCols.size() != 2) {
      throw new IllegalArgumentException(
          "Expected a prediction and a probability column, got " + outputCols);
    }
    this.outputCols = outputCols;
  }

  /** The model of {@code density}, reading {@code features}, with the default output columns. */
  public static GaussianMixtureModel of(
      GaussianMixtureDensity density, FeatureColumns features, Provenance provenance) {
    return new GaussianMixtureModel(density, features, provenance, DEFAULT_OUTPUT_COLS);
  }

  /**
   * The same model, appending the component to {@code predictionCol} and the membership
   * probabilities to {@code probabilityCol}.
   *
   * @throws IllegalArgumentException for an empty name or two equal names
   */
  public GaussianMixtureModel withOutputCols(String predictionCol, String probabilityCol) {
    return new GaussianMixtureModel(
        density, features, provenance, OutputColumns.of(predictionCol, probabilityCol));
  }

  /** The prediction and probability columns. */
  public OutputColumns outputCols() {
    return outputCols;
  }

  /** The weights, means and covariances. */
  public GaussianMixtureDensity density() {
    return density;
  }

  /** Number of components. */
  public int k() {
    return density.k();
  }

  /** Dimension of the points. */
  public int dimension() {
    return density.dimension();
  }

  /** The feature columns the model reads. */
  public FeatureColumns features() {
    return features;
  }

  /** How the model was made. */
  public Provenance provenance() {
    return provenance;
  }

  /** Component {@code c}'s weight. */
  public double weight(int c) {
    return density.weights()[c];
  }

  /** Component {@code c}'s mean. */
  public Vector mean(int c) {
    int d = dimension();
    return Vector.dense(Arrays.copyOfRange(density.means(), c * d, (c + 1) * d));
  }

  /** Component {@code c}'s covariance, {@code d x d} row-major. */
  public double[] covariance(int c) {
    int d = dimension();
    return Arrays.copyOfRange(density.covariances(), c * d * d, (c + 1) * d * d);
  }

  /** The membership probabilities of {@code x}, one per component, summing to 1. */
  public double[] probabilities(Vector x) {
    double[] logJoint = logJoint(x);
    double total = GaussianMixtureDensity.logSumExp(logJoint);
    for (int c = 0; c < logJoint.length; c++) {
      logJoint[c] = Math.exp(logJoint[c] - total);
    }
    return logJoint;
  }

  /** {@code log p(x)}, the log of the mixture's density at {@code x}. */
  public double logLikelihood(Vector x) {
    return GaussianMixtureDensity.logSumExp(logJoint(x));
  }

  private double[] logJoint(Vector x) {
    if (x.size() != dimension()) {
      throw new IllegalArgumentException(
          "Vector has size " + x.size() + " but the model's means have size " + dimension());
    }
    double[] out = new double[k()];
    density.logJoint(x.toArray(), 0, out);
    return out;
  }

  /**
   * {@code input} with {@code cols} appended: the component (INT32) and the probabilities (VECTOR).
   *
   * @throws IllegalArgumentException when an output column already exists in {@code input}
   */
  public static Schema outputSchema(Schema input, OutputColumns cols) {
    return cols.appendTo(input, FieldType.INT32, VectorLogicalType.FIELD_TYPE);
  }

  @Override
  public Schema outputSchema(Schema input) {
    return outputSchema(input, outputCols);
  }

  @Override
  public Bound bind(Schema input) {
    Schema output = outputSchema(input);
    FeatureColumns.Bound bound = features.bind(input);
    int d = dimension();
    return new Bound() {
      @Override
      public Schema outputSchema() {
        return output;
      }

      @Override
      public Row apply(Row row) {
        Vector x = bound.extract(row);
        bound.checkSize(x, d, row);
        Vector p = Vector.dense(probabilities(x));
        return OutputColumns.row(output, row, p.argmax(), p);
      }
    };
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("k", Integer.toString(k()));
    p.put("covarianceType", density.covarianceType().name());
    p.put("features", features.toString());
    p.put("weights", Arrays.toString(density.weights()));
    p.put("predictionCol", outputCols.get(0));
    p.put("probabilityCol", outputCols.get(1));
    p.put("provenance", provenance.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GaussianMixtureModel m
        && density.equals(m.density)
        && features.equals(m.features)
        && provenance.equals(m.provenance)
        && outputCols.equals(m.outputCols);
  }

  @Override
  public int hashCode() {
    return Objects.hash(density, features, provenance, outputCols);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("GaussianMixtureModel(k=" + k() + ", ");
    s.append(density.covarianceType()).append(", ").append(features);
    s.append(", output ").append(outputCols);
    for (int c = 0; c < k(); c++) {
      s.append("\n  ").append(c).append(": weight ").append(weight(c));
      s.append(", mean ").append(mean(c));
    }
    return s.append("\n  ").append(provenance).append(")").toString();
  }

  /**
   * Deterministic, versioned coder for {@link GaussianMixtureModel}: the body of format {@code
   * gaussian-mixture-model}.
   *
   * <pre>{@code
   * GaussianMixtureModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<GaussianMixtureModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(GaussianMixtureModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeUTF(value.density.covarianceType().name());
      data.writeUTF(value.outputCols.get(0));
      data.writeUTF(value.outputCols.get(1));
      data.flush();
      ArrayEncoding.writeDoubles(value.density.weights(), out);
      ArrayEncoding.writeDoubles(value.density.means(), out);
      ArrayEncoding.writeDoubles(value.density.covariances(), out);
      FeatureColumnsCoding.write(value.features, out);
      value.provenance.writeTo(out);
    }

    @Override
    public GaussianMixtureModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "Gaussian mixture model");
      DataInputStream data = new DataInputStream(in);
      CovarianceType type;
      try {
        type = CovarianceType.valueOf(data.readUTF());
      } catch (IllegalArgumentException e) {
        throw new CoderException("Unknown covariance type in Gaussian mixture model", e);
      }
      String prediction = data.readUTF();
      String probability = data.readUTF();
      double[] weights = ArrayEncoding.readDoubles(in);
      double[] means = ArrayEncoding.readDoubles(in);
      double[] covariances = ArrayEncoding.readDoubles(in);
      FeatureColumns features = FeatureColumnsCoding.read(in);
      Provenance provenance = Provenance.readFrom(in);
      try {
        return new GaussianMixtureModel(
            GaussianMixtureDensity.of(weights, means, covariances, type),
            features,
            provenance,
            OutputColumns.of(prediction, probability));
      } catch (IllegalArgumentException e) {
        throw new CoderException("Corrupt Gaussian mixture model: " + e.getMessage(), e);
      }
    }

    @Override
    public void verifyDeterministic() {}
  }
}
