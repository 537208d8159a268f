package org.beamlink.transforms.clustering;

import com.google.auto.value.AutoValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.beamlink.iteration.AllReduce;
import org.beamlink.iteration.IterationSettings;
import org.beamlink.iteration.IterativeComQueue;
import org.beamlink.iteration.IterativeFit;
import org.beamlink.iteration.PackBlocks;
import org.beamlink.models.clustering.CovarianceType;
import org.beamlink.models.clustering.GaussianMixtureModel;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Gaussian mixture clustering: {@link #fit()} trains a {@link GaussianMixtureModel} by
 * expectation-maximization on the iteration shim; {@link #predict} appends each row's most likely
 * component and its membership probabilities, on bounded or unbounded rows.
 *
 * <p>Semantics are scikit-learn's {@code GaussianMixture} (1.2): every EM iteration computes the
 * responsibilities of each row with the current mixture (log-densities through the covariances'
 * Cholesky factors, normalized with log-sum-exp), then the new weights {@code n_c / n}, means and
 * covariances from their sums, {@code regCovar} added to every covariance's diagonal
 * (scikit-learn's {@code reg_covar}); {@code n_c} is the component's responsibility total plus
 * {@code 10 eps}, as scikit-learn's. It stops when the mean log-likelihood of an E step changed by
 * less than {@code tol} from the previous one (after that iteration's M step, as scikit-learn), or
 * after {@code maxIter} iterations. The model's provenance records the iterations and, as final
 * loss, the negative of that last mean log-likelihood (scikit-learn's {@code -lower_bound_}).
 *
 * <p>Start: the means are the given {@code initialMeans}, else the centroids {@link KMeans#fit()}
 * finds with this seed (k-means|| seeding with k-means++, then Lloyd iterations: scikit-learn's
 * default {@code init_params="kmeans"}). Every row is assigned to its nearest initial mean, and the
 * initial weights and covariances are those of that hard assignment (scikit-learn's {@code
 * _initialize} from its initial responsibilities), the means staying the initial ones. One
 * superstep makes that start, then one superstep per EM iteration: each partition sums its rows'
 * responsibilities, weighted first and second moments and log-likelihood, one AllReduce adds them,
 * and every partition computes the same M step.
 *
 * <p>Parameters ({@code fit()} sets every default):
 *
 * <ul>
 *   <li>{@code featureCols} (numeric columns) or {@code vectorCol} (a vector column); one is
 *       required; {@code weightCol}, a non-negative weight per row (scikit-learn has none; a weight
 *       multiplies the row's responsibilities and log-likelihood), default none.
 *   <li>{@code k} >= 2, default 2; {@code maxIter} >= 1, default 100; {@code tol} >= 0, default
 *       1e-3; {@code regCovar} >= 0, default 1e-6; {@code covarianceType}, default FULL; {@code
 *       seed} (of the k-means start), default 0; {@code initialMeans}, default none; {@code
 *       execution}, default AUTO.
 *   <li>{@code predictionCol}, default "prediction", and {@code probabilityCol}, default
 *       "probability": the columns the fitted model appends.
 * </ul>
 *
 * <p>Bad input fails naming what and where: a missing or non-numeric column, a null, NaN or
 * infinite feature (with its row), vectors of different sizes, an empty input, fewer rows than
 * {@code k}, and a covariance that is not positive definite (a component on collapsed points with
 * {@code regCovar} 0), naming the component and the iteration.
 *
 * <pre>{@code
 * PCollection<GaussianMixtureModel> model =
 *     rows.apply(GaussianMixture.fit().withFeatureCols("x", "y").withK(3).withSeed(7));
 * PCollection<Row> scored = rows.apply(GaussianMixture.predict(model));
 * // scored has the input columns plus "prediction" (INT32) and "probability" (VECTOR)
 * }</pre>
 *
 * <p>References: A. Dempster, N. Laird and D. Rubin, Maximum likelihood from incomplete data via
 * the EM algorithm (1977); C. Bishop, Pattern Recognition and Machine Learning (2006), section 9.2.
 */
public final class GaussianMixture {
  private GaussianMixture() {}

  /** A Gaussian mixture trainer with every default set. */
  public static Fit fit() {
    return new AutoValue_GaussianMixture_Fit.Builder()
        .setK(2)
        .setMaxIter(100)
        .setTol(1e-3)
        .setRegCovar(1e-6)
        .setSeed(0L)
        .setCovarianceType(CovarianceType.FULL)
        .setIterationSettings(IterationSettings.defaults())
        .setPredictionCol("prediction")
        .setProbabilityCol("probability")
        .build();
  }

  /**
   * Scores rows, bounded or unbounded, with the one model in {@code model}: appends its {@code
   * predictionCol} and {@code probabilityCol}. {@code .withFailures()} on the result keeps rows
   * that cannot be scored beside their error.
   *
   * <pre>{@code
   * PCollection<Row> scored = stream.apply(GaussianMixture.predict(model));
   * }</pre>
   */
  public static ApplyModel<GaussianMixtureModel> predict(PCollection<GaussianMixtureModel> model) {
    return ApplyModel.of(model);
  }

  /** Trains a {@link GaussianMixtureModel}; see {@link GaussianMixture} for the parameters. */
  @AutoValue
  public abstract static class Fit
      extends PTransform<PCollection<Row>, PCollection<GaussianMixtureModel>>
      implements PipelineStage, IterativeFit<Fit> {
    abstract @Nullable List<String> featureCols();

    abstract @Nullable String vectorCol();

    abstract @Nullable String weightCol();

    abstract int k();

    abstract int maxIter();

    abstract double tol();

    abstract double regCovar();

    abstract long seed();

    abstract CovarianceType covarianceType();

    abstract @Nullable List<Vector> initialMeans();

    abstract String predictionCol();

    abstract String probabilityCol();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setFeatureCols(@Nullable List<String> cols);

      abstract Builder setVectorCol(@Nullable String col);

      abstract Builder setWeightCol(@Nullable String col);

      abstract Builder setK(int k);

      abstract Builder setMaxIter(int maxIter);

      abstract Builder setTol(double tol);

      abstract Builder setRegCovar(double regCovar);

      abstract Builder setSeed(long seed);

      abstract Builder setCovarianceType(CovarianceType type);

      abstract Builder setInitialMeans(@Nullable List<Vector> means);

      abstract Builder setIterationSettings(IterationSettings settings);

      abstract Builder setPredictionCol(String col);

      abstract Builder setProbabilityCol(String col);

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

    /** Number of components, at least 2; default 2. */
    public Fit withK(int k) {
      if (k < 2) {
        throw new IllegalArgumentException("Expected k >= 2, got " + k);
      }
      return toBuilder().setK(k).build();
    }

    /** Most EM iterations, at least 1; default 100. */
    public Fit withMaxIter(int maxIter) {
      if (maxIter < 1) {
        throw new IllegalArgumentException("Expected maxIter >= 1, got " + maxIter);
      }
      return toBuilder().setMaxIter(maxIter).build();
    }

    /** Stop when the mean log-likelihood changes by less than this; at least 0, default 1e-3. */
    public Fit withTol(double tol) {
      if (!(tol >= 0)) {
        throw new IllegalArgumentException("Expected tol >= 0, got " + tol);
      }
      return toBuilder().setTol(tol).build();
    }

    /** Added to every covariance's diagonal; at least 0, default 1e-6 (scikit-learn's). */
    public Fit withRegCovar(double regCovar) {
      if (!(regCovar >= 0) || Double.isInfinite(regCovar)) {
        throw new IllegalArgumentException("Expected a finite regCovar >= 0, got " + regCovar);
      }
      return toBuilder().setRegCovar(regCovar).build();
    }

    /** The seed of the k-means start; default 0. */
    public Fit withSeed(long seed) {
      return toBuilder().setSeed(seed).build();
    }

    /** Full or diagonal covariances; default FULL. */
    public Fit withCovarianceType(CovarianceType type) {
      return toBuilder().setCovarianceType(type).build();
    }

    /** Explicit initial means, {@code k} of them, all of the features' size; default none. */
    public Fit withInitialMeans(List<Vector> means) {
      if (means == null || means.isEmpty()) {
        throw new IllegalArgumentException("Expected initial means, got none");
      }
      return toBuilder().setInitialMeans(List.copyOf(means)).build();
    }

    @Override
    public Fit withIterationSettings(IterationSettings settings) {
      return toBuilder().setIterationSettings(settings).build();
    }

    /** The column of the most likely component (INT32); default "prediction". */
    public Fit withPredictionCol(String col) {
      return toBuilder().setPredictionCol(col).build();
    }

    /** The column of the membership probabilities (VECTOR); default "probability". */
    public Fit withProbabilityCol(String col) {
      return toBuilder().setProbabilityCol(col).build();
    }

    /** Fits the model and makes it a pipeline stage appending its two columns. */
    @Override
    public PCollection<Transformer> fitStage(PCollection<Row> input) {
      PCollection<GaussianMixtureModel> model = input.apply(this);
      return PipelineStage.fitted(model, TransformerCoder.mappingOf(model));
    }

    @Override
    public PCollection<GaussianMixtureModel> expand(PCollection<Row> input) {
      Schema schema = input.getSchema();
      FeatureColumns features = features();
      FeatureColumns.Bound bound = features.bind(schema);
      OutputColumns cols = OutputColumns.of(predictionCol(), probabilityCol());
      SchemaMapping mapping =
          in -> {
            features.bind(in);
            return GaussianMixtureModel.outputSchema(in, cols);
          };
      mapping.outputSchema(schema);
      List<Vector> initial = initialMeans();
      if (initial != null) {
        checkInitialMeans(initial, bound.dimension());
      }
      PackBlocks pack = PackBlocks.of(features).withBlockSize(iterationSettings().blockSize());
      if (weightCol() != null) {
        pack = pack.withWeightCol(weightCol());
      }
      PCollection<Block> blocks = input.apply("Pack blocks", pack);
      PCollection<double[]> means;
      if (initial != null) {
        int d = initial.get(0).size();
        double[] flat = new double[initial.size() * d];
        for (int i = 0; i < initial.size(); i++) {
          initial.get(i).toDense().copyTo(flat, i * d);
        }
        means =
            input
                .getPipeline()
                .apply("Initial means", Create.of(List.of(flat)).withCoder(DoubleArrayCoder.of()));
      } else {
        means =
            kmeansStart(features)
                .train(input.getPipeline(), blocks)
                .apply(
                    "Centroids",
                    MapElements.into(TypeDescriptor.of(double[].class))
                        .via(m -> m.centroidValues()))
                .setCoder(DoubleArrayCoder.of());
      }
      GaussianMixtureTraining.Params params =
          new GaussianMixtureTraining.Params(
              k(),
              maxIter(),
              tol(),
              regCovar(),
              seed(),
              covarianceType(),
              features,
              cols,
              description());
      IterativeComQueue queue =
          IterativeComQueue.create("GaussianMixture")
              .initWithPartitionedData(GaussianMixtureTraining.DATA, blocks)
              .initWithBroadcastData(GaussianMixtureTraining.MEANS, means)
              .add(new GaussianMixtureTraining.Prepare(params))
              .add(AllReduce.sum(GaussianMixtureTraining.COMM))
              .add(new GaussianMixtureTraining.Consume(params))
              .setCompareCriterion(new GaussianMixtureTraining.Converged())
              .setMaxIter(params.supersteps())
              .withSettings(iterationSettings());
      return queue
          .closeWith(
              new GaussianMixtureTraining.Output(params),
              TransformerCoder.of(GaussianMixtureModel.class, mapping))
          .exec();
    }

    /** The KMeans fit whose centroids start EM when no means are given. */
    private KMeans.Fit kmeansStart(FeatureColumns features) {
      KMeans.Fit start =
          KMeans.fit().withK(k()).withSeed(seed()).withIterationSettings(iterationSettings());
      start =
          features.vectorCol() != null
              ? start.withVectorCol(features.vectorCol())
              : start.withFeatureCols(features.featureCols().toArray(new String[0]));
      return start;
    }

    private FeatureColumns features() {
      return FeatureColumns.of(featureCols(), vectorCol(), "GaussianMixture");
    }

    private void checkInitialMeans(List<Vector> initial, int dimension) {
      if (initial.size() != k()) {
        throw new IllegalArgumentException(
            "Expected k=" + k() + " initial means, got " + initial.size());
      }
      int d = initial.get(0).size();
      for (Vector m : initial) {
        if (m.size() != d || (dimension >= 0 && m.size() != dimension)) {
          throw new IllegalArgumentException(
              "Initial mean "
                  + m
                  + " has size "
                  + m.size()
                  + "; expected "
                  + (dimension >= 0 ? dimension : d));
        }
        if (m.hasNonFinite()) {
          throw new IllegalArgumentException("Initial mean " + m + " has NaN or infinite values");
        }
      }
    }

    private Map<String, String> description() {
      Map<String, String> d = new TreeMap<>();
      d.put("k", Integer.toString(k()));
      d.put("maxIter", Integer.toString(maxIter()));
      d.put("tol", Double.toString(tol()));
      d.put("regCovar", Double.toString(regCovar()));
      d.put("covarianceType", covarianceType().name());
      d.put("init", initialMeans() != null ? "explicit" : "kmeans");
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
}
