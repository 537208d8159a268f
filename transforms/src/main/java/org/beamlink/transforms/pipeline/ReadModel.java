package org.beamlink.transforms.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.List;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Watch;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

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

  /**
   * Watches {@code filepattern} (for example {@code /models/*.blm}) every {@code pollInterval} and
   * emits a model version for each model file that appears or changes, so that a batch job writing
   * a new model file replaces the model used by a running stream; see {@link Watching}.
   *
   * @throws IllegalArgumentException when no file matches yet, or the newest one cannot be read
   */
  public static Watching watch(String filepattern, Duration pollInterval) {
    return new Watching(filepattern, pollInterval, null, newest(filepattern));
  }

  /** The model read. */
  public Transformer model() {
    return model;
  }

  /** Reads the model file at {@code path} from any Beam file system. */
  public static Transformer read(String path) {
    try {
      return read(FileSystems.matchSingleFileSpec(path), path);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read model file " + path + ": " + e.getMessage(), e);
    }
  }

  /** Reads the model file {@code file}, already matched; {@code path} names it in errors. */
  private static Transformer read(MatchResult.Metadata file, String path) {
    try {
      byte[] bytes;
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

  private static Transformer newest(String filepattern) {
    List<MatchResult.Metadata> files;
    try {
      files = FileSystems.match(filepattern, EmptyMatchTreatment.ALLOW).metadata();
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot list " + filepattern + ": " + e.getMessage(), e);
    }
    MatchResult.Metadata newest = null;
    for (MatchResult.Metadata file : files) {
      if (Watching.isModelFile(file)
          && (newest == null || file.lastModifiedMillis() > newest.lastModifiedMillis())) {
        newest = file;
      }
    }
    if (newest == null) {
      throw new IllegalArgumentException(
          "No model file matches "
              + filepattern
              + " yet; watching needs one to know the scoring output's columns");
    }
    return read(newest, newest.resourceId().toString());
  }

  /**
   * A stream of model versions read from the model files matching a pattern, made by {@link
   * ReadModel#watch}: every poll lists the files, and each new file, or a file whose last-modified
   * time changed, is read and emitted as a {@link ModelVersion} whose number is the file's
   * last-modified time in milliseconds since the epoch (so the newest file wins) and whose source
   * is its path. Files whose names start with a dot are skipped: {@code ModelFile} writes through
   * such a temporary sibling and renames it, so a reader never sees a half-written model.
   *
   * <p>The newest file matching when the pipeline is built fixes the output columns of scoring;
   * every later model must map the input to the same columns, or the rows it would score fail
   * saying so. A file that cannot be read (not a model file, corrupt, a model that is not a fitted
   * stage) fails the job with the path and the reason. The stream is unbounded; {@link
   * #withStopAfterIdle} ends it after a time without new or changed files.
   *
   * <pre>{@code
   * PCollection<ModelVersion<Transformer>> models =
   *     p.apply(ReadModel.watch("/models/*.blm", Duration.standardMinutes(1)));
   * PCollection<Row> scored = events.apply(ApplyModel.ofVersions(models));
   * }</pre>
   */
  public static final class Watching
      extends PTransform<PBegin, PCollection<ModelVersion<Transformer>>> {
    private final String filepattern;
    private final Duration pollInterval;
    private final @Nullable Duration stopAfterIdle;
    private final Transformer newest;

    private Watching(
        String filepattern,
        Duration pollInterval,
        @Nullable Duration stopAfterIdle,
        Transformer newest) {
      if (pollInterval.getMillis() <= 0) {
        throw new IllegalArgumentException(
            "Expected a positive poll interval, got " + pollInterval);
      }
      this.filepattern = filepattern;
      this.pollInterval = pollInterval;
      this.stopAfterIdle = stopAfterIdle;
      this.newest = newest;
    }

    /** Ends the stream once no file has appeared or changed for {@code idle}; default never. */
    public Watching withStopAfterIdle(Duration idle) {
      if (idle.getMillis() <= 0) {
        throw new IllegalArgumentException("Expected a positive idle time, got " + idle);
      }
      return new Watching(filepattern, pollInterval, idle, newest);
    }

    static boolean isModelFile(MatchResult.Metadata file) {
      String name = file.resourceId().getFilename();
      return name != null && !name.isEmpty() && !name.startsWith(".");
    }

    @Override
    public PCollection<ModelVersion<Transformer>> expand(PBegin input) {
      Watch.Growth.TerminationCondition<String, ?> stop =
          stopAfterIdle == null
              ? Watch.Growth.never()
              : Watch.Growth.afterTimeSinceNewOutput(stopAfterIdle);
      return input
          .apply(
              "Match " + filepattern,
              FileIO.match().filepattern(filepattern).continuously(pollInterval, stop, true))
          .apply("Read models", ParDo.of(new ReadVersionFn()))
          .setCoder(ModelVersion.Coder.of(TransformerCoder.of(Transformer.class, newest)));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("filepattern", filepattern))
          .add(DisplayData.item("pollInterval", pollInterval));
    }
  }

  private static final class ReadVersionFn
      extends DoFn<MatchResult.Metadata, ModelVersion<Transformer>> {
    @ProcessElement
    public void process(
        @Element MatchResult.Metadata file, OutputReceiver<ModelVersion<Transformer>> out) {
      if (!Watching.isModelFile(file)) {
        return;
      }
      String path = file.resourceId().toString();
      // Matched metadata loses the last-modified time on its way here: match the file again, once,
      // for its time and to read it.
      MatchResult.Metadata current;
      try {
        current = FileSystems.matchSingleFileSpec(path);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "Cannot read model file " + path + ": " + e.getMessage(), e);
      }
      out.output(
          ModelVersion.of(
              current.lastModifiedMillis(),
              read(current, path),
              0,
              BoundedWindow.TIMESTAMP_MIN_VALUE,
              BoundedWindow.TIMESTAMP_MIN_VALUE,
              path));
    }
  }
}
