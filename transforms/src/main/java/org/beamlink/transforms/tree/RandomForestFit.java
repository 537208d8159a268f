package org.beamlink.transforms.tree;

import com.google.auto.value.AutoValue;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.iteration.AllReduce;
import org.beamlink.iteration.IterationSettings;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.tree.RandomForestModel;
import org.beamlink.models.tree.RandomForestModelCoder;
import org.beamlink.models.tree.TreeModel;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Trains a {@link RandomForestModel} on the iteration shim: the estimator behind {@code
 * RandomForestClassifier} (impurity GINI or ENTROPY) and {@code RandomForestRegressor} (VARIANCE),
 * with Spark's parameters and semantics. Features are binned once before training ({@link
 * FeatureBinning}, as the decision trees'); then every tree grows one level per superstep, all
 * trees in the same supersteps ({@link ForestTraining}): a forest of depth D takes about D
 * supersteps, whatever its number of trees. Each tree sees every row weighted by a count drawn from
 * the row's content, the seed and the tree (Poisson({@code subsamplingRate}) with bootstrap, else
 * kept with probability {@code subsamplingRate}), and each node chooses its split among a subset of
 * the features drawn from the seed, its tree and its node. With bootstrap off, {@code
 * subsamplingRate} 1 and all features every tree is the decision tree of the same settings.
 *
 * <p>Parameters (the factories set every default; names and defaults as Spark's):
 *
 * <ul>
 *   <li>{@code labelCol} (required): a class label of any primitive type for a classifier (at least
 *       two distinct labels), a number for regression.
 *   <li>{@code featureCols} (numeric columns) or {@code vectorCol}; {@code weightCol}, default
 *       none.
 *   <li>{@code numTrees} in [1, 10000], default 20; {@code featureSubsetStrategy}, default "auto":
 *       "auto" (all features for one tree, else "sqrt" for a classifier and "onethird" for
 *       regression), "all", "sqrt", "log2", "onethird", a fraction in (0, 1] such as "0.5" or a
 *       number of features such as "4"; {@code subsamplingRate} in (0, 1], default 1; {@code
 *       bootstrap}, default true; {@code seed}, default 0; {@code treesPerPass}, default all.
 *   <li>{@code maxDepth} in [0, 30], default 5; {@code maxBins} >= 2, default 32; {@code
 *       minInstancesPerNode} >= 1, default 1 (counted rows on each side of a split, a row counting
 *       as often as it is drawn); {@code minInfoGain} >= 0, default 0; {@code impurity}.
 *   <li>{@code execution}, {@code numTasks}, {@code blockSize}: how the shim runs.
 *   <li>{@code predictionCol} (default "prediction") and {@code predictionDetailCol} (default
 *       "predictionDetail", classifiers: the mean class probabilities).
 * </ul>
 *
 * <p>Every superstep reduces one histogram over every tree's frontier: trees x frontier nodes x
 * features a node x bins x (classes + 1, or 4) values, at most {@value ForestTraining#MAX_LEVEL} (a
 * forest that needs more fails, naming its figures, before it exhausts memory: grow it in passes
 * with {@code treesPerPass}). On the distributed path the partitions' histograms reach the next
 * superstep as a side input, which Beam's Flink runner concatenates into one record per worker, and
 * a Flink batch job fails on a record above its sort buffer (8 MB embedded here): about 1,000,000
 * values over a worker's partitions. Bad input fails as the decision trees' does.
 *
 * <pre>{@code
 * PCollection<RandomForestModel> model =
 *     rows.apply(RandomForestClassifier.fit().withLabelCol("species")
 *         .withFeatureCols("petal_length", "petal_width").withNumTrees(50).withSeed(7));
 * PCollection<Row> scored = rows.apply(RandomForestFit.predict(model));
 * }</pre>
 *
 * <p>References: L. Breiman, Random Forests (2001); Spark ML's {@code RandomForestClassifier}.
 */
@AutoValue
public abstract class RandomForestFit extends TreeFit<RandomForestModel, RandomForestFit> {
  private static final long serialVersionUID = 1L;

  abstract Impurity impurity();

  abstract double minInfoGain();

  abstract int numTrees();

  abstract String featureSubsetStrategy();

  abstract double subsamplingRate();

  abstract boolean bootstrap();

  abstract long seed();

  abstract @Nullable Integer treesPerPass();

  @Override
  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder implements TreeBuilder<RandomForestFit> {
    abstract Builder setImpurity(Impurity impurity);

    abstract Builder setMinInfoGain(double gain);

    abstract Builder setNumTrees(int numTrees);

    abstract Builder setFeatureSubsetStrategy(String strategy);

    abstract Builder setSubsamplingRate(double rate);

    abstract Builder setBootstrap(boolean bootstrap);

    abstract Builder setSeed(long seed);

    abstract Builder setTreesPerPass(@Nullable Integer trees);
  }

  /** A trainer named {@code trainer} with impurity {@code impurity} and every default set. */
  public static RandomForestFit of(String trainer, Impurity impurity) {
    return new AutoValue_RandomForestFit.Builder()
        .setImpurity(impurity)
        .setMinInfoGain(0.0)
        .setNumTrees(20)
        .setFeatureSubsetStrategy("auto")
        .setSubsamplingRate(1.0)
        .setBootstrap(true)
        .setSeed(0L)
        .setTrainer(trainer)
        .setMaxDepth(5)
        .setMaxBins(32)
        .setMinInstancesPerNode(1)
        .setIterationSettings(IterationSettings.defaults())
        .setPredictionCol("prediction")
        .setPredictionDetailCol("predictionDetail")
        .build();
  }

  /**
   * Scores rows with the one model in {@code model}, bounded or unbounded: a classifier appends
   * "prediction" (a label) and "predictionDetail" (the mean class probabilities), a regression
   * forest "prediction" (DOUBLE). {@code withFailures()} keeps rows it cannot score apart.
   */
  public static ApplyModel<RandomForestModel> predict(PCollection<RandomForestModel> model) {
    TypeName labelType = RandomForestModelCoder.labelTypeOf(model);
    OutputColumns cols =
        labelType == null
            ? OutputColumns.of("prediction")
            : OutputColumns.of("prediction", "predictionDetail");
    return ApplyModel.of(model, in -> TreeModel.outputSchema(in, labelType, cols), m -> m);
  }

  /** The number of trees, in [1, 10000]; default 20. */
  public RandomForestFit withNumTrees(int numTrees) {
    if (numTrees < 1 || numTrees > 10_000) {
      throw new IllegalArgumentException("Expected numTrees in [1, 10000], got " + numTrees);
    }
    return toBuilder().setNumTrees(numTrees).build();
  }

  /**
   * The features each node chooses its split among: "auto" (default), "all", "sqrt", "log2",
   * "onethird", a fraction in (0, 1] or a number of features, as Spark's.
   */
  public RandomForestFit withFeatureSubsetStrategy(String strategy) {
    ForestTraining.checkStrategy(strategy);
    return toBuilder().setFeatureSubsetStrategy(strategy).build();
  }

  /** The expected share of the rows each tree draws, in (0, 1]; default 1. */
  public RandomForestFit withSubsamplingRate(double rate) {
    if (!(rate > 0 && rate <= 1)) {
      throw new IllegalArgumentException("Expected subsamplingRate in (0, 1], got " + rate);
    }
    return toBuilder().setSubsamplingRate(rate).build();
  }

  /**
   * Whether a tree draws rows with replacement (Poisson counts) or without (each row once or not at
   * all); default true.
   */
  public RandomForestFit withBootstrap(boolean bootstrap) {
    return toBuilder().setBootstrap(bootstrap).build();
  }

  /** The seed of the row draws and feature subsets; default 0. */
  public RandomForestFit withSeed(long seed) {
    return toBuilder().setSeed(seed).build();
  }

  /**
   * Grows the trees {@code trees} at a time, each pass level by level (about {@code maxDepth}
   * supersteps a pass), instead of all together; default all together. For forests whose deepest
   * level over every tree would exceed one superstep's histogram.
   */
  public RandomForestFit withTreesPerPass(int trees) {
    if (trees < 1) {
      throw new IllegalArgumentException("Expected treesPerPass >= 1, got " + trees);
    }
    return toBuilder().setTreesPerPass(trees).build();
  }

  /** The least impurity decrease per unit of node weight of a split, at least 0; default 0. */
  public RandomForestFit withMinInfoGain(double gain) {
    if (!(gain >= 0) || Double.isInfinite(gain)) {
      throw new IllegalArgumentException("Expected minInfoGain >= 0 and finite, got " + gain);
    }
    return toBuilder().setMinInfoGain(gain).build();
  }

  /**
   * The impurity: GINI or ENTROPY for a classifier, VARIANCE for a regression forest.
   *
   * @throws IllegalArgumentException for an impurity of the other kind
   */
  public RandomForestFit withImpurity(Impurity impurity) {
    if (impurity.isClassification() != impurity().isClassification()) {
      throw new IllegalArgumentException(
          trainer()
              + " takes "
              + (impurity().isClassification() ? "GINI or ENTROPY" : "VARIANCE")
              + ", got "
              + impurity);
    }
    return toBuilder().setImpurity(impurity).build();
  }

  @Override
  boolean classifier() {
    return impurity().isClassification();
  }

  @Override
  int maxClasses() {
    return DecisionTreeFit.MAX_CLASSES;
  }

  @Override
  Schema outputSchema(Schema input, @Nullable TypeName labelType, OutputColumns cols) {
    return TreeModel.outputSchema(input, labelType, cols);
  }

  @Override
  void describe(Map<String, String> description) {
    description.put("impurity", impurity().name());
    description.put("minInfoGain", Double.toString(minInfoGain()));
    description.put("numTrees", Integer.toString(numTrees()));
    description.put("featureSubsetStrategy", featureSubsetStrategy());
    description.put("subsamplingRate", Double.toString(subsamplingRate()));
    description.put("bootstrap", Boolean.toString(bootstrap()));
    description.put("seed", Long.toString(seed()));
    if (treesPerPass() != null) {
      description.put("treesPerPass", Integer.toString(treesPerPass()));
    }
  }

  @Override
  PCollection<RandomForestModel> train(Inputs inputs) {
    TreeTraining.Params tree =
        new TreeTraining.Params(
            trainer(),
            impurity(),
            maxDepth(),
            minInstancesPerNode(),
            minInfoGain(),
            inputs.features(),
            inputs.labelType(),
            inputs.numericLabels(),
            description());
    ForestTraining.Params params =
        new ForestTraining.Params(
            tree,
            numTrees(),
            featureSubsetStrategy(),
            subsamplingRate(),
            bootstrap(),
            seed(),
            treesPerPass() == null ? numTrees() : treesPerPass());
    return queue(inputs)
        .add(new ForestTraining.Histograms(params))
        .add(AllReduce.sum(ForestTraining.HIST))
        .add(new ForestTraining.Split(params))
        .setCompareCriterion(new ForestTraining.Grown())
        .setMaxIter(params.supersteps())
        .closeWith(new ForestTraining.Output(params), RandomForestModelCoder.of(inputs.labelType()))
        .exec();
  }
}
