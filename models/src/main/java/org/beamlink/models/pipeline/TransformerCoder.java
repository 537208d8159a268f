package org.beamlink.models.pipeline;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.io.ModelFormat;
import org.beamlink.models.io.ModelFormats;

/**
 * Coder for fitted stages of any discovered type ({@link ModelFormats}): the type name, then the
 * type's own versioned coder. The coder also records, when the pipeline is built, the {@link
 * SchemaMapping} of the stages in its PCollection, so that applying them knows the output schema
 * before any stage is fitted (as {@code LinearModelCoder} records a label type).
 *
 * <pre>{@code
 * PCollection<Transformer> fitted = models.setCoder(TransformerCoder.of(Transformer.class, mapping));
 * Schema out = TransformerCoder.mappingOf(fitted).outputSchema(rows.getSchema());
 * }</pre>
 *
 * @param <T> the stage type
 */
public final class TransformerCoder<T extends Transformer> extends CustomCoder<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private final SchemaMapping mapping;

  private TransformerCoder(Class<T> type, SchemaMapping mapping) {
    this.type = type;
    this.mapping = mapping;
  }

  /** A coder of stages of class {@code type}, recording {@code mapping} (null when unknown). */
  public static <T extends Transformer> TransformerCoder<T> of(
      Class<T> type, SchemaMapping mapping) {
    return new TransformerCoder<>(type, mapping);
  }

  /** A coder of any stage, recording no mapping: for stages nested in a pipeline model. */
  public static TransformerCoder<Transformer> of() {
    return new TransformerCoder<>(Transformer.class, null);
  }

  /**
   * The schema mapping recorded in the coder of {@code stages}.
   *
   * @throws IllegalArgumentException when the coder records none
   */
  public static SchemaMapping mappingOf(PCollection<? extends Transformer> stages) {
    return mappingOf(stages.getCoder(), stages.toString());
  }

  /**
   * The schema mapping recorded in {@code coder}, a {@code TransformerCoder}; {@code what} names
   * the collection coded by it in the error.
   *
   * @throws IllegalArgumentException when the coder records none
   */
  public static SchemaMapping mappingOf(Coder<?> coder, String what) {
    if (coder instanceof TransformerCoder<?> c && c.mapping != null) {
      return c.mapping;
    }
    throw new IllegalArgumentException(
        "Cannot tell the output schema of the stages in "
            + what
            + ": set its coder to TransformerCoder.of(type, mapping), as fitStage() and"
            + " ReadModel do");
  }

  @Override
  public void encode(T value, OutputStream out) throws IOException {
    ModelFormat<?> format = ModelFormats.forModel(value);
    DataOutputStream data = new DataOutputStream(out);
    data.writeUTF(format.type());
    data.flush();
    encodeBody(format, value, out);
  }

  @SuppressWarnings("unchecked")
  private static <M> void encodeBody(ModelFormat<M> format, Object value, OutputStream out)
      throws IOException {
    format.coder().encode((M) value, out);
  }

  @Override
  public T decode(InputStream in) throws IOException {
    String typeName = new DataInputStream(in).readUTF();
    ModelFormat<?> format;
    try {
      format = ModelFormats.forType(typeName);
    } catch (IllegalArgumentException e) {
      throw new CoderException(e.getMessage());
    }
    Object value = format.coder().decode(in);
    if (!type.isInstance(value)) {
      throw new CoderException(
          "Expected a " + type.getSimpleName() + " but the bytes hold a " + typeName);
    }
    return type.cast(value);
  }

  @Override
  public void verifyDeterministic() {}

  /** Equal for the same stage type and the same recorded mapping (by identity). */
  @Override
  public boolean equals(Object o) {
    return o instanceof TransformerCoder<?> c && type == c.type && mapping == c.mapping;
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + System.identityHashCode(mapping);
  }
}
