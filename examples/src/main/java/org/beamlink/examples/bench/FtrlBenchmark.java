package org.beamlink.examples.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.online.FtrlExample;
import org.beamlink.models.online.FtrlLearner;
import org.beamlink.models.online.FtrlParams;
import org.beamlink.models.online.FtrlState;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.io.PacedSequence;
import org.beamlink.transforms.online.Ftrl;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * {@code beamlink bench ftrl}: FTRL-Proximal ({@link Ftrl}) on a stream of seeded click-like
 * examples ({@link LogisticData}: {@code nonZeros} hashed features of value 1 out of {@code dims},
 * a known true model), from a zero initial model, in streaming mode (embedded Flink by default).
 * The examples are generated in the pipeline from a {@link PacedSequence} of blocks of {@code
 * sourceBlock} row numbers, each row stamped with the wall-clock time it was generated (its
 * arrival). Blocks, because FlinkRunner's unbounded reader updates the step's metrics after every
 * element it reads (a few microseconds each): with one row per element the reader's thread, not
 * FTRL, sets the rate ({@code --source-block 1} shows it). Three runs in one JVM: a small warm-up,
 * then:
 *
 * <ol>
 *   <li>Throughput: the source as fast as the pipeline takes it, a version every {@code emitEvery}
 *       examples. Sustained examples per second is the examples trained between the first version
 *       past half the stream and the last version before the end, over the wall-clock time between
 *       their arrivals downstream. The first half is left out because it is not steady: each new
 *       job keeps the JIT compiler busy for its first seconds (here about 5 s, C2 on most of a
 *       core), and the end is left out because it waits for the input to end. The first half's rate
 *       (from the first version on) and the end-to-end seconds are reported beside it.
 *   <li>Freshness: the source paced at {@code rate} examples per second (default 80% of the
 *       sustained rate just measured), a version every {@code freshnessEvery} of processing time.
 *       An example's freshness is the time from its arrival to the arrival downstream of the first
 *       version that includes it. Versions say how many examples they include and the latest
 *       arrival among them, so the examples new in version {@code k} arrived between the latest
 *       arrivals of versions {@code k-1} and {@code k}; with a paced source they arrive evenly in
 *       that span, which gives each example's freshness. Median and 99th percentile are reported.
 * </ol>
 *
 * <p>Also the final version's mean progressive log loss (each example scored before it is trained
 * on), its AUC on the held-out tenth, and the floor: the same training as a single-threaded loop
 * over {@link FtrlLearner} in this JVM (examples generated outside the timed part).
 *
 * <pre>{@code
 * bin/beamlink bench ftrl
 * bin/beamlink bench ftrl --rows 200000 --mini-batch 64 --threads 2 --rate 100000
 * }</pre>
 */
public final class FtrlBenchmark {
  private FtrlBenchmark() {}

  /** One configuration; {@code rate} 0 means 80% of the measured sustained rate. */
  public record Config(
      long rows,
      int dims,
      int nonZeros,
      int miniBatchSize,
      int threads,
      long emitEvery,
      Duration freshnessEvery,
      double rate,
      int sourceBlock,
      long seed) {
    /** Checks the one field a typo could make meaningless for the runs. */
    public Config {
      if (sourceBlock < 1) {
        throw new IllegalArgumentException(
            "Expected a source block of at least 1, got " + sourceBlock);
      }
    }
  }

  /**
   * The standard configuration: 4M rows (long enough for a steady second half), 2^20 hashed
   * dimensions, 20 non-zeros per row, a version every 100k examples in the throughput run.
   */
  public static final Config STANDARD =
      new Config(4_000_000, 1 << 20, 20, 1, 1, 100_000, Duration.millis(250), 0, 100, 7);

