package org.beamlink.transforms.pipeline;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.RowScorer;

/**
 * Scores rows, bounded or unbounded, with a model that is data: a {@code PCollection} holding one
 * model (typically the output of a {@code fit()}), read as a singleton side input. The output
 * schema comes from the scorer, so it is known when the pipeline is built.
 *
 * <pre>{@code
 * PCollection<KMeansModel> model = rows.apply(KMeans.fit().withK(3));
 * PCollection<Row> scored =
 *     stream.apply(ApplyModel.of(model, schema -> KMeansScorer.of(schema, "prediction", "distance")));
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

  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    RowScorer<M> scorer = scorerFactory.apply(input.getSchema());
    PCollectionView<M> view = model.apply("Model as side input", View.asSingleton());
    return input
        .apply("Score", ParDo.of(new ScoreFn<>(scorer, view)).withSideInputs(view))
        .setRowSchema(scorer.outputSchema());
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
