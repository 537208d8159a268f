package org.beamlink.transforms.feature;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;

/**
 * A combine whose output is one fitted stage, or null when there was nothing to fit on. Beam asks a
 * global combine for its output on empty input when the pipeline is built ({@code defaultValue}),
 * so the combine cannot fail there; {@link #fitGlobally} fails at run time instead, with the
 * estimator's message, in a step after the combine.
 *
 * @param <InputT> the combined elements
 * @param <AccumT> the accumulator
 * @param <M> the fitted stage
 */
abstract class ModelCombineFn<InputT, AccumT, M extends Transformer>
    extends CombineFn<InputT, AccumT, M> {
  private final Class<M> type;
  private final SchemaMapping mapping;

  ModelCombineFn(Class<M> type, SchemaMapping mapping) {
    this.type = type;
    this.mapping = mapping;
  }

  /** Null: there is no stage without data (see the class comment). */
  @Override
  public M defaultValue() {
    return null;
  }

  @Override
  public Coder<M> getDefaultOutputCoder(CoderRegistry registry, Coder<InputT> inputCoder) {
    return NullableCoder.of(TransformerCoder.of(type, mapping));
  }

  /**
   * The one stage {@code fn} fits on all of {@code input}, coded by {@code TransformerCoder}; fails
   * the job with {@code emptyMessage} when the combine produced none.
   */
  static <InputT, M extends Transformer> PCollection<M> fitGlobally(
      PCollection<InputT> input, ModelCombineFn<InputT, ?, M> fn, String emptyMessage) {
    return input
        .apply("Fit", Combine.globally(fn))
        .apply("Require data", ParDo.of(new RequireFn<M>(emptyMessage)))
        .setCoder(TransformerCoder.of(fn.type, fn.mapping));
  }

  private static final class RequireFn<M> extends DoFn<M, M> {
    private final String emptyMessage;

    RequireFn(String emptyMessage) {
      this.emptyMessage = emptyMessage;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      M model = c.element();
      if (model == null) {
        throw new IllegalArgumentException(emptyMessage);
      }
      c.output(model);
    }
  }
}
