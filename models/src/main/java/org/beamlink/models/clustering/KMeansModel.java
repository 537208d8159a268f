package org.beamlink.models.clustering;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.schemas.Schema;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A trained KMeans model: k centroids of dimension d, the distance measure, the feature columns it
 * was trained on, and its provenance; and, as a pipeline stage ({@link Transformer}), the columns
 * the nearest cluster (INT32) and the distance to it (DOUBLE) go to, by default "prediction" and
 * "distance". Scoring is {@link KMeansScorer}'s. Immutable.
 *
 * <p>Formats: a model fitted by {@code KMeans.fit()} records no output columns and saves as {@code
 * kmeans-model}; one given columns with {@link #withOutputCols} (as a pipeline stage is) saves as
 * {@code kmeans-model-stage}, the two column names and the model.
 *
 * <pre>{@code
 * KMeansModel model = ...; // from KMeans.fit()
 * int cluster = model.nearest(Vector.dense(5.1, 3.5, 1.4, 0.2));
 * double d = model.distance(Vector.dense(5.1, 3.5, 1.4, 0.2), cluster);
 * Row clustered = model.withOutputCols("cluster", "distance").bind(schema).apply(row);
 * }</pre>
 */
public final class KMeansModel implements Transformer {
  private static final long serialVersionUID = 1L;

  /** The columns of a model that records none: "prediction" and "distance". */
  public static final OutputColumns DEFAULT_OUTPUT_COLS =
      OutputColumns.of("prediction", "distance");

  private final double[] centroids;
  private final int k;
  private final int dimension;
  private final DistanceMeasure distance;
  private final FeatureColumns features;
  private final Provenance provenance;
  private final @Nullable OutputColumns outputCols;

  private KMeansModel(
      double[] centroids,
      int k,
      int dimension,
      DistanceMeasure distance,
      FeatureColumns features,
      Provenance provenance,
      @Nullable OutputColumns outputCols) {
    this.centroids = centroids;
    this.k = k;
    this.dimension = dimension;
    this.distance = Objects.requireNonNull(distance);
    this.features = Objects.requireNonNull(features);
    this.provenance = Objects.requireNonNull(provenance);
    this.outputCols = outputCols;
  }

  /** A model from {@code k} centroids stored row-major in {@code centroids} (copied). */
  public static KMeansModel of(
      double[] centroids,
      int k,
      DistanceMeasure distance,
      FeatureColumns features,
      Provenance provenance) {
    if (k < 1 || centroids.length % k != 0) {
      throw new IllegalArgumentException(
          "Expected k >= 1 centroids of equal size, got k="
              + k
              + " and "
              + centroids.length
              + " values");
    }
    return new KMeansModel(
        centroids.clone(), k, centroids.length / k, distance, features, provenance, null);
  }

  /**
   * The same model, appending the nearest cluster to {@code predictionCol} and the distance to it
   * to {@code distanceCol}.
   *
   * @throws IllegalArgumentException for an empty name or two equal names
   */
  public KMeansModel withOutputCols(String predictionCol, String distanceCol) {
    return new KMeansModel(
        centroids,
        k,
        dimension,
        distance,
        features,
        provenance,
        OutputColumns.of(predictionCol, distanceCol));
  }

  /** The same model without recorded output columns, as {@code KMeans.fit()} makes it. */
  public KMeansModel withoutOutputCols() {
    return new KMeansModel(centroids, k, dimension, distance, features, provenance, null);
  }

  /** Whether the model records its output columns ({@link #withOutputCols}). */
  public boolean hasOutputCols() {
    return outputCols != null;
  }

  /** The cluster and distance columns: the recorded ones, else {@link #DEFAULT_OUTPUT_COLS}. */
  public OutputColumns outputCols() {
    return outputCols == null ? DEFAULT_OUTPUT_COLS : outputCols;
  }

  /**
   * The schema of rows of {@code input} with {@code outputCols} appended, for any model: what a
   * pipeline knows before the model is fitted.
   *
   * @throws IllegalArgumentException when an output column already exists in {@code input}
   */
  public static Schema outputSchema(Schema input, OutputColumns outputCols) {
    return KMeansScorer.of(input, outputCols.get(0), outputCols.get(1)).outputSchema();
  }

  @Override
  public Schema outputSchema(Schema input) {
    return outputSchema(input, outputCols());
  }

  @Override
  public Bound bind(Schema input) {
    OutputColumns cols = outputCols();
    KMeansScorer scorer = KMeansScorer.of(input, cols.get(0), cols.get(1));
    features.bind(input);
    return Bound.scoring(scorer, this);
  }

  /** The model's parameters, fitted numbers' summary, output columns and provenance. */
  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("k", Integer.toString(k));
    p.put("distance", distance.name());
    p.put("features", features.toString());
    p.put("predictionCol", outputCols().get(0));
    p.put("distanceCol", outputCols().get(1));
    p.put("provenance", provenance.toString());
    return p;
  }

  /** Number of clusters. */
  public int k() {
    return k;
  }

  /** Dimension of the centroids. */
  public int dimension() {
    return dimension;
  }

  /** Centroid {@code j}. */
  public Vector centroid(int j) {
    return Vector.dense(Arrays.copyOfRange(centroids, j * dimension, (j + 1) * dimension));
  }

  /** All centroids, row-major (a copy). */
  public double[] centroidValues() {
    return centroids.clone();
  }

  /** The distance measure. */
  public DistanceMeasure distanceMeasure() {
    return distance;
  }

  /** The feature columns the model reads. */
  public FeatureColumns features() {
    return features;
  }

  /** How the model was made. */
  public Provenance provenance() {
    return provenance;
  }

  /** The index of the nearest centroid (the lowest index among ties). */
  public int nearest(Vector x) {
    checkSize(x);
    Vector point = prepared(x);
    int best = 0;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      double d = point.squaredDistance(centroids, j * dimension);
      if (d < bestDistance) {
        bestDistance = d;
        best = j;
      }
    }
    return best;
  }

  /** The distance of {@code x} to centroid {@code j}: Euclidean, or {@code 1 - cos} for cosine. */
  public double distance(Vector x, int j) {
    checkSize(x);
    double squared = prepared(x).squaredDistance(centroids, j * dimension);
    return distance == DistanceMeasure.COSINE ? squared / 2.0 : Math.sqrt(squared);
  }

  private Vector prepared(Vector x) {
    if (distance == DistanceMeasure.EUCLIDEAN) {
      return x;
    }
    double norm = x.norm2();
    if (norm == 0.0) {
      throw new IllegalArgumentException("Cosine distance is undefined for a zero vector");
    }
    return x.scale(1.0 / norm);
  }

  private void checkSize(Vector x) {
    if (x.size() != dimension) {
      throw new IllegalArgumentException(
          "Vector has size " + x.size() + " but the model's centroids have size " + dimension);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KMeansModel m
        && k == m.k
        && Arrays.equals(centroids, m.centroids)
        && distance == m.distance
        && features.equals(m.features)
        && provenance.equals(m.provenance)
        && Objects.equals(outputCols, m.outputCols);
  }

  @Override
  public int hashCode() {
    return Objects.hash(k, Arrays.hashCode(centroids), distance, provenance, outputCols);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("KMeansModel(k=" + k + ", " + distance + ", " + features);
    if (outputCols != null) {
      s.append(", output ").append(outputCols);
    }
    for (int j = 0; j < k; j++) {
      s.append("\n  ").append(j).append(": ").append(centroid(j));
    }
    return s.append("\n  ").append(provenance).append(")").toString();
  }
}
