package org.beamlink.transforms.pipeline;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.beamlink.models.RowScorer;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.models.pipeline.TransformerScorer;
import org.beamlink.models.rows.OutputColumns;

/**
 * Scores rows, bounded or unbounded, with a model that is data: a {@code PCollection} holding one
 * model (typically the output of a {@code fit()}), read as a singleton side input. The output
 * schema comes from the scorer, so it is known when the pipeline is built.
 *
 * <p>A row the model cannot score (a null or NaN feature, a vector of the wrong size) fails the job
 * with a message naming the column and row; with {@link #withFailures()} it goes to a failure
 * output instead, whole, beside the error ({@link #failureSchema}).
 *
 * <p>Fitted models are {@link Transformer}s that carry their output columns: {@link
 * #of(PCollection)} applies one as it is (a pipeline model, a scaler model), {@link
 * #of(PCollection, SchemaMapping, SerializableFunction)} first gives it the columns to write (what
 * {@code KMeans.predict} and {@code LinearPredict} do). Both score through {@link
 * TransformerScorer}, as model streams ({@link #ofVersions}) do.
 *
 * <pre>{@code
 * PCollection<KMeansModel> model = rows.apply(KMeans.fit().withK(3));
 * OutputColumns cols = OutputColumns.of("cluster", "distance");
 * PCollection<Row> scored = stream.apply(ApplyModel.of(model,
 *     in -> KMeansModel.outputSchema(in, cols), m -> m.withOutputCols("cluster", "distance")));
 * WithFailures.Result<PCollection<Row>, Row> result =
 *     stream.apply(ApplyModel.of(pipelineModel).withFailures());
 * result.failures(); // rows with fields "row" (the input row) and "error"
 * }</pre>
 *
 * @param <M> the model type
 */
