package org.beamlink.transforms.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.io.ModelFormats;

/**
 * Writes the model in a PCollection (the output of a {@code fit()}: a pipeline model, a linear or
 * KMeans model, a scaler model, ...) to a model file ({@link ModelFile}) on any Beam file system.
 * The file is written beside the target under a temporary name and then renamed over it, so readers
 * see the old file or the new one, never a partial one. The output holds the path written, once the
 * file is in place.
 *
 * <p>Meant for a PCollection of one model: every element is written to the same path, the last one
 * to finish winning.
 *
 * <pre>{@code
 * PCollection<PipelineModel> model = rows.apply(pipeline.fit());
 * model.apply(WriteModel.to("/models/churn.blm"));
 * }</pre>
 */
public final class WriteModel extends PTransform<PCollection<?>, PCollection<String>> {
  private final String path;

  private WriteModel(String path) {
    this.path = path;
  }

  /** Writes to {@code path}. */
  public static WriteModel to(String path) {
    FileSystems.matchNewResource(path, false);
    return new WriteModel(path);
  }

  @Override
  public PCollection<String> expand(PCollection<?> input) {
    return input.apply("Write " + path, ParDo.of(new WriteFn<>(path)));
  }

  private static final class WriteFn<T> extends DoFn<T, String> {
    private final String path;

    WriteFn(String path) {
      this.path = path;
    }

    @ProcessElement
    public void process(@Element T model, OutputReceiver<String> out) throws IOException {
      ModelFormats.forModel(model);
      byte[] bytes = ModelFile.toBytes(model);
      ResourceId target = FileSystems.matchNewResource(path, false);
      ResourceId tmp =
          FileSystems.matchNewResource(
              path + ".tmp-" + Integer.toHexString(java.util.Arrays.hashCode(bytes)), false);
      try (OutputStream o =
          Channels.newOutputStream(FileSystems.create(tmp, "application/octet-stream"))) {
        o.write(bytes);
      }
      FileSystems.rename(
          List.of(tmp), List.of(target), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      out.output(path);
    }
  }
}
