package org.beamlink.models.online;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.joda.time.Instant;

/**
 * One version of a model in a model stream: the model, its version number (1, 2, ... in the order
 * the trainer emitted them), how many examples the trainer had seen when it emitted it, the event
 * times of the first and last of those examples, and where it came from (a trainer's name or a
 * model file's path). Online trainers emit {@code PCollection<ModelVersion<M>>}; prediction with a
 * model stream scores each record with the newest version and records its number.
 *
 * <pre>{@code
 * ModelVersion<LinearModel> v = ModelVersion.of(3, model, 30_000, first, last, "FTRL");
 * v.version();   // 3
 * v.examples();  // 30000
 * ModelVersion<LinearModel> stage = v.map(m -> m.withOutputCols("pred", "detail"));
 * }</pre>
 *
 * @param <M> the model type
 */
public final class ModelVersion<M> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long version;
  private final M model;
  private final long examples;
  private final Instant firstEventTime;
  private final Instant lastEventTime;
  private final String source;

  private ModelVersion(
      long version,
      M model,
      long examples,
      Instant firstEventTime,
      Instant lastEventTime,
      String source) {
    if (version < 0) {
      throw new IllegalArgumentException("Expected version >= 0, got " + version);
    }
    if (examples < 0) {
      throw new IllegalArgumentException("Expected examples >= 0, got " + examples);
    }
    this.version = version;
    this.model = Objects.requireNonNull(model, "model");
    this.examples = examples;
    this.firstEventTime = Objects.requireNonNull(firstEventTime, "firstEventTime");
    this.lastEventTime = Objects.requireNonNull(lastEventTime, "lastEventTime");
    this.source = Objects.requireNonNull(source, "source");
  }

  /**
   * A version. With no examples seen (an initial model), pass {@code
   * BoundedWindow.TIMESTAMP_MIN_VALUE} for both event times.
   */
  public static <M> ModelVersion<M> of(
      long version,
      M model,
      long examples,
      Instant firstEventTime,
      Instant lastEventTime,
      String source) {
    return new ModelVersion<>(version, model, examples, firstEventTime, lastEventTime, source);
  }

  /** The version number; larger is newer. */
  public long version() {
    return version;
  }

  /** The model. */
  public M model() {
    return model;
  }

  /** The examples the trainer had seen when it emitted this version, in total. */
  public long examples() {
    return examples;
  }

  /** The event time of the earliest example seen. */
  public Instant firstEventTime() {
    return firstEventTime;
  }

  /** The event time of the latest example seen. */
  public Instant lastEventTime() {
    return lastEventTime;
  }

  /** Who made it: a trainer's name, or the path of the model file it was read from. */
  public String source() {
    return source;
  }

  /** The same version of another form of the model, e.g. the scoring stage of a fitted model. */
  public <N> ModelVersion<N> map(Function<? super M, ? extends N> fn) {
    return new ModelVersion<>(
        version, fn.apply(model), examples, firstEventTime, lastEventTime, source);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelVersion<?> v
        && version == v.version
        && examples == v.examples
        && model.equals(v.model)
        && firstEventTime.equals(v.firstEventTime)
        && lastEventTime.equals(v.lastEventTime)
        && source.equals(v.source);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, model, examples, firstEventTime, lastEventTime, source);
  }

  @Override
  public String toString() {
    return "ModelVersion("
        + version
        + " of "
        + source
        + ", "
        + examples
        + " examples, "
        + firstEventTime
        + " .. "
        + lastEventTime
        + ")";
  }

  /**
   * The deterministic coder of {@code ModelVersion<M>}, given the model's coder.
   *
   * <pre>{@code
   * versions.setCoder(ModelVersion.Coder.of(LinearModelCoder.of()));
   * }</pre>
   *
   * @param <M> the model type
   */
  public static final class Coder<M> extends CustomCoder<ModelVersion<M>> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;

    private final org.apache.beam.sdk.coders.Coder<M> modelCoder;

    private Coder(org.apache.beam.sdk.coders.Coder<M> modelCoder) {
      this.modelCoder = Objects.requireNonNull(modelCoder);
    }

    /** The coder of versions of models coded by {@code modelCoder}. */
    public static <M> Coder<M> of(org.apache.beam.sdk.coders.Coder<M> modelCoder) {
      return new Coder<>(modelCoder);
    }

    /** The model's coder. */
    public org.apache.beam.sdk.coders.Coder<M> modelCoder() {
      return modelCoder;
    }

    @Override
    public void encode(ModelVersion<M> value, OutputStream out) throws IOException {
      out.write(VERSION);
      VarLongCoder.of().encode(value.version, out);
      VarLongCoder.of().encode(value.examples, out);
      VarLongCoder.of().encode(value.firstEventTime.getMillis(), out);
      VarLongCoder.of().encode(value.lastEventTime.getMillis(), out);
      StringUtf8Coder.of().encode(value.source, out);
      modelCoder.encode(value.model, out);
    }

    @Override
    public ModelVersion<M> decode(InputStream in) throws IOException {
      int version = in.read();
      if (version != VERSION) {
        throw new IOException(
            "ModelVersion coder: format " + version + " is not " + VERSION + " (newer library?)");
      }
      long number = VarLongCoder.of().decode(in);
      long examples = VarLongCoder.of().decode(in);
      Instant first = Instant.ofEpochMilli(VarLongCoder.of().decode(in));
      Instant last = Instant.ofEpochMilli(VarLongCoder.of().decode(in));
      String source = StringUtf8Coder.of().decode(in);
      return new ModelVersion<>(number, modelCoder.decode(in), examples, first, last, source);
    }

    @Override
    public List<? extends org.apache.beam.sdk.coders.Coder<?>> getCoderArguments() {
      return List.of(modelCoder);
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      verifyDeterministic(this, "the model coder must be deterministic", modelCoder);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Coder<?> c && modelCoder.equals(c.modelCoder);
    }

    @Override
    public int hashCode() {
      return modelCoder.hashCode();
    }
  }
}
