package org.beamlink.models.io;

import java.util.List;

/**
 * The model formats one family defines, found by {@link java.util.ServiceLoader}: a module that
 * defines model types names its providers in {@code
 * META-INF/services/org.beamlink.models.io.ModelFormatProvider}, one class a line, and {@link
 * ModelFormats} finds them on the class path. No central list names the families, so a family
 * depends on {@code io} and never the other way round.
 *
 * <pre>{@code
 * public final class ClusteringFormats implements ModelFormatProvider {
 *   public List<ModelFormat<?>> formats() {
 *     return List.of(ModelFormat.of("kmeans-model", KMeansModel.class, KMeansModelCoder.of(),
 *         m -> m.provenance().parameters()));
 *   }
 * }
 * }</pre>
 */
public interface ModelFormatProvider {
  /** The formats of this family; a type name, once released, never changes or goes away. */
  List<ModelFormat<?>> formats();
}
