package org.beamlink.models.io;

import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * How one model type is written into model files and into {@code TransformerCoder}'s bytes: its
 * stable type name, its class, the versioned coder of its body, and the readable parameters a file
 * header shows.
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

  private ModelFormat(
      String type,
      Class<T> modelClass,
      Coder<T> coder,
      SerializableFunction<T, Map<String, String>> parameters) {
    this.type = type;
    this.modelClass = modelClass;
    this.coder = coder;
    this.parameters = parameters;
  }

  /** The format of {@code modelClass}, named {@code type} in files. */
  public static <T> ModelFormat<T> of(
      String type,
      Class<T> modelClass,
      Coder<T> coder,
      SerializableFunction<T, Map<String, String>> parameters) {
    return new ModelFormat<>(type, modelClass, coder, parameters);
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
