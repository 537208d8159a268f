package org.beamlink.models.io;

import java.util.Map;
import java.util.function.Predicate;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * How one model type is written into model files and into {@code TransformerCoder}'s bytes: its
 * stable type name, its class, the versioned coder of its body, and the readable parameters a file
 * header shows. A class may have two formats that write different models of it (a KMeans model with
 * output columns and one without): {@link #writtenWhen} says which models a format writes; both
 * formats read their own files.
 *
 * <pre>{@code
 * ModelFormat<KMeansModel> f =
 *     ModelFormat.of("kmeans-model", KMeansModel.class, KMeansModelCoder.of(), m -> m.provenance().parameters());
 * }</pre>
 *
 * @param <T> the model type
 */
public final class ModelFormat<T> {
  private final String type;
  private final Class<T> modelClass;
  private final Coder<T> coder;
  private final SerializableFunction<T, Map<String, String>> parameters;
  private final Predicate<T> writes;

  private ModelFormat(
      String type,
      Class<T> modelClass,
      Coder<T> coder,
      SerializableFunction<T, Map<String, String>> parameters,
      Predicate<T> writes) {
    this.type = type;
    this.modelClass = modelClass;
    this.coder = coder;
    this.parameters = parameters;
    this.writes = writes;
  }

  /** The format of {@code modelClass}, named {@code type} in files. */
  public static <T> ModelFormat<T> of(
      String type,
      Class<T> modelClass,
      Coder<T> coder,
      SerializableFunction<T, Map<String, String>> parameters) {
    return new ModelFormat<>(type, modelClass, coder, parameters, m -> true);
  }

  /**
   * The same format, writing only the models of its class that meet {@code condition}; it still
   * reads every file of its type.
   */
  public ModelFormat<T> writtenWhen(Predicate<T> condition) {
    return new ModelFormat<>(type, modelClass, coder, parameters, condition);
  }

  /** Whether this format writes {@code model}: a model of its class that meets its condition. */
  public boolean writes(Object model) {
    return modelClass.isInstance(model) && writes.test(modelClass.cast(model));
  }

  /** The stable name files record; never changes once released. */
  public String type() {
    return type;
  }

  /** The model class. */
  public Class<T> modelClass() {
    return modelClass;
  }

  /** The coder of the body: versioned, so old bodies still decode. */
  public Coder<T> coder() {
    return coder;
  }

  /** The readable parameters of {@code model}. */
  public Map<String, String> parameters(Object model) {
    return parameters.apply(modelClass.cast(model));
  }
}
