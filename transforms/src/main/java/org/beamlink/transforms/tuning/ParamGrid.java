package org.beamlink.transforms.tuning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.pipeline.PipelineStage;

/**
 * A grid of parameters over the stages of an {@link MlPipeline}: every combination of the values
 * given, as scikit-learn's {@code ParameterGrid} and Spark's {@code ParamGridBuilder}. Each value
 * is set through the stage's own {@code withX} (a {@link StageSetter}), so a misspelt parameter
 * does not compile, and a value the stage rejects fails when the grid is built, naming the
 * parameter.
 *
 * <p>Order: the candidates run through the combinations with the last parameter added varying
 * fastest; candidate {@code 0} has every parameter's first value.
 *
 * <p>Errors: a stage that is not one of the pipeline's (the same object), a parameter name used
 * twice, a parameter without values, a value the stage rejects; {@link #candidates()} of a grid
 * without parameters.
 *
 * <pre>{@code
 * StandardScaler.Fit scaler = StandardScaler.fit().withInputCol("raw").withOutputCol("features");
 * LinearFit logreg = LogisticRegression.fit().withVectorCol("features").withLabelCol("label");
 * MlPipeline pipeline = MlPipeline.of(VectorAssembler.of("a", "b").withOutputCol("raw"), scaler, logreg);
 * ParamGrid grid =
 *     ParamGrid.over(pipeline)
 *         .add("scaler.withMean", scaler, StandardScaler.Fit::withMean, false, true)
 *         .add("logreg.l2", logreg, LinearFit::withL2, 1e-4, 1e-3, 1e-2);
 * }</pre>
 */
public final class ParamGrid implements ParamSearch {
  private final MlPipeline pipeline;
  private final List<StageParam> params;
  private final List<List<Object>> values;

  private ParamGrid(MlPipeline pipeline, List<StageParam> params, List<List<Object>> values) {
    this.pipeline = pipeline;
    this.params = params;
    this.values = values;
  }

  /** An empty grid over the stages of {@code pipeline}; add parameters with {@link #add}. */
  public static ParamGrid over(MlPipeline pipeline) {
    if (pipeline == null) {
      throw new IllegalArgumentException("Expected a pipeline, got null");
    }
    return new ParamGrid(pipeline, List.of(), List.of());
  }

  /**
   * This grid and the parameter {@code name} of {@code stage} (one of the pipeline's stages), set
   * by {@code setter} to each of {@code values}.
   *
   * @throws IllegalArgumentException for a stage not in the pipeline, a name already used, no
   *     values, or a value the stage rejects
   */
  @SafeVarargs
  public final <S extends PipelineStage, V> ParamGrid add(
      String name, S stage, StageSetter<S, V> setter, V... values) {
    return add(name, stage, setter, values == null ? List.of() : List.of(values));
  }

  /** As {@link #add(String, PipelineStage, StageSetter, Object[])} with the values as a list. */
  public <S extends PipelineStage, V> ParamGrid add(
      String name, S stage, StageSetter<S, V> setter, List<V> values) {
    StageParam param = StageParam.of(pipeline, params, name, stage, setter);
    if (values.isEmpty()) {
      throw new IllegalArgumentException("Parameter " + name + " has no values");
    }
    List<Object> checked = new ArrayList<>();
    for (V v : values) {
      List<PipelineStage> stages = new ArrayList<>(pipeline.stages());
      param.set(stages, v, "Grid");
      checked.add(v);
    }
    List<StageParam> p = new ArrayList<>(params);
    p.add(param);
    List<List<Object>> vs = new ArrayList<>(this.values);
    vs.add(List.copyOf(checked));
    return new ParamGrid(pipeline, List.copyOf(p), List.copyOf(vs));
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
          "The parameter grid is empty: add at least one parameter with values");
    }
    int total = 1;
    for (List<Object> v : values) {
      total = Math.multiplyExact(total, v.size());
    }
    List<Candidate> candidates = new ArrayList<>(total);
    for (int c = 0; c < total; c++) {
      List<PipelineStage> stages = new ArrayList<>(pipeline.stages());
      Map<String, Object> chosen = new LinkedHashMap<>();
      int rest = c;
      int[] pick = new int[params.size()];
      for (int j = params.size() - 1; j >= 0; j--) {
        pick[j] = rest % values.get(j).size();
        rest /= values.get(j).size();
      }
      for (int j = 0; j < params.size(); j++) {
        Object v = values.get(j).get(pick[j]);
        chosen.put(params.get(j).name(), v);
      }
      for (int j = 0; j < params.size(); j++) {
        params.get(j).set(stages, chosen.get(params.get(j).name()), "Candidate " + c);
      }
      candidates.add(new Candidate(c, MlPipeline.of(stages), chosen));
    }
    return candidates;
  }
}
