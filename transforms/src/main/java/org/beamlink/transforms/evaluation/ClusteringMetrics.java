package org.beamlink.transforms.evaluation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;

/**
 * Clustering quality metrics from features and cluster assignments, with scikit-learn's
 * definitions, as {@link ClusteringEvaluation} computes them:
 *
 * <ul>
 *   <li>{@code inertia}: the within-cluster sum of squared Euclidean distances to the cluster means
 *       ({@code KMeans.inertia_} when the clusters are k-means' with its final centres).
 *   <li>{@code silhouette}: the mean silhouette coefficient, {@code silhouette_score}: exact over
 *       all rows when there are at most the sample size, else over a seeded sample of that size
 *       ({@link #silhouetteRows()}, {@link #silhouetteExact()}), as {@code silhouette_score(...,
 *       sample_size=..)}. A row alone in its cluster scores 0.
 *   <li>{@code calinskiHarabasz}: {@code calinski_harabasz_score}, between- over within-cluster
 *       dispersion times {@code (n - k) / (k - 1)}; 1 when the within-cluster dispersion is 0.
 *   <li>{@code daviesBouldin}: {@code davies_bouldin_score}, the mean over clusters of the largest
 *       {@code (s_i + s_j) / d(c_i, c_j)}, {@code s} the mean distance of a cluster's rows to its
 *       mean; 0 when every {@code s} or every centre distance is 0 (scikit-learn's {@code allclose}
 *       test).
 *   <li>the clusters (as text, in label order) and their sizes.
 * </ul>
 *
 * <pre>{@code
 * ClusteringMetrics m = ...;
 * double s = m.silhouette();
 * System.out.print(m.report());
 * }</pre>
 */
@DefaultCoder(ClusteringMetrics.Coder.class)
public final class ClusteringMetrics implements EvaluationMetrics {
  private static final long serialVersionUID = 1L;

  private static final Schema SCHEMA =
      Schema.builder()
          .addInt64Field("count")
          .addInt32Field("numClusters")
          .addDoubleField("inertia")
          .addDoubleField("silhouette")
          .addDoubleField("calinskiHarabasz")
          .addDoubleField("daviesBouldin")
          .addInt64Field("silhouetteRows")
          .addBooleanField("silhouetteExact")
          .addArrayField("clusters", FieldType.STRING)
          .addArrayField("clusterSizes", FieldType.INT64)
          .build();

  private final List<String> clusters;
  private final long[] sizes;
  private final double inertia;
  private final double silhouette;
  private final double calinskiHarabasz;
  private final double daviesBouldin;
  private final long silhouetteRows;

  /**
   * The metrics, as computed.
   *
   * <pre>{@code
   * ClusteringMetrics m = ClusteringMetrics.of(
   *     List.of("0", "1"), new long[] {50, 100}, 78.85, 0.68, 561.6, 0.66, 150);
   * }</pre>
   *
   * @param clusters the clusters' labels, distinct
   * @param sizes the rows of each cluster, at least 1 each
   * @param inertia the within-cluster sum of squares
   * @param silhouette the mean silhouette coefficient (NaN when it could not be computed)
   * @param calinskiHarabasz the Calinski-Harabasz index
   * @param daviesBouldin the Davies-Bouldin index
   * @param silhouetteRows the rows the silhouette was computed over
   * @throws IllegalArgumentException for labels and sizes of different lengths or a size below 1
   */
  public static ClusteringMetrics of(
      List<String> clusters,
      long[] sizes,
      double inertia,
      double silhouette,
      double calinskiHarabasz,
      double daviesBouldin,
      long silhouetteRows) {
    if (clusters.size() != sizes.length) {
      throw new IllegalArgumentException(
          "Expected a size per cluster, got "
              + clusters.size()
              + " clusters and "
              + sizes.length
              + " sizes");
    }
    for (long s : sizes) {
      if (s < 1) {
        throw new IllegalArgumentException("Expected cluster sizes >= 1, got " + s);
      }
    }
    return new ClusteringMetrics(
        List.copyOf(clusters),
        sizes.clone(),
        inertia,
        silhouette,
        calinskiHarabasz,
        daviesBouldin,
        silhouetteRows);
  }

  private ClusteringMetrics(
      List<String> clusters,
      long[] sizes,
      double inertia,
      double silhouette,
      double calinskiHarabasz,
      double daviesBouldin,
      long silhouetteRows) {
    this.clusters = clusters;
    this.sizes = sizes;
    this.inertia = inertia;
    this.silhouette = silhouette;
    this.calinskiHarabasz = calinskiHarabasz;
    this.daviesBouldin = daviesBouldin;
    this.silhouetteRows = silhouetteRows;
  }

  /** The schema of {@link #toRow()}. */
  public static Schema schema() {
    return SCHEMA;
  }

