package org.beamlink.transforms.linear;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamlink.iteration.AllReduce;
import org.beamlink.iteration.IterationSettings;
import org.beamlink.iteration.IterativeComQueue;
import org.beamlink.iteration.IterativeFit;
import org.beamlink.iteration.PackBlocks;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.BlockCoder;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelCoder;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.optim.HingeLoss;
import org.beamlink.models.optim.LogisticLoss;
import org.beamlink.models.optim.NormalEquations;
import org.beamlink.models.optim.OptimMethod;
import org.beamlink.models.optim.PointwiseLoss;
import org.beamlink.models.optim.SquaredLoss;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.io.ReadCsvBlocks;
import org.beamlink.transforms.io.ReadParquet;
import org.beamlink.transforms.io.ReadParquetBlocks;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Trains a {@link LinearModel} on the iteration shim: the estimator behind {@code
 * LogisticRegression}, {@code Softmax}, {@code LinearSvm} and {@code LinearRegression}, which set
 * its model type and defaults. It minimizes
 *
 * <pre>
 *   (1/W) sum_i w_i loss(x_i . beta + b, y_i) + l1 sum_j |s_j beta_j| + (l2/2) sum_j (s_j beta_j)^2
 * </pre>
 *
 * <p>where {@code W} is the total weight, {@code s_j} the standard deviation of feature {@code j}
 * when {@code standardization} is on (Spark's default and semantics: the penalty is on the
 * coefficients of standardized features; the model reports coefficients on the original scale) and
 * 1 when it is off; the intercept is not penalized. For scikit-learn users: {@code
 * LogisticRegression(C)} is {@code l2 = 1 / (C n)} without standardization, {@code Ridge(alpha)} is
 * {@code l2 = alpha / n}, {@code Lasso(alpha)} is {@code l1 = alpha}, {@code ElasticNet(alpha,
 * l1_ratio)} is {@code l1 = alpha l1_ratio, l2 = alpha (1 - l1_ratio)}. Spark's {@code regParam}
 * and {@code elasticNetParam} give {@code l1 = regParam * elasticNetParam} and {@code l2 = regParam
 * * (1 - elasticNetParam)}.
 *
 * <p>Parameters (the factories set every default):
 *
 * <ul>
 *   <li>{@code labelCol} (required): a class label of any primitive type for classifiers (a binary
 *       model keeps its two labels in their natural order, the second being the positive class;
 *       softmax takes up to 10000 classes), a number for regression.
 *   <li>{@code featureCols} (numeric columns) or {@code vectorCol}; {@code weightCol}, default none
 *       (non-negative weights).
 *   <li>{@code l1}, {@code l2} >= 0, default 0; or {@code regParam} and {@code elasticNetParam} (in
 *       [0, 1]).
 *   <li>{@code withIntercept}, default true; {@code standardization}, default true.
 *   <li>{@code maxIter} >= 1, default 100; {@code tol} >= 0, default 1e-6 (see {@link
 *       org.beamlink.models.optim.Minimizer} for the stopping rules: the gradient's norm within
 *       {@code tol} of the loss, or the loss changing by at most {@code tol} of itself over 10
 *       iterations). The model's provenance records why training stopped and the gradient norm
 *       there, and warns when it ran out of iterations or stopped far from a stationary point.
 *   <li>{@code optimMethod}, default AUTO, as Spark's solver choice: for squared loss with at most
 *       4096 features the exact normal equations (NORMAL: one pass over the data, then a Cholesky
 *       solve; OWL-QN on the normal equations when {@code l1 > 0}); otherwise OWL-QN when {@code l1
 *       > 0}, else L-BFGS, with memory 10. With {@code featureCols} the number of features is known
 *       when the pipeline is built and NORMAL unrolls two supersteps; with a vector column it is
 *       known only at run time, so the loop is unrolled for L-BFGS and stops after two (name NORMAL
 *       to unroll two). NEWTON needs a twice differentiable loss, no L1 and few features; SGD uses
 *       {@code stepSize} (default 1.0), {@code miniBatchFraction} (default 1.0) and {@code seed}
 *       (default 0) to sample batches by a hash of each row.
 *   <li>{@code loss}: the pointwise loss, default by model (logistic, hinge for SVM, squared for
 *       regression; for example {@link org.beamlink.models.optim.HuberLoss} for robust regression).
 *   <li>{@code initialModel}: a model of the same type and size to start from (warm start); its
 *       labels are the labels, and a row with another label fails.
 *   <li>{@code execution}, {@code numTasks}, {@code blockSize}: how the shim runs.
 *   <li>{@code predictionCol} (default "prediction") and {@code predictionDetailCol} (default
 *       "predictionDetail"): where the fitted model's predictions go when it is a stage of an
 *       {@link org.beamlink.transforms.pipeline.MlPipeline}; {@code probabilityCol} (logistic
 *       regression only; default none): a DOUBLE column with the probability of the positive class
 *       there.
 * </ul>
 *
 * <p>Many fits that share their packed data ({@link #sharesLoopWith}: they differ only in
 * penalties, iterations, tolerance, minimizer, loss, intercept or standardization) train in one
 * loop of the shim, each on its own part of the rows: {@link LinearFits}, which a cross-validated
 * search of a linear model uses. A single fit is that loop with one model.
 *
 * <p>Bad input fails with the column, value and row named: a missing or non-numeric feature column,
 * NaN or infinite features, labels or weights, a null label, negative weights, vectors of different
 * sizes, an empty input, a binary label column with other than two labels.
 *
 * <pre>{@code
 * PCollection<LinearModel> model =
 *     rows.apply(LogisticRegression.fit().withLabelCol("label").withFeatureCols("a", "b").withL2(0.01));
 * }</pre>
 */
@AutoValue
public abstract class LinearFit extends PTransform<PCollection<Row>, PCollection<LinearModel>>
    implements PipelineStage, IterativeFit<LinearFit> {
  /** The most classes a softmax model takes. */
  public static final int MAX_CLASSES = 10_000;

  abstract String trainer();

  abstract LinearModelType type();

  abstract @Nullable PointwiseLoss loss();

  abstract @Nullable String labelCol();

  abstract @Nullable List<String> featureCols();

  abstract @Nullable String vectorCol();

  abstract @Nullable String weightCol();

  abstract double l1();

  abstract double l2();

  abstract @Nullable Double regParam();

  abstract @Nullable Double elasticNetParam();

  abstract boolean intercept();

  abstract boolean standardization();

  abstract int maxIter();

  abstract double tol();

  abstract OptimMethod optimMethod();

  abstract long seed();

  abstract double stepSize();

  abstract double miniBatchFraction();

  abstract @Nullable PCollection<LinearModel> initialModel();

  abstract String predictionCol();

  abstract String predictionDetailCol();

  abstract @Nullable String probabilityCol();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setTrainer(String trainer);

    abstract Builder setType(LinearModelType type);

    abstract Builder setLoss(@Nullable PointwiseLoss loss);

    abstract Builder setLabelCol(@Nullable String col);

    abstract Builder setFeatureCols(@Nullable List<String> cols);

    abstract Builder setVectorCol(@Nullable String col);

    abstract Builder setWeightCol(@Nullable String col);

    abstract Builder setL1(double l1);

    abstract Builder setL2(double l2);

    abstract Builder setRegParam(@Nullable Double regParam);

    abstract Builder setElasticNetParam(@Nullable Double elasticNetParam);

    abstract Builder setIntercept(boolean intercept);

    abstract Builder setStandardization(boolean standardization);

    abstract Builder setMaxIter(int maxIter);

    abstract Builder setTol(double tol);

    abstract Builder setOptimMethod(OptimMethod method);

    abstract Builder setSeed(long seed);

    abstract Builder setStepSize(double stepSize);

    abstract Builder setMiniBatchFraction(double fraction);

    abstract Builder setInitialModel(@Nullable PCollection<LinearModel> model);

    abstract Builder setIterationSettings(IterationSettings settings);

    abstract Builder setPredictionCol(String col);

    abstract Builder setPredictionDetailCol(String col);

    abstract Builder setProbabilityCol(@Nullable String col);

    abstract LinearFit build();
  }

  /** A trainer of {@code type} models named {@code trainer}, with every default set. */
  public static LinearFit of(String trainer, LinearModelType type) {
    return new AutoValue_LinearFit.Builder()
        .setTrainer(trainer)
        .setType(type)
        .setL1(0.0)
        .setL2(0.0)
        .setIntercept(true)
        .setStandardization(true)
        .setMaxIter(100)
        .setTol(1e-6)
        .setOptimMethod(OptimMethod.AUTO)
        .setSeed(0L)
        .setStepSize(1.0)
        .setMiniBatchFraction(1.0)
        .setIterationSettings(IterationSettings.defaults())
        .setPredictionCol("prediction")
        .setPredictionDetailCol("predictionDetail")
        .build();
  }

  /** The label column (required). */
  public LinearFit withLabelCol(String col) {
    return toBuilder().setLabelCol(col).build();
  }

  /** Features from these numeric columns. */
  public LinearFit withFeatureCols(String... cols) {
    if (cols.length == 0) {
      throw new IllegalArgumentException("Expected at least one feature column, got none");
    }
    return toBuilder().setFeatureCols(List.of(cols)).setVectorCol(null).build();
  }

  /** Features from this vector column (dense or sparse). */
  public LinearFit withVectorCol(String col) {
    return toBuilder().setVectorCol(col).setFeatureCols(null).build();
  }

  /** A non-negative numeric weight per row; default none (every row weighs 1). */
  public LinearFit withWeightCol(String col) {
    return toBuilder().setWeightCol(col).build();
  }

  /** The L1 penalty, at least 0; default 0. */
  public LinearFit withL1(double l1) {
    checkPenalty("l1", l1);
    return toBuilder().setL1(l1).build();
  }

  /** The L2 penalty, at least 0; default 0. */
  public LinearFit withL2(double l2) {
    checkPenalty("l2", l2);
    return toBuilder().setL2(l2).build();
  }

  /** Spark's regularization strength, at least 0; replaces {@code l1} and {@code l2}. */
  public LinearFit withRegParam(double regParam) {
    checkPenalty("regParam", regParam);
    return toBuilder().setRegParam(regParam).build();
  }

  /** Spark's elastic net mixing in [0, 1] (1 is pure L1); default 0. Needs {@code regParam}. */
  public LinearFit withElasticNetParam(double alpha) {
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("Expected elasticNetParam in [0, 1], got " + alpha);
    }
    return toBuilder().setElasticNetParam(alpha).build();
  }

  /** Whether to fit an intercept; default true. */
  public LinearFit withIntercept(boolean intercept) {
    return toBuilder().setIntercept(intercept).build();
  }

  /** Whether to penalize the coefficients of standardized features; default true. */
  public LinearFit withStandardization(boolean standardization) {
    return toBuilder().setStandardization(standardization).build();
  }

  /** Most iterations, at least 1; default 100. */
  public LinearFit withMaxIter(int maxIter) {
    if (maxIter < 1) {
      throw new IllegalArgumentException("Expected maxIter >= 1, got " + maxIter);
    }
    return toBuilder().setMaxIter(maxIter).build();
  }

  /** Convergence tolerance, at least 0; default 1e-6. */
  public LinearFit withTol(double tol) {
    if (!(tol >= 0)) {
      throw new IllegalArgumentException("Expected tol >= 0, got " + tol);
    }
    return toBuilder().setTol(tol).build();
  }

  /** The minimizer; default AUTO. */
  public LinearFit withOptimMethod(OptimMethod method) {
    return toBuilder().setOptimMethod(method).build();
  }

  /** The seed of SGD's mini-batch sampling; default 0. */
  public LinearFit withSeed(long seed) {
    return toBuilder().setSeed(seed).build();
  }

  /** SGD's initial step size, above 0; default 1.0. */
  public LinearFit withStepSize(double stepSize) {
    if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
      throw new IllegalArgumentException("Expected stepSize > 0 and finite, got " + stepSize);
    }
    return toBuilder().setStepSize(stepSize).build();
  }

  /** SGD's fraction of rows per mini-batch, in (0, 1]; default 1.0. */
  public LinearFit withMiniBatchFraction(double fraction) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("Expected miniBatchFraction in (0, 1], got " + fraction);
    }
    return toBuilder().setMiniBatchFraction(fraction).build();
  }

  /** The pointwise loss; default by model type. Not for softmax. */
  public LinearFit withLoss(PointwiseLoss loss) {
    return toBuilder().setLoss(loss).build();
  }

  /** Starts from this model (one element) instead of from zero. */
  public LinearFit withInitialModel(PCollection<LinearModel> model) {
    return toBuilder().setInitialModel(model).build();
  }

  @Override
  public LinearFit withIterationSettings(IterationSettings settings) {
    return toBuilder().setIterationSettings(settings).build();
  }

  /** As a pipeline stage: the column the fitted model's predictions go to; default "prediction". */
  public LinearFit withPredictionCol(String col) {
    return toBuilder().setPredictionCol(col).build();
  }

  /**
   * As a pipeline stage: the column a classifier's probabilities (or SVM decision values) go to;
   * default "predictionDetail".
   */
  public LinearFit withPredictionDetailCol(String col) {
    return toBuilder().setPredictionDetailCol(col).build();
  }

  /**
   * As a pipeline stage, logistic regression only: a DOUBLE column with the probability of the
   * positive class (the second label), {@code predictionDetail[1]}; default none.
   *
   * <pre>{@code
   * LogisticRegression.fit().withLabelCol("churned").withVectorCol("features")
   *     .withProbabilityCol("probability");
   * }</pre>
   *
   * @throws IllegalArgumentException for another model type
   */
  public LinearFit withProbabilityCol(String col) {
    if (type() != LinearModelType.LOGISTIC) {
      throw new IllegalArgumentException(
          "probabilityCol is for binary logistic regression; " + trainer() + " has none");
    }
    if (col == null || col.isEmpty()) {
      throw new IllegalArgumentException("Expected a column name for probabilityCol, got " + col);
    }
    return toBuilder().setProbabilityCol(col).build();
  }

  /**
   * Fits the model and makes it a pipeline stage: the model with output columns {@code
   * predictionCol} and, for classifiers, {@code predictionDetailCol} (and {@code probabilityCol}
   * when set), as {@link LinearModel#withOutputCols} gives them.
   */
  @Override
  public PCollection<Transformer> fitStage(PCollection<Row> input) {
    return asStage(input.apply(this), input.getSchema());
  }

  /** The trainer's name ({@code LogisticRegression}, ...) names the transform in a graph. */
  @Override
  protected String getKindString() {
    return trainer();
  }

  private static void checkPenalty(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("Expected " + name + " >= 0 and finite, got " + value);
    }
  }

  @Override
  public PCollection<LinearModel> expand(PCollection<Row> input) {
    return fit(input.getSchema(), pack -> input.apply("Pack blocks", pack), input);
  }

  /**
   * Fits the model to CSV files read by {@code csv}, their numeric feature, label (and weight)
   * columns read straight into training blocks ({@link ReadCsvBlocks}) when they are numeric, else
   * read into rows and fitted as {@link #expand} fits them: the same model either way.
   *
   * <pre>{@code
   * PCollection<LinearModel> model =
   *     p.apply(LogisticRegression.fit().withLabelCol("y").withFeatureCols("a", "b")
   *         .fromCsv(ReadCsv.from("data.csv")));
   * }</pre>
   */
  public PTransform<PBegin, PCollection<LinearModel>> fromCsv(ReadCsv csv) {
    return fromCsv(ReadCsvBlocks.from(csv));
  }

  /**
   * As {@link #fromCsv(ReadCsv)}, reading with {@code read}'s files and options (its packing is
   * this fit's).
   */
  public PTransform<PBegin, PCollection<LinearModel>> fromCsv(ReadCsvBlocks read) {
    LinearFit fit = this;
    return new PTransform<PBegin, PCollection<LinearModel>>(trainer() + ".fromCsv") {
      @Override
      public PCollection<LinearModel> expand(PBegin input) {
        ReadCsvBlocks resolved = read.withInferredSchema();
        Schema schema = resolved.schema();
        if (fit.featureCols() == null
            || fit.labelCol() == null
            || !ReadCsvBlocks.canRead(schema, fit.packing())) {
          return input.apply("Read", resolved.csv()).apply(fit.trainer(), fit);
        }
        return fit.fit(
            schema, pack -> input.apply("Read blocks", resolved.withPacking(pack)), null);
      }
    };
  }

  /**
   * Fits the model to Parquet files read by {@code read}, their numeric feature, label (and weight)
   * columns read straight into training blocks, a row group a split ({@link ReadParquetBlocks}),
   * else read into rows ({@link ReadParquet}, only those columns; every column for a fit without
   * feature columns) and fitted as {@link #expand} fits them: the same model either way.
   *
   * <pre>{@code
   * PCollection<LinearModel> model =
   *     p.apply(LogisticRegression.fit().withLabelCol("y").withFeatureCols("a", "b")
   *         .fromParquet(ReadParquetBlocks.from("data/*.parquet")));
   * }</pre>
   */
  public PTransform<PBegin, PCollection<LinearModel>> fromParquet(ReadParquetBlocks read) {
    LinearFit fit = this;
    return new PTransform<PBegin, PCollection<LinearModel>>(trainer() + ".fromParquet") {
      @Override
      public PCollection<LinearModel> expand(PBegin input) {
        if (fit.featureCols() == null || fit.labelCol() == null) {
          return input
              .apply("Read", ReadParquet.from(read.filepattern()))
              .apply(fit.trainer(), fit);
        }
        ReadParquet rows = read.rows(fit.packing());
        Schema schema = rows.schema();
        if (!ReadParquetBlocks.canRead(schema, fit.packing())) {
          return input.apply("Read", rows).apply(fit.trainer(), fit);
        }
        return fit.fit(schema, pack -> input.apply("Read blocks", read.withPacking(pack)), null);
      }
    };
  }

  /** How rows become training blocks, before class labels become indices. */
  private PackBlocks packing() {
    PackBlocks pack =
        PackBlocks.of(features())
            .withBlockSize(iterationSettings().blockSize())
            .withLabelCol(labelCol());
    return weightCol() == null ? pack : pack.withWeightCol(weightCol());
  }

  /**
   * Fits the model to rows of {@code schema} made into blocks by {@code blocksOf}; {@code rows} are
   * the rows themselves, needed for labels that are not numbers (null: every label is a number).
   */
  private PCollection<LinearModel> fit(
      Schema schema,
      Function<PackBlocks, PCollection<Block>> blocksOf,
      @Nullable PCollection<Row> rows) {
    TypeName labelType = checkLabel(schema);
    LinearTraining.Params params = params(schema, labelType);
    boolean numericLabels = params.labelNumbers() != null;
    PCollection<List<String>> labels = labelsBeforePacking(schema, labelType, rows);
    PCollection<Block> blocks = blocksOf.apply(packing(labels, numericLabels));
    LinearTraining.Fits fits = LinearTraining.Fits.of(params);
    return queue(blocks, blocks, labelsAfterPacking(labels, blocks, labelType, numericLabels), fits)
        .closeWith(new LinearTraining.Output(params), LinearModelCoder.of(labelType))
        .exec();
  }

  /**
   * Fits {@code fits} (this one first; each {@link #sharesLoopWith} this one) in one loop over the
   * rows of {@code parts}, model {@code m} on every part but {@code heldOut[m]} (-1: every part):
   * the models keyed by their index.
   */
  PCollection<KV<Integer, LinearModel>> fitMany(
      List<LinearFit> fits, int[] heldOut, PCollectionList<Row> parts) {
    Schema schema = parts.get(0).getSchema();
    TypeName labelType = checkLabel(schema);
    List<LinearTraining.Params> params = new ArrayList<>();
    for (LinearFit fit : fits) {
      params.add(fit.params(schema, fit.checkLabel(schema)));
    }
    boolean numericLabels = params.get(0).labelNumbers() != null;
    PCollection<Row> rows =
        numericLabels || !type().isClassifier()
            ? null
            : parts.apply("All rows", Flatten.pCollections()).setRowSchema(schema);
    PCollection<List<String>> labels = labelsBeforePacking(schema, labelType, rows);
    PackBlocks pack = packing(labels, numericLabels);
    List<PCollection<Block>> blockParts = new ArrayList<>();
    List<PCollection<KV<Integer, Block>>> keyedParts = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      PCollection<Block> blocks = parts.get(i).apply("Pack part " + i, pack);
      blockParts.add(blocks);
      keyedParts.add(
          blocks
              .apply("Key part " + i, WithKeys.of(i))
              .setCoder(KvCoder.of(VarIntCoder.of(), BlockCoder.of())));
    }
    PCollection<Block> blocks =
        PCollectionList.of(blockParts).apply("All blocks", Flatten.pCollections());
    PCollection<KV<Integer, Block>> keyed =
        PCollectionList.of(keyedParts).apply("All keyed blocks", Flatten.pCollections());
    LinearTraining.Fits loop = new LinearTraining.Fits(params, heldOut);
    return queue(keyed, blocks, labelsAfterPacking(labels, blocks, labelType, numericLabels), loop)
        .closeWith(
            new LinearFits.OutputAll(loop),
            KvCoder.of(VarIntCoder.of(), LinearModelCoder.of(labelType)))
        .exec();
  }

  /**
   * True when {@code other} trains on the same packed data as this fit and can share its loop: the
   * same trainer and model type, feature, label and weight columns, block size, execution and
   * number of tasks, and neither starts from an initial model. The penalties, {@code maxIter},
   * {@code tol}, the minimizer, the loss, {@code withIntercept}, {@code standardization} and SGD's
   * settings may differ, as may the output columns.
   */
  public boolean sharesLoopWith(LinearFit other) {
    return trainer().equals(other.trainer())
        && type() == other.type()
        && Objects.equals(labelCol(), other.labelCol())
        && Objects.equals(featureCols(), other.featureCols())
        && Objects.equals(vectorCol(), other.vectorCol())
        && Objects.equals(weightCol(), other.weightCol())
        && iterationSettings().equals(other.iterationSettings())
        && initialModel() == null
        && other.initialModel() == null;
  }

  /**
   * The fitted model as a pipeline stage on rows of {@code inputSchema} (see {@link #fitStage}).
   */
  PCollection<Transformer> asStage(PCollection<LinearModel> model, Schema inputSchema) {
    TypeName labelType = LinearModelCoder.labelTypeOf(model);
    FeatureColumns features = features();
    String prediction = predictionCol();
    String detail = predictionDetailCol();
    String probability = probabilityCol();
    OutputColumns cols =
        probability == null
            ? OutputColumns.of(prediction, detail)
            : OutputColumns.of(prediction, detail, probability);
    SchemaMapping mapping =
        in -> {
          features.bind(in);
          return LinearModel.outputSchema(in, labelType, cols);
        };
    mapping.outputSchema(inputSchema);
    return PipelineStage.fitted(
        model, mapping, m -> m.withOutputCols(prediction, detail).withProbabilityCol(probability));
  }

  /** The training parameters of this fit on rows of {@code schema}, checked. */
  private LinearTraining.Params params(Schema schema, TypeName labelType) {
    FeatureColumns features = features();
    features.bind(schema);
    double l1 = l1();
    double l2 = l2();
    if (regParam() != null) {
      if (l1 != 0 || l2 != 0) {
        throw new IllegalArgumentException(
            "Set either regParam (with elasticNetParam) or l1 and l2, not both");
      }
      double alpha = elasticNetParam() == null ? 0.0 : elasticNetParam();
      l1 = regParam() * alpha;
      l2 = regParam() * (1 - alpha);
    } else if (elasticNetParam() != null) {
      throw new IllegalArgumentException("elasticNetParam needs regParam");
    }
    PointwiseLoss loss = resolveLoss();
    checkMethod(loss, l1);
    boolean numericLabels =
        type().isClassifier() && FeatureColumns.isNumeric(schema.getField(labelCol()).getType());
    return LinearTraining.Params.builder()
        .setTrainer(trainer())
        .setType(type())
        .setLoss(loss)
        .setIntercept(intercept())
        .setStandardization(standardization())
        .setL1(l1)
        .setL2(l2)
        .setMaxIter(maxIter())
        .setTol(tol())
        .setMethod(methodWhenBuilt(loss, l1))
        .setStepSize(stepSize())
        .setBatchFraction(miniBatchFraction())
        .setSeed(seed())
        .setWarmStart(initialModel() != null)
        .setFeatures(features)
        .setLabelNumbers(numericLabels ? labelNumbers(labelType) : null)
        .setModel(modelMaker(type(), labelType, features))
        .setDescription(description(l1, l2))
        .build();
  }

  /**
   * A classifier's labels when they are known before packing: the initial model's, or the distinct
   * text labels of {@code rows}; null when they come from the blocks (numeric labels) or there are
   * none (regression).
   */
  private @Nullable PCollection<List<String>> labelsBeforePacking(
      Schema schema, TypeName labelType, @Nullable PCollection<Row> rows) {
    if (!type().isClassifier()) {
      return null;
    }
    boolean numericLabels = FeatureColumns.isNumeric(schema.getField(labelCol()).getType());
    int maxLabels = type() == LinearModelType.SOFTMAX ? MAX_CLASSES : 2;
    PCollection<List<String>> labels = null;
    if (initialModel() != null) {
      labels =
          initialModel()
              .apply(
                  "Initial labels",
                  MapElements.into(TypeDescriptors.lists(TypeDescriptors.strings()))
                      .via(LinearModel::labelValues));
    } else if (!numericLabels) {
      labels =
          rows.apply(
              "Distinct labels",
              Combine.globally(
                  new DistinctLabels.OfRows(trainer(), labelCol(), labelType, 2, maxLabels)));
    }
    if (labels != null) {
      labels.setCoder(ListCoder.of(StringUtf8Coder.of()));
    }
    return labels;
  }

  /**
   * How rows become training blocks: text labels become class indices as they are packed. Numeric
   * labels are packed as they are, found from the blocks and mapped in the first superstep: a side
   * input would make Flink's batch mode sort every training row before packing, for a list of a few
   * labels.
   */
  private PackBlocks packing(@Nullable PCollection<List<String>> labels, boolean numericLabels) {
    PackBlocks pack = packing();
    if (labels != null && !numericLabels) {
      PCollectionView<List<String>> view = labels.apply("Labels view", View.asSingleton());
      pack = pack.withLabelValues(view);
    }
    return pack;
  }

  /** A classifier's labels, from the blocks when they were not known before packing. */
  private @Nullable PCollection<List<String>> labelsAfterPacking(
      @Nullable PCollection<List<String>> labels,
      PCollection<Block> blocks,
      TypeName labelType,
      boolean numericLabels) {
    if (!type().isClassifier() || labels != null) {
      return labels;
    }
    int maxLabels = type() == LinearModelType.SOFTMAX ? MAX_CLASSES : 2;
    return blocks
        .apply(
            "Distinct labels",
            Combine.globally(
                new DistinctLabels.OfBlocks(trainer(), labelCol(), labelType, 2, maxLabels)))
        .setCoder(ListCoder.of(StringUtf8Coder.of()));
  }

  /**
   * The loop over {@code data} (blocks, or blocks keyed by part) training {@code fits}; {@code
   * blocks} are the same blocks unkeyed, whose shape every partition needs.
   */
  private IterativeComQueue queue(
      PCollection<?> data,
      PCollection<Block> blocks,
      @Nullable PCollection<List<String>> labels,
      LinearTraining.Fits fits) {
    PCollection<double[]> shape =
        blocks
            .apply("Block shape", Combine.globally(new BlockShape()))
            .setCoder(DoubleArrayCoder.of());
    IterativeComQueue queue =
        IterativeComQueue.create(trainer())
            .initWithPartitionedData(LinearTraining.DATA, data)
            .initWithBroadcastData(LinearTraining.SHAPE, shape);
    if (labels != null) {
      queue = queue.initWithBroadcastData(LinearTraining.LABELS, labels);
    }
    if (initialModel() != null) {
      queue = queue.initWithBroadcastData(LinearTraining.INITIAL, initialModel());
    }
    queue =
        queue
            .add(new LinearEvaluate(fits))
            .add(AllReduce.sum(LinearTraining.COMM))
            .add(new LinearUpdate(fits))
            .setCompareCriterion(new LinearTraining.Converged(fits))
            .setMaxIter(fits.supersteps())
            .withSettings(iterationSettings());
    return queue;
  }

  private FeatureColumns features() {
    return FeatureColumns.of(featureCols(), vectorCol(), trainer());
  }

  /**
   * The minimizer as far as it is known when the pipeline is built: resolved for feature columns,
   * AUTO for a vector column, whose size only the data tell.
   */
  private OptimMethod methodWhenBuilt(PointwiseLoss loss, double l1) {
    return featureCols() == null
        ? optimMethod()
        : LinearTraining.resolve(optimMethod(), type(), loss, l1, featureCols().size());
  }

  /** Reads numeric class labels back from their text (no lambda: it would capture the fit). */
  private static LinearTraining.LabelNumbers labelNumbers(TypeName labelType) {
    return label -> ((Number) LabelValues.parse(label, labelType)).doubleValue();
  }

  private static LinearTraining.ModelMaker modelMaker(
      LinearModelType type, TypeName labelType, FeatureColumns features) {
    return (numFeatures, coefficients, intercepts, labels, provenance) ->
        LinearModel.of(
            type, numFeatures, coefficients, intercepts, labels, labelType, features, provenance);
  }

  /** The label type of a classifier, null for regression (whose label PackBlocks checks). */
  TypeName checkLabel(Schema schema) {
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
    if (!type().isClassifier()) {
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

  private PointwiseLoss resolveLoss() {
    if (loss() != null) {
      return loss();
    }
    return switch (type()) {
      case LOGISTIC -> new LogisticLoss();
      case SVM -> new HingeLoss();
      case REGRESSION -> new SquaredLoss();
      case SOFTMAX -> null;
    };
  }

  private void checkMethod(PointwiseLoss loss, double l1) {
    if (type() == LinearModelType.SOFTMAX && loss() != null) {
      throw new IllegalArgumentException("Softmax regression has its own loss; do not set one");
    }
    if (loss() != null && loss().isClassification() != type().isClassifier()) {
      throw new IllegalArgumentException("Loss " + loss() + " does not fit a " + type() + " model");
    }
    switch (optimMethod()) {
      case NORMAL -> {
        if (!LinearTraining.leastSquares(type(), loss)) {
          throw new IllegalArgumentException(
              "NORMAL solves least squares only (linear regression with SquaredLoss); "
                  + trainer()
                  + " with "
                  + (loss == null ? "the softmax loss" : loss)
                  + " needs LBFGS, OWLQN or NEWTON");
        }
        if (featureCols() != null && featureCols().size() > NormalEquations.MAX_FEATURES) {
          throw new IllegalArgumentException(
              "NORMAL takes at most "
                  + NormalEquations.MAX_FEATURES
                  + " features (it reduces and solves a d x d system); got "
                  + featureCols().size()
                  + " feature columns: use LBFGS or OWLQN");
        }
      }
      case LBFGS -> {
        if (l1 > 0) {
          throw new IllegalArgumentException(
              "L-BFGS cannot minimize an L1 penalty; use OWLQN (or AUTO) for l1 > 0");
        }
      }
      case NEWTON -> {
        if (l1 > 0) {
          throw new IllegalArgumentException("Newton cannot minimize an L1 penalty; use OWLQN");
        }
        if (type() == LinearModelType.SOFTMAX) {
          throw new IllegalArgumentException("Newton is not available for softmax; use LBFGS");
        }
        if (!loss.hasSecondDerivative()) {
          throw new IllegalArgumentException(
              "Newton needs a twice differentiable loss; " + loss + " is not");
        }
      }
      default -> {}
    }
  }

  private Map<String, String> description(double l1, double l2) {
    Map<String, String> d = new TreeMap<>();
    d.put("labelCol", String.valueOf(labelCol()));
    d.put("features", features().toString());
    d.put("loss", String.valueOf(loss() != null ? loss() : resolveLoss()));
    d.put("l1", Double.toString(l1));
    d.put("l2", Double.toString(l2));
    d.put("withIntercept", Boolean.toString(intercept()));
    d.put("standardization", Boolean.toString(standardization()));
    d.put("maxIter", Integer.toString(maxIter()));
    d.put("tol", Double.toString(tol()));
    d.put("optimMethod", optimMethod().name());
    if (optimMethod() == OptimMethod.SGD) {
      d.put("stepSize", Double.toString(stepSize()));
      d.put("miniBatchFraction", Double.toString(miniBatchFraction()));
    }
    if (weightCol() != null) {
      d.put("weightCol", weightCol());
    }
    if (initialModel() != null) {
      d.put("initialModel", "given");
    }
    return d;
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("trainer", trainer()));
    for (Map.Entry<String, String> e : description(l1(), l2()).entrySet()) {
      builder.add(DisplayData.item(e.getKey(), e.getValue()));
    }
  }
}
