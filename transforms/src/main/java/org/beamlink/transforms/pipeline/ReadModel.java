package org.beamlink.transforms.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;

/**
 * Reads a model file (a pipeline model or any fitted stage) into a PCollection of one element, to
 * score rows with {@link ApplyModel#of(PCollection)}. The file is read when the pipeline is built,
 * from any Beam file system ({@code /local/path}, {@code gs://...} with its module), so a missing
 * or corrupt file fails then, and the scoring output schema is known from the model itself.
 *
 * <pre>{@code
 * PCollection<Transformer> model = p.apply(ReadModel.from("/models/churn.blm"));
 * PCollection<Row> scored = rows.apply(ApplyModel.of(model));
 * }</pre>
 */
public final class ReadModel extends PTransform<PBegin, PCollection<Transformer>> {
  private final String path;
  private final Transformer model;

  private ReadModel(String path, Transformer model) {
    this.path = path;
    this.model = model;
  }

  /**
   * Reads the model at {@code path} now.
   *
   * @throws IllegalArgumentException when the file is missing, is not a model file, is corrupt, or
   *     holds a model that is not a fitted stage
   */
  public static ReadModel from(String path) {
    return new ReadModel(path, read(path));
  }

  /** The model read. */
  public Transformer model() {
    return model;
  }

  /** Reads the model file at {@code path} from any Beam file system. */
  public static Transformer read(String path) {
    byte[] bytes;
    try {
      MatchResult.Metadata file = FileSystems.matchSingleFileSpec(path);
      try (InputStream in = Channels.newInputStream(FileSystems.open(file.resourceId()))) {
        bytes = in.readAllBytes();
      }
      Object model = ModelFile.fromBytes(bytes, path);
      if (!(model instanceof Transformer t)) {
        throw new IOException(
            path
                + " holds a "
                + model.getClass().getSimpleName()
                + ", which is not a fitted stage");
      }
      return t;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read model file " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public PCollection<Transformer> expand(PBegin input) {
    return input.apply(
        "Model " + path, Create.of(model).withCoder(TransformerCoder.of(Transformer.class, model)));
  }
}
