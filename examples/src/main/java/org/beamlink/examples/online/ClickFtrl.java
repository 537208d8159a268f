package org.beamlink.examples.online;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.schemas.transforms.Select;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.demo.ClickEvents;
import org.beamlink.models.Provenance;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.online.FtrlParams;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.transforms.feature.FeatureHasher;
import org.beamlink.transforms.io.PacedSequence;
import org.beamlink.transforms.online.Ftrl;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.joda.time.Instant;

/**
 * Streaming FTRL on generated click events, as a job that ends: {@link ClickEvents} number {@code 0
 * .. events - 1} from a {@link RateLimitedSequence} (event {@code i} at its own event time), a
 * fixed feature mapping ({@link #features}: every field hashed into {@code numFeatures}
 * coordinates), and {@link Ftrl#train} from a zero model, with a version every {@code emitEvery}
 * examples (by count, not by processing time, so the versions are the same in every run).
 *
 * <p>At parallelism 1 the events reach the trainer in their number order, so a run equals
 * sequential FTRL over events {@code 0 .. events - 1} in mini-batches (in floating point, to the
 * order of the gradient sums the thread count fixes), however often the job is restored from a
 * checkpoint or a savepoint: the source resumes after the last event the checkpoint covers and the
 * trainer's state is the checkpoint's.
 *
 * <pre>{@code
 * ClickFtrl.Config config = new ClickFtrl.Config(100_000, 20_000, 7, 50_000, 1 << 14,
 *     FtrlParams.defaults().withMiniBatchSize(100), 10_000);
 * PCollection<ModelVersion<LinearModel>> versions = p.apply(ClickFtrl.of(config));
 * versions.apply(WriteVersionFiles.to("/tmp/ctr-versions"));
 * }</pre>
 */
public final class ClickFtrl extends PTransform<PBegin, PCollection<ModelVersion<LinearModel>>> {
  /** The label column of the events. */
  public static final String LABEL = "click";

  /** The hashed feature vector column. */
  public static final String FEATURES = "features";

  /**
   * The rows {@link #scorer} makes, one per event: the event's {@code time} (its number's event
   * time, which names it), its {@code click}, the predicted click, the probability of a click and
   * the version that scored it.
   */
  public static final Schema PREDICTION =
      Schema.builder()
          .addInt64Field("time")
          .addInt32Field(LABEL)
          .addInt32Field("prediction")
          .addDoubleField("probability")
          .addInt64Field("modelVersion")
          .build();

  private static final OutputColumns SCORE_COLS =
      OutputColumns.of("prediction", "detail", "probability");

  /** Numeric fields hashed as categories: their values are few and their effect not linear. */
  private static final String[] CATEGORICAL_NUMBERS = {"hour", "position"};

  /**
   * One run's settings.
   *
   * @param events events to train on, numbers {@code 0 .. events - 1} (>= 1)
   * @param rate events per second the source emits at most (>= 1)
   * @param seed the events' seed
   * @param driftAt the event from which the world changes ({@link ClickEvents})
   * @param numFeatures hashed coordinates (>= 2)
   * @param params the FTRL settings (mini-batch size and threads among them)
   * @param emitEvery examples between versions (>= 1)
   */
  public record Config(
      long events,
      long rate,
      long seed,
      long driftAt,
      int numFeatures,
      FtrlParams params,
      long emitEvery) {
    /** Validates the settings. */
    public Config {
      if (events < 1 || rate < 1 || emitEvery < 1) {
        throw new IllegalArgumentException(
            "Expected events >= 1, rate >= 1 and emitEvery >= 1, got "
                + events
                + ", "
                + rate
                + " and "
                + emitEvery);
      }
      if (numFeatures < 2) {
        throw new IllegalArgumentException("Expected numFeatures >= 2, got " + numFeatures);
      }
      if (driftAt < 0) {
        throw new IllegalArgumentException("Expected driftAt >= 0, got " + driftAt);
      }
    }
  }

  private final Config config;

  private ClickFtrl(Config config) {
    this.config = config;
  }

  /** The training job of {@code config}. */
  public static ClickFtrl of(Config config) {
    return new ClickFtrl(config);
  }

  /**
   * The fixed feature mapping: every field of an event hashed into {@code numFeatures} coordinates
   * of the vector column {@link #FEATURES} (Spark's {@code FeatureHasher}: {@code price} and {@code
   * dwell} add their value, every other field, {@code hour} and {@code position} included, a 1 at
   * the hash of its name and value).
   */
  public static FeatureHasher features(int numFeatures) {
    String[] columns = new String[ClickEvents.NUMERIC.length + ClickEvents.CATEGORICAL.length];
    System.arraycopy(ClickEvents.NUMERIC, 0, columns, 0, ClickEvents.NUMERIC.length);
    System.arraycopy(
        ClickEvents.CATEGORICAL,
        0,
        columns,
        ClickEvents.NUMERIC.length,
        ClickEvents.CATEGORICAL.length);
    return FeatureHasher.of(columns)
        .withCategoricalCols(CATEGORICAL_NUMBERS)
        .withOutputCol(FEATURES)
        .withNumFeatures(numFeatures);
  }

  /** The model training starts from: LOGISTIC, labels 0 and 1 (INT32), every weight 0. */
  public static LinearModel initialModel(int numFeatures) {
    return LinearModel.of(
        LinearModelType.LOGISTIC,
        numFeatures,
        new double[numFeatures],
        new double[1],
        List.of("0", "1"),
        TypeName.INT32,
        FeatureColumns.ofVector(FEATURES),
        Provenance.of("zeros", Map.of(), 0, 0, Double.NaN, 0));
  }

