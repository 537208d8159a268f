package org.beamlink.transforms.tree;

import com.google.auto.value.AutoValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.beamlink.iteration.AllReduce;
import org.beamlink.iteration.Execution;
import org.beamlink.iteration.IterativeComQueue;
import org.beamlink.iteration.PackBlocks;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.tree.GbtModel;
import org.beamlink.models.tree.GbtModelCoder;
import org.beamlink.transforms.linear.DistinctLabels;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.PipelineStage;
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
public abstract class GbtFit extends PTransform<PCollection<Row>, PCollection<GbtModel>>
    implements PipelineStage {
  abstract String trainer();

  abstract boolean logistic();

  abstract @Nullable String labelCol();

  abstract @Nullable List<String> featureCols();

  abstract @Nullable String vectorCol();

  abstract @Nullable String weightCol();

  abstract int numRounds();

  abstract double learningRate();

  abstract double l2();

  abstract int maxDepth();

  abstract int maxBins();

  abstract int minInstancesPerNode();

  abstract Execution execution();

  abstract @Nullable Integer numTasks();

  abstract int blockSize();

  abstract String predictionCol();

  abstract String predictionDetailCol();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setTrainer(String trainer);

    abstract Builder setLogistic(boolean logistic);

    abstract Builder setLabelCol(@Nullable String col);

    abstract Builder setFeatureCols(@Nullable List<String> cols);

    abstract Builder setVectorCol(@Nullable String col);

    abstract Builder setWeightCol(@Nullable String col);

    abstract Builder setNumRounds(int numRounds);

    abstract Builder setLearningRate(double learningRate);

    abstract Builder setL2(double l2);

    abstract Builder setMaxDepth(int maxDepth);

    abstract Builder setMaxBins(int maxBins);

    abstract Builder setMinInstancesPerNode(int min);

    abstract Builder setExecution(Execution execution);

    abstract Builder setNumTasks(@Nullable Integer numTasks);

    abstract Builder setBlockSize(int blockSize);

    abstract Builder setPredictionCol(String col);

    abstract Builder setPredictionDetailCol(String col);

    abstract GbtFit build();
  }

  /**
   * A trainer named {@code trainer}, of a binary classifier (logistic loss) when {@code logistic},
   * else of a regression model (squared loss), with every default set.
   */
  public static GbtFit of(String trainer, boolean logistic) {
    return new AutoValue_GbtFit.Builder()
        .setTrainer(trainer)
        .setLogistic(logistic)
        .setNumRounds(20)
        .setLearningRate(0.1)
        .setL2(0.0)
        .setMaxDepth(5)
        .setMaxBins(32)
        .setMinInstancesPerNode(1)
        .setExecution(Execution.AUTO)
        .setBlockSize(PackBlocks.DEFAULT_BLOCK_SIZE)
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
    return ApplyModel.of(model, in -> GbtModel.outputSchema(in, labelType, cols), m -> m);
  }

  /** The label column (required). */
  public GbtFit withLabelCol(String col) {
    return toBuilder().setLabelCol(col).build();
  }

  /** Features from these numeric columns. */
  public GbtFit withFeatureCols(String... cols) {
    if (cols.length == 0) {
      throw new IllegalArgumentException("Expected at least one feature column, got none");
    }
    return toBuilder().setFeatureCols(List.of(cols)).setVectorCol(null).build();
  }

  /** Features from this vector column (dense or sparse). */
  public GbtFit withVectorCol(String col) {
    return toBuilder().setVectorCol(col).setFeatureCols(null).build();
  }

  /** A non-negative numeric weight per row; default none (every row weighs 1). */
  public GbtFit withWeightCol(String col) {
    return toBuilder().setWeightCol(col).build();
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

  /** The deepest leaf of each tree, in [0, 30]; default 5. */
  public GbtFit withMaxDepth(int maxDepth) {
    if (maxDepth < 0 || maxDepth > DecisionTreeFit.MAX_DEPTH) {
      throw new IllegalArgumentException(
          "Expected maxDepth in [0, " + DecisionTreeFit.MAX_DEPTH + "], got " + maxDepth);
    }
    return toBuilder().setMaxDepth(maxDepth).build();
  }

  /** The most bins per feature, in [2, 65536]; default 32. */
  public GbtFit withMaxBins(int maxBins) {
    if (maxBins < 2 || maxBins > 65_536) {
      throw new IllegalArgumentException("Expected maxBins in [2, 65536], got " + maxBins);
    }
    return toBuilder().setMaxBins(maxBins).build();
  }

  /** The fewest rows on each side of a split, at least 1; default 1. */
  public GbtFit withMinInstancesPerNode(int min) {
    if (min < 1) {
      throw new IllegalArgumentException("Expected minInstancesPerNode >= 1, got " + min);
    }
    return toBuilder().setMinInstancesPerNode(min).build();
  }

  /** How the iteration runs; default AUTO. */
  public GbtFit withExecution(Execution execution) {
    return toBuilder().setExecution(execution).build();
  }

  /** Partitions the training data is cut into; default the pipeline's parallelism. */
  public GbtFit withNumTasks(int numTasks) {
    if (numTasks < 1) {
      throw new IllegalArgumentException("Expected numTasks >= 1, got " + numTasks);
    }
    return toBuilder().setNumTasks(numTasks).build();
  }

  /** Rows per training block, at least 1; default 4096. */
  public GbtFit withBlockSize(int blockSize) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("Expected blockSize >= 1, got " + blockSize);
    }
    return toBuilder().setBlockSize(blockSize).build();
  }

  /** As a pipeline stage: the column of the prediction; default "prediction". */
  public GbtFit withPredictionCol(String col) {
    return toBuilder().setPredictionCol(col).build();
  }

  /** As a pipeline stage: a classifier's column of probabilities; default "predictionDetail". */
  public GbtFit withPredictionDetailCol(String col) {
    return toBuilder().setPredictionDetailCol(col).build();
  }

  /** The trainer's name names the transform in a graph. */
  @Override
  protected String getKindString() {
    return trainer();
  }

  /**
   * Fits the model and makes it a pipeline stage: the model writing to {@code predictionCol} and,
   * for a classifier, {@code predictionDetailCol}.
   */
  @Override
  public PCollection<Transformer> fitStage(PCollection<Row> input) {
    PCollection<GbtModel> model = input.apply(this);
    TypeName labelType = GbtModelCoder.labelTypeOf(model);
    FeatureColumns features = features();
    String[] names =
        logistic()
            ? new String[] {predictionCol(), predictionDetailCol()}
            : new String[] {predictionCol()};
    OutputColumns cols = OutputColumns.of(names);
    SchemaMapping mapping =
        in -> {
          features.bind(in);
          return GbtModel.outputSchema(in, labelType, cols);
        };
    mapping.outputSchema(input.getSchema());
    return PipelineStage.fitted(model, mapping, m -> m.withOutputCols(names));
  }

  @Override
  public PCollection<GbtModel> expand(PCollection<Row> input) {
    FeatureColumns features = features();
    Schema schema = input.getSchema();
    features.bind(schema);
    TypeName labelType = checkLabel(schema);
    boolean numericLabels =
        logistic() && FeatureColumns.isNumeric(schema.getField(labelCol()).getType());
    PackBlocks pack = PackBlocks.of(features).withBlockSize(blockSize()).withLabelCol(labelCol());
    if (weightCol() != null) {
      pack = pack.withWeightCol(weightCol());
    }
    PCollection<List<String>> labels = null;
    if (logistic() && !numericLabels) {
      labels =
          input.apply(
              "Distinct labels",
              Combine.globally(new DistinctLabels.OfRows(trainer(), labelCol(), labelType, 2, 2)));
      labels.setCoder(ListCoder.of(StringUtf8Coder.of()));
      PCollectionView<List<String>> view = labels.apply("Labels view", View.asSingleton());
      pack = pack.withLabelValues(view);
    }
    PCollection<Block> blocks = input.apply("Pack blocks", pack);
    if (logistic() && numericLabels) {
      labels =
          blocks.apply(
              "Distinct labels",
              Combine.globally(
                  new DistinctLabels.OfBlocks(trainer(), labelCol(), labelType, 2, 2)));
      labels.setCoder(ListCoder.of(StringUtf8Coder.of()));
    }
    PCollection<double[]> bins =
        blocks
            .apply("Bins", Combine.globally(new FeatureBinning(maxBins())))
            .setCoder(DoubleArrayCoder.of());
    GbtTraining.Params params =
        new GbtTraining.Params(
            trainer(),
            logistic(),
            numRounds(),
            maxDepth(),
            minInstancesPerNode(),
            learningRate(),
            l2(),
            features,
            labelType,
            numericLabels,
            description());
    IterativeComQueue queue =
        IterativeComQueue.create(trainer())
            .initWithPartitionedData(GbtTraining.DATA, blocks)
            .initWithBroadcastData(GbtTraining.BINS, bins);
    if (labels != null) {
      queue = queue.initWithBroadcastData(GbtTraining.LABELS, labels);
    }
    queue =
        queue
            .add(new GbtTraining.Histograms(params))
            .add(AllReduce.sum(GbtTraining.HIST))
            .add(new GbtTraining.Split(params))
            .setCompareCriterion(new GbtTraining.Grown())
            .setMaxIter(params.supersteps())
            .withExecution(execution());
    if (numTasks() != null) {
      queue = queue.withNumTasks(numTasks());
    }
    return queue.closeWith(new GbtTraining.Output(params), GbtModelCoder.of(labelType)).exec();
  }

  private FeatureColumns features() {
    return FeatureColumns.of(featureCols(), vectorCol(), trainer());
  }

  /** The label type of a classifier, null for regression (whose label PackBlocks checks). */
  private @Nullable TypeName checkLabel(Schema schema) {
    if (labelCol() == null) {
      throw new IllegalArgumentException(trainer() + " needs a label column: set withLabelCol(..)");
    }
    if (!schema.hasField(labelCol())) {
      throw new IllegalArgumentException(
          "Label column '"
              + labelCol()
              + "' not found; the input has columns "
              + schema.getFieldNames());
    }
    Schema.FieldType type = schema.getField(labelCol()).getType();
    if (!logistic()) {
      return null;
    }
    if (!LabelValues.isLabelType(type)) {
      throw new IllegalArgumentException(
          "Label column '"
              + labelCol()
              + "' has type "
              + type
              + "; expected a string, boolean or number");
    }
    return type.getTypeName();
  }

  private Map<String, String> description() {
    Map<String, String> d = new TreeMap<>();
    d.put("labelCol", String.valueOf(labelCol()));
    d.put("features", features().toString());
    d.put("loss", logistic() ? "logistic" : "squared");
    d.put("numRounds", Integer.toString(numRounds()));
    d.put("learningRate", Double.toString(learningRate()));
    d.put("l2", Double.toString(l2()));
    d.put("maxDepth", Integer.toString(maxDepth()));
    d.put("maxBins", Integer.toString(maxBins()));
    d.put("minInstancesPerNode", Integer.toString(minInstancesPerNode()));
    if (weightCol() != null) {
      d.put("weightCol", weightCol());
    }
    return d;
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("trainer", trainer()));
    for (Map.Entry<String, String> e : description().entrySet()) {
      builder.add(DisplayData.item(e.getKey(), e.getValue()));
    }
  }
}
