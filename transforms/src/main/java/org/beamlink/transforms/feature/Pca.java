package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.Arrays;
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
import org.beamlink.models.feature.PcaModel;
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
 * Principal component analysis: {@link #fit()} learns a {@link PcaModel} (the mean and the top
 * {@code k} principal axes of a vector column), and {@link #transform} appends each row's {@code k}
 * scores as a dense vector column.
 *
 * <p>Semantics are scikit-learn's {@code PCA(n_components=k)}: axes by decreasing variance,
 * explained variance from the {@code n - 1} sample covariance, rows centered on the training mean
 * before projection. Spark ML's {@code PCA} projects without centering: set {@code
 * withMeanCentering(false)} for that. Axis signs are deterministic, see {@link PcaModel}.
 *
 * <p>Fitting packs rows into blocks and runs one superstep on the iteration shim: every partition
 * sums the centered scatter matrix {@code sum (x - mean)(x - mean)^T} of its blocks (the column
 * means come from one cheap pass over the blocks before it, so dense data is centered exactly
 * before its Gram matrix is taken), one {@code AllReduce.sum} adds them, and the {@code d x d}
 * covariance is eigen-decomposed (commons-math3) where the model is made. Sparse blocks are never
 * densified: their Gram matrix costs their non-zeros squared per row, and centering is applied to
 * the partition's sum ({@code X^T X - mean s^T - s mean^T + n mean mean^T}). The dimension is at
 * most {@value PcaModel#MAX_DIMENSION}, since each partition holds a {@code d x d} matrix.
 *
 * <p>Parameters ({@code fit()} sets every default):
 *
 * <ul>
 *   <li>{@code k}, required: the number of components, in {@code [1, min(rows, d)]} (checked
 *       against the data when the job runs).
 *   <li>{@code inputCol}, default "features": a vector column (dense or sparse vectors of one
 *       size). {@code outputCol}, default "pca": the appended vector column.
 *   <li>{@code meanCentering}, default true (scikit-learn); false projects raw rows (Spark).
 *   <li>{@code execution}, default AUTO, {@code numTasks}, default the pipeline's parallelism, and
 *       {@code blockSize}, default 4096 rows (the {@link IterativeFit} settings): how the shim runs
 *       the superstep.
 * </ul>
 *
 * <p>Null, NaN or infinite vectors fail the fit and the transform with the column and row named; so
 * do vectors of different sizes, an empty input (fewer than 2 rows) and a dimension above the
 * bound. A missing or non-vector {@code inputCol}, or an existing {@code outputCol}, fails when the
 * pipeline is built.
 *
 * <pre>{@code
 * PCollection<PcaModel> pca = rows.apply(Pca.fit().withK(2).withInputCol("features"));
 * PCollection<Row> reduced = rows.apply(Pca.transform(pca)); // rows + "pca" (2 scores)
 * }</pre>
 */
public final class Pca {

  private Pca() {}

  /**
   * A PCA estimator with every default set; {@link Fit#withK} is required.
   *
   * <pre>{@code
   * PCollection<PcaModel> pca = rows.apply(Pca.fit().withK(10));
   * }</pre>
   */
  public static Fit fit() {
    return new AutoValue_Pca_Fit.Builder()
        .setInputCol("features")
        .setOutputCol("pca")
        .setMeanCentering(true)
        .setIterationSettings(IterationSettings.defaults())
        .build();
  }

  /**
   * Appends the scores of each row with the one model in {@code model}, on bounded or unbounded
   * rows; {@code .withFailures()} on the result keeps rows that cannot be mapped.
   *
   * <pre>{@code
   * PCollection<Row> reduced = stream.apply(Pca.transform(pca));
   * }</pre>
   */
  public static ApplyModel<PcaModel> transform(PCollection<PcaModel> model) {
    return ApplyModel.of(model);
  }

  /**
   * Fits a {@link PcaModel}; see {@link Pca} for the parameters.
   *
   * <pre>{@code
   * PCollection<PcaModel> pca = rows.apply(Pca.fit().withK(2).withOutputCol("pc"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Fit extends PTransform<PCollection<Row>, PCollection<PcaModel>>
      implements PipelineStage, IterativeFit<Fit> {
    abstract @Nullable Integer k();

    abstract String inputCol();

    abstract String outputCol();

    abstract boolean meanCentering();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setK(Integer k);

      abstract Builder setInputCol(String inputCol);

      abstract Builder setOutputCol(String outputCol);

      abstract Builder setMeanCentering(boolean meanCentering);

      abstract Builder setIterationSettings(IterationSettings settings);

      abstract Fit build();
    }

    /**
     * The number of principal components, at least 1 and at most {@code min(rows, d)}; required.
     *
     * <pre>{@code
     * Pca.fit().withK(2);
     * }</pre>
     */
    public Fit withK(int k) {
      if (k < 1) {
        throw new IllegalArgumentException("Expected k >= 1, got " + k);
      }
      return toBuilder().setK(k).build();
    }

    /**
     * The vector column to analyse; default "features".
     *
     * <pre>{@code
     * Pca.fit().withK(2).withInputCol("pixels");
     * }</pre>
     */
    public Fit withInputCol(String inputCol) {
      return toBuilder().setInputCol(checkName(inputCol, "inputCol")).build();
    }

    /**
     * The appended vector column of scores; default "pca".
     *
     * <pre>{@code
     * Pca.fit().withK(2).withOutputCol("pc");
     * }</pre>
     */
    public Fit withOutputCol(String outputCol) {
      return toBuilder().setOutputCol(checkName(outputCol, "outputCol")).build();
    }

    /**
     * Whether rows are centered on the training mean before projection: true (default) as
     * scikit-learn, false as Spark ML. The axes and variances are the same either way.
     *
     * <pre>{@code
     * Pca.fit().withK(2).withMeanCentering(false); // Spark's PCAModel.transform
     * }</pre>
     */
    public Fit withMeanCentering(boolean meanCentering) {
      return toBuilder().setMeanCentering(meanCentering).build();
    }

    /** What this stage does to a schema, from its parameters alone. */
    private SchemaMapping mapping() {
      String in = inputCol();
      String out = outputCol();
      return schema -> PcaModel.outputSchema(schema, in, out);
    }

    @Override
    public Fit withIterationSettings(IterationSettings settings) {
      return toBuilder().setIterationSettings(settings).build();
    }

    /**
     * Fits the model as a pipeline stage.
     *
     * <pre>{@code
     * PCollection<Transformer> stage = Pca.fit().withK(2).fitStage(rows);
     * }</pre>
     */
    @Override
    public PCollection<Transformer> fitStage(PCollection<Row> input) {
      return PipelineStage.fitted(input.apply(this), mapping());
    }

    @Override
    public PCollection<PcaModel> expand(PCollection<Row> input) {
      if (k() == null) {
        throw new IllegalArgumentException("PCA needs the number of components: set withK(..)");
      }
      SchemaMapping mapping = mapping();
      mapping.outputSchema(input.getSchema());
      FeatureColumns features = FeatureColumns.ofVector(inputCol());
      PCollection<Block> blocks =
          input.apply(
              "Pack blocks",
              PackBlocks.of(features).withBlockSize(iterationSettings().blockSize()));
      PCollection<double[]> moments =
          blocks
              .apply("Column sums", Combine.globally(new ColumnSums()))
              .setCoder(DoubleArrayCoder.of());
      PcaTraining.Params params =
          new PcaTraining.Params(
              k(), inputCol(), outputCol(), meanCentering(), features.toString());
      IterativeComQueue queue =
          IterativeComQueue.create("PCA")
              .initWithPartitionedData(PcaTraining.DATA, blocks)
              .initWithBroadcastData(PcaTraining.MOMENTS, moments)
              .add(new PcaTraining.Scatter(params))
              .add(AllReduce.sum(PcaTraining.SCATTER))
              .setMaxIter(1)
              .withSettings(iterationSettings());
      return queue
          .closeWith(
              new PcaTraining.MakeModel(params), TransformerCoder.of(PcaModel.class, mapping))
          .exec();
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("k", k()))
          .add(DisplayData.item("inputCol", inputCol()))
          .add(DisplayData.item("outputCol", outputCol()))
          .add(DisplayData.item("meanCentering", meanCentering()))
          .add(DisplayData.item("execution", iterationSettings().execution().name()));
    }
  }

  private static String checkName(String name, String what) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Expected a column name for " + what + ", got none");
    }
    return name;
  }

  /**
   * {@code {minSize, maxSize, rows, columnSums...}} over all blocks; {@code {0, 0, 0}} for none.
   * Every partition then knows the dimension (even one without data) and the mean to center on.
   */
  static final class ColumnSums extends Combine.CombineFn<Block, double[], double[]> {
    private static final long serialVersionUID = 1L;

    @Override
    public double[] createAccumulator() {
      return new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0};
    }

    @Override
    public double[] addInput(double[] acc, Block block) {
      int d = block.numCols();
      double[] out = acc;
      if (d + 3 > out.length) {
        out = Arrays.copyOf(acc, d + 3);
      }
      out[0] = Math.min(out[0], d);
      out[1] = Math.max(out[1], d);
      out[2] += block.numRows();
      double[] ones = new double[block.numRows()];
      Arrays.fill(ones, 1.0);
      block.transposeMultiplyAdd(ones, out, 3);
      return out;
    }

    @Override
    public double[] mergeAccumulators(Iterable<double[]> accumulators) {
      double[] merged = createAccumulator();
      for (double[] a : accumulators) {
        if (a.length > merged.length) {
          merged = Arrays.copyOf(merged, a.length);
        }
        merged[0] = Math.min(merged[0], a[0]);
        merged[1] = Math.max(merged[1], a[1]);
        merged[2] += a[2];
        for (int j = 3; j < a.length; j++) {
          merged[j] += a[j];
        }
      }
      return merged;
    }

    @Override
    public double[] extractOutput(double[] acc) {
      return acc[2] == 0 ? new double[] {0, 0, 0} : acc.clone();
    }
  }
}
