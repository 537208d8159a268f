package org.beamlink.examples.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.schemas.transforms.Filter;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.WithTimestamps;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.examples.run.SingletonResult;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.classification.LogisticRegression;
import org.beamlink.transforms.evaluation.BinaryClassificationEvaluation;
import org.beamlink.transforms.evaluation.BinaryMetrics;
import org.beamlink.transforms.evaluation.MetricsRows;
import org.beamlink.transforms.feature.FeatureHasher;
import org.beamlink.transforms.feature.StandardScaler;
import org.beamlink.transforms.feature.VectorAssembler;
import org.beamlink.transforms.io.PacedSequence;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.io.ReplayCsv;
import org.beamlink.transforms.online.Ftrl;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.joda.time.format.ISODateTimeFormat;

/**
 * The online-learning demo after Alink's FTRL case: click events ({@link ClickEvents}) with a drift
 * halfway; a feature pipeline (standard scaling of the numeric fields, feature hashing of the
 * categorical ones) and a logistic regression fitted in batch on a prefix; then FTRL trained on the
 * rest as a stream, starting from that model; live prediction of every event with the newest FTRL
 * version stamped before it (progressive validation: a version is stamped with the time of the last
 * example it learnt from, so no event is scored by a model that has seen it), and beside it with
 * the batch model frozen; AUC and log loss of both per window of event time, printed as each window
 * closes.
 *
 * <p>Two jobs: the batch fit (embedded Flink in batch mode unless told otherwise) and the stream
 * (Flink in streaming mode). The stream is generated ({@link PacedSequence}, event times 10 ms
 * apart) or replayed from a CSV file of events in time order ({@link ReplayCsv}; the first {@code
 * prefix} rows are the batch prefix), at a set rate, with the watermark at the last event's time,
 * so each window's line prints as soon as the stream has passed it; the stream ends on its own
 * after the last event. Window lines are printed by the workers: on embedded Flink and the
 * DirectRunner that is this console; on a cluster, the task managers' logs.
 *
 * <pre>{@code
 * bin/beamlink demo ctr                                   # 300k events, 60k of them the prefix
 * bin/beamlink demo ctr --events 100000 --rate 50000 --runner=DirectRunner
 * }</pre>
 */
public final class CtrDemo {
  private static final MetricName PREFIX_EVENTS = MetricName.named(CtrDemo.class, "prefixEvents");

  private static final String LIVE_STEP = "Predict with the newest version";

  /** Where the live and the batch model write their predictions and click probabilities. */
  private static final OutputColumns SCORE_COLS = OutputColumns.of("prediction", "detail");

  private CtrDemo() {}

  /** One run's settings; {@code windowEvents} events make one evaluation window. */
  public record Config(
      long events,
      long prefix,
      long driftAt,
      long rate,
      long windowEvents,
      long emitEvery,
      int numFeatures,
      long seed,
      boolean arrivalOrder,
      @Nullable Path eventsFile) {
    public Config {
      if (prefix < 1000 || (eventsFile == null && prefix >= events)) {
        throw new IllegalArgumentException(
            "Expected 1000 <= prefix < events, got prefix " + prefix + " of " + events);
      }
      if (rate < 0 || windowEvents < 100 || emitEvery < 1 || numFeatures < 16) {
        throw new IllegalArgumentException(
            "Expected rate >= 0, windowEvents >= 100, emitEvery >= 1 and numFeatures >= 16");
      }
    }
  }

  /**
   * Where the events come from: their number, the time the stream starts at (the first event after
   * the prefix), the time of the drift and the mean milliseconds between events.
   */
  private record Timeline(long events, long streamStartMillis, long driftMillis, double spacing) {
    static Timeline of(Config config) throws IOException {
      if (config.eventsFile() == null) {
        return new Timeline(
            config.events(),
            eventMillis(config.prefix()),
            eventMillis(config.driftAt()),
            ClickEvents.SPACING_MILLIS);
      }
      ClickEventsFile.Scan scan =
          ClickEventsFile.scan(config.eventsFile(), config.prefix(), config.driftAt());
      return new Timeline(
          scan.rows(), scan.prefixEndMillis(), scan.driftMillis(), scan.spacingMillis());
    }
  }

  /**
   * One window's verdict for one model: which model, the window, its metrics, and when it was
   * printed ({@link System#nanoTime}).
   */
  public record WindowResult(
      String model,
      Instant start,
      Instant end,
      long count,
      double auc,
      double logLoss,
      long printedNanos) {}

