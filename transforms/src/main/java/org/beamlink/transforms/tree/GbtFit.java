package org.beamlink.transforms.tree;

import com.google.auto.value.AutoValue;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.iteration.AllReduce;
import org.beamlink.iteration.IterationSettings;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.tree.GbtModel;
import org.beamlink.models.tree.GbtModelCoder;
import org.beamlink.models.tree.TreeModel;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Trains a {@link GbtModel} (gradient-boosted trees) on the iteration shim: the estimator behind
 * {@code GbtRegressor} (squared loss) and {@code GbtClassifier} (binary logistic loss). Features
 * are binned once before training ({@link FeatureBinning}, as the decision trees'), then every
 * round grows one regression tree on the loss's gradients and hessians, one superstep per level
 * ({@link GbtTraining}): about {@code numRounds x maxDepth} supersteps, after one that sums the
 * labels for the base score. With {@code maxBins} at least each feature's number of distinct values
 * the trees are scikit-learn's {@code HistGradientBoostingRegressor}/{@code Classifier}'s with
 * {@code max_leaf_nodes=None}, the same {@code max_depth}, {@code learning_rate}, {@code
 * l2_regularization}, {@code min_samples_leaf} and no early stopping.
 *
 * <p>Parameters (the factories set every default):
 *
 * <ul>
 *   <li>{@code labelCol} (required): a number for regression; for a classifier a label of any
 *       primitive type with exactly two distinct values (the second in sorted order is the positive
 *       class).
 *   <li>{@code featureCols} (numeric columns) or {@code vectorCol}; {@code weightCol}, default none
 *       (non-negative weights).
 *   <li>{@code numRounds} >= 1, default 20 (Spark's {@code maxIter}); {@code learningRate} in (0,
 *       1], default 0.1; {@code l2} >= 0, default 0 (on leaf values, LightGBM's {@code lambda_l2});
 *       {@code maxDepth} in [0, 30], default 5; {@code maxBins} in [2, 65536], default 32; {@code
 *       minInstancesPerNode} >= 1, default 1 (rows on each side of a split).
 *   <li>{@code execution}, {@code numTasks}, {@code blockSize}: how the shim runs.
 *   <li>{@code predictionCol} (default "prediction") and {@code predictionDetailCol} (default
 *       "predictionDetail", classifiers: both labels' probabilities): where a fitted model's
 *       predictions go as a stage of an {@link org.beamlink.transforms.pipeline.MlPipeline}.
 * </ul>
 *
 * <p>Bad input fails with the column, value and row named, as the decision trees': a missing or
 * non-numeric feature column, null, NaN or infinite features, labels or weights, negative weights,
 * vectors of different sizes, an empty input, a classifier's label with other than two values.
 *
 * <pre>{@code
 * PCollection<GbtModel> model =
 *     rows.apply(GbtRegressor.fit().withLabelCol("price").withVectorCol("features")
 *         .withNumRounds(50).withMaxDepth(3).withLearningRate(0.1));
 * PCollection<Row> scored = rows.apply(GbtFit.predict(model));
 * }</pre>
 *
 * <p>References: J. H. Friedman, Greedy Function Approximation: a Gradient Boosting Machine (2001);
 * T. Chen and C. Guestrin, XGBoost (2016) for the gain and leaf value; scikit-learn's {@code
 * HistGradientBoostingRegressor}.
 */
@AutoValue
public abstract class GbtFit extends TreeFit<GbtModel, GbtFit> {
  private static final long serialVersionUID = 1L;

  abstract boolean logistic();

  abstract int numRounds();

  abstract double learningRate();

  abstract double l2();

  @Override
  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder implements TreeBuilder<GbtFit> {
    abstract Builder setLogistic(boolean logistic);

    abstract Builder setNumRounds(int numRounds);

    abstract Builder setLearningRate(double learningRate);

    abstract Builder setL2(double l2);
  }

  /**
   * A trainer named {@code trainer}, of a binary classifier (logistic loss) when {@code logistic},
   * else of a regression model (squared loss), with every default set.
   */
  public static GbtFit of(String trainer, boolean logistic) {
    return new AutoValue_GbtFit.Builder()
        .setLogistic(logistic)
        .setNumRounds(20)
        .setLearningRate(0.1)
        .setL2(0.0)
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
   * "prediction" (a label) and "predictionDetail" (both labels' probabilities), a regression model
   * "prediction" (DOUBLE). {@code withFailures()} keeps rows it cannot score apart.
   */
  public static ApplyModel<GbtModel> predict(PCollection<GbtModel> model) {
    TypeName labelType = GbtModelCoder.labelTypeOf(model);
    OutputColumns cols =
        labelType == null
            ? OutputColumns.of("prediction")
            : OutputColumns.of("prediction", "predictionDetail");
    return ApplyModel.of(model, in -> TreeModel.outputSchema(in, labelType, cols), m -> m);
  }

  /** The number of trees, at least 1; default 20. */
  public GbtFit withNumRounds(int numRounds) {
    if (numRounds < 1 || numRounds > 100_000) {
      throw new IllegalArgumentException("Expected numRounds in [1, 100000], got " + numRounds);
    }
    return toBuilder().setNumRounds(numRounds).build();
  }

  /** The factor of every leaf value (shrinkage), in (0, 1]; default 0.1. */
  public GbtFit withLearningRate(double learningRate) {
    if (!(learningRate > 0 && learningRate <= 1)) {
      throw new IllegalArgumentException("Expected learningRate in (0, 1], got " + learningRate);
    }
    return toBuilder().setLearningRate(learningRate).build();
  }

  /** The L2 penalty on leaf values, added to the hessian sums, at least 0; default 0. */
  public GbtFit withL2(double l2) {
    if (!(l2 >= 0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException("Expected l2 >= 0 and finite, got " + l2);
    }
    return toBuilder().setL2(l2).build();
  }

  @Override
  boolean classifier() {
    return logistic();
  }

  @Override
  int maxClasses() {
    return 2;
  }

  @Override
  Schema outputSchema(Schema input, @Nullable TypeName labelType, OutputColumns cols) {
    return TreeModel.outputSchema(input, labelType, cols);
  }

  @Override
  void describe(Map<String, String> description) {
    description.put("loss", logistic() ? "logistic" : "squared");
    description.put("numRounds", Integer.toString(numRounds()));
    description.put("learningRate", Double.toString(learningRate()));
    description.put("l2", Double.toString(l2()));
  }

  @Override
  PCollection<GbtModel> train(Inputs inputs) {
    GbtTraining.Params params =
        new GbtTraining.Params(
            trainer(),
            logistic(),
            numRounds(),
            maxDepth(),
            minInstancesPerNode(),
            learningRate(),
            l2(),
            inputs.features(),
            inputs.labelType(),
            inputs.numericLabels(),
            description());
    return queue(inputs)
        .add(new GbtTraining.Histograms(params))
        .add(AllReduce.sum(GbtTraining.HIST))
        .add(new GbtTraining.Split(params))
        .setCompareCriterion(new GbtTraining.Grown())
        .setMaxIter(params.supersteps())
        .closeWith(new GbtTraining.Output(params), GbtModelCoder.of(inputs.labelType()))
        .exec();
  }
}
