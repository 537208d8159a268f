package org.beamlink.transforms.online;

import com.google.auto.value.AutoValue;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelCoder;
import org.beamlink.models.online.FtrlExample;
import org.beamlink.models.online.FtrlLearner;
import org.beamlink.models.online.FtrlParams;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/**
 * Online training of a binary logistic model with FTRL-Proximal (McMahan et al. 2013, "Ad Click
 * Prediction: a View from the Trenches", Algorithm 1; Alink's {@code FtrlTrainStreamOp}): labelled
 * rows in, bounded or unbounded, a stream of model versions out. The update rule, the mini-batch
 * semantics and the way the initial model seeds the accumulators are {@link FtrlLearner}'s, the
 * pure-Java core this transform runs; {@code FtrlLearner} also trains and scores without a runner.
 *
 * <h3>Design: one writer</h3>
 *
 * <p>Alink trains with a Flink iteration: gradient workers send partial results to an updater that
 * feeds the new weights back. Beam has no loops, so a worker cannot receive a model from a step
 * downstream of it. Instead the model lives in the state of <em>one</em> stateful {@code DoFn} on a
 * single key:
 *
 * <ul>
 *   <li>Parsing rows (label lookup, feature extraction, checks) runs in parallel upstream; the
 *       examples are then sent to key 0 in chunks of up to 256 from one bundle, in order, so the
 *       keyed step's per-element costs are paid per chunk (this made training on embedded Flink
 *       several times faster; see the README's figures). With an initial model given as a value,
 *       the parse step needs no side input, so Flink runs it in the task before it instead of
 *       serializing every row to a task of its own.
 *   <li>The keyed step holds the sparse accumulators and counters in a {@code ValueState} with a
 *       deterministic coder, the pending mini-batch in a {@code BagState}, a processing-time timer
 *       for {@link Train#withEmitEveryDuration} and an end-of-window (event-time) timer that trains
 *       on a partial mini-batch and emits a final version when a bounded input ends. Flink
 *       checkpoints this state, so training is exactly-once where the runner is.
 *   <li>Parallelism inside the step: a mini-batch's gradients are computed by {@link
 *       Train#withThreads} threads, each on a contiguous share of the batch, all at the weights of
 *       the batch's start; the shares are summed in a fixed order and applied as one update.
 * </ul>
 *
 * <p>Consistency: there is one writer. Updates are serialized by the key, every gradient of a
 * mini-batch is computed at the same weights, and no example sees a half-applied update, so for a
 * fixed batch composition and thread count the result is deterministic. The order in which examples
 * reach the key is the runner's arrival order: training reproduces exactly (and, with mini-batches
 * of 1, equals sequential FTRL over the input in that order) when the input's order is fixed, e.g.
 * at parallelism 1 or from an ordered source; at higher parallelism the interleaving of upstream
 * workers may differ between runs. The single key bounds throughput by one core (the target
 * is 200k examples per second for 20 non-zeros), and the model must fit in one worker's memory.
 *
 * <h3>Versions</h3>
 *
 * <p>Version 0 is the initial model (source {@code "initial"}); then 1, 2, ... (source {@code
 * "FTRL"}), each after the mini-batch that takes the examples trained past a multiple of {@link
 * Train#withEmitEvery}, when the processing-time timer of {@link Train#withEmitEveryDuration} fires
 * (after training on the partial mini-batch, so a version is never older than the duration), and at
 * the end of a bounded input, each only when examples were trained since the last version. {@link
 * ModelVersion#examples()} is the total trained on, with the earliest and latest event time among
 * them. A version is a {@link LinearModel} of type LOGISTIC with the initial model's labels, label
 * type and features, and a provenance (trainer FTRL, the settings, the version number as
 * iterations, the examples as rows, the mean progressive log loss as loss). Versions are dense:
 * each costs {@code numFeatures} doubles to build, encode and send (128 MB at 2^24 hashed
 * features), so emit them rarely for large models. Versions are in the global window; a version
 * emitted by count is stamped with the latest event time among the examples it has trained on (so a
 * row stamped before it was not one of them: progressive validation with {@code
 * ApplyModel.ofVersions(..).inEventTimeOrder()} holds); one emitted by the processing-time timer
 * carries the timestamp of the chunk that set the timer, the final one the end of the global
 * window.
 *
 * <h3>Bad input</h3>
 *
 * <p>A label that is not one of the initial model's two labels, a null label, a null, NaN or
 * infinite feature, or a vector of another size than the model's fails the job with the column,
 * value and row named; with {@link Train#withFailures()} such rows go to a failure output ({@link
 * ApplyModel#failureSchema}: the row and the reason) and count in the metric {@code
 * Ftrl.rowsRejected}, and the stream keeps running. Nothing is dropped silently. Missing or
 * mistyped columns fail at construction (when the features come from a model given as a {@code
 * PCollection} without {@code withVectorCol}/{@code withFeatureCols}, at the first row).
 *
 * <pre>{@code
 * PCollection<LinearModel> initial = history.apply(LogisticRegression.fit().withLabelCol("click")
 *     .withVectorCol("features"));
 * PCollection<ModelVersion<LinearModel>> versions =
 *     clicks.apply(Ftrl.train(initial).withLabelCol("click").withVectorCol("features")
 *         .withAlpha(0.05).withL1(1.0).withMiniBatchSize(64).withThreads(2)
 *         .withEmitEveryDuration(Duration.standardSeconds(10)));
 * }</pre>
 */
