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
import org.beamlink.models.tree.DecisionTreeModel;
import org.beamlink.models.tree.DecisionTreeModelCoder;
import org.beamlink.transforms.linear.DistinctLabels;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.PipelineStage;
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
public abstract class DecisionTreeFit
    extends PTransform<PCollection<Row>, PCollection<DecisionTreeModel>> implements PipelineStage {
  /** The most classes a classification tree takes. */
  public static final int MAX_CLASSES = 10_000;

  /** The deepest tree, as Spark. */
  public static final int MAX_DEPTH = 30;

  abstract String trainer();

  abstract Impurity impurity();

  abstract @Nullable String labelCol();

  abstract @Nullable List<String> featureCols();

  abstract @Nullable String vectorCol();

  abstract @Nullable String weightCol();

  abstract int maxDepth();

  abstract int maxBins();

  abstract int minInstancesPerNode();

  abstract double minInfoGain();

  abstract Execution execution();

  abstract @Nullable Integer numTasks();

  abstract int blockSize();

  abstract String predictionCol();

  abstract String predictionDetailCol();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setTrainer(String trainer);

    abstract Builder setImpurity(Impurity impurity);

    abstract Builder setLabelCol(@Nullable String col);

    abstract Builder setFeatureCols(@Nullable List<String> cols);

    abstract Builder setVectorCol(@Nullable String col);

    abstract Builder setWeightCol(@Nullable String col);

    abstract Builder setMaxDepth(int maxDepth);

    abstract Builder setMaxBins(int maxBins);

    abstract Builder setMinInstancesPerNode(int min);

    abstract Builder setMinInfoGain(double gain);

    abstract Builder setExecution(Execution execution);

    abstract Builder setNumTasks(@Nullable Integer numTasks);

    abstract Builder setBlockSize(int blockSize);

    abstract Builder setPredictionCol(String col);

    abstract Builder setPredictionDetailCol(String col);

    abstract DecisionTreeFit build();
  }

  /** A trainer named {@code trainer} with impurity {@code impurity} and every default set. */
  public static DecisionTreeFit of(String trainer, Impurity impurity) {
    return new AutoValue_DecisionTreeFit.Builder()
        .setTrainer(trainer)
        .setImpurity(impurity)
        .setMaxDepth(5)
        .setMaxBins(32)
        .setMinInstancesPerNode(1)
        .setMinInfoGain(0.0)
        .setExecution(Execution.AUTO)
        .setBlockSize(PackBlocks.DEFAULT_BLOCK_SIZE)
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
    return ApplyModel.of(model, in -> DecisionTreeModel.outputSchema(in, labelType, cols), m -> m);
  }

  /** The label column (required). */
  public DecisionTreeFit withLabelCol(String col) {
    return toBuilder().setLabelCol(col).build();
  }

  /** Features from these numeric columns. */
  public DecisionTreeFit withFeatureCols(String... cols) {
    if (cols.length == 0) {
      throw new IllegalArgumentException("Expected at least one feature column, got none");
    }
    return toBuilder().setFeatureCols(List.of(cols)).setVectorCol(null).build();
  }

  /** Features from this vector column (dense or sparse). */
  public DecisionTreeFit withVectorCol(String col) {
    return toBuilder().setVectorCol(col).setFeatureCols(null).build();
  }

  /** A non-negative numeric weight per row; default none (every row weighs 1). */
  public DecisionTreeFit withWeightCol(String col) {
    return toBuilder().setWeightCol(col).build();
  }

  /** The deepest leaf, in [0, 30]; default 5. */
  public DecisionTreeFit withMaxDepth(int maxDepth) {
    if (maxDepth < 0 || maxDepth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "Expected maxDepth in [0, " + MAX_DEPTH + "], got " + maxDepth);
    }
    return toBuilder().setMaxDepth(maxDepth).build();
  }

  /** The most bins per feature, at least 2; default 32. */
  public DecisionTreeFit withMaxBins(int maxBins) {
    if (maxBins < 2 || maxBins > 65_536) {
      throw new IllegalArgumentException("Expected maxBins in [2, 65536], got " + maxBins);
    }
    return toBuilder().setMaxBins(maxBins).build();
  }

  /** The fewest rows on each side of a split, at least 1; default 1. */
  public DecisionTreeFit withMinInstancesPerNode(int min) {
    if (min < 1) {
      throw new IllegalArgumentException("Expected minInstancesPerNode >= 1, got " + min);
    }
    return toBuilder().setMinInstancesPerNode(min).build();
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

  /** How the iteration runs; default AUTO. */
  public DecisionTreeFit withExecution(Execution execution) {
    return toBuilder().setExecution(execution).build();
  }

  /** Partitions the training data is cut into; default the pipeline's parallelism. */
  public DecisionTreeFit withNumTasks(int numTasks) {
    if (numTasks < 1) {
      throw new IllegalArgumentException("Expected numTasks >= 1, got " + numTasks);
    }
    return toBuilder().setNumTasks(numTasks).build();
  }

  /** Rows per training block, at least 1; default 4096. */
  public DecisionTreeFit withBlockSize(int blockSize) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("Expected blockSize >= 1, got " + blockSize);
    }
    return toBuilder().setBlockSize(blockSize).build();
  }

  /** As a pipeline stage: the column of the prediction; default "prediction". */
  public DecisionTreeFit withPredictionCol(String col) {
    return toBuilder().setPredictionCol(col).build();
  }

  /**
   * As a pipeline stage: a classifier's column of class probabilities; default "predictionDetail".
   */
  public DecisionTreeFit withPredictionDetailCol(String col) {
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
    PCollection<DecisionTreeModel> model = input.apply(this);
    TypeName labelType = DecisionTreeModelCoder.labelTypeOf(model);
    FeatureColumns features = features();
    String[] names = outputNames();
    OutputColumns cols = OutputColumns.of(names);
    SchemaMapping mapping =
        in -> {
          features.bind(in);
          return DecisionTreeModel.outputSchema(in, labelType, cols);
        };
    mapping.outputSchema(input.getSchema());
    return PipelineStage.fitted(model, mapping, m -> m.withOutputCols(names));
  }

  private String[] outputNames() {
    return impurity().isClassification()
        ? new String[] {predictionCol(), predictionDetailCol()}
        : new String[] {predictionCol()};
  }

  @Override
  public PCollection<DecisionTreeModel> expand(PCollection<Row> input) {
    FeatureColumns features = features();
    Schema schema = input.getSchema();
    features.bind(schema);
    TypeName labelType = checkLabel(schema);
    boolean classifier = impurity().isClassification();
    boolean numericLabels =
        classifier && FeatureColumns.isNumeric(schema.getField(labelCol()).getType());
    PackBlocks pack = PackBlocks.of(features).withBlockSize(blockSize()).withLabelCol(labelCol());
    if (weightCol() != null) {
      pack = pack.withWeightCol(weightCol());
    }
    PCollection<List<String>> labels = null;
    if (classifier && !numericLabels) {
      labels =
          input.apply(
              "Distinct labels",
              Combine.globally(
                  new DistinctLabels.OfRows(trainer(), labelCol(), labelType, 2, MAX_CLASSES)));
      labels.setCoder(ListCoder.of(StringUtf8Coder.of()));
      PCollectionView<List<String>> view = labels.apply("Labels view", View.asSingleton());
      pack = pack.withLabelValues(view);
    }
    PCollection<Block> blocks = input.apply("Pack blocks", pack);
    if (classifier && numericLabels) {
      labels =
          blocks.apply(
              "Distinct labels",
              Combine.globally(
                  new DistinctLabels.OfBlocks(trainer(), labelCol(), labelType, 2, MAX_CLASSES)));
      labels.setCoder(ListCoder.of(StringUtf8Coder.of()));
    }
    PCollection<double[]> bins =
        blocks
            .apply("Bins", Combine.globally(new FeatureBinning(maxBins())))
            .setCoder(DoubleArrayCoder.of());
    TreeTraining.Params params =
        new TreeTraining.Params(
            trainer(),
            impurity(),
            maxDepth(),
            minInstancesPerNode(),
            minInfoGain(),
            features,
            labelType,
            numericLabels,
            description());
    IterativeComQueue queue =
        IterativeComQueue.create(trainer())
            .initWithPartitionedData(TreeTraining.DATA, blocks)
            .initWithBroadcastData(TreeTraining.BINS, bins);
    if (labels != null) {
      queue = queue.initWithBroadcastData(TreeTraining.LABELS, labels);
    }
    queue =
        queue
            .add(new TreeTraining.Histograms(params))
            .add(AllReduce.sum(TreeTraining.HIST))
            .add(new TreeTraining.Split(params))
            .setCompareCriterion(new TreeTraining.Grown())
            .setMaxIter(params.supersteps())
            .withExecution(execution());
    if (numTasks() != null) {
      queue = queue.withNumTasks(numTasks());
    }
    return queue
        .closeWith(new TreeTraining.Output(params), DecisionTreeModelCoder.of(labelType))
        .exec();
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
    if (!impurity().isClassification()) {
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
    d.put("impurity", impurity().name());
    d.put("maxDepth", Integer.toString(maxDepth()));
    d.put("maxBins", Integer.toString(maxBins()));
    d.put("minInstancesPerNode", Integer.toString(minInstancesPerNode()));
    d.put("minInfoGain", Double.toString(minInfoGain()));
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
