package org.beamlink.examples.online;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.online.ModelVersion;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each model version to its own model file ({@link ModelFile}) in a directory, named by its
 * version number ({@link #fileName}, e.g. {@code version-000012.blm}), on any Beam file system; the
 * output holds the versions written. The model's provenance in the file header tells the version
 * (as iterations) and the examples trained on (as rows).
 *
 * <p>Exactly-once output from a runner that replays: the step is {@link DoFn.RequiresStableInput},
 * so on Flink (which needs checkpointing for it) a version is written only after the checkpoint
 * that holds it has completed, and a version produced after the last checkpoint, then lost with a
 * failed worker, is produced again by the restored job, never written half. A version written, and
 * then replayed after a restore, is written again to the same name: the write is idempotent. It is
 * also checked: a file already there with other content fails the step with both named, since that
 * means the directory holds another run's versions or the replay did not reproduce the same model
 * (either would otherwise go unnoticed). A version found already written with the same content is
 * logged (one line at INFO): the trace of a replay.
 *
 * <p>Each file is written under a temporary name beside the target and renamed over it, so a reader
 * sees a whole file or none.
 *
 * <pre>{@code
 * PCollection<ModelVersion<LinearModel>> versions = rows.apply(Ftrl.train(initial)...);
 * versions.apply(WriteVersionFiles.to("/models/ctr"));
 * LinearModel v3 = ModelFile.read(Path.of("/models/ctr", WriteVersionFiles.fileName(3)),
 *     LinearModel.class);
 * }</pre>
 */
public final class WriteVersionFiles<M>
    extends PTransform<PCollection<ModelVersion<M>>, PCollection<Long>> {
  private final String directory;

  private WriteVersionFiles(String directory) {
    this.directory = directory;
  }

  /** Writes into {@code directory} (any Beam file system; created when missing). */
  public static <M> WriteVersionFiles<M> to(String directory) {
    if (directory == null || directory.isEmpty()) {
      throw new IllegalArgumentException("Expected a directory for the model versions, got none");
    }
    FileSystems.matchNewResource(directory, true);
    return new WriteVersionFiles<>(directory);
  }

  /** The file name of version {@code version}: {@code version-} and six or more digits. */
  public static String fileName(long version) {
    return String.format(Locale.ROOT, "version-%06d.blm", version);
  }

  @Override
  public PCollection<Long> expand(PCollection<ModelVersion<M>> versions) {
    return versions.apply("Write version files", ParDo.of(new WriteFn<M>(directory)));
  }

  private static final class WriteFn<M> extends DoFn<ModelVersion<M>, Long> {
    // Beam metrics cannot be used here: Flink runs a stable-input step from the checkpoint
    // notification, outside the thread Beam's metrics container is bound to.
    private static final Logger LOG = LoggerFactory.getLogger(WriteVersionFiles.class);
    private final String directory;

    WriteFn(String directory) {
      this.directory = directory;
    }

    @RequiresStableInput
    @ProcessElement
    public void process(@Element ModelVersion<M> version, OutputReceiver<Long> out)
        throws IOException {
      byte[] bytes = ModelFile.toBytes(version.model());
      ResourceId dir = FileSystems.matchNewResource(directory, true);
      ResourceId target =
          dir.resolve(fileName(version.version()), StandardResolveOptions.RESOLVE_FILE);
      byte[] existing = readIfPresent(target);
      if (existing != null) {
        if (!Arrays.equals(existing, bytes)) {
          throw new IllegalStateException(
              "Model version "
                  + version.version()
                  + " is already in "
                  + target
                  + " with other content: the directory holds another run's versions (use a new"
                  + " directory), or a replayed version differs from the one first written");
        }
        LOG.info(
            "Model version {} was already written to {} with the same content (a replay)",
            version.version(),
            target);
      } else {
        ResourceId tmp =
            dir.resolve(
                "."
                    + fileName(version.version())
                    + ".tmp-"
                    + Integer.toHexString(Arrays.hashCode(bytes)),
                StandardResolveOptions.RESOLVE_FILE);
        try (OutputStream o = Channels.newOutputStream(FileSystems.create(tmp, MimeTypes.BINARY))) {
          o.write(bytes);
        }
        FileSystems.rename(List.of(tmp), List.of(target), StandardMoveOptions.IGNORE_MISSING_FILES);
      }
      out.output(version.version());
    }

    private static @Nullable byte[] readIfPresent(ResourceId file) throws IOException {
      try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
        return in.readAllBytes();
      } catch (FileNotFoundException | NoSuchFileException e) {
        return null;
      }
    }
  }
}
