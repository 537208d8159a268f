package org.beamlink.examples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.RowJson;
import org.apache.beam.sdk.util.RowJsonUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.beamlink.examples.demo.ClickEvents;
import org.beamlink.examples.online.ClickFtrl;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.online.FtrlParams;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.runners.LocalKafkaBroker;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.io.ReadKafkaRows;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * {@code beamlink bench ftrl --kafka}: the FTRL job of {@code beamlink online ftrl --events-topic}
 * ({@link ReadKafkaRows} of {@link ClickEvents}, {@link ClickFtrl#trainer} from a zero model, and
 * for the latency run {@link ClickFtrl#scorer}) reading a Kafka topic of one partition (or {@code
 * partitions}), in streaming mode (embedded Flink by default). The broker is started for the run by
 * {@code kafka-broker.sh} ({@link LocalKafkaBroker}, in a temporary directory deleted afterwards)
 * unless one is given; the benchmark's topics are created for the run and deleted after it. A small
 * warm-up run, then:
 *
 * <ol>
 *   <li>Throughput: {@code events} click events produced to a topic before the job starts (each
 *       record's timestamp its event time, as {@code beamlink kafka produce} writes them), read by
 *       the job as fast as it takes them, a version every {@code emitEvery} examples. Sustained
 *       examples per second over the second half is measured as {@code bench ftrl} does ({@link
 *       FtrlBenchmark}: between the versions' arrivals downstream); the first half's rate and the
 *       end-to-end seconds are reported beside it.
 *   <li>Latency: a second topic filled while the job runs by a producer at {@code rate} events a
 *       second (default 80% of the sustained rate), each record stamped with the wall-clock time it
 *       is sent. The job trains on the events and scores each with the newest version that has
 *       reached it (progressive validation, as {@code online ftrl --predictions-topic} does); an
 *       event's latency is the time from its send to its prediction, in this JVM (the embedded
 *       runner runs here), leaving out the writing of predictions to a topic. Median and 99th
 *       percentile over the events sent in the second half of the producer's run (the first
 *       includes the job's start); the rate the producer achieved is reported with them. The
 *       latency job does more per event than the throughput job (it scores every event too, and the
 *       producer shares its cores): when it cannot keep up with the rate, its backlog grows and the
 *       latencies are mostly queueing; {@code --rate} sets a lower rate.
 * </ol>
 *
 * <p>The producers are plain Kafka producers in this JVM (outside the timed part for the first run;
 * beside the job, sharing its cores, for the second), writing JSON as {@code WriteKafkaRows} does.
 *
 * <pre>{@code
 * bin/beamlink bench ftrl --kafka
 * bin/beamlink bench ftrl --kafka --kafka-bootstrap localhost:9092 --rows 1000000 --rate 100000
 * }</pre>
 */
public final class KafkaFtrlBenchmark {
  private KafkaFtrlBenchmark() {}

  /**
   * One configuration.
   *
   * @param events events in the throughput topic (>= 2 * emitEvery, so that there is a second half
   *     to measure)
   * @param numFeatures hashed coordinates ({@link ClickFtrl#features})
   * @param params the FTRL settings (mini-batch size and threads among them)
   * @param emitEvery examples between versions
   * @param rate events per second of the latency run; 0 means 80% of the sustained rate
   * @param latencyRun how long the latency run's producer sends
   * @param seed the events' seed
   * @param partitions partitions of the topics (>= 1; events a multiple of it), each read by a
   *     source task of its own up to the parallelism; event {@code i} goes to partition {@code i %
   *     partitions}, so that each has the share of the events KafkaIO's bounded read expects
   * @param bootstrap a broker to use (host:port), or null to start one
   */
  public record Config(
      long events,
      int numFeatures,
      FtrlParams params,
      long emitEvery,
      double rate,
      Duration latencyRun,
      long seed,
      int partitions,
      @Nullable String bootstrap) {
    /** Validates the settings. */
    public Config {
      if (emitEvery < 1 || events < 2 * emitEvery) {
        throw new IllegalArgumentException(
            "Expected emitEvery >= 1 and events >= 2 * emitEvery, got "
                + emitEvery
                + " and "
                + events);
      }
      if (rate < 0 || latencyRun.getMillis() < 1) {
        throw new IllegalArgumentException(
            "Expected rate >= 0 and a positive latency run, got " + rate + " and " + latencyRun);
      }
      if (partitions < 1 || events % partitions != 0) {
        throw new IllegalArgumentException(
            "Expected partitions >= 1 dividing the events, got " + partitions + " and " + events);
      }
    }
  }

  /**
   * The standard configuration: 4M events, 2^20 hashed dimensions, one example per update, a
   * version every 100k examples, a latency run of 20 s at 80% of the sustained rate.
   */
  public static final Config STANDARD =
      new Config(
          4_000_000,
          1 << 20,
          FtrlParams.defaults().withMiniBatchSize(1).withThreads(1),
          100_000,
          0,
          Duration.standardSeconds(20),
          7,
          1,
          null);

  /** Runs in this JVM, which name the topics apart (a deleted topic's name stays busy a while). */
  private static final AtomicInteger RUNS = new AtomicInteger();

  /** Events of the warm-up run at most, read from the start of the throughput topic. */
  private static final long WARM_UP_EVENTS = 20_000;

  /** Runs {@code config} after a small warm-up run; returns its JSON line. */
  public static String run(Config config, String... beamArgs) {
    String[] streaming = FtrlBenchmark.streaming(beamArgs);
    if (config.bootstrap() != null) {
      return run(config, config.bootstrap(), streaming);
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("beamlink-bench-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir)) {
      return run(config, broker.bootstrap(), streaming);
    } finally {
      delete(dir);
    }
  }

  private static String run(Config config, String bootstrap, String[] args) {
    String prefix =
        "beamlink-bench-ftrl-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
    String eventsTopic = prefix + "-events";
    String pacedTopic = prefix + "-paced";
    ClickEvents clicks = new ClickEvents(config.seed(), config.events() / 2);
    try (Admin admin = admin(bootstrap)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(eventsTopic, config.partitions(), (short) 1),
                  new NewTopic(pacedTopic, config.partitions(), (short) 1)))
          .all()
          .get();
      try {
        long start = System.nanoTime();
        produce(
            bootstrap,
            eventsTopic,
            clicks,
            config.events(),
            config.partitions(),
            0,
            i -> ClickEvents.START_MILLIS + i * ClickEvents.SPACING_MILLIS);
        double produceSeconds = (System.nanoTime() - start) / 1e9;
        throughputRun(
            bootstrap,
            eventsTopic,
            Math.min(WARM_UP_EVENTS, config.events()) / config.partitions() * config.partitions(),
            config,
            args);
        start = System.nanoTime();
        List<FtrlBenchmark.Seen> seen =
            throughputRun(bootstrap, eventsTopic, config.events(), config, args);
        double endToEnd = (System.nanoTime() - start) / 1e9;
        long half = config.events() / 2;
        double firstHalf = FtrlBenchmark.rate(seen, 1, half);
        double sustained = FtrlBenchmark.rate(seen, half, Long.MAX_VALUE);
        double rate = config.rate() > 0 ? config.rate() : Math.floor(0.8 * sustained);
        Latencies latencies = latencyRun(bootstrap, pacedTopic, clicks, rate, config, args);
        ModelVersion<LinearModel> last = seen.get(seen.size() - 1).version();
        return String.format(
            Locale.ROOT,
            "{\"algorithm\":\"ftrl\",\"source\":\"kafka\",\"runner\":\"%s\",\"events\":%d,"
                + "\"numFeatures\":%d,\"miniBatchSize\":%d,\"threads\":%d,\"partitions\":%d,"
                + "\"produceSeconds\":%.3f,\"endToEndSeconds\":%.3f,"
                + "\"firstHalfExamplesPerSecond\":%.0f,\"sustainedExamplesPerSecond\":%.0f,"
                + "\"versions\":%d,\"progressiveLogLoss\":%.6f,\"latencyRate\":%.0f,"
                + "\"latencyRateAchieved\":%.0f,\"latencyEvents\":%d,\"latencyMeasured\":%d,"
                + "\"latencyMedianSeconds\":%.3f,\"latencyP99Seconds\":%.3f}",
            RunnerOptions.fromArgs(args).getRunner().getSimpleName(),
            last.examples(),
            config.numFeatures(),
            config.params().miniBatchSize(),
            config.params().threads(),
            config.partitions(),
            produceSeconds,
            endToEnd,
            firstHalf,
            sustained,
            seen.size(),
            last.model().provenance().finalLoss(),
            rate,
            latencies.achievedRate(),
            latencies.sent(),
            latencies.measured(),
            latencies.quantileSeconds(0.5),
            latencies.quantileSeconds(0.99));
      } finally {
        admin.deleteTopics(List.of(eventsTopic, pacedTopic)).all().get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka at " + bootstrap + " refused the benchmark", e);
    }
  }

  /** The trainer on the first {@code events} of {@code topic}; the versions in version order. */
  private static List<FtrlBenchmark.Seen> throughputRun(
      String bootstrap, String topic, long events, Config config, String[] args) {
    Pipeline p = Pipeline.create(RunnerOptions.fromArgs(args));
    FtrlBenchmark.Keep.SEEN.clear();
    p.apply(
            "Events from " + topic,
            ReadKafkaRows.from(bootstrap, topic, ClickEvents.SCHEMA).withMaxRecords(events))
        .apply(
            "Train", ClickFtrl.trainer(config.numFeatures(), config.params(), config.emitEvery()))
        .apply(ParDo.of(new FtrlBenchmark.Keep()));
    p.run().waitUntilFinish();
    List<FtrlBenchmark.Seen> seen = new ArrayList<>(FtrlBenchmark.Keep.SEEN);
    seen.sort(Comparator.comparingLong(s -> s.version().version()));
    return seen;
  }

  /**
   * Trains on and scores {@code topic} while this thread fills it at {@code rate}; the latencies of
   * the events sent in the second half.
   */
  private static Latencies latencyRun(
      String bootstrap, String topic, ClickEvents clicks, double rate, Config config, String[] args)
      throws InterruptedException {
    int partitions = config.partitions();
    long events =
        Math.max(1, (long) (rate * config.latencyRun().getMillis() / 1e3) / partitions)
            * partitions;
    Pipeline p = Pipeline.create(RunnerOptions.fromArgs(args));
    PCollection<Row> rows =
        p.apply(
            "Events from " + topic,
            ReadKafkaRows.from(bootstrap, topic, ClickEvents.SCHEMA).withMaxRecords(events));
    PCollection<ModelVersion<LinearModel>> versions =
        rows.apply(
            "Train", ClickFtrl.trainer(config.numFeatures(), config.params(), config.emitEvery()));
    rows.apply("Predict", ClickFtrl.scorer(config.numFeatures(), versions))
        .apply(
            "Latency",
            ParDo.of(
                new LatencyFn(ClickEvents.START_MILLIS + events / 2 * ClickEvents.SPACING_MILLIS)));
    LatencyFn.reset();
    Throwable[] failure = new Throwable[1];
    Thread job =
        new Thread(
            () -> {
              try {
                p.run().waitUntilFinish();
              } catch (RuntimeException | Error e) {
                failure[0] = e;
              }
            },
            "latency-run");
    job.start();
    long start = System.nanoTime();
    produce(bootstrap, topic, clicks, events, partitions, rate, i -> System.currentTimeMillis());
    double seconds = (System.nanoTime() - start) / 1e9;
    job.join();
    if (failure[0] != null) {
      throw new IllegalStateException("The latency run failed", failure[0]);
    }
    return new Latencies(events, events / seconds, LatencyFn.HISTOGRAM);
  }

  /**
   * Sends events {@code 0 .. events - 1} of {@code clicks} to {@code topic} as JSON, event {@code
   * i} to partition {@code i % partitions}, at most {@code rate} a second (0: as fast as the broker
   * takes them), record {@code i} stamped {@code timestamp(i)}.
   */
  private static void produce(
      String bootstrap,
      String topic,
      ClickEvents clicks,
      long events,
      int partitions,
      double rate,
      LongUnaryOperator timestamp) {
    ObjectMapper mapper =
        RowJsonUtils.newObjectMapperWith(RowJson.RowJsonSerializer.forSchema(ClickEvents.SCHEMA));
    Map<String, Object> settings =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.BATCH_SIZE_CONFIG,
            1 << 18,
            ProducerConfig.ACKS_CONFIG,
            "1");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer())) {
      long start = System.nanoTime();
      for (long i = 0; i < events; i++) {
        if (rate > 0) {
          long due = start + (long) (i * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        long time = timestamp.applyAsLong(i);
        String json = RowJsonUtils.rowToJson(mapper, clicks.event(i));
        producer.send(new ProducerRecord<>(topic, (int) (i % partitions), time, null, json));
      }
      producer.flush();
    }
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(
        Map.<String, Object>of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            60_000));
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the benchmark's broker in " + dir, e);
    }
  }

  /**
   * The latency run's figures: events sent, the rate achieved, and the histogram of latencies in
   * milliseconds (the last bucket holds every latency at or above its index).
   */
  record Latencies(long sent, double achievedRate, AtomicLongArray histogram) {
    /** The events counted. */
    long measured() {
      long n = 0;
      for (int i = 0; i < histogram.length(); i++) {
        n += histogram.get(i);
      }
      return n;
    }

    /** The {@code q} quantile in seconds (to the millisecond); NaN when nothing was counted. */
    double quantileSeconds(double q) {
      long n = measured();
      if (n == 0) {
        return Double.NaN;
      }
      long rank = (long) Math.ceil(q * n);
      long seen = 0;
      for (int i = 0; i < histogram.length(); i++) {
        seen += histogram.get(i);
        if (seen >= Math.max(1, rank)) {
          return i / 1e3;
        }
      }
      return (histogram.length() - 1) / 1e3;
    }
  }

  /**
   * Counts each prediction's latency (now minus its event's timestamp, the wall-clock time it was
   * sent) in milliseconds, for the events from the one whose {@code time} (its number's event time,
   * which names it) is {@code fromTime} on, in this JVM.
   */
  static final class LatencyFn extends DoFn<Row, Void> {
    static final AtomicLongArray HISTOGRAM = new AtomicLongArray(600_001);

    private final long fromTime;

    LatencyFn(long fromTime) {
      this.fromTime = fromTime;
    }

    static void reset() {
      for (int i = 0; i < HISTOGRAM.length(); i++) {
        HISTOGRAM.set(i, 0);
      }
    }

    @ProcessElement
    public void process(@Element Row prediction, @Timestamp Instant sent) {
      if (prediction.getInt64("time") >= fromTime) {
        long latency = Math.max(0, System.currentTimeMillis() - sent.getMillis());
        HISTOGRAM.incrementAndGet((int) Math.min(HISTOGRAM.length() - 1, latency));
      }
    }
  }

  /** Runs the standard configuration; Beam options pass through. */
  public static void main(String[] args) {
    System.out.println(run(STANDARD, args));
  }
}
