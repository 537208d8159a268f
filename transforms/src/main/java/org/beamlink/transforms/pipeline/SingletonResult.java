package org.beamlink.transforms.pipeline;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Brings the one element of a bounded {@code PCollection} (evaluation metrics, a fitted model, a
 * summary) back to the program that runs the pipeline, as {@code PAssert} brings a collection to an
 * assertion: {@link #of} adds a step that writes the element, in the collection's coder, to a file;
 * {@link #get} reads it once the pipeline has finished.
 *
 * <p>Where: a new file {@code beamlink-result-<uuid>.bin} in the pipeline's {@code --tempLocation}
 * when it has one (any Beam file system), else in this JVM's temporary directory ({@code
 * java.io.tmpdir}). The DirectRunner and embedded Flink run in this JVM, so any directory works for
 * them; the workers of a Flink cluster on other machines write to their own disks, so give such a
 * pipeline {@code --tempLocation=DIR} that the workers and this program both reach (a shared mount,
 * or a file system Beam has a plugin for). The file name is fixed when the pipeline is built, so a
 * retried write replaces the file. {@link #get} deletes it.
 *
 * <p>An empty collection, or one with more than one element, is an error in {@link #get}. The write
 * step counts the elements and gathers the element only when there is one, shipped as {@link
 * LargeSingleton} ships it: a large collection given by mistake does not travel to one worker, and
 * a large element (a model of hundreds of megabytes) travels by reference, never as one record of
 * the runner's sorter. Unbounded or windowed input is refused in {@link #of}: it has no single
 * final element.
 *
 * <pre>{@code
 * PCollection<BinaryMetrics> metrics =
 *     scored.apply(BinaryClassificationEvaluation.of("label", "probability"));
 * SingletonResult<BinaryMetrics> result = SingletonResult.of(metrics);
 * pipeline.run().waitUntilFinish();
 * System.out.println("AUC " + result.get().auc());
 * }</pre>
 *
 * @param <T> the element type
 */
public final class SingletonResult<T> {
  private final String file;
  private final String collection;
  private final Coder<T> coder;
  private T value;
  private boolean read;

  private SingletonResult(String file, String collection, Coder<T> coder) {
    this.file = file;
    this.collection = collection;
    this.coder = coder;
  }

  /**
   * Adds to {@code singleton}'s pipeline the step that writes its element.
   *
   * @throws IllegalArgumentException for unbounded or windowed input
   */
  public static <T> SingletonResult<T> of(PCollection<T> singleton) {
    if (singleton.isBounded() != PCollection.IsBounded.BOUNDED) {
      throw new IllegalArgumentException(
          "SingletonResult needs a bounded PCollection; '"
              + singleton.getName()
              + "' is unbounded and has no final element");
    }
    if (!(singleton.getWindowingStrategy().getWindowFn() instanceof GlobalWindows)) {
      throw new IllegalArgumentException(
          "SingletonResult needs a PCollection in the global window; '"
              + singleton.getName()
              + "' is windowed ("
              + singleton.getWindowingStrategy().getWindowFn()
              + "), which gives one element per window");
    }
    String name = "beamlink-result-" + UUID.randomUUID() + ".bin";
    ResourceId file =
        directory(singleton.getPipeline().getOptions())
            .resolve(name, StandardResolveOptions.RESOLVE_FILE);
    Coder<T> coder = singleton.getCoder();
    SingletonResult<T> result = new SingletonResult<>(file.toString(), singleton.getName(), coder);
    String step = "SingletonResult " + singleton.getName();
    PCollection<Long> count = singleton.apply(step + " count", Count.globally());
    PCollectionView<Long> counted = count.apply(step + " count as side input", View.asSingleton());
    PCollectionView<Iterable<LargeSingleton.Ref>> shipped =
        singleton
            .apply(
                step + " shipped",
                ParDo.of(
                        new ShipIfOneFn<>(
                            coder,
                            LargeSingleton.directory(singleton.getPipeline().getOptions()),
                            counted))
                    .withSideInputs(counted))
            .setCoder(LargeSingleton.RefCoder.of())
            .apply(step + " shipped as side input", View.asIterable());
    count.apply(
        "Write " + name,
        ParDo.of(new WriteFn<>(result.file, coder, shipped)).withSideInputs(shipped));
    return result;
  }

  private static ResourceId directory(PipelineOptions options) {
    String temp = options.getTempLocation();
    String dir = temp != null && !temp.isEmpty() ? temp : System.getProperty("java.io.tmpdir");
    return FileSystems.matchNewResource(dir, true);
  }

  /** The file the pipeline writes the element to. */
  public String file() {
    return file;
  }

  /**
   * The element, once the pipeline has finished ({@code run().waitUntilFinish()}); read from the
   * file on the first call, which then deletes the file.
   *
   * @throws IllegalStateException when there is no file (the pipeline has not run to its end,
   *     failed, or its workers could not write where this program reads: see the class comment), or
   *     the collection was empty or held more than one element
   * @throws IOException when the file cannot be read or decoded
   */
  public synchronized T get() throws IOException {
    if (read) {
      return value;
    }
    ResourceId id = FileSystems.matchNewResource(file, false);
    long count;
    byte[] bytes;
    try (ReadableByteChannel channel = FileSystems.open(id);
        InputStream in = Channels.newInputStream(channel)) {
      count = VarLongCoder.of().decode(in);
      bytes = in.readAllBytes();
    } catch (FileNotFoundException e) {
      throw new IllegalStateException(
          "No result of '"
              + collection
              + "' in "
              + file
              + ": the pipeline has not run to its end (call get() after"
              + " run().waitUntilFinish()), failed, or ran on workers that cannot write there (a"
              + " cluster needs --tempLocation=DIR, a directory its workers and this program both"
              + " reach)",
          e);
    }
    FileSystems.delete(List.of(id), StandardMoveOptions.IGNORE_MISSING_FILES);
    if (count != 1) {
      throw new IllegalStateException(
          "Expected one element in '"
              + collection
              + "', got "
              + (count == 0 ? "none" : "more than one"));
    }
    value = CoderUtils.decodeFromByteArray(coder, bytes);
    read = true;
    return value;
  }

  /** The element shipped ({@link LargeSingleton}) when the collection holds one, else nothing. */
  private static final class ShipIfOneFn<T> extends DoFn<T, LargeSingleton.Ref> {
    private final LargeSingleton.ShipFn<T> ship;
    private final PCollectionView<Long> count;

    ShipIfOneFn(Coder<T> coder, String directory, PCollectionView<Long> count) {
      this.ship = new LargeSingleton.ShipFn<>(coder, directory);
      this.count = count;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      if (c.sideInput(count) == 1) {
        c.output(ship.ship(c.element()));
      }
    }
  }

  /**
   * Writes the element count and, for one element, its encoding. A large collection given by
   * mistake does not travel to this one worker, only its count; a large element travels by
   * reference.
   */
  private static final class WriteFn<T> extends DoFn<Long, Void> {
    private final String file;
    private final Coder<T> coder;
    private final PCollectionView<Iterable<LargeSingleton.Ref>> shipped;

    WriteFn(String file, Coder<T> coder, PCollectionView<Iterable<LargeSingleton.Ref>> shipped) {
      this.file = file;
      this.coder = coder;
      this.shipped = shipped;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      long count = c.element();
      ResourceId id = FileSystems.matchNewResource(file, false);
      try (WritableByteChannel channel = FileSystems.create(id, MimeTypes.BINARY);
          OutputStream out = Channels.newOutputStream(channel)) {
        VarLongCoder.of().encode(count, out);
        if (count == 1) {
          T value = LargeSingleton.only(c.sideInput(shipped), file).resolve(coder, file);
          out.write(CoderUtils.encodeToByteArray(coder, value));
        }
      }
    }
  }
}
