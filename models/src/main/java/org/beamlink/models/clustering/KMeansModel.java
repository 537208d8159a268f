package org.beamlink.models.clustering;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;

/**
 * A trained KMeans model: k centroids of dimension d, the distance measure, the feature columns it
 * was trained on, and its provenance. Immutable.
 *
 * <pre>{@code
 * KMeansModel model = ...; // from KMeans.fit()
 * int cluster = model.nearest(Vector.dense(5.1, 3.5, 1.4, 0.2));
 * double d = model.distance(Vector.dense(5.1, 3.5, 1.4, 0.2), cluster);
 * }</pre>
 */
public final class KMeansModel implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] centroids;
  private final int k;
  private final int dimension;
  private final DistanceMeasure distance;
  private final FeatureColumns features;
  private final Provenance provenance;

  private KMeansModel(
      double[] centroids,
      int k,
      int dimension,
      DistanceMeasure distance,
      FeatureColumns features,
      Provenance provenance) {
    this.centroids = centroids;
    this.k = k;
    this.dimension = dimension;
    this.distance = Objects.requireNonNull(distance);
    this.features = Objects.requireNonNull(features);
    this.provenance = Objects.requireNonNull(provenance);
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
        centroids.clone(), k, centroids.length / k, distance, features, provenance);
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
        && provenance.equals(m.provenance);
  }

  @Override
  public int hashCode() {
    return Objects.hash(k, Arrays.hashCode(centroids), distance, provenance);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("KMeansModel(k=" + k + ", " + distance + ", " + features);
    for (int j = 0; j < k; j++) {
      s.append("\n  ").append(j).append(": ").append(centroid(j));
    }
    return s.append("\n  ").append(provenance).append(")").toString();
  }
}
