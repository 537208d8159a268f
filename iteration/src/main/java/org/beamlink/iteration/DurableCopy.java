package org.beamlink.iteration;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * The durable copies of a loop's partition data: files written once under the pipeline's {@code
 * --tempLocation} (any Beam file system; the JVM's temporary directory when none is set, which the
 * workers of one machine share) and read by a stage that does not find its partition in memory. On
 * a cluster of several machines, {@code --tempLocation} must name a directory every worker reaches.
 * The transforms' large side inputs ({@code LargeSingleton}) keep their values the same way.
 *
 * <pre>{@code
 * String path = DurableCopy.newFile(DurableCopy.directory(options, "my-loop"), "-partition-3");
 * DurableCopy.write(path, coder, block);
 * Block again = DurableCopy.read(path, coder, bytes -> {});
 * }</pre>
 */
public final class DurableCopy {
  private static final int BUFFER = 1 << 20;

  private DurableCopy() {}

  /** The directory of queue {@code queue}'s files for {@code options}. */
  public static String directory(PipelineOptions options, String queue) {
    String base = options.getTempLocation();
    if (base == null || base.isEmpty()) {
      base = System.getProperty("java.io.tmpdir");
    }
    ResourceId dir =
        FileSystems.matchNewResource(base, true)
            .resolve("beamlink-iteration", StandardResolveOptions.RESOLVE_DIRECTORY)
            .resolve(
                queue.replaceAll("[^A-Za-z0-9._-]", "_"), StandardResolveOptions.RESOLVE_DIRECTORY);
    return dir.toString();
  }

  /** A new file name in {@code directory}, unique to this call. */
  public static String newFile(String directory, String suffix) {
    return FileSystems.matchNewResource(directory, true)
        .resolve(UUID.randomUUID() + suffix, StandardResolveOptions.RESOLVE_FILE)
        .toString();
  }

  /**
   * Writes {@code value} to {@code path} through a temporary file renamed into place, so that a
   * reader sees the whole file or none; returns the bytes written.
   */
  public static <T> long write(String path, Coder<T> coder, T value) throws IOException {
    ResourceId target = FileSystems.matchNewResource(path, false);
    ResourceId temp =
        target
            .getCurrentDirectory()
            .resolve(target.getFilename() + ".tmp", StandardResolveOptions.RESOLVE_FILE);
    long[] count = new long[1];
    try (OutputStream out =
        new BufferedOutputStream(
            new FilterOutputStream(
                Channels.newOutputStream(FileSystems.create(temp, MimeTypes.BINARY))) {
              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                count[0] += len;
              }

              @Override
              public void write(int b) throws IOException {
                out.write(b);
                count[0]++;
              }
            },
            BUFFER)) {
      coder.encode(value, out);
    }
    FileSystems.rename(List.of(temp), List.of(target), StandardMoveOptions.IGNORE_MISSING_FILES);
    return count[0];
  }

  /** Reads a value that {@link #write} wrote to {@code path}; {@code size} receives its bytes. */
  public static <T> T read(String path, Coder<T> coder, LongConsumer size) throws IOException {
    MatchResult.Metadata file;
    try {
      file = FileSystems.matchSingleFileSpec(path);
    } catch (FileNotFoundException e) {
      throw new FileNotFoundException(
          "The durable copy "
              + path
              + " is missing: on a cluster of several machines, --tempLocation must name a"
              + " directory that every worker reaches");
    }
    try (InputStream in =
        new BufferedInputStream(
            Channels.newInputStream(FileSystems.open(file.resourceId())), BUFFER)) {
      T value = coder.decode(in);
      size.accept(file.sizeBytes());
      return value;
    }
  }

  /** Deletes the files, ignoring those already gone. */
  static void delete(Collection<String> paths) throws IOException {
    List<ResourceId> ids = new ArrayList<>(paths.size());
    for (String p : paths) {
      ids.add(FileSystems.matchNewResource(p, false));
    }
    FileSystems.delete(ids, StandardMoveOptions.IGNORE_MISSING_FILES);
  }
}
