package org.beamlink.transforms.evaluation;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.transforms.stats.Moments;
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
            .setCoder(new ClusterStats.Coder());
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
            .apply("Sample keys", ParDo.of(new SilhouetteSample.SampleKeyFn(seed())))
            .setCoder(keyedCoder)
            .apply(
                "Silhouette sample",
                Top.of(silhouetteSampleSize(), new SilhouetteSample.SmallestKeyFirst()))
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
      c.output(KV.of(point.getKey(), ClusterIndices.distance(point.getValue(), mean)));
    }
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
              ClusterIndices.silhouette(points),
              s.calinskiHarabasz,
              ClusterIndices.daviesBouldin(spread, s.means),
              points.size()));
    }
  }
}
