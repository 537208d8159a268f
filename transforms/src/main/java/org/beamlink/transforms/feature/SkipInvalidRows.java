package org.beamlink.transforms.feature;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.feature.SkippingBound;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.models.pipeline.TransformerScorer;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.LargeSingleton;

/**
 * Applies the one fitted feature model in a {@code PCollection} (a singleton side input) to bounded
 * or unbounded rows, dropping the rows it skips: what {@code StringIndexer.transform} and {@code
 * OneHotEncoder.transform} return. With a model whose {@code handleInvalid} is {@link
 * HandleInvalid#SKIP}, a row with an invalid value is dropped (counted in the {@code rowsSkipped}
 * metric); with any other policy this is {@link ApplyModel}.
 *
 * <pre>{@code
 * PCollection<StringIndexerModel> model = rows.apply(StringIndexer.fit()
 *     .withInputCols("color").withOutputCols("colorIndex").withHandleInvalid(HandleInvalid.SKIP));
 * PCollection<Row> indexed = stream.apply(StringIndexer.transform(model)); // unseen colors dropped
 * }</pre>
 *
 * @param <T> the model type
 */
public final class SkipInvalidRows<T extends Transformer>
    extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final PCollection<T> model;

  private SkipInvalidRows(PCollection<T> model) {
    this.model = model;
  }

  /** Applies the one model in {@code model}, whose coder records its schema mapping. */
  public static <T extends Transformer> SkipInvalidRows<T> of(PCollection<T> model) {
    TransformerCoder.mappingOf(model);
    return new SkipInvalidRows<>(model);
  }

  /**
   * The same scoring with rows that cannot be mapped kept in a failure output ({@link
   * ApplyModel#withFailures()}); skipped rows then go to the failure output too.
   */
  public ApplyModel.KeepingFailures<T> withFailures() {
    return ApplyModel.of(model).withFailures();
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    SchemaMapping mapping = TransformerCoder.mappingOf(model);
    Schema output = mapping.outputSchema(input.getSchema());
    LargeSingleton<T> view = LargeSingleton.of(model, "Model as side input");
    return input
        .apply(
            "Map",
            ParDo.of(new SkipFn<>(input.getSchema(), output, view)).withSideInputs(view.view()))
        .setRowSchema(output);
  }

  private static final class SkipFn<T extends Transformer> extends DoFn<Row, Row> {
    private final Schema input;
    private final Schema output;
    private final LargeSingleton<T> view;
    private final Counter skipped = Metrics.counter(SkipInvalidRows.class, "rowsSkipped");
    private transient T boundModel;
    private transient Transformer.Bound bound;

    SkipFn(Schema input, Schema output, LargeSingleton<T> view) {
      this.input = input;
      this.output = output;
      this.view = view;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      T m = view.get(c);
      if (m != boundModel) {
        Transformer.Bound b = TransformerScorer.bindExpecting(m, input, output);
        bound = b;
        boundModel = m;
      }
      Row out =
          bound instanceof SkippingBound s ? s.applyOrSkip(c.element()) : bound.apply(c.element());
      if (out == null) {
        skipped.inc();
        return;
      }
      c.output(out);
    }
  }
}