public final class Ftrl {
  private Ftrl() {}

  /**
   * Trains from {@code initialModel}, a LOGISTIC model (e.g. from {@code LogisticRegression}, or
   * all zeros); its features are the default feature columns.
   */
  public static Train train(LinearModel initialModel) {
    FtrlLearner.checkInitialModel(initialModel);
    return defaults().setFixedModel(initialModel).build();
  }

  /**
   * Trains from the one LOGISTIC model in {@code initialModel} (bounded, e.g. the output of {@code
   * LogisticRegression.fit()}), read as a side input: training waits for it. Its coder must be a
   * {@link LinearModelCoder}, which tells the label type when the pipeline is built.
   */
  public static Train train(PCollection<LinearModel> initialModel) {
    return defaults().setModelCollection(initialModel).build();
  }

  private static Train.Builder defaults() {
    return new AutoValue_Ftrl_Train.Builder().setParams(FtrlParams.defaults());
  }

  /**
   * {@link Ftrl}'s trainer; see the class documentation for the design and the versions.
   *
   * <p>Parameters (defaults in brackets): {@code labelCol} (required), {@code vectorCol} or {@code
   * featureCols} (the initial model's features), {@code alpha} (0.1), {@code beta} (1.0), {@code
   * l1} (0.1), {@code l2} (0.1), {@code withIntercept} (true), {@code miniBatchSize} (1), {@code
   * threads} (1, at most {@code miniBatchSize}), {@code emitEvery} examples and/or {@code
   * emitEveryDuration} of processing time (every 10000 examples when neither is set).
   */
  @AutoValue
  public abstract static class Train
      extends PTransform<PCollection<Row>, PCollection<ModelVersion<LinearModel>>> {
    /** Examples between versions when no emission setting is given. */
    public static final long DEFAULT_EMIT_EVERY = 10_000;

    private static final TupleTag<ModelVersion<LinearModel>> VERSIONS =
        new TupleTag<ModelVersion<LinearModel>>() {};

    abstract @Nullable LinearModel fixedModel();

    abstract @Nullable PCollection<LinearModel> modelCollection();

    abstract @Nullable String labelCol();

    abstract @Nullable List<String> featureCols();

    abstract @Nullable String vectorCol();

    abstract FtrlParams params();

    abstract @Nullable Long emitEvery();

    abstract @Nullable Duration emitEveryDuration();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setFixedModel(@Nullable LinearModel model);

      abstract Builder setModelCollection(@Nullable PCollection<LinearModel> model);

      abstract Builder setLabelCol(@Nullable String col);

      abstract Builder setFeatureCols(@Nullable List<String> cols);

      abstract Builder setVectorCol(@Nullable String col);

      abstract Builder setParams(FtrlParams params);

      abstract Builder setEmitEvery(@Nullable Long examples);

      abstract Builder setEmitEveryDuration(@Nullable Duration duration);

      abstract Train build();
    }

    /** The label column (required): one of the initial model's two labels in every row. */
    public Train withLabelCol(String col) {
      if (col == null || col.isEmpty()) {
        throw new IllegalArgumentException("Expected a label column name, got none");
      }
      return toBuilder().setLabelCol(col).build();
    }

    /** Features from this vector column (dense or sparse); default the initial model's. */
    public Train withVectorCol(String col) {
      FeatureColumns.ofVector(col);
      return toBuilder().setVectorCol(col).setFeatureCols(null).build();
    }

    /** Features from these numeric columns; default the initial model's. */
    public Train withFeatureCols(String... cols) {
      FeatureColumns.of(List.of(cols));
      return toBuilder().setFeatureCols(List.of(cols)).setVectorCol(null).build();
    }

    /** The learning rate's scale, above 0; default 0.1. */
    public Train withAlpha(double alpha) {
      return toBuilder().setParams(params().withAlpha(alpha)).build();
    }