  /** Window results of the runs in this JVM, by run id, for the command's summary and tests. */
  private static final Map<String, List<WindowResult>> RESULTS = new ConcurrentHashMap<>();

  /**
   * Runs the demo: prints the prefix fit, then a line per window and model as the stream runs, and
   * returns the window results (collected in this JVM: the DirectRunner and embedded Flink).
   */
  public static List<WindowResult> run(Config config, String[] beamArgs, PrintWriter out)
      throws IOException {
    return run(config, beamArgs, out, null);
  }

  /**
   * Runs the demo with {@code stream} as the events after the prefix (each with its event time) in
   * place of the generator or the file, for tests that drive the watermark themselves ({@code
   * TestStream}); the prefix and the timeline still come from {@code config}.
   */
  public static List<WindowResult> run(
      Config config,
      String[] beamArgs,
      PrintWriter out,
      @Nullable PTransform<PBegin, PCollection<Row>> stream)
      throws IOException {
    ClickEvents clicks = new ClickEvents(config.seed(), config.driftAt());
    Timeline timeline = Timeline.of(config);
    out.printf(
        Locale.ROOT,
        "CTR demo: %d events %s (drift at %d), batch prefix %d, stream at %d events/s,"
            + " windows of %d events%n",
        timeline.events(),
        config.eventsFile() == null ? "generated" : "from " + config.eventsFile(),
        config.driftAt(),
        config.prefix(),
        config.rate(),
        config.windowEvents());
    out.flush();
    long start = System.nanoTime();
    PipelineModel fitted = fitPrefix(clicks, config, timeline, beamArgs);
    List<Transformer> stages = fitted.stages();
    PipelineModel features =
        PipelineModel.of(fitted.inputSchema(), stages.subList(0, stages.size() - 1));
    // FTRL starts from the fitted coefficients; the columns are the stage's, not the learner's.
    LinearModel initial = ((LinearModel) stages.get(stages.size() - 1)).withoutOutputCols();
    out.printf(
        Locale.ROOT,
        "Prefix fit (%d features) in %.1f s: %s%n",
        initial.numFeatures(),
        (System.nanoTime() - start) / 1e9,
        initial.provenance());
    out.println("window (event time)                       model    events      AUC   log loss");
    out.flush();
    String runId = java.util.UUID.randomUUID().toString();
    RESULTS.put(runId, java.util.Collections.synchronizedList(new ArrayList<>()));
    start = System.nanoTime();
    Pipeline p =
        streamPipeline(clicks, config, timeline, features, initial, beamArgs, runId, stream);
    org.apache.beam.sdk.PipelineResult result = p.run();
    result.waitUntilFinish();
    long versions = 0;
    for (org.apache.beam.sdk.metrics.MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                org.apache.beam.sdk.metrics.MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(ApplyModel.class, "modelVersionsUsed"))
                    .addStep(LIVE_STEP)
                    .build())
            .getCounters()) {
      versions += counter.getAttempted();
    }
    List<WindowResult> results = new ArrayList<>(RESULTS.remove(runId));
    results.sort(
        java.util.Comparator.comparing(WindowResult::start).thenComparing(WindowResult::model));
    out.printf(
        Locale.ROOT,
        "Stream of %d events in %.1f s; FTRL versions received for scoring: %d (once per shard)%n",
        timeline.events() - config.prefix(),
        (System.nanoTime() - start) / 1e9,
        versions);
    summarize(results, timeline, out);
    out.flush();
    return results;
  }

  private static PipelineModel fitPrefix(
      ClickEvents clicks, Config config, Timeline timeline, String[] beamArgs) throws IOException {
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    Pipeline p = Pipeline.create(options);
    MlPipeline pipeline =
        MlPipeline.of(
            VectorAssembler.of(ClickEvents.NUMERIC).withOutputCol("numeric"),
            StandardScaler.fit().withInputCol("numeric").withOutputCol("scaled"),
            FeatureHasher.of(ClickEvents.CATEGORICAL)
                .withOutputCol("hashed")
                .withNumFeatures(config.numFeatures()),
            VectorAssembler.of("scaled", "hashed").withOutputCol("features"),
            LogisticRegression.fit()
                .withVectorCol("features")
                .withLabelCol("click")
                .withL2(1e-2)
                .withPredictionCol("prediction")
                .withPredictionDetailCol("detail"));
    PCollection<Row> prefix;
    if (config.eventsFile() == null) {
      prefix =
          p.apply("Prefix", GenerateSequence.from(0).to(config.prefix()))
              .apply("Events", MapElements.via(new EventFn(clicks)))
              .setRowSchema(ClickEvents.SCHEMA);
    } else {
      long end = timeline.streamStartMillis();
      prefix =
          p.apply(
                  "Read",
                  ReadCsv.from(config.eventsFile().toString()).withSchema(ClickEvents.SCHEMA))
              .apply("Prefix", Filter.<Row>create().whereFieldName("time", (Long t) -> t < end));
    }
    PCollection<PipelineModel> model = prefix.apply("Fit", pipeline.fit());
    PrintWriter quiet = new PrintWriter(java.io.Writer.nullWriter());
    return SingletonResult.run(
        model, options, new ProgressReporter(quiet, "fit", PREFIX_EVENTS, "events", true, false));
  }

  private static Pipeline streamPipeline(
      ClickEvents clicks,
      Config config,
      Timeline timeline,
      PipelineModel features,
      LinearModel initial,
      String[] beamArgs,
      String runId,
      @Nullable PTransform<PBegin, PCollection<Row>> stream) {
    List<String> args = new ArrayList<>(Arrays.asList(beamArgs));
    args.add("--streaming=true");
    Pipeline p = Pipeline.create(RunnerOptions.fromArgs(args.toArray(new String[0])));
    PCollection<Row> events;
    if (stream != null) {
      events = p.apply("Stream", stream);
    } else if (p.getOptions().getRunner() == DirectRunner.class) {
      events = boundedStream(p, clicks, config, timeline);
    } else {
      events = liveStream(p, clicks, config);
    }
    PCollection<PipelineModel> featureModel =
        p.apply(
            "Feature pipeline",
            Create.of(features).withCoder(TransformerCoder.of(PipelineModel.class, features)));
    PCollection<Row> featured = events.apply("Features", ApplyModel.of(featureModel));
    PCollection<ModelVersion<LinearModel>> versions =
        featured.apply(
            "FTRL",
            Ftrl.train(initial)
                .withLabelCol("click")
                .withVectorCol("features")
                .withEmitEvery(config.emitEvery()));
    TypeName labelType = initial.labelType();
    PCollection<Row> live =
        featured.apply(
            LIVE_STEP,
            config.arrivalOrder()
                ? liveScoring(versions, labelType)
                : liveScoring(versions, labelType).inEventTimeOrder());
    PCollection<ModelVersion<LinearModel>> frozen =
        p.apply(
            "Batch model",
            Create.of(
                    ModelVersion.of(
                        0, initial, config.prefix(), new Instant(0), new Instant(0), "batch"))
                .withCoder(versions.getCoder()));
    PCollection<Row> fixed =
        featured.apply(
            "Predict with the batch model",
            ApplyModel.ofVersions(
                frozen,
                in -> LinearModel.outputSchema(in, labelType, SCORE_COLS),
                m -> m.withOutputCols(SCORE_COLS.get(0), SCORE_COLS.get(1))));
    Duration window = Duration.millis(Math.round(config.windowEvents() * timeline.spacing()));
    evaluate(live, "ftrl", initial, window, runId);
    evaluate(fixed, "batch", initial, window, runId);
    return p;
  }

  /**
   * The stream as a live source: each event stamped with its own time, the watermark following
   * event time, so windows close as the stream runs.
   */
  private static PCollection<Row> liveStream(Pipeline p, ClickEvents clicks, Config config) {
    if (config.eventsFile() != null) {
      return p.apply(
          "Stream", config.rate() > 0 ? replay(config).withRate(config.rate()) : replay(config));
    }
    return p.apply(
            "Stream",
            paced(
                PacedSequence.from(config.prefix())
                    .to(config.events())
                    .withTimestampFn(new EventTimeFn()),
                config.rate()))
        .apply("Events", MapElements.via(new EventFn(clicks)))
        .setRowSchema(ClickEvents.SCHEMA);
  }

  /**
   * The stream as bounded reads, for the DirectRunner, which reads an unbounded source a few
   * elements per bundle (a 32,000-event demo took 220 s instead of 10 s). The events and their
   * times are the same; windows close when the input ends.
   */
  private static PCollection<Row> boundedStream(
      Pipeline p, ClickEvents clicks, Config config, Timeline timeline) {
    if (config.eventsFile() != null) {
      long start = timeline.streamStartMillis();
      return p.apply(
              "Read", ReadCsv.from(config.eventsFile().toString()).withSchema(ClickEvents.SCHEMA))
          .apply("Stream", Filter.<Row>create().whereFieldName("time", (Long t) -> t >= start))
          .apply("Event times", WithTimestamps.<Row>of(r -> new Instant(r.getInt64("time"))));
    }
    return p.apply(
            "Stream",
            // With a rate, Beam reads the generator as a bounded read of an unbounded source,
            // which keeps the timestamps.
            GenerateSequence.from(config.prefix())
                .to(config.events())
                .withRate(
                    config.rate() > 0 ? config.rate() : 1_000_000_000L, Duration.standardSeconds(1))
                .withTimestampFn(new EventTimeFn()))
        .apply("Events", MapElements.via(new EventFn(clicks)))
        .setRowSchema(ClickEvents.SCHEMA);
  }

  private static PacedSequence paced(PacedSequence sequence, long rate) {
    return rate > 0 ? sequence.withRate(rate) : sequence;
  }

  private static ReplayCsv replay(Config config) {
    return ReplayCsv.from(config.eventsFile().toString())
        .withSchema(ClickEvents.SCHEMA)
        .withTimeCol("time")
        .withSkipRows(config.prefix());
  }

  private static ApplyModel.Versions<LinearModel> liveScoring(
      PCollection<ModelVersion<LinearModel>> versions, TypeName labelType) {
    return ApplyModel.ofVersions(
        versions,
        in -> LinearModel.outputSchema(in, labelType, SCORE_COLS),
        m -> m.withOutputCols(SCORE_COLS.get(0), SCORE_COLS.get(1)));
  }

  private static void evaluate(
      PCollection<Row> scored, String model, LinearModel initial, Duration window, String runId) {
    scored
        .apply(model + " windows", Window.into(FixedWindows.of(window)))
        .apply(
            model + " evaluation",
            BinaryClassificationEvaluation.ofDetail("click", "detail")
                .withDetailLabels(initial.labelValues().toArray(new String[0])))
        .apply(model + " rows", MetricsRows.of(BinaryMetrics.schema()))
        .apply(model + " print", ParDo.of(new PrintFn(model, runId)));
  }

  private static void summarize(List<WindowResult> results, Timeline timeline, PrintWriter out) {
    Instant drift = new Instant(timeline.driftMillis());
    for (String side : List.of("before the drift", "after the drift")) {
      boolean after = side.startsWith("after");
      double[] sums = new double[4];
      long[] counts = new long[2];
      for (WindowResult r : results) {
        if (!r.start().isBefore(drift) != after) {
          continue;
        }
        int m = r.model().equals("ftrl") ? 0 : 1;
        sums[2 * m] += r.auc() * r.count();
        sums[2 * m + 1] += r.logLoss() * r.count();
        counts[m] += r.count();
      }
      if (counts[0] > 0 && counts[1] > 0) {
        out.printf(
            Locale.ROOT,
            "Mean over windows %s: FTRL AUC %.4f log loss %.4f; batch model AUC %.4f log loss"
                + " %.4f%n",
            side,
            sums[0] / counts[0],
            sums[1] / counts[0],
            sums[2] / counts[1],
            sums[3] / counts[1]);
      }
    }
  }

  private static long eventMillis(long i) {
    return ClickEvents.START_MILLIS + i * ClickEvents.SPACING_MILLIS;
  }

  private static final class EventTimeFn implements SerializableFunction<Long, Instant> {
    @Override
    public Instant apply(Long i) {
      return new Instant(eventMillis(i));
    }
  }

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

  /** Prints each window's metrics as it closes and keeps them for the summary. */
  private static final class PrintFn extends DoFn<Row, Void> {
    private final String model;
    private final String runId;

    PrintFn(String model, String runId) {
      this.model = model;
      this.runId = runId;
    }

    @ProcessElement
    public void process(@Element Row metrics) {
      Instant start = new Instant(metrics.getDateTime(MetricsRows.WINDOW_START));
      Instant end = new Instant(metrics.getDateTime(MetricsRows.WINDOW_END));
      WindowResult r =
          new WindowResult(
              model,
              start,
              end,
              metrics.getInt64("count"),
              metrics.getDouble("auc"),
              metrics.getDouble("logLoss"),
              System.nanoTime());
      List<WindowResult> kept = RESULTS.get(runId);
      if (kept != null) {
        kept.add(r);
      }
      System.out.printf(
          Locale.ROOT,
          "%s .. %s   %-6s %8d   %.4f   %.4f%n",
          ISODateTimeFormat.dateHourMinuteSecond().print(start),
          ISODateTimeFormat.hourMinuteSecond().print(end),
          model,
          r.count(),
          r.auc(),
          r.logLoss());
    }
  }
}
