package org.beamlink.transforms.tuning;

import java.util.ArrayList;
import java.util.List;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.pipeline.PipelineStage;

/** A named parameter of one stage of a pipeline, found by identity, with its setter. */
final class StageParam {
  private final String name;
  private final int stageIndex;
  private final StageSetter<PipelineStage, Object> setter;

  private StageParam(String name, int stageIndex, StageSetter<PipelineStage, Object> setter) {
    this.name = name;
    this.stageIndex = stageIndex;
    this.setter = setter;
  }

  /**
   * The parameter {@code name} of {@code stage}, which must be one of {@code pipeline}'s stages
   * (the same object); {@code taken} are the names already used in the search.
   */
  @SuppressWarnings("unchecked")
  static <S extends PipelineStage, V> StageParam of(
      MlPipeline pipeline, List<StageParam> taken, String name, S stage, StageSetter<S, V> setter) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Expected a parameter name, got " + name);
    }
    if (stage == null || setter == null) {
      throw new IllegalArgumentException("Parameter " + name + ": expected a stage and a setter");
    }
    for (StageParam p : taken) {
      if (p.name.equals(name)) {
        throw new IllegalArgumentException("Parameter " + name + " is already in the search");
      }
    }
    List<PipelineStage> stages = pipeline.stages();
    for (int i = 0; i < stages.size(); i++) {
      if (stages.get(i) == stage) {
        return new StageParam(name, i, (StageSetter<PipelineStage, Object>) setter);
      }
    }
    throw new IllegalArgumentException(
        "Parameter "
            + name
            + " sets a stage ("
            + stage
            + ") that is not one of the pipeline's "
            + stages.size()
            + " stages; pass the stage object the pipeline was built with");
  }

  String name() {
    return name;
  }

  /** The names of {@code params}, in order. */
  static List<String> names(List<StageParam> params) {
    List<String> names = new ArrayList<>();
    for (StageParam p : params) {
      names.add(p.name());
    }
    return names;
  }

  /**
   * Sets this parameter to {@code value} in {@code stages} (a candidate's copy of the pipeline's
   * stages); a value the stage rejects fails naming {@code what} (the candidate) and the parameter.
   */
  void set(List<PipelineStage> stages, Object value, String what) {
    PipelineStage stage = stages.get(stageIndex);
    try {
      stages.set(stageIndex, setter.set(stage, value));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new IllegalArgumentException(
          what + ": parameter " + name + " = " + value + " rejected: " + e.getMessage(), e);
    }
  }
}