  @Override
  public PCollection<ModelVersion<LinearModel>> expand(PBegin input) {
    return input
        .apply(
            "Generated events",
            generated(config.events(), config.rate(), config.seed(), config.driftAt()))
        .apply("Train", trainer(config.numFeatures(), config.params(), config.emitEvery()));
  }

  /**
   * Events {@code 0 .. events - 1} of {@code new ClickEvents(seed, driftAt)} at most {@code rate} a
   * second, each with its own event time ({@link ClickEvents#START_MILLIS} plus {@link
   * ClickEvents#SPACING_MILLIS} per event): the source of {@link ClickFtrl} and of {@code beamlink
   * kafka produce}.
   */
  public static PTransform<PBegin, PCollection<Row>> generated(
      long events, long rate, long seed, long driftAt) {
    return new Generated(events, rate, new ClickEvents(seed, driftAt));
  }

  /**
   * Everything after the source: the events ({@link ClickEvents#SCHEMA}) hashed by {@link
   * #features} and trained by {@link Ftrl#train} from {@link #initialModel}, a version every {@code
   * emitEvery} examples. Fed by {@link #generated} in {@link ClickFtrl}, or by a Kafka topic of
   * events ({@code beamlink online ftrl --events-topic}).
   */
  public static PTransform<PCollection<Row>, PCollection<ModelVersion<LinearModel>>> trainer(
      int numFeatures, FtrlParams params, long emitEvery) {
    return new Trainer(numFeatures, params, emitEvery);
  }

  /**
   * Scores events ({@link ClickEvents#SCHEMA}) with a stream of versions of the trainer's model:
   * each event hashed by {@link #features} and scored with the newest version that has reached it
   * ({@link ApplyModel#ofVersions}), a row of {@link #PREDICTION}. With the trainer's own versions
   * it is progressive validation, each event predicted before (or as) it trains the model.
   */
  public static PTransform<PCollection<Row>, PCollection<Row>> scorer(
      int numFeatures, PCollection<ModelVersion<LinearModel>> versions) {
    return new Scorer(numFeatures, versions);
  }

  /** The scoring; see {@link #scorer}. */
  private static final class Scorer extends PTransform<PCollection<Row>, PCollection<Row>> {
    private final int numFeatures;
    private final PCollection<ModelVersion<LinearModel>> versions;

    Scorer(int numFeatures, PCollection<ModelVersion<LinearModel>> versions) {
      this.numFeatures = numFeatures;
      this.versions = versions;
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> events) {
      return events
          .apply("Hash features", features(numFeatures))
          .apply(
              "Score",
              ApplyModel.ofVersions(
                  versions,
                  in -> LinearModel.outputSchema(in, TypeName.INT32, SCORE_COLS),
                  m ->
                      m.withOutputCols(SCORE_COLS.get(0), SCORE_COLS.get(1))
                          .withProbabilityCol(SCORE_COLS.get(2))))
          .apply(
              "Prediction columns",
              Select.fieldNames(PREDICTION.getFieldNames().toArray(String[]::new)))
          .setRowSchema(PREDICTION);
    }
  }

  /** The generated events; see {@link #generated}. */
  private static final class Generated extends PTransform<PBegin, PCollection<Row>> {
    private final long events;
    private final long rate;
    private final ClickEvents clicks;

    Generated(long events, long rate, ClickEvents clicks) {
      this.events = events;
      this.rate = rate;
      this.clicks = clicks;
    }

    @Override
    public PCollection<Row> expand(PBegin input) {
      return input
          .apply(
              "Event numbers",
              PacedSequence.from(0)
                  .to(events)
                  .withRate(rate)
                  .withTimestampFn(
                      i -> new Instant(ClickEvents.START_MILLIS + i * ClickEvents.SPACING_MILLIS)))
          .apply("Events", MapElements.via(new EventFn(clicks)))
          .setRowSchema(ClickEvents.SCHEMA);
    }
  }

  /** The feature mapping and the trainer; see {@link #trainer}. */
  private static final class Trainer
      extends PTransform<PCollection<Row>, PCollection<ModelVersion<LinearModel>>> {
    private final int numFeatures;
    private final FtrlParams params;
    private final long emitEvery;

    Trainer(int numFeatures, FtrlParams params, long emitEvery) {
      this.numFeatures = numFeatures;
      this.params = params;
      this.emitEvery = emitEvery;
    }

    @Override
    public PCollection<ModelVersion<LinearModel>> expand(PCollection<Row> events) {
      return events
          .apply("Hash features", features(numFeatures))
          .apply(
              "FTRL",
              Ftrl.train(initialModel(numFeatures))
                  .withLabelCol(LABEL)
                  .withVectorCol(FEATURES)
                  .withAlpha(params.alpha())
                  .withBeta(params.beta())
                  .withL1(params.l1())
                  .withL2(params.l2())
                  .withIntercept(params.intercept())
                  .withMiniBatchSize(params.miniBatchSize())
                  .withThreads(params.threads())
                  .withEmitEvery(emitEvery));
    }
  }

  /** Event number to event row. */
  private static final class EventFn extends SimpleFunction<Long, Row> {
    private final ClickEvents clicks;

    EventFn(ClickEvents clicks) {
      this.clicks = clicks;
    }

    @Override
    public Row apply(Long i) {
      return clicks.event(i);
    }
  }
}
