package org.beamlink.transforms.clustering;

import com.google.auto.value.AutoValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.iteration.AllReduce;
import org.beamlink.iteration.IterationSettings;
import org.beamlink.iteration.IterativeComQueue;
import org.beamlink.iteration.IterativeFit;
import org.beamlink.iteration.PackBlocks;
import org.beamlink.models.clustering.DistanceMeasure;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.clustering.KMeansModelCoder;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.io.ReadCsvBlocks;
import org.beamlink.transforms.io.ReadParquet;
import org.beamlink.transforms.io.ReadParquetBlocks;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * KMeans clustering: {@link #fit()} trains a {@link KMeansModel} with Lloyd's algorithm on the
 * iteration shim; {@link #predict} appends each row's cluster and its distance to it.
 *
 * <p>Training packs rows into blocks once and runs one superstep per Lloyd iteration: every
 * partition assigns its rows to the nearest centroid and sums them, one AllReduce adds the sums,
 * and every partition computes the same new centroids. It stops when no centroid moved more than
 * {@code tol} (Euclidean, in the space the distance is computed in) or after {@code maxIter}
 * iterations. A cluster that loses all its points keeps its centroid (as Spark). The model's final
 * loss is the cost of the last assignment, as Spark's {@code trainingCost}: the sum of squared
 * distances (Euclidean) or of cosine distances.
 *
 * <p>Initialisation, when no centroids are given: {@link InitMode#RANDOM} takes {@code k} distinct
 * points drawn by a seeded hash of their values; {@link InitMode#K_MEANS_PARALLEL} (the default,
 * Bahmani et al. 2012, as Spark) starts from one such point, runs {@code initSteps} rounds of
 * sampling with oversampling factor {@code 2k}, and picks {@code k} centers from the weighted
 * candidates with k-means++ (if fewer than {@code k} distinct candidates were sampled, it adds
 * points drawn as for RANDOM). Randomness comes only from the seed and the data, so a seed gives
 * the same model on every runner and parallelism, up to the order of floating-point sums.
 *
 * <p>Parameters ({@code fit()} sets every default):
 *
 * <ul>
 *   <li>{@code featureCols} (numeric columns) or {@code vectorCol} (a vector column); one is
 *       required.
 *   <li>{@code k} >= 2, default 2; {@code maxIter} >= 1, default 20; {@code tol} >= 0, default
 *       1e-4; {@code seed}, default 0; {@code initMode}, default K_MEANS_PARALLEL; {@code
 *       initSteps} >= 1, default 2; {@code initialCentroids}, default none; {@code distance},
 *       default EUCLIDEAN; {@code weightCol}, default none; {@code execution}, default AUTO.
 *   <li>As a stage of an {@link org.beamlink.transforms.pipeline.MlPipeline}: {@code
 *       predictionCol}, default "prediction", and {@code distanceCol}, default "distance".
 * </ul>
 *
 * <p>Bad input fails with the column, value and row named: a missing or non-numeric column, null,
 * NaN or infinite features, vectors of different sizes, a zero vector with cosine distance, an
 * empty input, or fewer than {@code k} distinct points.
 *
 * <pre>{@code
 * PCollection<KMeansModel> model =
 *     rows.apply(KMeans.fit().withFeatureCols("x", "y").withK(3).withSeed(7));
 * PCollection<Row> clustered = rows.apply(KMeans.predict(model));
 * // clustered has the input columns plus "prediction" (INT32) and "distance" (DOUBLE)
 * }</pre>
 *
 * <p>References: S. Lloyd, Least squares quantization in PCM (1982); B. Bahmani et al., Scalable
 * K-Means++ (VLDB 2012).
 */
public final class KMeans {
  private KMeans() {}

  /** A KMeans trainer with every default set. */
  public static Fit fit() {
    return new AutoValue_KMeans_Fit.Builder()
        .setK(2)
        .setMaxIter(20)
        .setTol(1e-4)
        .setSeed(0L)
        .setInitMode(InitMode.K_MEANS_PARALLEL)
        .setInitSteps(2)
        .setDistance(DistanceMeasure.EUCLIDEAN)
        .setIterationSettings(IterationSettings.defaults())
        .setPredictionCol("prediction")
        .setDistanceCol("distance")
        .build();
  }

  /**
   * Scores rows with the one model in {@code model}: appends {@code prediction} (the nearest
   * cluster, INT32) and {@code distance} (DOUBLE). Works on bounded and unbounded input.
   */
  public static Predict predict(PCollection<KMeansModel> model) {
    return new AutoValue_KMeans_Predict.Builder()
        .setModel(model)
        .setPredictionCol("prediction")
        .setDistanceCol("distance")
        .build();
  }

  /** Trains a {@link KMeansModel}; see {@link KMeans} for the parameters. */
  @AutoValue
  public abstract static class Fit extends PTransform<PCollection<Row>, PCollection<KMeansModel>>
      implements PipelineStage, IterativeFit<Fit> {
    abstract @Nullable List<String> featureCols();

    abstract @Nullable String vectorCol();

    abstract @Nullable String weightCol();

    abstract int k();

    abstract int maxIter();

    abstract double tol();

    abstract long seed();

    abstract InitMode initMode();

    abstract int initSteps();

    abstract @Nullable List<Vector> initialCentroids();

    abstract DistanceMeasure distance();

    abstract String predictionCol();

    abstract String distanceCol();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setFeatureCols(@Nullable List<String> cols);

      abstract Builder setVectorCol(@Nullable String col);

      abstract Builder setWeightCol(@Nullable String col);

      abstract Builder setK(int k);

      abstract Builder setMaxIter(int maxIter);

      abstract Builder setTol(double tol);

      abstract Builder setSeed(long seed);

      abstract Builder setInitMode(InitMode mode);

      abstract Builder setInitSteps(int steps);

      abstract Builder setInitialCentroids(@Nullable List<Vector> centroids);

      abstract Builder setDistance(DistanceMeasure distance);

      abstract Builder setIterationSettings(IterationSettings settings);

      abstract Builder setPredictionCol(String col);

      abstract Builder setDistanceCol(String col);

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

    /** A non-negative numeric weight per row; default none (every row weighs 1). */
    public Fit withWeightCol(String col) {
      return toBuilder().setWeightCol(col).build();
    }

    /** Number of clusters, at least 2; default 2. */
    public Fit withK(int k) {
      if (k < 2) {
        throw new IllegalArgumentException("Expected k >= 2, got " + k);
      }
      return toBuilder().setK(k).build();
    }

    /** Most Lloyd iterations, at least 1; default 20. */
    public Fit withMaxIter(int maxIter) {
      if (maxIter < 1) {
        throw new IllegalArgumentException("Expected maxIter >= 1, got " + maxIter);
      }
      return toBuilder().setMaxIter(maxIter).build();
    }

    /** Stop when no centroid moves more than this; at least 0, default 1e-4. */
    public Fit withTol(double tol) {
      if (!(tol >= 0)) {
        throw new IllegalArgumentException("Expected tol >= 0, got " + tol);
      }
      return toBuilder().setTol(tol).build();
    }

    /** The random seed; default 0. */
    public Fit withSeed(long seed) {
      return toBuilder().setSeed(seed).build();
    }

    /** How to choose initial centroids; default K_MEANS_PARALLEL. */
    public Fit withInitMode(InitMode mode) {
      return toBuilder().setInitMode(mode).build();
    }

    /** Rounds of k-means|| sampling, at least 1; default 2 (as Spark). */
    public Fit withInitSteps(int steps) {
      if (steps < 1) {
        throw new IllegalArgumentException("Expected initSteps >= 1, got " + steps);
      }
      return toBuilder().setInitSteps(steps).build();
    }

    /** Explicit initial centroids, {@code k} of them, all of the features' size. */
    public Fit withInitialCentroids(List<Vector> centroids) {
      if (centroids == null || centroids.isEmpty()) {
        throw new IllegalArgumentException("Expected initial centroids, got none");
      }
      return toBuilder().setInitialCentroids(List.copyOf(centroids)).build();
    }

    /** The distance measure; default EUCLIDEAN. */
    public Fit withDistance(DistanceMeasure distance) {
      return toBuilder().setDistance(distance).build();
    }

    @Override
    public Fit withIterationSettings(IterationSettings settings) {
      return toBuilder().setIterationSettings(settings).build();
    }

    /** As a pipeline stage: the column of the nearest cluster; default "prediction". */
    public Fit withPredictionCol(String col) {
      return toBuilder().setPredictionCol(col).build();
    }

    /** As a pipeline stage: the column of the distance to it; default "distance". */
    public Fit withDistanceCol(String col) {
      return toBuilder().setDistanceCol(col).build();
    }

    /**
     * Fits the model and makes it a pipeline stage: the model with output columns {@code
     * predictionCol} and {@code distanceCol} ({@link KMeansModel#withOutputCols}).
     */
    @Override
    public PCollection<Transformer> fitStage(PCollection<Row> input) {
      FeatureColumns features = features();
      String prediction = predictionCol();
      String distance = distanceCol();
      OutputColumns cols = OutputColumns.of(prediction, distance);
      SchemaMapping mapping =
          in -> {
            features.bind(in);
            return KMeansModel.outputSchema(in, cols);
          };
      mapping.outputSchema(input.getSchema());
      return PipelineStage.fitted(
          input.apply(this), mapping, m -> m.withOutputCols(prediction, distance));
    }

    @Override
    public PCollection<KMeansModel> expand(PCollection<Row> input) {
      check(input.getSchema());
      return train(input.getPipeline(), input.apply("Pack blocks", packing()));
    }

    /**
     * Fits the model to CSV files read by {@code csv}, their numeric feature (and weight) columns
     * read straight into training blocks ({@link ReadCsvBlocks}) when they are numeric, else read
     * into rows and fitted as {@link #expand} fits them: the same model either way.
     *
     * <pre>{@code
     * PCollection<KMeansModel> model =
     *     p.apply(KMeans.fit().withFeatureCols("x", "y").withK(3).fromCsv(ReadCsv.from("data.csv")));
     * }</pre>
     */
    public PTransform<PBegin, PCollection<KMeansModel>> fromCsv(ReadCsv csv) {
      return fromCsv(ReadCsvBlocks.from(csv));
    }

    /**
     * As {@link #fromCsv(ReadCsv)}, reading with {@code read}'s files and options (its packing is
     * this fit's).
     */
    public PTransform<PBegin, PCollection<KMeansModel>> fromCsv(ReadCsvBlocks read) {
      Fit fit = this;
      return new PTransform<PBegin, PCollection<KMeansModel>>("KMeans.fromCsv") {
        @Override
        public PCollection<KMeansModel> expand(PBegin input) {
          ReadCsvBlocks resolved = read.withInferredSchema();
          Schema schema = resolved.schema();
          if (fit.vectorCol() != null || !ReadCsvBlocks.canRead(schema, fit.packing())) {
            return input.apply("Read", resolved.csv()).apply("KMeans", fit);
          }
          fit.check(schema);
          return fit.train(
              input.getPipeline(), input.apply("Read blocks", resolved.withPacking(fit.packing())));
        }
      };
    }

    /**
     * Fits the model to Parquet files read by {@code read}, their numeric feature (and weight)
     * columns read straight into training blocks, a row group a split ({@link ReadParquetBlocks}),
     * else read into rows ({@link ReadParquet}, only those columns) and fitted as {@link #expand}
     * fits them: the same model either way.
     *
     * <pre>{@code
     * PCollection<KMeansModel> model =
     *     p.apply(KMeans.fit().withFeatureCols("x", "y").withK(3)
     *         .fromParquet(ReadParquetBlocks.from("data/*.parquet")));
     * }</pre>
     */
    public PTransform<PBegin, PCollection<KMeansModel>> fromParquet(ReadParquetBlocks read) {
      Fit fit = this;
      return new PTransform<PBegin, PCollection<KMeansModel>>("KMeans.fromParquet") {
        @Override
        public PCollection<KMeansModel> expand(PBegin input) {
          ReadParquet rows = read.rows(fit.packing());
          Schema schema = rows.schema();
          if (!ReadParquetBlocks.canRead(schema, fit.packing())) {
            return input.apply("Read", rows).apply("KMeans", fit);
          }
          fit.check(schema);
          return fit.train(
              input.getPipeline(), input.apply("Read blocks", read.withPacking(fit.packing())));
        }
      };
    }

    /** Checks the columns of {@code schema} and the initial centroids. */
    private void check(Schema schema) {
      FeatureColumns.Bound bound = features().bind(schema);
      List<Vector> initial = initialCentroids();
      if (initial != null) {
        checkInitialCentroids(initial, bound.dimension());
      }
    }

    /** How rows become training blocks. */
    private PackBlocks packing() {
      PackBlocks pack = PackBlocks.of(features()).withBlockSize(iterationSettings().blockSize());
      if (weightCol() != null) {
        pack = pack.withWeightCol(weightCol());
      }
      if (distance() == DistanceMeasure.COSINE) {
        pack = pack.withRowsScaledToUnitNorm();
      }
      return pack;
    }

    /**
     * Fits the model to the training blocks (packed with this fit's features and weights): also
     * what starts {@link GaussianMixture}.
     */
    PCollection<KMeansModel> train(Pipeline pipeline, PCollection<Block> blocks) {
      FeatureColumns features = features();
      List<Vector> initial = initialCentroids();
      PCollection<double[]> seeds;
      if (initial != null) {
        int d = initial.get(0).size();
        double[] flat = new double[initial.size() * d];
        for (int i = 0; i < initial.size(); i++) {
          initial.get(i).toDense().copyTo(flat, i * d);
        }
        seeds =
            pipeline.apply(
                "Initial centroids", Create.of(List.of(flat)).withCoder(DoubleArrayCoder.of()));
      } else {
        seeds =
            blocks
                .apply("Seed points", Combine.globally(new SeedPointsFn(k(), seed())))
                .setCoder(DoubleArrayCoder.of());
      }
      KMeansTraining.Params params =
          KMeansTraining.Params.builder()
              .setK(k())
              .setMaxIter(maxIter())
              .setTol(tol())
              .setSeed(seed())
              .setInitMode(initMode())
              .setInitSteps(initSteps())
              .setExplicitInit(initial != null)
              .setDistance(distance())
              .setFeatures(features)
              .setDescription(description())
              .build();
      IterativeComQueue queue =
          IterativeComQueue.create("KMeans")
              .initWithPartitionedData(KMeansTraining.DATA, blocks)
              .initWithBroadcastData(KMeansTraining.SEEDS, seeds)
              .add(new KMeansTraining.Prepare(params))
              .add(AllReduce.sum(KMeansTraining.COMM))
              .add(new KMeansTraining.Consume(params))
              .setCompareCriterion(new KMeansTraining.Converged())
              .setMaxIter(params.initSupersteps() + maxIter())
              .withSettings(iterationSettings());
      return queue.closeWith(new KMeansTraining.Output(params), KMeansModelCoder.of()).exec();
    }

    private FeatureColumns features() {
      return FeatureColumns.of(featureCols(), vectorCol(), "KMeans");
    }

    private void checkInitialCentroids(List<Vector> initial, int dimension) {
      if (initial.size() != k()) {
        throw new IllegalArgumentException(
            "Expected k=" + k() + " initial centroids, got " + initial.size());
      }
      int d = initial.get(0).size();
      for (Vector c : initial) {
        if (c.size() != d || (dimension >= 0 && c.size() != dimension)) {
          throw new IllegalArgumentException(
              "Initial centroid "
                  + c
                  + " has size "
                  + c.size()
                  + "; expected "
                  + (dimension >= 0 ? dimension : d));
        }
        if (c.hasNonFinite()) {
          throw new IllegalArgumentException(
              "Initial centroid " + c + " has NaN or infinite values");
        }
      }
    }

    private Map<String, String> description() {
      Map<String, String> d = new TreeMap<>();
      d.put("k", Integer.toString(k()));
      d.put("maxIter", Integer.toString(maxIter()));
      d.put("tol", Double.toString(tol()));
      d.put("initMode", initialCentroids() != null ? "explicit" : initMode().name());
      d.put("initSteps", Integer.toString(initSteps()));
      d.put("distance", distance().name());
      d.put("features", features().toString());
      if (weightCol() != null) {
        d.put("weightCol", weightCol());
      }
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

  /** Scores rows with a KMeans model; see {@link KMeans#predict}. */
  @AutoValue
  public abstract static class Predict extends PTransform<PCollection<Row>, PCollection<Row>> {
    abstract PCollection<KMeansModel> model();

    abstract String predictionCol();

    abstract String distanceCol();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setModel(PCollection<KMeansModel> model);

      abstract Builder setPredictionCol(String col);

      abstract Builder setDistanceCol(String col);

      abstract Predict build();
    }

    /** Name of the cluster column; default "prediction". */
    public Predict withPredictionCol(String col) {
      return toBuilder().setPredictionCol(col).build();
    }

    /** Name of the distance column; default "distance". */
    public Predict withDistanceCol(String col) {
      return toBuilder().setDistanceCol(col).build();
    }

    /**
     * The same scoring, with rows that cannot be scored (null, NaN or infinite features, a vector
     * of the wrong size) kept in {@code failures()} beside the error instead of failing the job.
     */
    public ApplyModel.KeepingFailures<KMeansModel> withFailures() {
      return applyModel().withFailures();
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> input) {
      return input.apply("Score", applyModel());
    }

    private ApplyModel<KMeansModel> applyModel() {
      String prediction = predictionCol();
      String distance = distanceCol();
      OutputColumns cols = OutputColumns.of(prediction, distance);
      return ApplyModel.of(
          model(),
          in -> KMeansModel.outputSchema(in, cols),
          m -> m.withOutputCols(prediction, distance));
    }
  }
}
