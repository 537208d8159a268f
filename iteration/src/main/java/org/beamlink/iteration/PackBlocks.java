package org.beamlink.iteration;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.BlockCoder;
import org.beamlink.models.linalg.DenseBlock;
import org.beamlink.models.linalg.DenseVector;
import org.beamlink.models.linalg.SparseBlock;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Packs training rows into {@link Block}s of up to {@code blockSize} rows: dense when every vector
 * in the block is dense, CSR otherwise. Rows are packed within a bundle, so blocks may be smaller
 * than {@code blockSize}. Every row is checked: null, NaN or infinite features, labels and weights,
 * negative weights and vectors of different sizes fail with the column and row named.
 *
 * <pre>{@code
 * PCollection<Block> blocks =
 *     rows.apply(PackBlocks.of(FeatureColumns.ofVector("features")).withLabelCol("label"));
 * }</pre>
 */
@AutoValue
public abstract class PackBlocks extends PTransform<PCollection<Row>, PCollection<Block>> {
  /** The default number of rows per block. */
  public static final int DEFAULT_BLOCK_SIZE = 4096;

  /** The feature columns packed into each block's matrix. */
  public abstract FeatureColumns features();

  /** The label column, or null. */
  public abstract @Nullable String labelCol();

  /** The class labels a label becomes the index of ({@link #withLabelValues}), or null. */
  public abstract @Nullable PCollectionView<List<String>> labelValues();

  /** The weight column, or null. */
  public abstract @Nullable String weightCol();

  /** Rows per block. */
  public abstract int blockSize();

  /** Whether every row is scaled to unit Euclidean norm. */
  public abstract boolean unitNorm();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setFeatures(FeatureColumns features);

    abstract Builder setLabelCol(@Nullable String labelCol);

    abstract Builder setLabelValues(@Nullable PCollectionView<List<String>> labelValues);

    abstract Builder setWeightCol(@Nullable String weightCol);

    abstract Builder setBlockSize(int blockSize);

    abstract Builder setUnitNorm(boolean unitNorm);

