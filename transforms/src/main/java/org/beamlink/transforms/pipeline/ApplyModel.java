package org.beamlink.transforms.pipeline;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.beamlink.models.RowScorer;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.models.pipeline.TransformerScorer;

/**
 * Scores rows, bounded or unbounded, with a model that is data: a {@code PCollection} holding one
 * model (typically the output of a {@code fit()}), read as a singleton side input. The output
 * schema comes from the scorer, so it is known when the pipeline is built.
 *
 * <p>A row the model cannot score (a null or NaN feature, a vector of the wrong size) fails the job
 * with a message naming the column and row; with {@link #withFailures()} it goes to a failure
 * output instead, whole, beside the error ({@link #failureSchema}).
 *
 * <pre>{@code
 * PCollection<KMeansModel> model = rows.apply(KMeans.fit().withK(3));
 * PCollection<Row> scored =
 *     stream.apply(ApplyModel.of(model, schema -> KMeansScorer.of(schema, "prediction", "distance")));
 * WithFailures.Result<PCollection<Row>, Row> result =
 *     stream.apply(ApplyModel.of(model, factory).withFailures());
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
    PCollectionView<M> view = model.apply("Model as side input", View.asSingleton());
    return input
        .apply("Score", ParDo.of(new ScoreFn<>(scorer, view)).withSideInputs(view))
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
      PCollectionView<M> view = apply.model.apply("Model as side input", View.asSingleton());
      Schema failureSchema = failureSchema(input.getSchema());
      PCollectionTuple out =
          input.apply(
              "Score",
              ParDo.of(new ScoreOrKeepFn<>(scorer, view, failureSchema))
                  .withSideInputs(view)
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
    private final PCollectionView<M> view;
    private final Schema failureSchema;
    private final Counter failures = Metrics.counter(ApplyModel.class, "rowsFailed");

    ScoreOrKeepFn(RowScorer<M> scorer, PCollectionView<M> view, Schema failureSchema) {
      this.scorer = scorer;
      this.view = view;
      this.failureSchema = failureSchema;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Row row = c.element();
      Row scored;
      try {
        scored = scorer.score(c.sideInput(view), row);
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
    private final PCollectionView<M> view;

    ScoreFn(RowScorer<M> scorer, PCollectionView<M> view) {
      this.scorer = scorer;
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(scorer.score(c.sideInput(view), c.element()));
    }
  }
}
