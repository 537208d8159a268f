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
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.FeatureColumnsCoding;
import org.beamlink.models.rows.OutputColumns;

/**
 * A fitted DBSCAN model: the core points of the training rows, each with its cluster (0 to {@code k
 * - 1}), the radius {@code eps}, {@code minPoints} and the distance. A point is predicted as the
 * cluster of the nearest core point within {@code eps}, the core point first in the model's order
 * among equally near ones, else -1 (noise), as Alink's DBSCAN predicts; on the training rows this
 * gives exactly the labels {@code Dbscan} fitted. As a pipeline stage it appends that cluster
 * ({@code predictionCol}, INT32, default "prediction"). Immutable.
 *
 * <p>With the COSINE distance ({@code 1 - cos}) the model holds the core points normalised to unit
 * length and compares chord distances: {@code 1 - cos(x, y) <= eps} exactly when {@code |x/|x| -
 * y/|y|| <= sqrt(2 eps)}; a zero vector has no direction and fails.
 *
 * <p>The core points are held in ascending lexicographic order of their coordinates (normalised for
 * COSINE), and clusters are numbered in the order of their first core point: so the model does not
 * depend on the order of the training rows, the runner or the parallelism.
 *
 * <p>A row whose features are null, NaN, infinite or of another size than the model's fails naming
 * the column and the row.
 *
 * <p>Format {@code dbscan-model}, version 1: the prediction column, the distance, eps, minPoints,
 * the dimension, the core points and their clusters, the features and the provenance.
 *
 * <pre>{@code
 * DbscanModel model = ...; // from Dbscan.fit()
 * int cluster = model.predict(Vector.dense(0.5, 1.0)); // -1 for noise
 * Row scored = model.bind(schema).apply(row); // + prediction
 * }</pre>
 */
public final class DbscanModel implements Transformer {
  private static final long serialVersionUID = 1L;

  private final DistanceMeasure distance;
  private final double eps;
  private final int minPoints;
  private final int dimension;
  private final double[] cores;
  private final int[] clusters;
  private final int k;
  private final FeatureColumns features;
  private final Provenance provenance;
  private final String predictionCol;
  private transient RadiusGrid grid;

  private DbscanModel(
      DistanceMeasure distance,
      double eps,
      int minPoints,
      int dimension,
      double[] cores,
      int[] clusters,
      FeatureColumns features,
      Provenance provenance,
      String predictionCol) {
    if (!(eps > 0) || Double.isInfinite(eps)) {
      throw new IllegalArgumentException("Expected a finite eps > 0, got " + eps);
    }
    if (minPoints < 1) {
      throw new IllegalArgumentException("Expected minPoints >= 1, got " + minPoints);
    }
    if (dimension < 1 || cores.length != clusters.length * (long) dimension) {
      throw new IllegalArgumentException(
          cores.length
              + " coordinates are not "
              + clusters.length
              + " core points of dimension "
              + dimension);
    }
    int next = 0;
    for (int c : clusters) {
      if (c < 0 || c > next) {
        throw new IllegalArgumentException(
            "Clusters must be numbered 0, 1, ... in the order of their first core point, got "
                + Arrays.toString(clusters));
      }
      next = Math.max(next, c + 1);
    }
    this.distance = Objects.requireNonNull(distance);
    this.eps = eps;
    this.minPoints = minPoints;
    this.dimension = dimension;
    this.cores = cores;
    this.clusters = clusters;
    this.k = next;
    this.features = Objects.requireNonNull(features);
    this.provenance = Objects.requireNonNull(provenance);
    this.predictionCol = OutputColumns.of(predictionCol).get(0);
  }

  /**
   * The model of {@code cores} (row-major, {@code dimension} coordinates each, in ascending
   * lexicographic order, normalised for COSINE) and their {@code clusters}, numbered in order of
   * first appearance; appends "prediction".
   *
   * @throws IllegalArgumentException for inconsistent sizes, numbering, eps or minPoints
   */
  public static DbscanModel of(
      DistanceMeasure distance,
      double eps,
      int minPoints,
      int dimension,
      double[] cores,
      int[] clusters,
      FeatureColumns features,
      Provenance provenance) {
    return new DbscanModel(
        distance,
        eps,
        minPoints,
        dimension,
        cores.clone(),
        clusters.clone(),
        features,
        provenance,
        "prediction");
  }

  /** The same model, appending the cluster to {@code predictionCol}. */
  public DbscanModel withPredictionCol(String predictionCol) {
    return new DbscanModel(
        distance, eps, minPoints, dimension, cores, clusters, features, provenance, predictionCol);
  }

  /**
   * The radius the points are compared with: {@code eps} for EUCLIDEAN, the chord length {@code
   * sqrt(2 eps)} between unit vectors for COSINE.
   */
  public static double radius(DistanceMeasure distance, double eps) {
    return distance == DistanceMeasure.COSINE ? Math.sqrt(2 * eps) : eps;
  }

  /**
   * {@code x} as the model compares it: itself for EUCLIDEAN, normalised to unit length for COSINE.
   *
   * @throws IllegalArgumentException for a zero vector with COSINE
   */
  public static double[] comparable(DistanceMeasure distance, Vector x) {
    double[] v = x.toArray();
    if (distance == DistanceMeasure.COSINE) {
      double norm = x.norm2();
      if (norm == 0) {
        throw new IllegalArgumentException("A zero vector has no cosine distance");
      }
      for (int j = 0; j < v.length; j++) {
        v[j] /= norm;
      }
    }
    return v;
  }