    abstract PackBlocks build();
  }

  /** Packs the features of {@code features}, without labels or weights, 4096 rows a block. */
  public static PackBlocks of(FeatureColumns features) {
    return new AutoValue_PackBlocks.Builder()
        .setFeatures(features)
        .setBlockSize(DEFAULT_BLOCK_SIZE)
        .setUnitNorm(false)
        .build();
  }

  /** A numeric label column to carry in the blocks; default none. */
  public PackBlocks withLabelCol(String labelCol) {
    return toBuilder().setLabelCol(labelCol).build();
  }

  /**
   * Class labels to carry in the blocks as their index in {@code labelValues} (a singleton view of
   * the labels' text, see {@link LabelValues#text}); the label column may then have any {@link
   * LabelValues#isLabelType label type}, and a label that is not in the list fails with the row
   * named. Needs {@link #withLabelCol}.
   */
  public PackBlocks withLabelValues(PCollectionView<List<String>> labelValues) {
    return toBuilder().setLabelValues(labelValues).build();
  }

  /** A numeric, non-negative weight column; default none (every weight 1). */
  public PackBlocks withWeightCol(String weightCol) {
    return toBuilder().setWeightCol(weightCol).build();
  }

  /** Rows per block, at least 1; default {@value #DEFAULT_BLOCK_SIZE}. */
  public PackBlocks withBlockSize(int blockSize) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("Expected blockSize >= 1, got " + blockSize);
    }
    return toBuilder().setBlockSize(blockSize).build();
  }

  /**
   * Scales every row to unit Euclidean norm (for cosine distance); a zero vector is then an error.
   * Default off.
   */
  public PackBlocks withRowsScaledToUnitNorm() {
    return toBuilder().setUnitNorm(true).build();
  }

  @Override
  public PCollection<Block> expand(PCollection<Row> input) {
    if (!(input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
      throw new IllegalArgumentException(
          "PackBlocks packs training data in the global window; got "
              + input.getWindowingStrategy().getWindowFn());
    }
    Schema schema = input.getSchema();
    FeatureColumns.Bound bound = features().bind(schema);
    int labelIndex;
    if (labelValues() == null) {
      labelIndex = numericColumn(schema, labelCol(), "Label");
    } else {
      labelIndex = column(schema, labelCol(), "Label");
      if (!LabelValues.isLabelType(schema.getField(labelIndex).getType())) {
        throw new IllegalArgumentException(
            "Label column '"
                + labelCol()
                + "' has type "
                + schema.getField(labelIndex).getType()
                + "; expected a string, boolean or number");
      }
    }
    int weightIndex = numericColumn(schema, weightCol(), "Weight");
    PackFn fn =
        new PackFn(
            bound,
            labelCol(),
            labelIndex,
            labelValues(),
            weightCol(),
            weightIndex,
            blockSize(),
            unitNorm());
    ParDo.SingleOutput<Row, Block> pack = ParDo.of(fn);
    if (labelValues() != null) {
      pack = pack.withSideInputs(labelValues());
    }
    return input.apply("Pack", pack).setCoder(BlockCoder.of());
  }

  private static int column(Schema schema, String name, String what) {
    if (name == null) {
      throw new IllegalArgumentException(what + " values need a " + what.toLowerCase() + " column");
    }
    if (!schema.hasField(name)) {
      throw new IllegalArgumentException(
          what
              + " column '"
              + name
              + "' not found; the input has columns "
              + schema.getFieldNames());
    }
    return schema.indexOf(name);
  }

  private static int numericColumn(Schema schema, String name, String what) {
    if (name == null) {
      return -1;
    }
    if (!schema.hasField(name)) {
      throw new IllegalArgumentException(
          what
              + " column '"
              + name
              + "' not found; the input has columns "
              + schema.getFieldNames());
    }
    Schema.FieldType type = schema.getField(name).getType();
    if (!FeatureColumns.isNumeric(type)) {
      throw new IllegalArgumentException(
          what + " column '" + name + "' has type " + type + "; expected a numeric column");
    }
    return schema.indexOf(name);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("features", features().toString()))
        .addIfNotNull(DisplayData.item("labelCol", labelCol()))
        .addIfNotNull(DisplayData.item("weightCol", weightCol()))
        .add(DisplayData.item("blockSize", blockSize()))
        .add(DisplayData.item("unitNorm", unitNorm()));
  }

  private static final class PackFn extends DoFn<Row, Block> {
    private final FeatureColumns.Bound features;
    private final String labelCol;
    private final int labelIndex;
    private final PCollectionView<List<String>> labelValues;
    private final String weightCol;
    private final int weightIndex;
    private final int blockSize;
    private final boolean unitNorm;
    private final Counter rowsCounter = Metrics.counter(ComQueueMetrics.NAMESPACE, "rowsPacked");
    private final Counter blocksCounter =
        Metrics.counter(ComQueueMetrics.NAMESPACE, "blocksPacked");

    private transient List<Vector> vectors;
    private transient double[] labels;
    private transient double[] weights;
    private transient Row firstRow;
    private transient List<String> indexedLabels;
    private transient Map<String, Integer> labelIndices;

    PackFn(
        FeatureColumns.Bound features,
        String labelCol,
        int labelIndex,
        PCollectionView<List<String>> labelValues,
        String weightCol,
        int weightIndex,
        int blockSize,
        boolean unitNorm) {
      this.unitNorm = unitNorm;
      this.features = features;
      this.labelCol = labelCol;
      this.labelIndex = labelIndex;
      this.labelValues = labelValues;
      this.weightCol = weightCol;
      this.weightIndex = weightIndex;
      this.blockSize = blockSize;
    }

    @StartBundle
    public void startBundle() {
      vectors = new ArrayList<>();
      labels = labelIndex >= 0 ? new double[blockSize] : null;
      weights = weightIndex >= 0 ? new double[blockSize] : null;
      firstRow = null;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Row row = c.element();
      Vector v = features.extract(row);
      if (unitNorm) {
        double norm = v.norm2();
        if (norm == 0.0) {
          throw new IllegalArgumentException(
              "Features from "
                  + features
                  + " are a zero vector in row "
                  + row
                  + "; cosine distance needs non-zero vectors");
        }
        v = v.scale(1.0 / norm);
      }
      if (firstRow == null) {
        firstRow = row;
      } else if (v.size() != vectors.get(0).size()) {
        throw new IllegalArgumentException(
            "Features from "
                + features
                + " have size "
                + v.size()
                + " in row "
                + row
                + " but size "
                + vectors.get(0).size()
                + " in row "
                + firstRow
                + "; expected one size");
      }
      int i = vectors.size();
      if (labels != null) {
        labels[i] =
            labelValues == null
                ? FeatureColumns.numericValue(row, labelIndex, labelCol)
                : classIndex(row, c.sideInput(labelValues));
      }
      if (weights != null) {
        double w = FeatureColumns.numericValue(row, weightIndex, weightCol);
        if (w < 0) {
          throw new IllegalArgumentException(
              "Weight column '" + weightCol + "' has negative value " + w + " in row " + row);
        }
        weights[i] = w;
      }
      vectors.add(v);
      if (vectors.size() == blockSize) {
        c.output(flush());
      }
    }

    private int classIndex(Row row, List<String> values) {
      if (values != indexedLabels) {
        labelIndices = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
          labelIndices.put(values.get(i), i);
        }
        indexedLabels = values;
      }
      String label = LabelValues.text(row, labelCol);
      Integer index = labelIndices.get(label);
      if (index == null) {
        throw new IllegalArgumentException(
            "Label column '"
                + labelCol
                + "' has value "
                + label
                + " in row "
                + row
                + ", which is not one of the model's labels "
                + values);
      }
      return index;
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      if (!vectors.isEmpty()) {
        c.output(flush(), BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
      }
    }

    private Block flush() {
      int n = vectors.size();
      int d = vectors.get(0).size();
      double[] blockLabels = labels == null ? null : java.util.Arrays.copyOf(labels, n);
      double[] blockWeights = weights == null ? null : java.util.Arrays.copyOf(weights, n);
      boolean allDense = vectors.stream().allMatch(v -> v instanceof DenseVector);
      Block block;
      if (allDense) {
        double[] values = new double[n * d];
        for (int i = 0; i < n; i++) {
          ((DenseVector) vectors.get(i)).copyTo(values, i * d);
        }
        block = DenseBlock.of(n, d, values, blockLabels, blockWeights);
      } else {
        List<SparseVector> rows = vectors.stream().map(Vector::toSparse).toList();
        int[] starts = new int[n + 1];
        for (int i = 0; i < n; i++) {
          starts[i + 1] = starts[i] + rows.get(i).numStored();
        }
        int[] indices = new int[starts[n]];
        double[] values = new double[starts[n]];
        for (int i = 0; i < n; i++) {
          SparseVector s = rows.get(i);
          for (int k = 0; k < s.numStored(); k++) {
            indices[starts[i] + k] = s.indexAt(k);
            values[starts[i] + k] = s.valueAt(k);
          }
        }
        block = SparseBlock.of(n, d, starts, indices, values, blockLabels, blockWeights);
      }
      rowsCounter.inc(n);
      blocksCounter.inc();
      vectors = new ArrayList<>();
      firstRow = null;
      return block;
    }
  }
}