public final class ApplyModel<M> extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final PCollection<M> model;
  private final SerializableFunction<Schema, ? extends RowScorer<M>> scorerFactory;

  private ApplyModel(
      PCollection<M> model, SerializableFunction<Schema, ? extends RowScorer<M>> scorerFactory) {
    this.model = model;
    this.scorerFactory = scorerFactory;
  }

  /** Scores with the one model in {@code model}, using a scorer made for the input's schema. */
  public static <M> ApplyModel<M> of(
      PCollection<M> model, SerializableFunction<Schema, ? extends RowScorer<M>> scorerFactory) {
    return new ApplyModel<>(model, scorerFactory);
  }

  /**
   * Scores with the one fitted stage in {@code model} (a pipeline model, a scaler model, ...),
   * whose coder records the stage's schema mapping, as {@code fit()} and {@code ReadModel} set it.
   */
  public static <T extends Transformer> ApplyModel<T> of(PCollection<T> model) {
    SchemaMapping mapping = TransformerCoder.mappingOf(model);
    return new ApplyModel<>(model, schema -> TransformerScorer.of(mapping, schema));
  }

  /**
   * Scores with the one model in {@code model} as the stage {@code asStage} makes of it (the model
   * given its output columns), a stage that maps schemas as {@code mapping} does.
   */
  public static <M> ApplyModel<M> of(
      PCollection<M> model,
      SchemaMapping mapping,
      SerializableFunction<M, ? extends Transformer> asStage) {
    return new ApplyModel<>(model, schema -> TransformerScorer.of(mapping, schema, asStage));
  }

  /**
   * Scores with a model stream: each row with the newest version of the model that has reached it,
   * its number in an appended column {@code modelVersion}. See {@link Versions}.
   */
  public static <M> Versions<M> ofVersions(
      PCollection<ModelVersion<M>> versions,
      SerializableFunction<Schema, ? extends RowScorer<M>> scorerFactory) {
    return new Versions<>(versions, scorerFactory, "modelVersion", Versions.DEFAULT_SHARDS, false);
  }

  /**
   * Scores with a stream of versions of a fitted stage (a pipeline model, a scaler model, ...),
   * whose coder ({@code ModelVersion.Coder} of a {@code TransformerCoder}) records the stage's
   * schema mapping, as {@code ReadModel.watch} sets it.
   */
  public static <T extends Transformer> Versions<T> ofVersions(
      PCollection<ModelVersion<T>> versions) {
    if (!(versions.getCoder() instanceof ModelVersion.Coder<T> coder)) {
      throw new IllegalArgumentException(
          "Cannot tell the output schema of the versions in "
              + versions
              + ": set its coder to ModelVersion.Coder.of(TransformerCoder.of(type, mapping))");
    }
    SchemaMapping mapping = TransformerCoder.mappingOf(coder.modelCoder(), versions.toString());
    return ofVersions(versions, schema -> TransformerScorer.of(mapping, schema));
  }

  /**
   * Scores with a model stream, each version as the stage {@code asStage} makes of it (the model
   * given its output columns), a stage that maps schemas as {@code mapping} does. See {@link
   * Versions}.
   */
  public static <M> Versions<M> ofVersions(
      PCollection<ModelVersion<M>> versions,
      SchemaMapping mapping,
      SerializableFunction<M, ? extends Transformer> asStage) {
    return ofVersions(versions, schema -> TransformerScorer.of(mapping, schema, asStage));
  }

  /** The same scoring, with rows the model cannot score kept in a failure output. */
  public KeepingFailures<M> withFailures() {
    return new KeepingFailures<>(this);
  }

  /** The schema of failure rows: the input row, whole, and why it could not be scored. */
  public static Schema failureSchema(Schema inputSchema) {
    return Schema.builder().addRowField("row", inputSchema).addStringField("error").build();
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    RowScorer<M> scorer = scorerFactory.apply(input.getSchema());
    LargeSingleton<M> view = LargeSingleton.of(model, "Model as side input");
    return input
        .apply("Score", ParDo.of(new ScoreFn<>(scorer, view)).withSideInputs(view.view()))
        .setRowSchema(scorer.outputSchema());
  }

  /**
   * {@link ApplyModel} with a failure output; see {@link ApplyModel#withFailures()}.
   *
   * @param <M> the model type
   */
  public static final class KeepingFailures<M>
      extends PTransform<PCollection<Row>, WithFailures.Result<PCollection<Row>, Row>> {
    private final ApplyModel<M> apply;

    private KeepingFailures(ApplyModel<M> apply) {
      this.apply = apply;
    }

    @Override
    public WithFailures.Result<PCollection<Row>, Row> expand(PCollection<Row> input) {
      RowScorer<M> scorer = apply.scorerFactory.apply(input.getSchema());
      LargeSingleton<M> view = LargeSingleton.of(apply.model, "Model as side input");
      Schema failureSchema = failureSchema(input.getSchema());
      PCollectionTuple out =
          input.apply(
              "Score",
              ParDo.of(new ScoreOrKeepFn<>(scorer, view, failureSchema))
                  .withSideInputs(view.view())
                  .withOutputTags(ScoreOrKeepFn.SCORED, TupleTagList.of(ScoreOrKeepFn.FAILED)));
      out.get(ScoreOrKeepFn.SCORED).setRowSchema(scorer.outputSchema());
      out.get(ScoreOrKeepFn.FAILED).setRowSchema(failureSchema);
      return WithFailures.Result.of(out, ScoreOrKeepFn.SCORED, ScoreOrKeepFn.FAILED);
    }
  }

  private static final class ScoreOrKeepFn<M> extends DoFn<Row, Row> {
    static final TupleTag<Row> SCORED = new TupleTag<Row>() {};
    static final TupleTag<Row> FAILED = new TupleTag<Row>() {};

    private final RowScorer<M> scorer;
    private final LargeSingleton<M> view;
    private final Schema failureSchema;
    private final Counter failures = Metrics.counter(ApplyModel.class, "rowsFailed");

    ScoreOrKeepFn(RowScorer<M> scorer, LargeSingleton<M> view, Schema failureSchema) {
      this.scorer = scorer;
      this.view = view;
      this.failureSchema = failureSchema;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Row row = c.element();
      M model = view.get(c);
      Row scored;
      try {
        scored = scorer.score(model, row);
      } catch (IllegalArgumentException e) {
        failures.inc();
        c.output(FAILED, Row.withSchema(failureSchema).addValues(row, e.getMessage()).build());
        return;
      }
      c.output(scored);
    }
  }

  private static final class ScoreFn<M> extends DoFn<Row, Row> {
    private final RowScorer<M> scorer;
    private final LargeSingleton<M> view;

    ScoreFn(RowScorer<M> scorer, LargeSingleton<M> view) {
      this.scorer = scorer;
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(scorer.score(view.get(c), c.element()));
    }
  }

  /**
   * Prediction with a model stream: rows, bounded or unbounded, scored each with the newest version
   * of the model that has reached it, and the version's number appended (column {@code
   * modelVersion}, INT64). Made by {@link ApplyModel#ofVersions}.
   *
   * <p>How it works: Beam has no side input that changes in step with the main input, so rows and
   * versions meet in one keyed stream. Rows are spread over {@link #withShards shards} (keys);
   * every version is copied to every shard. On each shard a stateful step keeps the newest version
   * it has seen (in Beam state, so Flink checkpoints it) and scores each row as it arrives: a row
   * is scored by the newest version that arrived at its shard before it, a version never replaces a
   * newer one, and rows that arrive before any version wait for the first one (in state, holding
   * the watermark). A stream that ends with rows still waiting fails them ("No model version
   * arrived ..."). Each version is copied to every shard, so a large model (for instance a linear
   * model of 2^24 coefficients) costs its size times the shard count per version.
   *
   * <p>Arrival order is what the runner makes it: on the DirectRunner, the order of a test stream;
   * on Flink, rows and versions travel different network channels, so a version emitted just before
   * a row may reach the shard just after it. {@link #inEventTimeOrder()} gives a result that does
   * not depend on arrival.
   *
   * <p>Rows keep their timestamps and windows. Rows the model cannot score (or that no version
   * reached) fail the job with a message naming the column and row; with {@link #withFailures()}
   * they go to a failure output instead ({@link ApplyModel#failureSchema}).
   *
   * <pre>{@code
   * PCollection<ModelVersion<LinearModel>> versions = examples.apply(Ftrl.train(initialModel));
   * PCollection<Row> scored =
   *     events.apply(ApplyModel.ofVersions(versions,
   *         schema -> LinearScorer.classifier(schema, TypeName.STRING, "prediction", "detail")));
   * PCollection<Row> nightly =
   *     events.apply(ApplyModel.ofVersions(p.apply(ReadModel.watch("/models/*.blm",
   *         Duration.standardMinutes(1)))));
   * }</pre>
   *
   * @param <M> the model type
   */
  public static final class Versions<M> extends PTransform<PCollection<Row>, PCollection<Row>> {
    static final int DEFAULT_SHARDS = 4;

    private final PCollection<ModelVersion<M>> versions;
    private final SerializableFunction<Schema, ? extends RowScorer<M>> scorerFactory;
    private final String versionCol;
    private final int shards;
    private final boolean eventTimeOrder;

    private Versions(
        PCollection<ModelVersion<M>> versions,
        SerializableFunction<Schema, ? extends RowScorer<M>> scorerFactory,
        String versionCol,
        int shards,
        boolean eventTimeOrder) {
      this.versions = versions;
      this.scorerFactory = scorerFactory;
      this.versionCol = versionCol;
      this.shards = shards;
      this.eventTimeOrder = eventTimeOrder;
    }

    /** Name of the appended version column; default "modelVersion". */
    public Versions<M> withVersionCol(String col) {
      if (col == null || col.isEmpty()) {
        throw new IllegalArgumentException("Expected a column name, got '" + col + "'");
      }
      return new Versions<>(versions, scorerFactory, col, shards, eventTimeOrder);
    }

    /**
     * Keys the rows are spread over, each keeping its own copy of the newest version; default 4.
     * More shards spread scoring over more workers and cost one more copy of each version each.
     */
    public Versions<M> withShards(int shards) {
      if (shards < 1) {
        throw new IllegalArgumentException("Expected shards >= 1, got " + shards);
      }
      return new Versions<>(versions, scorerFactory, versionCol, shards, eventTimeOrder);
    }

    /**
     * Scores each row with the newest version stamped (by its element timestamp) at or before the
     * row's event time, instead of the newest that arrived before it: the same result on every
     * runner whatever the order of arrival, at the cost of holding each row until the watermark
     * passes the end of its second of event time. A row earlier than every version gets the
     * earliest one.
     */
    public Versions<M> inEventTimeOrder() {
      return new Versions<>(versions, scorerFactory, versionCol, shards, true);
    }

    /** The same scoring, with rows that cannot be scored kept in a failure output. */
    public PTransform<PCollection<Row>, WithFailures.Result<PCollection<Row>, Row>> withFailures() {
      Versions<M> self = this;
      return new PTransform<>() {
        @Override
        public WithFailures.Result<PCollection<Row>, Row> expand(PCollection<Row> input) {
          PCollectionTuple out = self.scoreAll(input, true);
          return WithFailures.Result.of(out, ScoreWithNewestFn.SCORED, ScoreWithNewestFn.FAILED);
        }
      };
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> input) {
      return scoreAll(input, false).get(ScoreWithNewestFn.SCORED);
    }

    private PCollectionTuple scoreAll(PCollection<Row> input, boolean keepFailures) {
      RowScorer<M> scorer = scorerFactory.apply(input.getSchema());
      Schema outputSchema =
          OutputColumns.append(
              scorer.outputSchema(), Schema.Field.of(versionCol, Schema.FieldType.INT64));
      Schema failureSchema = failureSchema(input.getSchema());
      Coder<ModelVersion<M>> versionCoder = versions.getCoder();
      UnionCoder unionCoder = UnionCoder.of(List.of(input.getCoder(), versionCoder));
      KvCoder<Integer, RawUnionValue> keyedCoder = KvCoder.of(VarIntCoder.of(), unionCoder);
      PCollection<KV<Integer, RawUnionValue>> rows =
          input
              .apply("Rows in the global window", Window.into(new GlobalWindows()))
              .apply("Spread rows over shards", ParDo.of(new SpreadFn(shards)))
              .setCoder(keyedCoder);
      PCollection<KV<Integer, RawUnionValue>> copies =
          versions
              .apply("Versions in the global window", Window.into(new GlobalWindows()))
              .apply("Copy versions to every shard", ParDo.of(new CopyFn<>(shards)))
              .setCoder(keyedCoder);
      PCollectionTuple out =
          PCollectionList.of(rows)
              .and(copies)
              .apply("Rows and versions", Flatten.pCollections())
              .setCoder(keyedCoder)
              .apply(
                  "Score with the newest version",
                  ParDo.of(
                          new ScoreWithNewestFn<>(
                              scorer,
                              outputSchema,
                              failureSchema,
                              keepFailures,
                              eventTimeOrder,
                              versionCoder,
                              input.getSchema()))
                      .withOutputTags(
                          ScoreWithNewestFn.SCORED, TupleTagList.of(ScoreWithNewestFn.FAILED)));
      WindowingStrategy<?, ?> windowing = input.getWindowingStrategy();
      @SuppressWarnings("unchecked")
      WindowFn<Row, ?> windowFn = (WindowFn<Row, ?>) windowing.getWindowFn();
      PCollection<Row> scored =
          out.get(ScoreWithNewestFn.SCORED)
              .setRowSchema(outputSchema)
              .apply("Back into the input's windows", Window.into(windowFn));
      scored.setWindowingStrategyInternal(windowing);
      PCollection<Row> failed =
          out.get(ScoreWithNewestFn.FAILED)
              .setRowSchema(failureSchema)
              .apply("Failures into the input's windows", Window.into(windowFn));
      failed.setWindowingStrategyInternal(windowing);
      return PCollectionTuple.of(ScoreWithNewestFn.SCORED, scored)
          .and(ScoreWithNewestFn.FAILED, failed);
    }
  }

  /** Keys rows round-robin over the shards, starting at a different shard in each bundle. */
  private static final class SpreadFn extends DoFn<Row, KV<Integer, RawUnionValue>> {
    private final int shards;
    private int next;

    SpreadFn(int shards) {
      this.shards = shards;
    }

    @StartBundle
    public void startBundle() {
      next = Math.floorMod(System.identityHashCode(this) + next, shards);
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<Integer, RawUnionValue>> out) {
      out.output(KV.of(next, new RawUnionValue(0, row)));
      next = next + 1 == shards ? 0 : next + 1;
    }
  }

  /** Sends every version to every shard. */
  private static final class CopyFn<M> extends DoFn<ModelVersion<M>, KV<Integer, RawUnionValue>> {
    private final int shards;

    CopyFn(int shards) {
      this.shards = shards;
    }

    @ProcessElement
    public void process(
        @Element ModelVersion<M> version, OutputReceiver<KV<Integer, RawUnionValue>> out) {
      for (int shard = 0; shard < shards; shard++) {
        out.output(KV.of(shard, new RawUnionValue(1, version)));
      }
    }
  }
}