    /** The learning rate's smoothing, at least 0; default 1.0. */
    public Train withBeta(double beta) {
      return toBuilder().setParams(params().withBeta(beta)).build();
    }

    /** The L1 penalty, at least 0; default 0.1. */
    public Train withL1(double l1) {
      return toBuilder().setParams(params().withL1(l1)).build();
    }

    /** The L2 penalty, at least 0; default 0.1. */
    public Train withL2(double l2) {
      return toBuilder().setParams(params().withL2(l2)).build();
    }

    /**
     * Whether to train the intercept (penalized like the other weights); default true. When false
     * it stays at the initial model's intercept.
     */
    public Train withIntercept(boolean intercept) {
      return toBuilder().setParams(params().withIntercept(intercept)).build();
    }

    /** Examples per model update, at least 1; default 1 (Algorithm 1 exactly). */
    public Train withMiniBatchSize(int miniBatchSize) {
      return toBuilder().setParams(params().withMiniBatchSize(miniBatchSize)).build();
    }

    /**
     * Threads computing a mini-batch's gradients, at least 1 and at most {@code miniBatchSize};
     * default 1. The result depends on the number of threads only through the order of sums.
     */
    public Train withThreads(int threads) {
      return toBuilder().setParams(params().withThreads(threads)).build();
    }

    /**
     * Emits a version each time the examples trained pass a multiple of {@code examples} (>= 1).
     */
    public Train withEmitEvery(long examples) {
      if (examples < 1) {
        throw new IllegalArgumentException("Expected emitEvery >= 1, got " + examples);
      }
      return toBuilder().setEmitEvery(examples).build();
    }

    /**
     * Emits a version {@code duration} of processing time (above 0) after the first example trained
     * since the last timer (the DirectRunner fires it only with {@code TestStream}'s processing
     * time, and FlinkRunner's batch mode never).
     */
    public Train withEmitEveryDuration(Duration duration) {
      if (duration == null || duration.getMillis() <= 0) {
        throw new IllegalArgumentException("Expected emitEveryDuration > 0, got " + duration);
      }
      return toBuilder().setEmitEveryDuration(duration).build();
    }

    /** The same training, with rows it cannot learn from kept in a failure output. */
    public KeepingFailures withFailures() {
      return new KeepingFailures(this);
    }

    @Override
    public PCollection<ModelVersion<LinearModel>> expand(PCollection<Row> input) {
      return build(input, false).get(VERSIONS);
    }

    /** The label type the versions predict, known when the pipeline is built. */
    private TypeName labelType() {
      if (fixedModel() != null) {
        return fixedModel().labelType();
      }
      TypeName type = LinearModelCoder.labelTypeOf(modelCollection());
      if (type == null) {
        throw new IllegalArgumentException(
            "Ftrl: the initial model is a regression model; FTRL trains binary logistic models");
      }
      return type;
    }

