package org.beamlink.transforms.pipeline;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.zip.CRC32C;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.beamlink.iteration.DurableCopy;
import org.beamlink.iteration.ResidentStore;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A singleton side input for a value of any size, such as a model: a value of at most {@link
 * #INLINE_BYTES} encoded travels in the side input as before; a larger one is written once, by the
 * worker that has it, to a file under the pipeline's {@code --tempLocation} (the JVM's temporary
 * directory without one) and into that JVM's {@link ResidentStore}, and the side input carries only
 * its reference. A reader takes the value from its JVM's store, else decodes the file once, and
 * keeps it while the reference stays the same.
 *
 * <p>Why: Beam's Flink runner builds every side input with a combine that concatenates the elements
 * a worker emits into one record of Flink's sorter (and a batch {@code GroupByKey} concatenates a
 * key's values the same way), and that sorter refuses a record above its sort buffer ("The record
 * exceeds the maximum size of a sort buffer", 73.7 MB on the embedded cluster of a 6 GB heap, less
 * with less managed memory). {@code View.asSingleton()} of a neighbourhood model with 10M
 * interactions (170 MB) fails there; cutting it into chunks does not help, since the chunks of one
 * worker are concatenated again. The iteration shim ships its large AllReduce partials the same way
 * ({@code ShippedPartial}).
 *
 * <p>On a cluster of several machines {@code --tempLocation} must name a directory every worker
 * reaches, as for the shim. The files stay there until the directory is cleaned, except local files
 * written by a JVM that then exits (embedded runs), which are deleted at its exit.
 *
 * <p>As with {@code View.asSingleton()}, the input must hold one element (per window): none, or
 * more than one, fails when the side input is read, naming the step.
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

  /** The most encoded bytes a value carries inline: 1 MiB, far below any sort buffer seen. */
  public static final int INLINE_BYTES = 1 << 20;

  private final PCollectionView<Iterable<Ref>> view;
  private final Coder<T> coder;
  private final String name;
  private transient T value;
  private transient long valueId;

  private LargeSingleton(PCollectionView<Iterable<Ref>> view, Coder<T> coder, String name) {
    this.view = view;
    this.coder = coder;
    this.name = name;
  }

  /**
   * Adds the step {@code name} that ships {@code input}'s element (in {@code input}'s coder) and
   * makes its reference a side input.
   */
  public static <T> LargeSingleton<T> of(PCollection<T> input, String name) {
    Coder<T> coder = input.getCoder();
    PCollectionView<Iterable<Ref>> view =
        input.apply(name, new AsRefs<>(coder, directory(input.getPipeline().getOptions())));
    return new LargeSingleton<>(view, coder, name);
  }

  /** The directory of the files of {@code options}' pipeline. */
  static String directory(PipelineOptions options) {
    return DurableCopy.directory(options, "large-singletons");
  }

  /** The side input to give the {@code ParDo} that reads the value ({@code withSideInputs}). */
  public PCollectionView<Iterable<Ref>> view() {
    return view;
  }

  /**
   * The value, resolved on the first call and whenever the reference changes.
   *
   * @throws IllegalArgumentException when the input held no element or more than one
   */
  public T get(DoFn<?, ?>.ProcessContext c) {
    return read(c.sideInput(view));
  }

  /** The value of {@code refs}; see {@link #get}. */
  synchronized T read(Iterable<Ref> refs) {
    Ref ref = only(refs, name);
    if (value == null || ref.id() != valueId) {
      value = ref.resolve(coder, name);
      valueId = ref.id();
    }
    return value;
  }

  /**
   * The one reference of {@code refs}.
   *
   * @throws IllegalArgumentException for none or more than one
   */
  static Ref only(Iterable<Ref> refs, String name) {
    Ref only = null;
    for (Ref ref : refs) {
      if (only != null) {
        throw new IllegalArgumentException(
            "Expected one element for the singleton '" + name + "', got more than one");
      }
      only = ref;
    }
    if (only == null) {
      throw new IllegalArgumentException(
          "Expected one element for the singleton '" + name + "', got none");
    }
    return only;
  }

  /**
   * A shipped value: its id (a checksum of its encoding and the encoding's length), and its
   * encoding when inline or else the path of the file that holds it (also its key in the {@link
   * ResidentStore} of the JVM that wrote it).
   */
  public record Ref(long id, byte @Nullable [] inline, @Nullable String path) {
    /** The value, from the encoding, this JVM's store or the file. */
    <T> T resolve(Coder<T> coder, String name) {
      try {
        if (inline != null) {
          return CoderUtils.decodeFromByteArray(coder, inline);
        }
        Object held = ResidentStore.get().lookup(path);
        if (held != null) {
          @SuppressWarnings("unchecked")
          T value = (T) held;
          return value;
        }
        byte[] bytes = DurableCopy.read(path, ByteArrayCoder.of(), size -> {});
        T value = CoderUtils.decodeFromByteArray(coder, bytes);
        ResidentStore.get().put(path, value, bytes.length);
        return value;
      } catch (FileNotFoundException e) {
        throw new IllegalStateException(
            "'"
                + name
                + "': its value's file "
                + path
                + " is missing. A worker reads a large side input that another machine wrote from"
                + " --tempLocation, which on a cluster of several machines must be a file system"
                + " every worker reaches",
            e);
      } catch (IOException e) {
        throw new UncheckedIOException("'" + name + "': its value cannot be read", e);
      }
    }
  }

  /** {@link Ref}'s coder. */
  public static final class RefCoder extends AtomicCoder<Ref> {
    private static final RefCoder INSTANCE = new RefCoder();

    /** The coder. */
    public static RefCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Ref value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeLong(value.id());
      data.writeBoolean(value.inline() != null);
      if (value.inline() != null) {
        data.flush();
        ByteArrayCoder.of().encode(value.inline(), out);
      } else {
        data.writeUTF(value.path());
        data.flush();
      }
    }

    @Override
    public Ref decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      long id = data.readLong();
      if (data.readBoolean()) {
        return new Ref(id, ByteArrayCoder.of().decode(in), null);
      }
      return new Ref(id, null, data.readUTF());
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** The element's reference as an iterable side input. */
  private static final class AsRefs<T>
      extends PTransform<PCollection<T>, PCollectionView<Iterable<Ref>>> {
    private final Coder<T> coder;
    private final String directory;

    AsRefs(Coder<T> coder, String directory) {
      this.coder = coder;
      this.directory = directory;
    }

    @Override
    public PCollectionView<Iterable<Ref>> expand(PCollection<T> input) {
      return input
          .apply("Ship", ParDo.of(new ShipFn<>(coder, directory)))
          .setCoder(RefCoder.of())
          .apply("As side input", View.asIterable());
    }
  }

  /** Ships each element: inline when small, else by reference. */
  static final class ShipFn<T> extends DoFn<T, Ref> {
    private final Coder<T> coder;
    private final String directory;

    ShipFn(Coder<T> coder, String directory) {
      this.coder = coder;
      this.directory = directory;
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<Ref> out) throws IOException {
      out.output(ship(element));
    }

    /** {@code element}'s reference; writes the file and keeps the element in this JVM's store. */
    Ref ship(T element) throws IOException {
      byte[] bytes = CoderUtils.encodeToByteArray(coder, element);
      CRC32C crc = new CRC32C();
      crc.update(bytes);
      long id = (crc.getValue() << 32) ^ bytes.length;
      if (bytes.length <= INLINE_BYTES) {
        return new Ref(id, bytes, null);
      }
      String path = DurableCopy.newFile(directory, "-singleton");
      DurableCopy.write(path, ByteArrayCoder.of(), bytes);
      if (!path.contains("://")) {
        new File(path).deleteOnExit();
      }
      ResidentStore.get().put(path, element, bytes.length);
      return new Ref(id, null, path);
    }
  }
}
