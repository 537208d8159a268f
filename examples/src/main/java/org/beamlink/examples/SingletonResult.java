package org.beamlink.examples;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.UUID;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.runners.RunnerOptions;

/**
 * Brings the one element of a {@code PCollection} (a summary, a model) back to the launcher: a step
 * writes it, in the collection's coder, to a file that the workers and the launcher both reach, and
 * {@link #read()} reads it once the pipeline is done.
 *
 * <p>The file is in {@code --tempLocation} when given (any Beam file system), else in the local
 * temporary directory, which is shared with the DirectRunner and embedded Flink but not with a
 * remote cluster: {@code --flinkMaster=host:port} needs {@code --tempLocation}. The name is fixed
 * before the run, so a retried write replaces the file.
 *
 * <pre>{@code
 * SingletonResult<Summary> result = SingletonResult.writeTo(summary, options);
 * pipeline.run().waitUntilFinish();
 * Summary s = result.read();
 * result.delete();
 * }</pre>
 */
final class SingletonResult<T> {
  private final String file;
  private final Coder<T> coder;

  private SingletonResult(String file, Coder<T> coder) {
    this.file = file;
    this.coder = coder;
  }

  /**
   * Runs {@code singleton}'s pipeline with {@code progress} and returns its one element: the write
   * step, the run, the read and the clean-up in one call.
   */
  static <T> T run(PCollection<T> singleton, PipelineOptions options, ProgressReporter progress)
      throws IOException {
    SingletonResult<T> result = writeTo(singleton, options);
    try {
      progress.run(singleton.getPipeline());
      return result.read();
    } finally {
      result.delete();
    }
  }

  /**
   * Adds to {@code singleton}'s pipeline the step that writes its element.
   *
   * @throws IllegalArgumentException for a remote Flink cluster without {@code --tempLocation}
   */
  static <T> SingletonResult<T> writeTo(PCollection<T> singleton, PipelineOptions options) {
    String name = "beamlink-result-" + UUID.randomUUID() + ".bin";
    ResourceId file = directory(options).resolve(name, StandardResolveOptions.RESOLVE_FILE);
    SingletonResult<T> result = new SingletonResult<>(file.toString(), singleton.getCoder());
    singleton.apply("WriteResult", ParDo.of(new WriteFn<>(result.file, result.coder)));
    return result;
  }

  private static ResourceId directory(PipelineOptions options) {
    String temp = options.getTempLocation();
    if (temp != null && !temp.isEmpty()) {
      return FileSystems.matchNewResource(temp, true);
    }
    if (options.getRunner() == FlinkRunner.class
        && RunnerOptions.isRemote(options.as(FlinkPipelineOptions.class).getFlinkMaster())) {
      throw new IllegalArgumentException(
          "--flinkMaster names a remote cluster, whose workers cannot write the result to this"
              + " machine: pass --tempLocation=DIR, a directory both reach (a shared mount or a"
              + " file system Beam knows)");
    }
    return FileSystems.matchNewResource(System.getProperty("java.io.tmpdir"), true);
  }

  /**
   * The element the pipeline wrote.
   *
   * @throws IllegalStateException when the pipeline wrote none
   */
  T read() throws IOException {
    ResourceId id = FileSystems.matchNewResource(file, false);
    try (ReadableByteChannel channel = FileSystems.open(id);
        InputStream in = Channels.newInputStream(channel)) {
      return CoderUtils.decodeFromByteArray(coder, in.readAllBytes());
    } catch (FileNotFoundException e) {
      throw new IllegalStateException("The pipeline ended without writing its result " + file, e);
    }
  }

  /** Deletes the file, if it is there. */
  void delete() throws IOException {
    FileSystems.delete(
        List.of(FileSystems.matchNewResource(file, false)),
        StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  private static final class WriteFn<T> extends DoFn<T, Void> {
    private final String file;
    private final Coder<T> coder;

    WriteFn(String file, Coder<T> coder) {
      this.file = file;
      this.coder = coder;
    }

    @ProcessElement
    public void process(@Element T element) throws IOException {
      byte[] bytes = CoderUtils.encodeToByteArray(coder, element);
      ResourceId id = FileSystems.matchNewResource(file, false);
      try (WritableByteChannel channel = FileSystems.create(id, MimeTypes.BINARY);
          OutputStream out = Channels.newOutputStream(channel)) {
        out.write(bytes);
      }
    }
  }
}
