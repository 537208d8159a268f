package org.beamlink.models.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Every model type Beamlink saves, by its stable type name: model files and {@code
 * TransformerCoder} look formats up here. The formats are not listed here: each family declares its
 * own in a {@link ModelFormatProvider}, and this class finds the providers on the class path with
 * {@link ServiceLoader} the first time it is used. A type name, once released, never changes or
 * goes away, so that old files still load.
 *
 * <pre>{@code
 * ModelFormat<?> f = ModelFormats.forType("pipeline-model");
 * String type = ModelFormats.forModel(model).type();
 * Set<String> known = ModelFormats.types();
 * }</pre>
 */
public final class ModelFormats {
  private ModelFormats() {}

  /** The discovered formats, found once, when this class is first used. */
  private static final class Discovered {
    static final Map<String, ModelFormat<?>> BY_TYPE = new LinkedHashMap<>();
    static final Map<Class<?>, List<ModelFormat<?>>> BY_CLASS = new LinkedHashMap<>();

    static {
      Map<String, String> providerOf = new LinkedHashMap<>();
      for (ModelFormatProvider provider :
          ServiceLoader.load(ModelFormatProvider.class, ModelFormats.class.getClassLoader())) {
        String name = provider.getClass().getName();
        for (ModelFormat<?> f : provider.formats()) {
          String earlier = providerOf.putIfAbsent(f.type(), name);
          if (earlier != null) {
            throw new IllegalStateException(
                "Two model formats are named '" + f.type() + "': in " + earlier + " and " + name);
          }
          BY_TYPE.put(f.type(), f);
          BY_CLASS.computeIfAbsent(f.modelClass(), c -> new ArrayList<>()).add(f);
        }
      }
    }
  }

  /** The names of every format found, in the order the providers list them. */
  public static Set<String> types() {
    return Collections.unmodifiableSet(Discovered.BY_TYPE.keySet());
  }

  /**
   * The format named {@code type}.
   *
   * @throws IllegalArgumentException for a name this library does not know
   */
  public static ModelFormat<?> forType(String type) {
    ModelFormat<?> f = Discovered.BY_TYPE.get(type);
    if (f == null) {
      throw new IllegalArgumentException(
          "Unknown model type '" + type + "'; this library knows " + types());
    }
    return f;
  }

  /**
   * The format that writes {@code model}.
   *
   * @throws IllegalArgumentException for a model no discovered format writes
   */
  public static ModelFormat<?> forModel(Object model) {
    List<ModelFormat<?>> candidates = Discovered.BY_CLASS.getOrDefault(model.getClass(), List.of());
    List<ModelFormat<?>> writing = candidates.stream().filter(f -> f.writes(model)).toList();
    if (writing.size() == 1) {
      return writing.get(0);
    }
    if (writing.isEmpty()) {
      throw new IllegalArgumentException(
          "No model format for "
              + model.getClass().getName()
              + "; declare one in a ModelFormatProvider listed in META-INF/services/"
              + ModelFormatProvider.class.getName()
              + " to save or encode it");
    }
    throw new IllegalStateException(
        "Formats " + writing.stream().map(ModelFormat::type).toList() + " all write " + model);
  }
}
