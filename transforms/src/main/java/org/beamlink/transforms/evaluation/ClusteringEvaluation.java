package org.beamlink.transforms.evaluation;

import com.google.auto.value.AutoValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.VarInt;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.transforms.stats.ColumnSummary;
import org.beamlink.transforms.stats.Moments;
import org.beamlink.transforms.stats.MomentsCoder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Evaluates a clustering of bounded input: feature columns (or a vector column) and a cluster
 * prediction column, giving {@link ClusteringMetrics}: the within-cluster sum of squares (inertia),
 * the silhouette, the Calinski-Harabasz and Davies-Bouldin indices (scikit-learn's {@code
 * silhouette_score}, {@code calinski_harabasz_score}, {@code davies_bouldin_score}, with Euclidean
 * distances) and the cluster sizes.
 *
 * <p>Steps: (1) one {@code Combine.globally} of per-cluster {@link Moments} gives the sizes, the
 * cluster means, the inertia and the Calinski-Harabasz index (means and squared deviations merged
 * with Chan et al.'s formula); (2) a pass over the rows with the means as a side input sums each
 * cluster's distances to its mean, for Davies-Bouldin; (3) the silhouette needs all pairwise
 * distances, so it is computed on one worker over at most {@code silhouetteSampleSize} rows
 * (default {@value #DEFAULT_SILHOUETTE_SAMPLE_SIZE}): all rows when there are no more, which is
 * exact, else the rows with the smallest 64-bit hashes of (seed, cluster, features), a uniform
 * sample that depends only on the seed and the rows' content, never on the clock, the runner or the
 * order of the rows (as {@code silhouette_score(X, labels, sample_size=..)}, which draws its sample
 * with a random state). That step costs {@code O(s^2 d)} time and {@code O(s d)} memory for a
 * sample of {@code s} rows.
 *
 * <p>Bounded input only: the indices need whole clusters; an unbounded input fails when the
 * pipeline is built.
 *
 * <p>Errors: a null, NaN or infinite feature, a null or NaN cluster, vectors of different sizes, or
 * a number of clusters outside {@code [2, rows - 1]} (scikit-learn's condition) fail the job with a
 * message naming the column, value and row, or the count; empty input fails ("no rows to
 * evaluate"). A silhouette over a sample with fewer than 2 clusters, or with every row its own
 * cluster, is NaN.
 *
 * <p>Parameters: {@code predictionCol} (required: string, boolean or numeric cluster labels);
 * {@code featureCols} (numeric) or {@code vectorCol}, not both (default every numeric column other
 * than the prediction); {@code silhouetteSampleSize} >= 2 (default {@value
 * #DEFAULT_SILHOUETTE_SAMPLE_SIZE}); {@code seed} (default 0).
 *
 * <pre>{@code
 * PCollection<ClusteringMetrics> m =
 *     assigned.apply(ClusteringEvaluation.of("cluster").withVectorCol("features"));
 * PCollection<ClusteringMetrics> sampled =
 *     assigned.apply(ClusteringEvaluation.of("cluster").withFeatureCols("x", "y")
 *         .withSilhouetteSampleSize(5000).withSeed(7));
 * }</pre>
 */
@AutoValue
public abstract class ClusteringEvaluation
    extends PTransform<PCollection<Row>, PCollection<ClusteringMetrics>> {
  /** The default number of rows the silhouette is computed over. */
  public static final int DEFAULT_SILHOUETTE_SAMPLE_SIZE = 10_000;

  private static final String NAME = "ClusteringEvaluation";

  abstract String predictionCol();

  abstract @Nullable List<String> featureCols();

  abstract @Nullable String vectorCol();

  abstract int silhouetteSampleSize();

  abstract long seed();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setPredictionCol(String predictionCol);

    abstract Builder setFeatureCols(@Nullable List<String> featureCols);

    abstract Builder setVectorCol(@Nullable String vectorCol);

    abstract Builder setSilhouetteSampleSize(int silhouetteSampleSize);

    abstract Builder setSeed(long seed);

    abstract ClusteringEvaluation build();
  }

  /**
   * Evaluates the clusters in {@code predictionCol}, with every numeric column other than it as
   * features unless told otherwise.
   *
   * <pre>{@code
   * rows.apply(ClusteringEvaluation.of("prediction"));
   * }</pre>
   */
  public static ClusteringEvaluation of(String predictionCol) {
    if (predictionCol == null || predictionCol.isEmpty()) {
      throw new IllegalArgumentException("Expected a column name for predictionCol, got none");
    }
    return new AutoValue_ClusteringEvaluation.Builder()
        .setPredictionCol(predictionCol)
        .setSilhouetteSampleSize(DEFAULT_SILHOUETTE_SAMPLE_SIZE)
        .setSeed(0L)
        .build();
  }

  /**
   * The numeric feature columns, at least one.
   *
   * <pre>{@code
   * ClusteringEvaluation.of("cluster").withFeatureCols("x", "y");
   * }</pre>
   */
  public ClusteringEvaluation withFeatureCols(String... featureCols) {
    if (featureCols.length == 0) {
      throw new IllegalArgumentException("Expected at least one feature column, got none");
    }
    return toBuilder().setFeatureCols(List.of(featureCols)).build();
  }

  /**
   * A vector column of features (dense or sparse), instead of numeric columns.
   *
   * <pre>{@code
   * ClusteringEvaluation.of("cluster").withVectorCol("features");
   * }</pre>
   */
  public ClusteringEvaluation withVectorCol(String vectorCol) {
    if (vectorCol == null || vectorCol.isEmpty()) {
      throw new IllegalArgumentException("Expected a vector column name, got none");
    }
    return toBuilder().setVectorCol(vectorCol).build();
  }

  /**
   * The most rows the silhouette is computed over, at least 2; default {@value
   * #DEFAULT_SILHOUETTE_SAMPLE_SIZE}. With more rows than this the silhouette is over a seeded
   * sample of this many.
   *
   * <pre>{@code
   * ClusteringEvaluation.of("cluster").withSilhouetteSampleSize(2000);
   * }</pre>
   */
  public ClusteringEvaluation withSilhouetteSampleSize(int silhouetteSampleSize) {
    if (silhouetteSampleSize < 2) {
      throw new IllegalArgumentException(
          "Expected silhouetteSampleSize >= 2, got " + silhouetteSampleSize);
    }
    return toBuilder().setSilhouetteSampleSize(silhouetteSampleSize).build();
  }

  /**
   * The seed of the silhouette's sample; default 0.
   *
   * <pre>{@code
   * ClusteringEvaluation.of("cluster").withSeed(42);
   * }</pre>
   */
  public ClusteringEvaluation withSeed(long seed) {
    return toBuilder().setSeed(seed).build();
  }

  @Override
  public PCollection<ClusteringMetrics> expand(PCollection<Row> input) {
    if (input.isBounded() != PCollection.IsBounded.BOUNDED) {
      throw new IllegalArgumentException(
          NAME + " takes bounded input: the indices need whole clusters, not a stream's windows");
    }
    Schema schema = input.getSchema();
    if (featureCols() != null && vectorCol() != null) {
      throw new IllegalArgumentException(
          NAME
              + " takes feature columns or a vector column, not both; got "
              + featureCols()
              + " and "
              + vectorCol());
    }
    if (!schema.hasField(predictionCol())) {
      throw new IllegalArgumentException(
          "Prediction column '"
              + predictionCol()
              + "' not found; the input has columns "
              + schema.getFieldNames());
    }
    FieldType predictionType = schema.getField(predictionCol()).getType();
    if (!LabelValues.isLabelType(predictionType)) {
      throw new IllegalArgumentException(
          "Prediction column '"
              + predictionCol()
              + "' has type "
              + predictionType
              + "; expected a string, boolean or number as the cluster");
    }
    FeatureColumns features;
    if (vectorCol() != null) {
      features = FeatureColumns.ofVector(vectorCol());
    } else if (featureCols() != null) {
      features = FeatureColumns.of(featureCols());
    } else {
      List<String> numeric = FeatureColumns.numericColumns(schema, Set.of(predictionCol()));
      if (numeric.isEmpty()) {
        throw new IllegalArgumentException(
            NAME + " found no numeric feature column in " + schema + "; name them");
      }
      features = FeatureColumns.of(numeric);
    }
    FeatureColumns.Bound bound = features.bind(schema);
    PCollection<KV<String, double[]>> points =
        input
            .apply("Points", ParDo.of(new PointsFn(bound, predictionCol())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), DoubleArrayCoder.of()));
    PCollection<ClusterStats> stats =
        points
            .apply(
                "Cluster moments",
                Combine.globally(new ClusterMomentsFn(predictionType.getTypeName(), features)))
            .setCoder(new ClusterStatsCoder());
    PCollectionView<ClusterStats> statsView = stats.apply("Moments view", View.asSingleton());
    PCollectionView<Map<String, Double>> distances =
        points
            .apply(
                "Distances to means",
                ParDo.of(new DistanceToMeanFn(statsView)).withSideInputs(statsView))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), DoubleCoder.of()))
            .apply("Sum distances", Combine.perKey(Sum.ofDoubles()))
            .apply("Distances view", View.asMap());
    KvCoder<Long, KV<String, double[]>> keyedCoder =
        KvCoder.of(VarLongCoder.of(), KvCoder.of(StringUtf8Coder.of(), DoubleArrayCoder.of()));
    PCollectionView<List<KV<Long, KV<String, double[]>>>> sample =
        points
            .apply("Sample keys", ParDo.of(new SampleKeyFn(seed())))
            .setCoder(keyedCoder)
            .apply("Silhouette sample", Top.of(silhouetteSampleSize(), new SmallestKeyFirst()))
            .apply("Sample view", View.asSingleton());
    return stats
        .apply(
            "Metrics", ParDo.of(new MetricsFn(distances, sample)).withSideInputs(distances, sample))
        .setCoder(ClusteringMetrics.Coder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("predictionCol", predictionCol()))
        .addIfNotNull(
            DisplayData.item(
                "featureCols", featureCols() == null ? null : String.join(",", featureCols())))
        .addIfNotNull(DisplayData.item("vectorCol", vectorCol()))
        .add(DisplayData.item("silhouetteSampleSize", silhouetteSampleSize()))
        .add(DisplayData.item("seed", seed()));
  }

  /** Each row as (cluster text, features). */
  static final class PointsFn extends DoFn<Row, KV<String, double[]>> {
    private final FeatureColumns.Bound features;
    private final String predictionCol;

    PointsFn(FeatureColumns.Bound features, String predictionCol) {
      this.features = features;
      this.predictionCol = predictionCol;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<String, double[]>> out) {
      Object cluster = row.getValue(predictionCol);
      if (cluster == null
          || (cluster instanceof Double d && Double.isNaN(d))
          || (cluster instanceof Float f && Float.isNaN(f))) {
        throw new IllegalArgumentException(
            "Prediction column '"
                + predictionCol
                + "' has value "
                + cluster
                + " in row "
                + row
                + "; expected a cluster");
      }
      out.output(KV.of(String.valueOf(cluster), features.extract(row).toArray()));
    }
  }

  /**
   * What the first pass learns: the clusters in label order, their sizes and means, the inertia and
   * the Calinski-Harabasz index; {@code rows == 0} for empty input.
   */
  static final class ClusterStats implements Serializable {
    private static final long serialVersionUID = 1L;

    final long rows;
    final List<String> clusters;
    final long[] sizes;
    final double[][] means;
    final double inertia;
    final double calinskiHarabasz;

    ClusterStats(
        long rows,
        List<String> clusters,
        long[] sizes,
        double[][] means,
        double inertia,
        double calinskiHarabasz) {
      this.rows = rows;
      this.clusters = clusters;
      this.sizes = sizes;
      this.means = means;
      this.inertia = inertia;
      this.calinskiHarabasz = calinskiHarabasz;
    }

    int indexOf(String cluster) {
      return clusters.indexOf(cluster);
    }
  }

  /** Moments of every cluster and of all rows, by cluster text. */
  static final class Accumulator {
    final Moments all;
    final TreeMap<String, Moments> byCluster;

    Accumulator(Moments all, TreeMap<String, Moments> byCluster) {
      this.all = all;
      this.byCluster = byCluster;
    }
  }

  /** The first pass: per-cluster moments into {@link ClusterStats}. */
  static final class ClusterMomentsFn
      extends CombineFn<KV<String, double[]>, Accumulator, ClusterStats> {
    private final TypeName clusterType;
    private final FeatureColumns features;

    ClusterMomentsFn(TypeName clusterType, FeatureColumns features) {
      this.clusterType = clusterType;
      this.features = features;
    }

    @Override
    public Accumulator createAccumulator() {
      return new Accumulator(Moments.ofVector(), new TreeMap<>());
    }

    @Override
    public Accumulator addInput(Accumulator acc, KV<String, double[]> point) {
      Vector x = Vector.dense(point.getValue());
      try {
        acc.all.add(x);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Features from " + features + ": " + e.getMessage() + ", in cluster " + point.getKey(),
            e);
      }
      acc.byCluster.computeIfAbsent(point.getKey(), k -> Moments.ofVector()).add(x);
      return acc;
    }

    @Override
    public Accumulator mergeAccumulators(Iterable<Accumulator> accumulators) {
      Accumulator merged = createAccumulator();
      for (Accumulator a : accumulators) {
        try {
          merged.all.merge(a.all);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "Features from " + features + ": " + e.getMessage(), e);
        }
        for (Map.Entry<String, Moments> e : a.byCluster.entrySet()) {
          merged.byCluster.computeIfAbsent(e.getKey(), k -> Moments.ofVector()).merge(e.getValue());
        }
      }
      return merged;
    }

    @Override
    public ClusterStats extractOutput(Accumulator acc) {
      List<String> clusters = new ArrayList<>(acc.byCluster.keySet());
      clusters.sort(LabelValues.order(clusterType));
      int k = clusters.size();
      int d = Math.max(acc.all.size(), 0);
      long n = acc.all.rows();
      long[] sizes = new long[k];
      double[][] means = new double[k][d];
      double[] mean = new double[d];
      for (int j = 0; j < d; j++) {
        mean[j] = acc.all.summary(j, "x").mean();
      }
      double inertia = 0;
      double between = 0;
      for (int c = 0; c < k; c++) {
        Moments m = acc.byCluster.get(clusters.get(c));
        sizes[c] = m.rows();
        for (int j = 0; j < d; j++) {
          ColumnSummary s = m.summary(j, "x");
          means[c][j] = s.mean();
          if (s.count() > 1) {
            inertia += s.variance() * (s.count() - 1);
          }
          double gap = s.mean() - mean[j];
          between += sizes[c] * gap * gap;
        }
      }
      double ch = inertia == 0.0 ? 1.0 : between * (n - k) / (inertia * (k - 1.0));
      return new ClusterStats(n, List.copyOf(clusters), sizes, means, inertia, ch);
    }

    @Override
    public Coder<Accumulator> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<String, double[]>> inputCoder) {
      return new AccumulatorCoder();
    }
  }

  /** Coder of {@link Accumulator}: the moments of all rows, then each cluster's. */
  static final class AccumulatorCoder extends CustomCoder<Accumulator> {
    @Override
    public void encode(Accumulator value, OutputStream out) throws IOException {
      MomentsCoder.of().encode(value.all, out);
      VarInt.encode(value.byCluster.size(), out);
      for (Map.Entry<String, Moments> e : value.byCluster.entrySet()) {
        StringUtf8Coder.of().encode(e.getKey(), out);
        MomentsCoder.of().encode(e.getValue(), out);
      }
    }

    @Override
    public Accumulator decode(InputStream in) throws IOException {
      Moments all = MomentsCoder.of().decode(in);
      int k = VarInt.decodeInt(in);
      TreeMap<String, Moments> byCluster = new TreeMap<>();
      for (int i = 0; i < k; i++) {
        String cluster = StringUtf8Coder.of().decode(in);
        byCluster.put(cluster, MomentsCoder.of().decode(in));
      }
      return new Accumulator(all, byCluster);
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** Coder of {@link ClusterStats}. */
  static final class ClusterStatsCoder extends CustomCoder<ClusterStats> {
    @Override
    public void encode(ClusterStats value, OutputStream out) throws IOException {
      VarInt.encode(value.rows, out);
      VarInt.encode(value.clusters.size(), out);
      for (int c = 0; c < value.clusters.size(); c++) {
        StringUtf8Coder.of().encode(value.clusters.get(c), out);
        VarInt.encode(value.sizes[c], out);
        DoubleArrayCoder.of().encode(value.means[c], out);
      }
      DoubleCoder.of().encode(value.inertia, out);
      DoubleCoder.of().encode(value.calinskiHarabasz, out);
    }

    @Override
    public ClusterStats decode(InputStream in) throws IOException {
      long rows = VarInt.decodeLong(in);
      int k = VarInt.decodeInt(in);
      List<String> clusters = new ArrayList<>(k);
      long[] sizes = new long[k];
      double[][] means = new double[k][];
      for (int c = 0; c < k; c++) {
        clusters.add(StringUtf8Coder.of().decode(in));
        sizes[c] = VarInt.decodeLong(in);
        means[c] = DoubleArrayCoder.of().decode(in);
      }
      double inertia = DoubleCoder.of().decode(in);
      double ch = DoubleCoder.of().decode(in);
      return new ClusterStats(rows, List.copyOf(clusters), sizes, means, inertia, ch);
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** Each row's Euclidean distance to its cluster's mean, keyed by cluster. */
  static final class DistanceToMeanFn extends DoFn<KV<String, double[]>, KV<String, Double>> {
    private final PCollectionView<ClusterStats> stats;

    DistanceToMeanFn(PCollectionView<ClusterStats> stats) {
      this.stats = stats;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      ClusterStats s = c.sideInput(stats);
      KV<String, double[]> point = c.element();
      double[] mean = s.means[s.indexOf(point.getKey())];
      c.output(KV.of(point.getKey(), distance(point.getValue(), mean)));
    }
  }

  /** The Euclidean distance of two points of one size. */
  static double distance(double[] a, double[] b) {
    double sum = 0;
    for (int j = 0; j < a.length; j++) {
      double d = a[j] - b[j];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  /** The sample key of a point: a 64-bit hash of the seed, its cluster and its features. */
  static long sampleKey(long seed, String cluster, double[] x) {
    long h = mix(seed ^ 0x9e3779b97f4a7c15L);
    h = mix(h ^ cluster.hashCode());
    h = mix(h ^ x.length);
    for (double v : x) {
      h = mix(h ^ Double.doubleToLongBits(v == 0.0 ? 0.0 : v));
    }
    return h;
  }

  /** SplitMix64's finalizer. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Each point keyed by its sample key. */
  static final class SampleKeyFn
      extends DoFn<KV<String, double[]>, KV<Long, KV<String, double[]>>> {
    private final long seed;

    SampleKeyFn(long seed) {
      this.seed = seed;
    }

    @ProcessElement
    public void process(
        @Element KV<String, double[]> point, OutputReceiver<KV<Long, KV<String, double[]>>> out) {
      out.output(KV.of(sampleKey(seed, point.getKey(), point.getValue()), point));
    }
  }

  /**
   * Orders keyed points so that {@code Top} keeps the smallest keys: by key descending, ties (equal
   * hashes) by cluster and features, so that the sample is the same on every runner.
   */
  static final class SmallestKeyFirst
      implements Comparator<KV<Long, KV<String, double[]>>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(KV<Long, KV<String, double[]>> a, KV<Long, KV<String, double[]>> b) {
      int byKey = Long.compare(b.getKey(), a.getKey());
      if (byKey != 0) {
        return byKey;
      }
      int byCluster = b.getValue().getKey().compareTo(a.getValue().getKey());
      if (byCluster != 0) {
        return byCluster;
      }
      return Arrays.compare(b.getValue().getValue(), a.getValue().getValue());
    }
  }

  /** The mean silhouette of {@code points} (cluster text, features); NaN unless 2 <= k < n. */
  static double silhouette(List<KV<String, double[]>> points) {
    Map<String, Integer> index = new HashMap<>();
    int n = points.size();
    int[] cluster = new int[n];
    for (int i = 0; i < n; i++) {
      cluster[i] = index.computeIfAbsent(points.get(i).getKey(), c -> index.size());
    }
    int k = index.size();
    if (k < 2 || k > n - 1) {
      return Double.NaN;
    }
    long[] counts = new long[k];
    for (int c : cluster) {
      counts[c]++;
    }
    double[][] sums = new double[n][k];
    for (int i = 0; i < n; i++) {
      double[] xi = points.get(i).getValue();
      for (int j = i + 1; j < n; j++) {
        double d = distance(xi, points.get(j).getValue());
        sums[i][cluster[j]] += d;
        sums[j][cluster[i]] += d;
      }
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      int own = cluster[i];
      if (counts[own] < 2) {
        continue;
      }
      double a = sums[i][own] / (counts[own] - 1);
      double b = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        if (c != own) {
          b = Math.min(b, sums[i][c] / counts[c]);
        }
      }
      double spread = Math.max(a, b);
      total += spread == 0.0 ? 0.0 : (b - a) / spread;
    }
    return total / n;
  }

  /**
   * scikit-learn's Davies-Bouldin index from the clusters' mean distances to their means and the
   * means themselves.
   */
  static double daviesBouldin(double[] spread, double[][] means) {
    int k = spread.length;
    double[][] between = new double[k][k];
    boolean spreadsZero = true;
    boolean centresZero = true;
    for (int i = 0; i < k; i++) {
      spreadsZero &= Math.abs(spread[i]) <= 1e-8;
      for (int j = 0; j < k; j++) {
        between[i][j] = distance(means[i], means[j]);
        centresZero &= between[i][j] <= 1e-8;
      }
    }
    // numpy's allclose(x, 0): |x| <= 1e-8 everywhere.
    if (spreadsZero || centresZero) {
      return 0.0;
    }
    double sum = 0;
    for (int i = 0; i < k; i++) {
      double worst = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        double d = between[i][j] == 0.0 ? Double.POSITIVE_INFINITY : between[i][j];
        worst = Math.max(worst, (spread[i] + spread[j]) / d);
      }
      sum += worst;
    }
    return sum / k;
  }

  /** Assembles the metrics from the first pass, the distance sums and the sample. */
  static final class MetricsFn extends DoFn<ClusterStats, ClusteringMetrics> {
    private final PCollectionView<Map<String, Double>> distances;
    private final PCollectionView<List<KV<Long, KV<String, double[]>>>> sample;

    MetricsFn(
        PCollectionView<Map<String, Double>> distances,
        PCollectionView<List<KV<Long, KV<String, double[]>>>> sample) {
      this.distances = distances;
      this.sample = sample;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      ClusterStats s = c.element();
      if (s.rows == 0) {
        throw new IllegalArgumentException(NAME + ": no rows to evaluate");
      }
      int k = s.clusters.size();
      if (k < 2 || k > s.rows - 1) {
        throw new IllegalArgumentException(
            NAME
                + ": the number of clusters is "
                + k
                + " "
                + s.clusters
                + " over "
                + s.rows
                + " rows; the indices are defined for 2 to rows - 1 clusters");
      }
      Map<String, Double> sums = c.sideInput(distances);
      double[] spread = new double[k];
      for (int i = 0; i < k; i++) {
        spread[i] = sums.get(s.clusters.get(i)) / s.sizes[i];
      }
      List<KV<String, double[]>> points = new ArrayList<>();
      for (KV<Long, KV<String, double[]>> p : c.sideInput(sample)) {
        points.add(p.getValue());
      }
      c.output(
          ClusteringMetrics.of(
              s.clusters,
              s.sizes,
              s.inertia,
              silhouette(points),
              s.calinskiHarabasz,
              daviesBouldin(spread, s.means),
              points.size()));
    }
  }
}