  /** The distance. */
  public DistanceMeasure distance() {
    return distance;
  }

  /** The neighbourhood radius in the distance's units. */
  public double eps() {
    return eps;
  }

  /** The fewest points (itself included) within eps of a core point. */
  public int minPoints() {
    return minPoints;
  }

  /** Dimension of the points. */
  public int dimension() {
    return dimension;
  }

  /** The number of clusters. */
  public int k() {
    return k;
  }

  /** The number of core points. */
  public int numCores() {
    return clusters.length;
  }

  /** Core point {@code i} (normalised for COSINE). */
  public Vector core(int i) {
    return Vector.dense(Arrays.copyOfRange(cores, i * dimension, (i + 1) * dimension));
  }

  /** The cluster of core point {@code i}. */
  public int coreCluster(int i) {
    return clusters[i];
  }

  /** The feature columns the model reads. */
  public FeatureColumns features() {
    return features;
  }

  /** How the model was made. */
  public Provenance provenance() {
    return provenance;
  }

  /** The column of the cluster. */
  public String predictionCol() {
    return predictionCol;
  }

  private RadiusGrid grid() {
    RadiusGrid g = grid;
    if (g == null) {
      g = RadiusGrid.of(cores, dimension, radius(distance, eps));
      grid = g;
    }
    return g;
  }

  /**
   * The cluster of the nearest core point within eps of {@code x} (the first in the model's order
   * among equally near ones), or -1.
   *
   * @throws IllegalArgumentException for a vector of another size, or a zero vector with COSINE
   */
  public int predict(Vector x) {
    if (x.size() != dimension) {
      throw new IllegalArgumentException(
          "Vector has size " + x.size() + " but the model's core points have size " + dimension);
    }
    if (clusters.length == 0) {
      return -1;
    }
    int nearest = grid().nearest(comparable(distance, x), 0);
    return nearest < 0 ? -1 : clusters[nearest];
  }

  /**
   * {@code input} with {@code predictionCol} (INT32) appended.
   *
   * @throws IllegalArgumentException when the column already exists in {@code input}
   */
  public static Schema outputSchema(Schema input, String predictionCol) {
    return OutputColumns.of(predictionCol).appendTo(input, FieldType.INT32);
  }

  @Override
  public Schema outputSchema(Schema input) {
    return outputSchema(input, predictionCol);
  }

  @Override
  public Bound bind(Schema input) {
    return new ClusterIndexBound(
        outputSchema(input), features.bind(input), dimension, this::predict);
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("k", Integer.toString(k));
    p.put("eps", Double.toString(eps));
    p.put("minPoints", Integer.toString(minPoints));
    p.put("distance", distance.name());
    p.put("cores", Integer.toString(clusters.length));
    p.put("features", features.toString());
    p.put("predictionCol", predictionCol);
    p.put("provenance", provenance.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DbscanModel m
        && distance == m.distance
        && Double.compare(eps, m.eps) == 0
        && minPoints == m.minPoints
        && dimension == m.dimension
        && Arrays.equals(cores, m.cores)
        && Arrays.equals(clusters, m.clusters)
        && features.equals(m.features)
        && provenance.equals(m.provenance)
        && predictionCol.equals(m.predictionCol);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        distance, eps, minPoints, Arrays.hashCode(cores), features, provenance, predictionCol);
  }

  @Override
  public String toString() {
    return "DbscanModel(k="
        + k
        + ", eps="
        + eps
        + ", minPoints="
        + minPoints
        + ", "
        + distance
        + ", "
        + clusters.length
        + " core points, "
        + features
        + ", output "
        + predictionCol
        + "\n  "
        + provenance
        + ")";
  }

  /**
   * Deterministic, versioned coder for {@link DbscanModel}: the body of format {@code
   * dbscan-model}.
   *
   * <pre>{@code
   * DbscanModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<DbscanModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(DbscanModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeUTF(value.predictionCol);
      data.writeUTF(value.distance.name());
      data.writeDouble(value.eps);
      data.writeInt(value.minPoints);
      data.writeInt(value.dimension);
      data.flush();
      ArrayEncoding.writeDoubles(value.cores, out);
      ArrayEncoding.writeInts(value.clusters, out);
      FeatureColumnsCoding.write(value.features, out);
      value.provenance.writeTo(out);
    }

    @Override
    public DbscanModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "DBSCAN model");
      DataInputStream data = new DataInputStream(in);
      String prediction = data.readUTF();
      DistanceMeasure distance;
      try {
        distance = DistanceMeasure.valueOf(data.readUTF());
      } catch (IllegalArgumentException e) {
        throw new CoderException("Unknown distance in DBSCAN model", e);
      }
      double eps = data.readDouble();
      int minPoints = data.readInt();
      int dimension = data.readInt();
      double[] cores = ArrayEncoding.readDoubles(in);
      int[] clusters = ArrayEncoding.readInts(in);
      FeatureColumns features = FeatureColumnsCoding.read(in);
      Provenance provenance = Provenance.readFrom(in);
      try {
        return new DbscanModel(
            distance, eps, minPoints, dimension, cores, clusters, features, provenance, prediction);
      } catch (IllegalArgumentException e) {
        throw new CoderException("Corrupt DBSCAN model: " + e.getMessage(), e);
      }
    }

    @Override
    public void verifyDeterministic() {}
  }
}
