package org.beamlink.transforms.pipeline;

import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;

/**
 * A stage of an {@link MlPipeline}: an estimator (which learns from rows, such as {@code
 * StandardScaler.fit()} or {@code LogisticRegression.fit()}) or a plain transform ({@link MapRows},
 * which learns nothing). Fitting a stage gives one fitted {@link Transformer}.
 *
 * <pre>{@code
 * PCollection<Transformer> fitted = LogisticRegression.fit().withLabelCol("y").fitStage(rows);
 * Schema out = TransformerCoder.mappingOf(fitted).outputSchema(rows.getSchema());
 * }</pre>
 */
public interface PipelineStage {
  /**
   * Fits this stage on {@code input}: one fitted stage, whose coder records the stage's {@link
   * SchemaMapping} (see {@link TransformerCoder#mappingOf}). Bad columns fail here, when the
   * pipeline is built.
   */
  PCollection<Transformer> fitStage(PCollection<Row> input);

  /**
   * {@code models} as a PCollection of fitted stages recording {@code mapping}: what an estimator's
   * {@code fitStage} returns.
   */
  static PCollection<Transformer> fitted(
      PCollection<? extends Transformer> models, SchemaMapping mapping) {
    return fitted(models, mapping, m -> m);
  }

  /**
   * {@code models}, each made a stage by {@code asStage} (the model given its output columns), as a
   * PCollection of fitted stages recording {@code mapping}.
   */
  static <M> PCollection<Transformer> fitted(
      PCollection<M> models,
      SchemaMapping mapping,
      SerializableFunction<M, ? extends Transformer> asStage) {
    return models
        .apply(
            "As pipeline stage",
            MapElements.into(TypeDescriptor.of(Transformer.class))
                .via((M m) -> (Transformer) asStage.apply(m)))
        .setCoder(TransformerCoder.of(Transformer.class, mapping));
  }
}
