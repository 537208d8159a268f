package org.beamlink.models.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.clustering.KMeansModelCoder;
import org.beamlink.models.clustering.KMeansModelStage;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelCoder;
import org.beamlink.models.linear.LinearModelStage;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.pipeline.PipelineModelCoder;

/**
 * Every model type Beamlink saves, by its stable type name: model files and {@code
 * TransformerCoder} look formats up here. A new model type adds one line to {@link #ALL}; a type
 * name, once released, never changes or goes away, so that old files still load.
 *
 * <pre>{@code
 * ModelFormat<?> f = ModelFormats.forType("pipeline-model");
 * String type = ModelFormats.forModel(model).type();
 * }</pre>
 */
public final class ModelFormats {
  private ModelFormats() {}

  private static final List<ModelFormat<?>> ALL =
      List.of(
          ModelFormat.of(
              "pipeline-model",
              PipelineModel.class,
              PipelineModelCoder.of(),
              PipelineModel::parameters),
          ModelFormat.of(
              "linear-model",
              LinearModel.class,
              LinearModelCoder.of(null),
              m -> m.provenance().parameters()),
          ModelFormat.of(
              "linear-model-stage",
              LinearModelStage.class,
              LinearModelStage.Coder.of(),
              LinearModelStage::parameters),
          ModelFormat.of(
              "kmeans-model",
              KMeansModel.class,
              KMeansModelCoder.of(),
              m -> m.provenance().parameters()),
          ModelFormat.of(
              "kmeans-model-stage",
              KMeansModelStage.class,
              KMeansModelStage.Coder.of(),
              KMeansModelStage::parameters));

  private static final Map<String, ModelFormat<?>> BY_TYPE = new LinkedHashMap<>();
  private static final Map<Class<?>, ModelFormat<?>> BY_CLASS = new LinkedHashMap<>();

  static {
    for (ModelFormat<?> f : ALL) {
      if (BY_TYPE.put(f.type(), f) != null || BY_CLASS.put(f.modelClass(), f) != null) {
        throw new IllegalStateException("Two model formats for " + f.type());
      }
    }
  }

  /**
   * The format named {@code type}.
   *
   * @throws IllegalArgumentException for a name this library does not know
   */
  public static ModelFormat<?> forType(String type) {
    ModelFormat<?> f = BY_TYPE.get(type);
    if (f == null) {
      throw new IllegalArgumentException(
          "Unknown model type '" + type + "'; this library knows " + BY_TYPE.keySet());
    }
    return f;
  }

  /**
   * The format of {@code model}'s class.
   *
   * @throws IllegalArgumentException for a class that has no format
   */
  public static ModelFormat<?> forModel(Object model) {
    ModelFormat<?> f = BY_CLASS.get(model.getClass());
    if (f == null) {
      throw new IllegalArgumentException(
          "No model format for "
              + model.getClass().getName()
              + "; register one in ModelFormats to save or encode it");
    }
    return f;
  }
}
