package org.beamlink.transforms.tuning;

import java.util.List;
import org.beamlink.transforms.pipeline.MlPipeline;

/**
 * The candidates a search tries: a {@link ParamGrid} or a {@link RandomSearch} over the stages of
 * one {@link MlPipeline}.
 *
 * <pre>{@code
 * ParamSearch search = ParamGrid.over(pipeline).add("logreg.l2", logreg, LinearFit::withL2, 1e-3, 1e-2);
 * List<Candidate> candidates = search.candidates();
 * }</pre>
 */
public interface ParamSearch {
  /** The pipeline the candidates vary. */
  MlPipeline pipeline();

  /** The parameter names, in the order they were added. */
  List<String> paramNames();

  /**
   * Every candidate, in a fixed order.
   *
   * @throws IllegalArgumentException for a search without parameters, or when a stage rejects a
   *     candidate's value (the message names the candidate and the parameter)
   */
  List<Candidate> candidates();
}
