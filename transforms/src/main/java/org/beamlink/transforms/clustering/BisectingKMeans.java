package org.beamlink.transforms.clustering;

import com.google.auto.value.AutoValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.iteration.AllReduce;
import org.beamlink.iteration.IterationSettings;
import org.beamlink.iteration.IterativeComQueue;
import org.beamlink.iteration.IterativeFit;
import org.beamlink.iteration.PackBlocks;
import org.beamlink.models.clustering.BisectingKMeansModel;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Bisecting k-means, Spark's {@code BisectingKMeans}: {@link #fit()} trains a {@link
 * BisectingKMeansModel} on the iteration shim; {@link #predict} appends each row's cluster, on
 * bounded or unbounded rows.
 *
 * <p>All rows start in one cluster. Level by level, the divisible clusters (at least {@code
 * minDivisibleClusterSize} rows and a cost above {@code 2.2e-16} times their size) are split in two
 * by k-means: the two child centres start at the cluster's centre plus and minus {@code 1e-4
 * |centre|} times a vector of uniform noise drawn from {@code java.util.Random(seed)} (as Spark's
 * {@code scala.util.Random}), then {@code maxIter} Lloyd iterations move them. When splitting every
 * divisible cluster would make more than {@code k} clusters, the larger ones are split. It stops at
 * {@code k} clusters or when none is divisible, so a model may have fewer than {@code k} (Spark's
 * semantics: with fewer than {@code k} distinct rows, for one). All clusters being split on one
 * level share each superstep: {@code maxIter} supersteps a level, plus one for the root. Where
 * Spark's order is a hash map's (which cluster draws its noise first; which of equally large
 * clusters is split), Beamlink takes ascending cluster number. The model's final loss is the sum of
 * the clusters' costs (Spark's {@code trainingCost}); its iterations, the levels split.
 *
 * <p>Parameters ({@code fit()} sets every default):
 *
 * <ul>
 *   <li>{@code featureCols} (numeric columns) or {@code vectorCol} (a vector column); one is
 *       required. Rows are not weighted.
 *   <li>{@code k} >= 2, default 4; {@code maxIter} >= 1, default 20 (Lloyd iterations per split);
 *       {@code minDivisibleClusterSize} > 0, default 1.0 (a count when >= 1, else a fraction of the
 *       rows); {@code seed}, default 0; {@code execution}, default AUTO.
 *   <li>{@code predictionCol}, default "prediction": the column the fitted model appends.
 * </ul>
 *
 * <p>Bad input fails naming what and where: a missing or non-numeric column, a null, NaN or
 * infinite feature (with its row), vectors of different sizes, an empty input.
 *
 * <pre>{@code
 * PCollection<BisectingKMeansModel> model =
 *     rows.apply(BisectingKMeans.fit().withFeatureCols("x", "y").withK(4).withSeed(1));
 * PCollection<Row> scored = rows.apply(BisectingKMeans.predict(model)); // + prediction
 * }</pre>
 *
 * <p>References: M. Steinbach, G. Karypis and V. Kumar, A comparison of document clustering
 * techniques (KDD workshop on text mining, 2000); Spark MLlib's {@code BisectingKMeans}.
 */
public final class BisectingKMeans {
  private BisectingKMeans() {}

  /** A bisecting k-means trainer with every default set. */
  public static Fit fit() {
    return new AutoValue_BisectingKMeans_Fit.Builder()
        .setK(4)
        .setMaxIter(20)
        .setMinDivisibleClusterSize(1.0)
        .setSeed(0L)
        .setIterationSettings(IterationSettings.defaults())
        .setPredictionCol("prediction")
        .build();
  }

  /**
   * Scores rows, bounded or unbounded, with the one model in {@code model}: appends its {@code
   * predictionCol}. {@code .withFailures()} on the result keeps rows that cannot be scored beside
   * their error.
   *
   * <pre>{@code
   * PCollection<Row> scored = stream.apply(BisectingKMeans.predict(model));
   * }</pre>
   */
  public static ApplyModel<BisectingKMeansModel> predict(PCollection<BisectingKMeansModel> model) {
    return ApplyModel.of(model);
  }

  /** Trains a {@link BisectingKMeansModel}; see {@link BisectingKMeans} for the parameters. */
  @AutoValue
  public abstract static class Fit
      extends PTransform<PCollection<Row>, PCollection<BisectingKMeansModel>>
      implements PipelineStage, IterativeFit<Fit> {
    abstract @Nullable List<String> featureCols();

    abstract @Nullable String vectorCol();

    abstract int k();

    abstract int maxIter();

    abstract double minDivisibleClusterSize();

    abstract long seed();

    abstract String predictionCol();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setFeatureCols(@Nullable List<String> cols);

      abstract Builder setVectorCol(@Nullable String col);

      abstract Builder setK(int k);

      abstract Builder setMaxIter(int maxIter);

      abstract Builder setMinDivisibleClusterSize(double size);

      abstract Builder setSeed(long seed);

      abstract Builder setIterationSettings(IterationSettings settings);

      abstract Builder setPredictionCol(String col);

      abstract Fit build();
    }