  /** Runs {@code config} after a small warm-up run; returns its JSON line. */
  public static String run(Config config, String... beamArgs) {
    String[] streaming = streaming(beamArgs);
    LogisticData warmUpData = new LogisticData(20_000, config.dims(), config.nonZeros(), 1);
    runPipeline(warmUpData, config, 0, false, streaming);
    LogisticData data =
        new LogisticData(config.rows(), config.dims(), config.nonZeros(), config.seed());
    long start = System.nanoTime();
    List<Seen> throughputRun = runPipeline(data, config, 0, false, streaming);
    double endToEnd = (System.nanoTime() - start) / 1e9;
    long half = (config.rows() - config.rows() / 10) / 2; // half the training examples
    double firstHalf = rate(throughputRun, 1, half);
    double sustained = rate(throughputRun, half, Long.MAX_VALUE);
    double rate = config.rate() > 0 ? config.rate() : Math.floor(0.8 * sustained);
    start = System.nanoTime();
    List<Seen> freshnessRun = runPipeline(data, config, rate, true, streaming);
    double pacedSeconds = (System.nanoTime() - start) / 1e9;
    double[] freshness = freshness(freshnessRun);
    ModelVersion<LinearModel> last = throughputRun.get(throughputRun.size() - 1).version();
    double[] floor = floor(data, config);
    return String.format(
        Locale.ROOT,
        "{\"algorithm\":\"ftrl\",\"runner\":\"%s\",\"examples\":%d,\"dims\":%d,\"nonZeros\":%d,"
            + "\"miniBatchSize\":%d,\"threads\":%d,\"sourceBlock\":%d,\"endToEndSeconds\":%.3f,"
            + "\"firstHalfExamplesPerSecond\":%.0f,\"sustainedExamplesPerSecond\":%.0f,"
            + "\"versions\":%d,\"progressiveLogLoss\":%.6f,"
            + "\"heldOutAuc\":%.6f,\"freshnessRate\":%.0f,\"freshnessRunSeconds\":%.3f,"
            + "\"freshnessVersions\":%d,\"freshnessMedianSeconds\":%.3f,"
            + "\"freshnessP99Seconds\":%.3f,\"floorExamplesPerSecond\":%.0f,"
            + "\"floorProgressiveLogLoss\":%.6f}",
        RunnerOptions.fromArgs(streaming).getRunner().getSimpleName(),
        last.examples(),
        config.dims(),
        config.nonZeros(),
        config.miniBatchSize(),
        config.threads(),
        config.sourceBlock(),
        endToEnd,
        firstHalf,
        sustained,
        throughputRun.size(),
        last.model().provenance().finalLoss(),
        LogisticBenchmark.heldOutAuc(data, last.model()),
        rate,
        pacedSeconds,
        freshnessRun.size(),
        freshness[0],
        freshness[1],
        floor[0],
        floor[1]);
  }

  /** {@code beamArgs} with {@code --streaming=true} unless they set it. */
  static String[] streaming(String[] beamArgs) {
    List<String> args = new ArrayList<>(List.of(beamArgs));
    if (args.stream().noneMatch(a -> a.startsWith("--streaming"))) {
      args.add("--streaming=true");
    }
    return args.toArray(new String[0]);
  }

  /** A version and the wall-clock millisecond it arrived downstream. */
  record Seen(ModelVersion<LinearModel> version, long arrivedMillis) {}

  private static LinearModel zeroModel(int dims) {
    return LinearModel.of(
        LinearModelType.LOGISTIC,
        dims,
        new double[dims],
        new double[] {0.0},
        List.of("0.0", "1.0"),
        TypeName.DOUBLE,
        FeatureColumns.ofVector("features"),
        Provenance.of("zero", Map.of(), 0, 0, 0, 0));
  }

  private static FtrlParams params(Config config) {
    return FtrlParams.defaults()
        .withMiniBatchSize(config.miniBatchSize())
        .withThreads(config.threads());
  }

  /** One streaming run; the versions seen downstream, in version order. */
  private static List<Seen> runPipeline(
      LogisticData data, Config config, double rate, boolean byTime, String[] args) {
    Pipeline p = Pipeline.create(RunnerOptions.fromArgs(args));
    Keep.SEEN.clear();
    int block = config.sourceBlock();
    PacedSequence source = PacedSequence.from(0).to((data.rows + block - 1) / block);
    Ftrl.Train train =
        Ftrl.train(zeroModel(config.dims()))
            .withLabelCol("label")
            .withMiniBatchSize(config.miniBatchSize())
            .withThreads(config.threads());
    train =
        byTime
            ? train.withEmitEveryDuration(config.freshnessEvery())
            : train.withEmitEvery(config.emitEvery());
    p.apply("Blocks", rate > 0 ? source.withRate(rate / block) : source)
        .apply("Arrivals", ParDo.of(new ArrivalFn(data, block)))
        .setRowSchema(LogisticData.SCHEMA)
        .apply(train)
        .apply(ParDo.of(new Keep()));
    p.run().waitUntilFinish();
    List<Seen> seen = new ArrayList<>(Keep.SEEN);
    seen.sort(Comparator.comparingLong(s -> s.version().version()));
    return seen;
  }

