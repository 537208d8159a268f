package org.beamlink.transforms.tree;

import com.google.auto.value.AutoValue;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.iteration.AllReduce;
import org.beamlink.iteration.IterationSettings;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.tree.DecisionTreeModel;
import org.beamlink.models.tree.DecisionTreeModelCoder;
import org.beamlink.models.tree.TreeModel;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Trains a {@link DecisionTreeModel} (CART) on the iteration shim: the estimator behind {@code
 * DecisionTreeClassifier} (impurity GINI or ENTROPY) and {@code DecisionTreeRegressor} (VARIANCE).
 * Numeric features are binned once before training ({@link FeatureBinning}: with {@code maxBins} at
 * least a feature's number of distinct values every value has its own bin and thresholds are
 * midpoints between adjacent values, so the tree equals scikit-learn's exact CART; otherwise
 * quantile bins, as Spark), then the tree grows one level per superstep ({@link TreeTraining}).
 *
 * <p>Parameters (the factories set every default; names and defaults as Spark's):
 *
 * <ul>
 *   <li>{@code labelCol} (required): a class label of any primitive type for a classifier (at least
 *       two distinct labels; at most {@value #MAX_CLASSES}), a number for regression.
 *   <li>{@code featureCols} (numeric columns) or {@code vectorCol}; {@code weightCol}, default none
 *       (non-negative weights).
 *   <li>{@code maxDepth} in [0, 30], default 5 (0 is a single leaf); {@code maxBins} >= 2, default
 *       32; {@code minInstancesPerNode} >= 1, default 1 (rows on each side of a split:
 *       scikit-learn's {@code min_samples_leaf}); {@code minInfoGain} >= 0, default 0 (the decrease
 *       of impurity per unit of the node's weight a split must reach).
 *   <li>{@code impurity}: GINI (default) or ENTROPY for a classifier, VARIANCE for regression.
 *   <li>{@code execution}, {@code numTasks}, {@code blockSize}: how the shim runs.
 *   <li>{@code predictionCol} (default "prediction") and {@code predictionDetailCol} (default
 *       "predictionDetail", classifiers: the leaf's class probabilities): where a fitted model's
 *       predictions go as a stage of an {@link org.beamlink.transforms.pipeline.MlPipeline}.
 * </ul>
 *
 * <p>Bad input fails with the column, value and row named: a missing or non-numeric feature column,
 * null, NaN or infinite features, labels or weights (NaN has no learned direction yet: impute it
 * first), negative weights, vectors of different sizes, an empty input, fewer than two labels.
 *
 * <pre>{@code
 * PCollection<DecisionTreeModel> model =
 *     rows.apply(DecisionTreeClassifier.fit().withLabelCol("species")
 *         .withFeatureCols("petal_length", "petal_width").withMaxDepth(3));
 * PCollection<Row> scored = rows.apply(DecisionTreeFit.predict(model));
 * }</pre>
 *
 * <p>References: L. Breiman et al., Classification and Regression Trees (1984); Spark ML's {@code
 * DecisionTreeClassifier}; scikit-learn's {@code DecisionTreeClassifier}.
 */
@AutoValue
public abstract class DecisionTreeFit extends TreeFit<DecisionTreeModel, DecisionTreeFit> {
  private static final long serialVersionUID = 1L;

  /** The most classes a classification tree takes. */
  public static final int MAX_CLASSES = 10_000;

  /** The deepest tree, as Spark. */
  public static final int MAX_DEPTH = 30;

  abstract Impurity impurity();

  abstract double minInfoGain();

  @Override
  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder implements TreeBuilder<DecisionTreeFit> {
    abstract Builder setImpurity(Impurity impurity);

    abstract Builder setMinInfoGain(double gain);
  }

  /** A trainer named {@code trainer} with impurity {@code impurity} and every default set. */
  public static DecisionTreeFit of(String trainer, Impurity impurity) {
    return new AutoValue_DecisionTreeFit.Builder()
        .setImpurity(impurity)
        .setMinInfoGain(0.0)
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
   * "prediction" (a label) and "predictionDetail" (class probabilities), a regression tree
   * "prediction" (DOUBLE). {@code withFailures()} keeps rows it cannot score apart.
   */
  public static ApplyModel<DecisionTreeModel> predict(PCollection<DecisionTreeModel> model) {
    TypeName labelType = DecisionTreeModelCoder.labelTypeOf(model);
    OutputColumns cols =
        labelType == null
            ? OutputColumns.of("prediction")
            : OutputColumns.of("prediction", "predictionDetail");
    return ApplyModel.of(model, in -> TreeModel.outputSchema(in, labelType, cols), m -> m);
  }

  /** The least impurity decrease per unit of node weight of a split, at least 0; default 0. */
  public DecisionTreeFit withMinInfoGain(double gain) {
    if (!(gain >= 0) || Double.isInfinite(gain)) {
      throw new IllegalArgumentException("Expected minInfoGain >= 0 and finite, got " + gain);
    }
    return toBuilder().setMinInfoGain(gain).build();
  }

  /**
   * The impurity: GINI or ENTROPY for a classifier, VARIANCE for a regression tree.
   *
   * @throws IllegalArgumentException for an impurity of the other kind
   */
  public DecisionTreeFit withImpurity(Impurity impurity) {
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
    return MAX_CLASSES;
  }

  @Override
  Schema outputSchema(Schema input, @Nullable TypeName labelType, OutputColumns cols) {
    return TreeModel.outputSchema(input, labelType, cols);
  }

  @Override
  void describe(Map<String, String> description) {
    description.put("impurity", impurity().name());
    description.put("minInfoGain", Double.toString(minInfoGain()));
  }

  @Override
  PCollection<DecisionTreeModel> train(Inputs inputs) {
    TreeTraining.Params params =
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
    return queue(inputs)
        .add(new TreeTraining.Histograms(params))
        .add(AllReduce.sum(TreeTraining.HIST))
        .add(new TreeTraining.Split(params))
        .setCompareCriterion(new TreeTraining.Grown())
        .setMaxIter(params.supersteps())
        .closeWith(new TreeTraining.Output(params), DecisionTreeModelCoder.of(inputs.labelType()))
        .exec();
  }
}
