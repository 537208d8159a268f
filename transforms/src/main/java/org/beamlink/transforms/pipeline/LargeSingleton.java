package org.beamlink.transforms.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * A singleton side input for a value of any size, such as a model: the value is encoded with its
 * coder and cut into chunks of at most {@link #CHUNK_BYTES}, each an element of an iterable side
 * input, and a reader joins and decodes them once and keeps the value while the chunks stay the
 * same.
 *
 * <p>Why: Beam's Flink runner builds every side input with a keyed combine, in which each element
 * is one record of Flink's sorter, and that sorter refuses a record larger than its sort buffer
 * ("The record exceeds the maximum size of a sort buffer", 73.7 MB on the embedded cluster of a 6
 * GB heap, less with less managed memory). {@code View.asSingleton()} of a model with 10M
 * interactions (170 MB) fails there; its chunks pass.
 *
 * <p>As with {@code View.asSingleton()}, the input must hold one element (per window): none, or
 * more than one, fails when the side input is read, naming the step. All chunks of a value must
 * arrive in one pane, as they do in a bounded collection or the global window's default trigger.
 *
 * <pre>{@code
 * LargeSingleton<NeighbourhoodModel> model = LargeSingleton.of(models, "Model as side input");
 * rows.apply(ParDo.of(new DoFn<Row, Double>() {
 *       @ProcessElement
 *       public void process(ProcessContext c) {
 *         c.output(model.get(c).predict(c.element().getInt64("user"), c.element().getInt64("item")));
 *       }
 *     }).withSideInputs(model.view()));
 * }</pre>
 *
 * @param <T> the value's type
 */
public final class LargeSingleton<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The most bytes of a chunk: 1 MiB, far below the smallest sort buffer Flink gives a task. */
  public static final int CHUNK_BYTES = 1 << 20;

  private final PCollectionView<Iterable<Chunk>> view;
  private final Coder<T> coder;
  private final String name;
  private transient T value;
  private transient long valueId;

  private LargeSingleton(PCollectionView<Iterable<Chunk>> view, Coder<T> coder, String name) {
    this.view = view;
    this.coder = coder;
    this.name = name;
  }

  /**
   * Adds the step {@code name} that cuts {@code input}'s element into chunks (in {@code input}'s
   * coder) and makes them a side input.
   */
  public static <T> LargeSingleton<T> of(PCollection<T> input, String name) {
    Coder<T> coder = input.getCoder();
    PCollectionView<Iterable<Chunk>> view = input.apply(name, new AsChunks<>(coder));
    return new LargeSingleton<>(view, coder, name);
  }

  /** The side input to give the {@code ParDo} that reads the value ({@code withSideInputs}). */
  public PCollectionView<Iterable<Chunk>> view() {
    return view;
  }

  /**
   * The value, decoded on the first call and whenever the chunks change.
   *
   * @throws IllegalArgumentException when the input held no element or more than one
   */
  public T get(DoFn<?, ?>.ProcessContext c) {
    return read(c.sideInput(view));
  }

  /** The value of {@code chunks}; see {@link #get}. */
  synchronized T read(Iterable<Chunk> chunks) {
    Chunk[] parts = parts(chunks, name);
    if (value == null || parts[0].id() != valueId) {
      value = join(parts, coder, name);
      valueId = parts[0].id();
    }
    return value;
  }

  /**
   * The chunks of one value in order.
   *
   * @throws IllegalArgumentException for chunks of no value or of more than one
   * @throws IllegalStateException for a missing chunk
   */
  static Chunk[] parts(Iterable<Chunk> chunks, String name) {
    Chunk[] parts = null;
    long id = 0;
    for (Chunk chunk : chunks) {
      if (parts == null) {
        parts = new Chunk[chunk.count()];
        id = chunk.id();
      }
      if (chunk.id() != id || chunk.count() != parts.length || parts[chunk.index()] != null) {
        throw new IllegalArgumentException(
            "Expected one element for the singleton '" + name + "', got more than one");
      }
      parts[chunk.index()] = chunk;
    }
    if (parts == null) {
      throw new IllegalArgumentException(
          "Expected one element for the singleton '" + name + "', got none");
    }
    for (int i = 0; i < parts.length; i++) {
      if (parts[i] == null) {
        throw new IllegalStateException(
            "'" + name + "': chunk " + i + " of " + parts.length + " of its value is missing");
      }
    }
    return parts;
  }

  /** The value whose encoding {@code parts} hold, in order. */
  static <T> T join(Chunk[] parts, Coder<T> coder, String name) {
    int size = 0;
    for (Chunk part : parts) {
      size += part.bytes().length;
    }
    byte[] bytes = new byte[size];
    int at = 0;
    for (Chunk part : parts) {
      System.arraycopy(part.bytes(), 0, bytes, at, part.bytes().length);
      at += part.bytes().length;
    }
    try {
      return CoderUtils.decodeFromByteArray(coder, bytes);
    } catch (IOException e) {
      throw new IllegalStateException("'" + name + "': its value cannot be decoded", e);
    }
  }

  /**
   * A piece of a value's encoding: the value's id (a checksum of the encoding and its length), the
   * piece's index among {@code count}, and its bytes.
   */
  public record Chunk(long id, int index, int count, byte[] bytes) {}

  /** {@link Chunk}'s coder. */
  public static final class ChunkCoder extends AtomicCoder<Chunk> {
    private static final ChunkCoder INSTANCE = new ChunkCoder();

    /** The coder. */
    public static ChunkCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Chunk value, OutputStream out) throws IOException {
      VarLongCoder.of().encode(value.id(), out);
      VarIntCoder.of().encode(value.index(), out);
      VarIntCoder.of().encode(value.count(), out);
      ByteArrayCoder.of().encode(value.bytes(), out);
    }

    @Override
    public Chunk decode(InputStream in) throws IOException {
      return new Chunk(
          VarLongCoder.of().decode(in),
          VarIntCoder.of().decode(in),
          VarIntCoder.of().decode(in),
          ByteArrayCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** The element's chunks as an iterable side input. */
  private static final class AsChunks<T>
      extends PTransform<PCollection<T>, PCollectionView<Iterable<Chunk>>> {
    private final Coder<T> coder;

    AsChunks(Coder<T> coder) {
      this.coder = coder;
    }

    @Override
    public PCollectionView<Iterable<Chunk>> expand(PCollection<T> input) {
      return input
          .apply("Chunks", ParDo.of(new SplitFn<>(coder)))
          .setCoder(ChunkCoder.of())
          .apply("As side input", View.asIterable());
    }
  }

  /** Cuts each element's encoding into chunks. */
  static final class SplitFn<T> extends DoFn<T, Chunk> {
    private final Coder<T> coder;

    SplitFn(Coder<T> coder) {
      this.coder = coder;
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<Chunk> out) throws IOException {
      split(element, out::output);
    }

    /** Gives {@code element}'s chunks to {@code out}, in order. */
    void split(T element, Consumer<Chunk> out) throws IOException {
      byte[] bytes = CoderUtils.encodeToByteArray(coder, element);
      CRC32C crc = new CRC32C();
      crc.update(bytes);
      long id = (crc.getValue() << 32) ^ bytes.length;
      int count = Math.max(1, (bytes.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
      for (int i = 0; i < count; i++) {
        out.accept(
            new Chunk(
                id,
                i,
                count,
                Arrays.copyOfRange(
                    bytes, i * CHUNK_BYTES, Math.min(bytes.length, (i + 1) * CHUNK_BYTES))));
      }
    }
  }
}