    PCollectionTuple build(PCollection<Row> input, boolean keepFailures) {
      Schema schema = input.getSchema();
      checkLabel(schema);
      FeatureColumns features = features();
      if (features != null) {
        FeatureColumns.Bound bound = features.bind(schema);
        if (fixedModel() != null
            && bound.dimension() >= 0
            && bound.dimension() != fixedModel().numFeatures()) {
          throw new IllegalArgumentException(
              "Features from "
                  + features
                  + " have "
                  + bound.dimension()
                  + " columns but the initial model has "
                  + fixedModel().numFeatures()
                  + " features");
        }
      }
      FtrlParams params = params();
      FtrlLearner.checkParams(params);
      if (params.threads() > params.miniBatchSize()) {
        throw new IllegalArgumentException(
            "Expected threads <= miniBatchSize, got "
                + params.threads()
                + " threads for mini-batches of "
                + params.miniBatchSize());
      }
      Long every = emitEvery();
      if (every == null && emitEveryDuration() == null) {
        every = DEFAULT_EMIT_EVERY;
      }
      TypeName labelType = labelType();
      LinearModelCoder modelCoder = LinearModelCoder.of(labelType);
      PCollection<LinearModel> initial =
          fixedModel() != null
              ? input
                  .getPipeline()
                  .apply("Initial model", Create.of(fixedModel()).withCoder(modelCoder))
              : modelCollection();
      PCollectionView<LinearModel> view = initial.apply("Initial model view", View.asSingleton());
      Schema failureSchema = keepFailures ? ApplyModel.failureSchema(schema) : null;
      KvCoder<Integer, List<FtrlExample>> exampleCoder =
          KvCoder.of(VarIntCoder.of(), ListCoder.of(FtrlExample.Coder.of()));
      // A fixed initial model's rules travel with the parse step, which then needs no side input.
      ParDo.MultiOutput<Row, KV<Integer, List<FtrlExample>>> parse =
          fixedModel() != null
              ? ParDo.of(
                      FtrlParseFn.of(
                          FtrlParseFn.Rules.of(fixedModel()),
                          features,
                          labelCol(),
                          schema,
                          failureSchema))
                  .withOutputTags(FtrlParseFn.EXAMPLES, TupleTagList.of(FtrlParseFn.FAILED))
              : ParDo.of(FtrlParseFn.of(view, features, labelCol(), schema, failureSchema))
                  .withSideInputs(view)
                  .withOutputTags(FtrlParseFn.EXAMPLES, TupleTagList.of(FtrlParseFn.FAILED));
      PCollectionTuple parsed =
          input
              .apply("Global window", Window.into(new GlobalWindows()))
              .apply("Parse examples", parse);
      PCollection<KV<Integer, List<FtrlExample>>> examples =
          parsed.get(FtrlParseFn.EXAMPLES).setCoder(exampleCoder);
      parsed.get(FtrlParseFn.FAILED).setRowSchema(ApplyModel.failureSchema(schema));
      PCollection<KV<Integer, List<FtrlExample>>> start =
          input
              .getPipeline()
              .apply("Start", Impulse.create())
              .apply("Start signal", ParDo.of(new StartFn()))
              .setCoder(exampleCoder);
      PCollection<ModelVersion<LinearModel>> versions =
          PCollectionList.of(start)
              .and(examples)
              .apply("Start and examples", Flatten.pCollections())
              .apply(
                  "Train",
                  ParDo.of(new FtrlTrainFn(view, labelType, params, every, emitEveryDuration()))
                      .withSideInputs(view))
              .setCoder(ModelVersion.Coder.of(modelCoder));
      return PCollectionTuple.of(VERSIONS, versions)
          .and(FtrlParseFn.FAILED, parsed.get(FtrlParseFn.FAILED));
    }

    private @Nullable FeatureColumns features() {
      if (featureCols() != null || vectorCol() != null) {
        return FeatureColumns.of(featureCols(), vectorCol(), "Ftrl");
      }
      return fixedModel() != null ? fixedModel().features() : null;
    }

    private void checkLabel(Schema schema) {
      if (labelCol() == null) {
        throw new IllegalArgumentException("Ftrl needs a label column: set withLabelCol(..)");
      }
      if (!schema.hasField(labelCol())) {
        throw new IllegalArgumentException(
            "Label column '"
                + labelCol()
                + "' not found; the input has columns "
                + schema.getFieldNames());
      }
      Schema.FieldType type = schema.getField(labelCol()).getType();
      if (!LabelValues.isLabelType(type)) {
        throw new IllegalArgumentException(
            "Label column '"
                + labelCol()
                + "' has type "
                + type
                + "; expected a string, boolean or number");
      }
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.addIfNotNull(DisplayData.item("labelCol", labelCol()));
      FeatureColumns features = features();
      if (features != null) {
        builder.add(DisplayData.item("features", features.toString()));
      }
      for (Map.Entry<String, String> e : params().describe().entrySet()) {
        builder.add(DisplayData.item(e.getKey(), e.getValue()));
      }
      builder.addIfNotNull(DisplayData.item("emitEvery", emitEvery()));
      if (emitEveryDuration() != null) {
        builder.add(DisplayData.item("emitEveryDuration", emitEveryDuration()));
      }
    }
  }

  /**
   * {@link Train} with a failure output; see {@link Train#withFailures()}.
   *
   * <pre>{@code
   * WithFailures.Result<PCollection<ModelVersion<LinearModel>>, Row> result =
   *     clicks.apply(Ftrl.train(initial).withLabelCol("click").withFailures());
   * result.output();   // the versions
   * result.failures(); // rows with fields "row" and "error"
   * }</pre>
   */
  public static final class KeepingFailures
      extends PTransform<
          PCollection<Row>, WithFailures.Result<PCollection<ModelVersion<LinearModel>>, Row>> {
    private final Train train;

    private KeepingFailures(Train train) {
      this.train = train;
    }

    @Override
    public WithFailures.Result<PCollection<ModelVersion<LinearModel>>, Row> expand(
        PCollection<Row> input) {
      return WithFailures.Result.of(train.build(input, true), Train.VERSIONS, FtrlParseFn.FAILED);
    }
  }

  /** Emits the start signal: an empty chunk of examples under the training key. */
  private static final class StartFn extends DoFn<byte[], KV<Integer, List<FtrlExample>>> {
    @ProcessElement
    public void process(OutputReceiver<KV<Integer, List<FtrlExample>>> out) {
      out.output(KV.of(0, List.of()));
    }
  }
}