  /** Rows evaluated. */
  public long count() {
    return Arrays.stream(sizes).sum();
  }

  /** The clusters' labels as text, in label order. */
  public List<String> clusters() {
    return clusters;
  }

  /** The rows of each cluster, in the order of {@link #clusters()}. */
  public long[] clusterSizes() {
    return sizes.clone();
  }

  /** The within-cluster sum of squared distances to the cluster means. */
  public double inertia() {
    return inertia;
  }

  /** The mean silhouette coefficient, in [-1, 1]. */
  public double silhouette() {
    return silhouette;
  }

  /** The Calinski-Harabasz index (higher is better). */
  public double calinskiHarabasz() {
    return calinskiHarabasz;
  }

  /** The Davies-Bouldin index (lower is better). */
  public double daviesBouldin() {
    return daviesBouldin;
  }

  /** The rows the silhouette was computed over: all of them, or the sample. */
  public long silhouetteRows() {
    return silhouetteRows;
  }

  /** True when the silhouette is over all rows. */
  public boolean silhouetteExact() {
    return silhouetteRows == count();
  }

  @Override
  public Row toRow() {
    return Row.withSchema(SCHEMA)
        .addValues(
            count(),
            clusters.size(),
            inertia,
            silhouette,
            calinskiHarabasz,
            daviesBouldin,
            silhouetteRows,
            silhouetteExact(),
            clusters,
            Arrays.stream(sizes).boxed().toList())
        .build();
  }

  @Override
  public String report() {
    StringBuilder out = new StringBuilder();
    out.append("Clustering: ")
        .append(count())
        .append(" rows, ")
        .append(clusters.size())
        .append(" clusters\n\n");
    ReportTable metrics = new ReportTable("metric", "value");
    metrics.add("inertia", inertia);
    metrics.add(
        "silhouette" + (silhouetteExact() ? "" : " (sample of " + silhouetteRows + ")"),
        silhouette);
    metrics.add("calinskiHarabasz", calinskiHarabasz);
    metrics.add("daviesBouldin", daviesBouldin);
    out.append(metrics).append('\n');
    ReportTable sizeTable = new ReportTable("cluster", "size");
    for (int i = 0; i < clusters.size(); i++) {
      sizeTable.add(clusters.get(i), Long.toString(sizes[i]));
    }
    out.append(sizeTable);
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClusteringMetrics m
        && clusters.equals(m.clusters)
        && Arrays.equals(sizes, m.sizes)
        && Double.compare(inertia, m.inertia) == 0
        && Double.compare(silhouette, m.silhouette) == 0
        && Double.compare(calinskiHarabasz, m.calinskiHarabasz) == 0
        && Double.compare(daviesBouldin, m.daviesBouldin) == 0
        && silhouetteRows == m.silhouetteRows;
  }

  @Override
  public int hashCode() {
    return 31 * clusters.hashCode() + Arrays.hashCode(sizes);
  }

  @Override
  public String toString() {
    return "ClusteringMetrics"
        + clusters
        + " inertia="
        + inertia
        + " silhouette="
        + silhouette
        + " calinskiHarabasz="
        + calinskiHarabasz
        + " daviesBouldin="
        + daviesBouldin;
  }

  /**
   * A deterministic coder: a version byte, the clusters and their sizes, the four indices and the
   * silhouette's rows.
   */
  public static final class Coder extends CustomCoder<ClusteringMetrics> {
    private static final int VERSION = 1;
    private static final Coder INSTANCE = new Coder();

    /** The coder. */
    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ClusteringMetrics value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeInt(value.clusters.size());
      data.flush();
      for (int i = 0; i < value.clusters.size(); i++) {
        StringUtf8Coder.of().encode(value.clusters.get(i), out);
        data.writeLong(value.sizes[i]);
        data.flush();
      }
      data.writeDouble(value.inertia);
      data.writeDouble(value.silhouette);
      data.writeDouble(value.calinskiHarabasz);
      data.writeDouble(value.daviesBouldin);
      data.writeLong(value.silhouetteRows);
      data.flush();
    }

    @Override
    public ClusteringMetrics decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      int version = data.readByte();
      if (version != VERSION) {
        throw new CoderException(
            "Cannot decode ClusteringMetrics of version "
                + version
                + "; this coder reads version "
                + VERSION);
      }
      int k = data.readInt();
      List<String> clusters = new ArrayList<>(k);
      long[] sizes = new long[k];
      for (int i = 0; i < k; i++) {
        clusters.add(StringUtf8Coder.of().decode(in));
        sizes[i] = data.readLong();
      }
      return new ClusteringMetrics(
          List.copyOf(clusters),
          sizes,
          data.readDouble(),
          data.readDouble(),
          data.readDouble(),
          data.readDouble(),
          data.readLong());
    }

    @Override
    public void verifyDeterministic() {}
  }
}
