package org.beamlink.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.beamlink.transforms.feature.StandardScaler;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.beamlink.transforms.tree.DecisionTreeFit;
import org.beamlink.transforms.tuning.ParamGrid;

/**
 * The grid {@code beamlink tune --grid} builds: each {@code --grid STAGE.PARAM=V1,V2,...} names a
 * stage of the {@code --pipeline} and one of its parameters, set through the stage's own setter:
 *
 * <ul>
 *   <li>{@code logreg}, {@code softmax}, {@code svm}, {@code linreg}: {@code l1}, {@code l2}
 *       (numbers), {@code max-iter} (a whole number), {@code standardization} (true or false);
 *   <li>{@code standard-scaler}: {@code with-mean} (true or false);
 *   <li>{@code decision-tree}, {@code decision-tree-regressor}: {@code max-depth} (a whole number).
 * </ul>
 *
 * <pre>{@code
 * ParamGrid grid = GridSpec.build(pipeline, "logreg", List.of("logreg.l2=0.001,0.01"));
 * }</pre>
 */
final class GridSpec {
  private static final String KNOWN =
      "logreg|softmax|svm|linreg.{l1,l2,max-iter,standardization},"
          + " standard-scaler.with-mean, decision-tree|decision-tree-regressor.max-depth";

  private GridSpec() {}

  /**
   * The grid over {@code pipeline} (built from a {@link PipelineSpec} whose model stage is {@code
   * model}) of every {@code --grid} text in {@code grids}.
   *
   * @throws IllegalArgumentException for a malformed entry, an unknown parameter, a stage that is
   *     not in the pipeline, or a value that is not of the parameter's type or that the stage
   *     rejects
   */
  static ParamGrid build(MlPipeline pipeline, String model, List<String> grids) {
    if (grids == null || grids.isEmpty()) {
      throw new IllegalArgumentException(
          "tune needs at least one --grid STAGE.PARAM=V1,V2,... (for example logreg.l2=0.001,0.01)");
    }
    ParamGrid grid = ParamGrid.over(pipeline);
    for (String text : grids) {
      int eq = text.indexOf('=');
      int dot = text.indexOf('.');
      if (eq < 0 || dot < 0 || dot > eq) {
        throw new IllegalArgumentException(
            "--grid " + text + ": expected STAGE.PARAM=V1,V2,... such as logreg.l2=0.001,0.01");
      }
      String stage = text.substring(0, dot).strip();
      String param = text.substring(dot + 1, eq).strip();
      String name = stage + "." + param;
      List<String> values = new ArrayList<>();
      for (String v : text.substring(eq + 1).split(",")) {
        if (!v.isBlank()) {
          values.add(v.strip());
        }
      }
      grid = add(grid, pipeline, model, stage, param, name, values);
    }
    return grid;
  }

  private static ParamGrid add(
      ParamGrid grid,
      MlPipeline pipeline,
      String model,
      String stage,
      String param,
      String name,
      List<String> values) {
    switch (stage) {
      case "logreg", "softmax", "svm", "linreg" -> {
        LinearFit fit = stageOf(pipeline, LinearFit.class, stage, model, name);
        return switch (param) {
          case "l1" -> grid.add(name, fit, LinearFit::withL1, doubles(name, values));
          case "l2" -> grid.add(name, fit, LinearFit::withL2, doubles(name, values));
          case "max-iter" -> grid.add(name, fit, LinearFit::withMaxIter, ints(name, values));
          case "standardization" ->
              grid.add(name, fit, LinearFit::withStandardization, booleans(name, values));
          default -> throw unknown(name);
        };
      }
      case "standard-scaler" -> {
        StandardScaler.Fit fit = stageOf(pipeline, StandardScaler.Fit.class, stage, null, name);
        if (!param.equals("with-mean")) {
          throw unknown(name);
        }
        return grid.add(name, fit, StandardScaler.Fit::withMean, booleans(name, values));
      }
      case "decision-tree", "decision-tree-regressor" -> {
        DecisionTreeFit fit = stageOf(pipeline, DecisionTreeFit.class, stage, model, name);
        if (!param.equals("max-depth")) {
          throw unknown(name);
        }
        return grid.add(name, fit, DecisionTreeFit::withMaxDepth, ints(name, values));
      }
      default -> throw unknown(name);
    }
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException(
        "--grid " + name + ": unknown parameter; expected one of " + KNOWN);
  }

  /**
   * The pipeline's stage of {@code type} ({@code stage} in the spec); a model stage must also be
   * the spec's model.
   */
  private static <S extends PipelineStage> S stageOf(
      MlPipeline pipeline, Class<S> type, String stage, String model, String name) {
    if (model == null || model.equals(stage)) {
      for (PipelineStage s : pipeline.stages()) {
        if (type.isInstance(s)) {
          return type.cast(s);
        }
      }
    }
    throw new IllegalArgumentException(
        "--grid " + name + ": the pipeline has no stage '" + stage + "'");
  }

  private static List<Double> doubles(String name, List<String> values) {
    List<Double> out = new ArrayList<>();
    for (String v : values) {
      try {
        out.add(Double.parseDouble(v));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--grid " + name + ": '" + v + "' is not a number");
      }
    }
    return out;
  }

  private static List<Integer> ints(String name, List<String> values) {
    List<Integer> out = new ArrayList<>();
    for (String v : values) {
      try {
        out.add(Integer.parseInt(v));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--grid " + name + ": '" + v + "' is not a whole number");
      }
    }
    return out;
  }

  private static List<Boolean> booleans(String name, List<String> values) {
    List<Boolean> out = new ArrayList<>();
    for (String v : values) {
      String lower = v.toLowerCase(Locale.ROOT);
      if (!lower.equals("true") && !lower.equals("false")) {
        throw new IllegalArgumentException("--grid " + name + ": '" + v + "' is not true or false");
      }
      out.add(Boolean.parseBoolean(lower));
    }
    return out;
  }
}