  /**
   * Examples per second between the first version emitted by count with at least {@code from}
   * examples and the last one with at most {@code to} (the versions by count are all but the
   * initial one and the end-of-input one), over the time between their arrivals.
   */
  static double rate(List<Seen> seen, long from, long to) {
    Seen first = null;
    Seen last = null;
    for (int k = 1; k < seen.size() - 1; k++) {
      Seen s = seen.get(k);
      long examples = s.version().examples();
      if (first == null && examples >= from) {
        first = s;
      }
      if (first != null && examples <= to) {
        last = s;
      }
    }
    if (first == null || last == null || last.arrivedMillis() <= first.arrivedMillis()) {
      throw new IllegalStateException(
          "Too few versions to measure a rate from "
              + from
              + " to "
              + to
              + " examples: "
              + seen.size()
              + " versions; lower --emit-every");
    }
    return (last.version().examples() - first.version().examples())
        / ((last.arrivedMillis() - first.arrivedMillis()) / 1e3);
  }

  /** {median, 99th percentile} of the examples' freshness in seconds (see the class javadoc). */
  static double[] freshness(List<Seen> seen) {
    List<Double> values = new ArrayList<>();
    for (int k = 1; k < seen.size(); k++) {
      ModelVersion<LinearModel> previous = seen.get(k - 1).version();
      ModelVersion<LinearModel> version = seen.get(k).version();
      long count = version.examples() - previous.examples();
      long newest = version.lastEventTime().getMillis();
      long oldest =
          previous.examples() == 0
              ? version.firstEventTime().getMillis()
              : previous.lastEventTime().getMillis();
      long arrived = seen.get(k).arrivedMillis();
      for (long i = 0; i < count; i++) {
        double arrival = oldest + (newest - oldest) * (i + 0.5) / count;
        values.add((arrived - arrival) / 1e3);
      }
    }
    if (values.isEmpty()) {
      throw new IllegalStateException("No version included any example");
    }
    Collections.sort(values);
    return new double[] {
      values.get(values.size() / 2),
      values.get((int) Math.min(values.size() - 1, values.size() * 0.99))
    };
  }

  /**
   * The single-threaded in-memory loop on the same training rows: {examples per second, progressive
   * log loss}. Rows are generated a chunk at a time outside the timed part.
   */
  private static double[] floor(LogisticData data, Config config) {
    FtrlLearner learner = FtrlLearner.of(zeroModel(config.dims()), params(config));
    FtrlState state = learner.newState();
    long nanos = 0;
    int chunk = 100_000;
    List<FtrlExample> examples = new ArrayList<>(chunk);
    for (long from = 0; from < data.rows; from += chunk) {
      examples.clear();
      for (long i = from; i < Math.min(data.rows, from + chunk); i++) {
        if (!LogisticData.heldOut(i)) {
          Row r = data.row(i);
          examples.add(
              FtrlExample.of(
                  r.getLogicalTypeValue("features", Vector.class), r.getDouble("label"), i));
        }
      }
      long start = System.nanoTime();
      for (FtrlExample e : examples) {
        learner.train(state, e);
      }
      nanos += System.nanoTime() - start;
    }
    return new double[] {state.examples() / (nanos / 1e9), state.progressiveLogLoss()};
  }

  /**
   * Generates the training rows of block {@code b} (rows {@code b * block} up to the next block),
   * each stamped with the wall-clock time it was generated.
   */
  private static final class ArrivalFn extends DoFn<Long, Row> {
    private final LogisticData data;
    private final int block;

    ArrivalFn(LogisticData data, int block) {
      this.data = data;
      this.block = block;
    }

    @ProcessElement
    public void process(@Element Long b, OutputReceiver<Row> out) {
      long end = Math.min(data.rows, (b + 1) * block);
      for (long i = b * block; i < end; i++) {
        if (!LogisticData.heldOut(i)) {
          out.outputWithTimestamp(data.row(i), Instant.now());
        }
      }
    }
  }

  /** Records each version and when it arrived, in this JVM: the embedded runners run here. */
  static final class Keep extends DoFn<ModelVersion<LinearModel>, Void> {
    static final List<Seen> SEEN = Collections.synchronizedList(new ArrayList<>());

    @ProcessElement
    public void process(@Element ModelVersion<LinearModel> version) {
      SEEN.add(new Seen(version, System.currentTimeMillis()));
    }
  }

  /** Runs the standard configuration; Beam options pass through. */
  public static void main(String[] args) {
    System.out.println(run(STANDARD, args));
  }
}
