package org.beamlink.transforms.tree;

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
import org.beamlink.iteration.IterationSettings;
import org.beamlink.iteration.IterativeComQueue;
import org.beamlink.iteration.IterativeFit;
import org.beamlink.iteration.PackBlocks;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.tree.TreeModel;
import org.beamlink.models.tree.TreeModelCoder;
import org.beamlink.transforms.linear.DistinctLabels;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The estimator of a tree model (a decision tree, gradient-boosted trees): the label, feature and
 * weight columns, the tree shape limits shared by every tree trainer ({@code maxDepth}, {@code
 * maxBins}, {@code minInstancesPerNode}), how the shim runs, the output columns as a pipeline
 * stage, the label checks, and the work before the loop: rows packed into blocks, a classifier's
 * labels found, every feature's bins ({@link FeatureBinning}). A subclass is an AutoValue class
 * whose builder implements {@link TreeBuilder}; it adds its own parameters and builds its loop in
 * {@link #train}, starting from {@link #queue}.
 *
 * @param <M> the fitted model
 * @param <F> the concrete estimator, returned by the setters
 */
abstract class TreeFit<M extends TreeModel, F extends TreeFit<M, F>>
    extends PTransform<PCollection<Row>, PCollection<M>> implements PipelineStage, IterativeFit<F> {
  private static final long serialVersionUID = 1L;

  /** The training blocks in the loop, replaced by their bins in the first superstep. */
  static final String DATA = "data";

  /** The encoded {@link FeatureBins}, broadcast. */
  static final String BINS = "bins";

  /** A classifier's labels in class order, broadcast. */
  static final String LABELS = "labels";

  /** The setters of the shared parameters, implemented by the subclass's AutoValue builder. */
  interface TreeBuilder<F> {
    TreeBuilder<F> setTrainer(String trainer);

    TreeBuilder<F> setLabelCol(@Nullable String col);

    TreeBuilder<F> setFeatureCols(@Nullable List<String> cols);

    TreeBuilder<F> setVectorCol(@Nullable String col);

    TreeBuilder<F> setWeightCol(@Nullable String col);

    TreeBuilder<F> setMaxDepth(int maxDepth);

    TreeBuilder<F> setMaxBins(int maxBins);

    TreeBuilder<F> setMinInstancesPerNode(int min);

    TreeBuilder<F> setIterationSettings(IterationSettings settings);

    TreeBuilder<F> setPredictionCol(String col);

    TreeBuilder<F> setPredictionDetailCol(String col);

    F build();
  }

  /** What the loop starts from, found before it. */
  record Inputs(
      PCollection<Block> blocks,
      PCollection<double[]> bins,
      @Nullable PCollection<List<String>> labels,
      FeatureColumns features,
      @Nullable TypeName labelType,
      boolean numericLabels) {}

  abstract String trainer();

  abstract @Nullable String labelCol();

  abstract @Nullable List<String> featureCols();

  abstract @Nullable String vectorCol();

  abstract @Nullable String weightCol();

  abstract int maxDepth();

  abstract int maxBins();

  abstract int minInstancesPerNode();

  abstract String predictionCol();

  abstract String predictionDetailCol();

  abstract TreeBuilder<F> toBuilder();

  /** True for a classifier, false for regression. */
  abstract boolean classifier();

  /** The most distinct labels a classifier takes. */
  abstract int maxClasses();

  /** The output schema of a model predicting {@code labelType} (null: regression). */
  abstract Schema outputSchema(Schema input, @Nullable TypeName labelType, OutputColumns cols);

  /** The model's own parameters, added to the shared ones in the provenance and display data. */
  abstract void describe(Map<String, String> description);

  /** The loop from the inputs {@link #expand} found; {@link #queue} starts it. */
  abstract PCollection<M> train(Inputs inputs);

  /** The label column (required). */
  public F withLabelCol(String col) {
    return toBuilder().setLabelCol(col).build();
  }

  /** Features from these numeric columns. */
  public F withFeatureCols(String... cols) {
    if (cols.length == 0) {
      throw new IllegalArgumentException("Expected at least one feature column, got none");
    }
    return toBuilder().setFeatureCols(List.of(cols)).setVectorCol(null).build();
  }

  /** Features from this vector column (dense or sparse). */
  public F withVectorCol(String col) {
    return toBuilder().setVectorCol(col).setFeatureCols(null).build();
  }

  /** A non-negative numeric weight per row; default none (every row weighs 1). */
  public F withWeightCol(String col) {
    return toBuilder().setWeightCol(col).build();
  }

  /** The deepest leaf of a tree, in [0, 30]; default 5. */
  public F withMaxDepth(int maxDepth) {
    if (maxDepth < 0 || maxDepth > DecisionTreeFit.MAX_DEPTH) {
      throw new IllegalArgumentException(
          "Expected maxDepth in [0, " + DecisionTreeFit.MAX_DEPTH + "], got " + maxDepth);
    }
    return toBuilder().setMaxDepth(maxDepth).build();
  }

  /** The most bins per feature, in [2, 65536]; default 32. */
  public F withMaxBins(int maxBins) {
    if (maxBins < 2 || maxBins > 65_536) {
      throw new IllegalArgumentException("Expected maxBins in [2, 65536], got " + maxBins);
    }
    return toBuilder().setMaxBins(maxBins).build();
  }

  /** The fewest rows on each side of a split, at least 1; default 1. */
  public F withMinInstancesPerNode(int min) {
    if (min < 1) {
      throw new IllegalArgumentException("Expected minInstancesPerNode >= 1, got " + min);
    }
    return toBuilder().setMinInstancesPerNode(min).build();
  }

  @Override
  public F withIterationSettings(IterationSettings settings) {
    return toBuilder().setIterationSettings(settings).build();
  }

  /** As a pipeline stage: the column of the prediction; default "prediction". */
  public F withPredictionCol(String col) {
    return toBuilder().setPredictionCol(col).build();
  }

  /**
   * As a pipeline stage: a classifier's column of class probabilities; default "predictionDetail".
   */
  public F withPredictionDetailCol(String col) {
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
    PCollection<M> model = input.apply(this);
    TypeName labelType = TreeModelCoder.labelTypeOf(model);
    FeatureColumns features = features();
    String[] names =
        classifier()
            ? new String[] {predictionCol(), predictionDetailCol()}
            : new String[] {predictionCol()};
    OutputColumns cols = OutputColumns.of(names);
    SchemaMapping mapping =
        in -> {
          features.bind(in);
          return outputSchema(in, labelType, cols);
        };
    mapping.outputSchema(input.getSchema());
    return PipelineStage.fitted(model, mapping, m -> m.withOutputCols(names));
  }

  @Override
  public PCollection<M> expand(PCollection<Row> input) {
    FeatureColumns features = features();
    Schema schema = input.getSchema();
    features.bind(schema);
    TypeName labelType = checkLabel(schema);
    boolean numericLabels =
        classifier() && FeatureColumns.isNumeric(schema.getField(labelCol()).getType());
    PackBlocks pack =
        PackBlocks.of(features)
            .withBlockSize(iterationSettings().blockSize())
            .withLabelCol(labelCol());
    if (weightCol() != null) {
      pack = pack.withWeightCol(weightCol());
    }
    PCollection<List<String>> labels = null;
    if (classifier() && !numericLabels) {
      labels =
          input.apply(
              "Distinct labels",
              Combine.globally(
                  new DistinctLabels.OfRows(trainer(), labelCol(), labelType, 2, maxClasses())));
      labels.setCoder(ListCoder.of(StringUtf8Coder.of()));
      PCollectionView<List<String>> view = labels.apply("Labels view", View.asSingleton());
      pack = pack.withLabelValues(view);
    }
    PCollection<Block> blocks = input.apply("Pack blocks", pack);
    if (classifier() && numericLabels) {
      labels =
          blocks.apply(
              "Distinct labels",
              Combine.globally(
                  new DistinctLabels.OfBlocks(trainer(), labelCol(), labelType, 2, maxClasses())));
      labels.setCoder(ListCoder.of(StringUtf8Coder.of()));
    }
    PCollection<double[]> bins = blocks.apply("Bins", new FeatureBinning(maxBins()));
    return train(new Inputs(blocks, bins, labels, features, labelType, numericLabels));
  }

  /** A loop named for the trainer over the blocks, bins and labels, run as set. */
  IterativeComQueue queue(Inputs inputs) {
    IterativeComQueue queue =
        IterativeComQueue.create(trainer())
            .initWithPartitionedData(DATA, inputs.blocks())
            .initWithBroadcastData(BINS, inputs.bins())
            .withSettings(iterationSettings());
    if (inputs.labels() != null) {
      queue = queue.initWithBroadcastData(LABELS, inputs.labels());
    }
    return queue;
  }

  FeatureColumns features() {
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
    if (!classifier()) {
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

  /** The parameters, as the provenance and the display data show them. */
  Map<String, String> description() {
    Map<String, String> d = new TreeMap<>();
    d.put("labelCol", String.valueOf(labelCol()));
    d.put("features", features().toString());
    d.put("maxDepth", Integer.toString(maxDepth()));
    d.put("maxBins", Integer.toString(maxBins()));
    d.put("minInstancesPerNode", Integer.toString(minInstancesPerNode()));
    if (weightCol() != null) {
      d.put("weightCol", weightCol());
    }
    describe(d);
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