    /** Features from these numeric columns. */
    public Fit withFeatureCols(String... cols) {
      if (cols.length == 0) {
        throw new IllegalArgumentException("Expected at least one feature column, got none");
      }
      return toBuilder().setFeatureCols(List.of(cols)).setVectorCol(null).build();
    }

    /** Features from this vector column. */
    public Fit withVectorCol(String col) {
      return toBuilder().setVectorCol(col).setFeatureCols(null).build();
    }

    /** The most clusters, at least 2; default 4. */
    public Fit withK(int k) {
      if (k < 2) {
        throw new IllegalArgumentException("Expected k >= 2, got " + k);
      }
      return toBuilder().setK(k).build();
    }

    /** Lloyd iterations per split, at least 1; default 20. */
    public Fit withMaxIter(int maxIter) {
      if (maxIter < 1) {
        throw new IllegalArgumentException("Expected maxIter >= 1, got " + maxIter);
      }
      return toBuilder().setMaxIter(maxIter).build();
    }

    /**
     * The fewest rows a cluster must have to be split: a count when at least 1, else a fraction of
     * all rows; above 0, default 1.0.
     */
    public Fit withMinDivisibleClusterSize(double size) {
      if (!(size > 0) || Double.isInfinite(size)) {
        throw new IllegalArgumentException(
            "Expected a finite minDivisibleClusterSize > 0, got " + size);
      }
      return toBuilder().setMinDivisibleClusterSize(size).build();
    }

    /** The seed of the splits' noise; default 0. */
    public Fit withSeed(long seed) {
      return toBuilder().setSeed(seed).build();
    }

    @Override
    public Fit withIterationSettings(IterationSettings settings) {
      return toBuilder().setIterationSettings(settings).build();
    }

    /** The column of the cluster (INT32); default "prediction". */
    public Fit withPredictionCol(String col) {
      return toBuilder().setPredictionCol(col).build();
    }

    /** Fits the model and makes it a pipeline stage appending its cluster column. */
    @Override
    public PCollection<Transformer> fitStage(PCollection<Row> input) {
      PCollection<BisectingKMeansModel> model = input.apply(this);
      return PipelineStage.fitted(model, TransformerCoder.mappingOf(model));
    }

    @Override
    public PCollection<BisectingKMeansModel> expand(PCollection<Row> input) {
      Schema schema = input.getSchema();
      FeatureColumns features = features();
      features.bind(schema);
      String prediction = predictionCol();
      SchemaMapping mapping =
          in -> {
            features.bind(in);
            return BisectingKMeansModel.outputSchema(in, prediction);
          };
      mapping.outputSchema(schema);
      PCollection<Block> blocks =
          input.apply(
              "Pack blocks",
              PackBlocks.of(features).withBlockSize(iterationSettings().blockSize()));
      PCollection<double[]> dimension =
          blocks
              .apply("Dimension", Combine.globally(new SeedPointsFn(1, seed())))
              .setCoder(DoubleArrayCoder.of());
      BisectingKMeansTraining.Params params =
          new BisectingKMeansTraining.Params(
              k(),
              maxIter(),
              minDivisibleClusterSize(),
              seed(),
              features,
              prediction,
              description());
      IterativeComQueue queue =
          IterativeComQueue.create("BisectingKMeans")
              .initWithPartitionedData(BisectingKMeansTraining.DATA, blocks)
              .initWithBroadcastData(BisectingKMeansTraining.DIMENSION, dimension)
              .add(new BisectingKMeansTraining.Prepare())
              .add(AllReduce.sum(BisectingKMeansTraining.COMM))
              .add(new BisectingKMeansTraining.Consume(params))
              .setCompareCriterion(new BisectingKMeansTraining.Done())
              .setMaxIter(params.supersteps())
              .withSettings(iterationSettings());
      return queue
          .closeWith(
              new BisectingKMeansTraining.Output(params),
              TransformerCoder.of(BisectingKMeansModel.class, mapping))
          .exec();
    }

    private FeatureColumns features() {
      return FeatureColumns.of(featureCols(), vectorCol(), "BisectingKMeans");
    }

    private Map<String, String> description() {
      Map<String, String> d = new TreeMap<>();
      d.put("k", Integer.toString(k()));
      d.put("maxIter", Integer.toString(maxIter()));
      d.put("minDivisibleClusterSize", Double.toString(minDivisibleClusterSize()));
      d.put("features", features().toString());
      return d;
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      for (Map.Entry<String, String> e : description().entrySet()) {
        builder.add(DisplayData.item(e.getKey(), e.getValue()));
      }
      builder.add(DisplayData.item("seed", seed()));
    }
  }
}
