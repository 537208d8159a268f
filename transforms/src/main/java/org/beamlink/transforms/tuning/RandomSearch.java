package org.beamlink.transforms.tuning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.pipeline.PipelineStage;

/**
 * Random search over the stages of an {@link MlPipeline}, as scikit-learn's {@code
 * RandomizedSearchCV}: {@code numCandidates} candidates, each parameter drawn from its {@link
 * Distribution} and set through the stage's own {@code withX} ({@link StageSetter}).
 *
 * <p>Determinism: the draws come from one {@link SplittableRandom} seeded by {@code seed} (default
 * 0), candidate by candidate and, within a candidate, parameter by parameter in the order they were
 * added; the same seed gives the same candidates on every machine and run, never from the clock.
 *
 * <p>Errors: a stage that is not one of the pipeline's, a name used twice, {@code numCandidates <
 * 1}; {@link #candidates()} of a search without parameters, or a drawn value the stage rejects (the
 * message names the candidate and the parameter).
 *
 * <pre>{@code
 * RandomSearch search =
 *     RandomSearch.over(pipeline)
 *         .add("logreg.l2", logreg, LinearFit::withL2, Distribution.logUniform(1e-5, 1e-1))
 *         .add("logreg.l1", logreg, LinearFit::withL1, Distribution.choice(0.0, 1e-3))
 *         .withNumCandidates(20)
 *         .withSeed(7);
 * }</pre>
 */
public final class RandomSearch implements ParamSearch {
  private final MlPipeline pipeline;
  private final List<StageParam> params;
  private final List<Distribution<?>> distributions;
  private final int numCandidates;
  private final long seed;

  private RandomSearch(
      MlPipeline pipeline,
      List<StageParam> params,
      List<Distribution<?>> distributions,
      int numCandidates,
      long seed) {
    this.pipeline = pipeline;
    this.params = params;
    this.distributions = distributions;
    this.numCandidates = numCandidates;
    this.seed = seed;
  }

  /** A search over {@code pipeline}'s stages without parameters yet: 10 candidates, seed 0. */
  public static RandomSearch over(MlPipeline pipeline) {
    if (pipeline == null) {
      throw new IllegalArgumentException("Expected a pipeline, got null");
    }
    return new RandomSearch(pipeline, List.of(), List.of(), 10, 0L);
  }

  /**
   * This search and the parameter {@code name} of {@code stage}, set by {@code setter} to draws
   * from {@code distribution}.
   */
  public <S extends PipelineStage, V> RandomSearch add(
      String name, S stage, StageSetter<S, V> setter, Distribution<V> distribution) {
    StageParam param = StageParam.of(pipeline, params, name, stage, setter);
    if (distribution == null) {
      throw new IllegalArgumentException("Parameter " + name + ": expected a distribution");
    }
    List<StageParam> p = new ArrayList<>(params);
    p.add(param);
    List<Distribution<?>> d = new ArrayList<>(distributions);
    d.add(distribution);
    return new RandomSearch(pipeline, List.copyOf(p), List.copyOf(d), numCandidates, seed);
  }

  /** How many candidates to draw, at least 1; default 10. */
  public RandomSearch withNumCandidates(int numCandidates) {
    if (numCandidates < 1) {
      throw new IllegalArgumentException("Expected numCandidates >= 1, got " + numCandidates);
    }
    return new RandomSearch(pipeline, params, distributions, numCandidates, seed);
  }

  /** The seed of the draws; default 0. */
  public RandomSearch withSeed(long seed) {
    return new RandomSearch(pipeline, params, distributions, numCandidates, seed);
  }

  @Override
  public MlPipeline pipeline() {
    return pipeline;
  }

  @Override
  public List<String> paramNames() {
    return StageParam.names(params);
  }

  @Override
  public List<Candidate> candidates() {
    if (params.isEmpty()) {
      throw new IllegalArgumentException(
          "The random search is empty: add at least one parameter with a distribution");
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<Candidate> candidates = new ArrayList<>(numCandidates);
    for (int c = 0; c < numCandidates; c++) {
      List<PipelineStage> stages = new ArrayList<>(pipeline.stages());
      Map<String, Object> chosen = new LinkedHashMap<>();
      for (int j = 0; j < params.size(); j++) {
        Object v = distributions.get(j).draw(random);
        chosen.put(params.get(j).name(), v);
        params.get(j).set(stages, v, "Candidate " + c);
      }
      candidates.add(new Candidate(c, MlPipeline.of(stages), chosen));
    }
    return candidates;
  }
}
