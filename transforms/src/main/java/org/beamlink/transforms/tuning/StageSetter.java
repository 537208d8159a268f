package org.beamlink.transforms.tuning;

import org.beamlink.transforms.pipeline.PipelineStage;

/**
 * Sets one parameter of a pipeline stage through the stage's own {@code withX}, so that a misspelt
 * parameter does not compile and a bad value fails the stage's own check.
 *
 * <pre>{@code
 * StageSetter<LinearFit, Double> l2 = LinearFit::withL2;
 * }</pre>
 *
 * @param <S> the stage type
 * @param <V> the parameter's value type
 */
@FunctionalInterface
public interface StageSetter<S extends PipelineStage, V> {
  /** {@code stage} with the parameter set to {@code value}. */
  S set(S stage, V value);
}
