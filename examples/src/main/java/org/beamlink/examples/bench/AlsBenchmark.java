package org.beamlink.examples.bench;

import java.io.Serializable;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamlink.models.SeededHash;
import org.beamlink.models.recommendation.AlsModel;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.recommendation.Als;

/**
 * {@code beamlink bench als}: explicit ALS on generated ratings, one JSON line per run. User {@code
 * u} rates {@code ratings / users} items {@code (h(u) + j * 7919) mod items} (distinct: 7919 is a
 * prime that does not divide the item count unless it is a multiple of it), each rating the dot
 * product of rank-{@code rank} true factors, uniform in [0, 1), plus uniform noise in [-0.1, 0.1).
 * After a warm-up run on 100k ratings, each configuration runs twice, with 1 iteration and with
 * {@code iterations}: the line of the second gives the seconds end to end, the seconds a
 * half-iteration costs beyond the first iteration's ({@code (t_n - t_1) / (2 (n - 1))}), the
 * megabytes of factors sent and of rating blocks joined per half-iteration (Beam counters), and the
 * RMSE on 10,000 of the training ratings scored in this JVM (the model reaches it from an embedded
 * runner), and beside them the single-threaded floor of one iteration ({@link AlsFloor}). The
 * standard configuration is the issue's: 10M ratings, 100k users x 20k items, rank 10, 10
 * iterations.
 *
 * <pre>{@code
 * bin/beamlink bench als
 * bin/beamlink bench als --ratings 1000000 --users 10000 --items 2000
 * }</pre>
 */
public final class AlsBenchmark {
  private AlsBenchmark() {}

  private static final Schema RATINGS =
      Schema.builder().addInt64Field("user").addInt64Field("item").addDoubleField("rating").build();

  /** One benchmark configuration. */
  public record Config(
      long ratings, long users, long items, int rank, int iterations, int blocks, long seed)
      implements Serializable {
    /** Ratings per user. */
    long perUser() {
      return ratings / users;
    }
  }

  /** The standard configuration. */
  public static final Config STANDARD = new Config(10_000_000, 100_000, 20_000, 10, 10, 10, 7);

  /**
   * Runs {@code config} with 1 iteration, then with its own, after a small warm-up run; returns the
   * second's JSON line.
   */
  public static String run(Config config, String... beamArgs) {
    if (config.perUser() < 1 || config.perUser() > config.items() || config.items() % 7919 == 0) {
      throw new IllegalArgumentException(
          "Expected 1 to items ratings per user and an item count not a multiple of 7919, got "
              + config);
    }
    runPipeline(
        new Config(100_000, 1_000, 1_000, config.rank(), 2, config.blocks(), 1), 2, beamArgs);
    Result one = runPipeline(config, 1, beamArgs);
    Result all = runPipeline(config, config.iterations(), beamArgs);
    int halves = 2 * config.iterations();
    double perHalf =
        config.iterations() > 1
            ? (all.seconds - one.seconds) / (2.0 * (config.iterations() - 1))
            : Double.NaN;
    return String.format(
        Locale.ROOT,
        "{\"algorithm\":\"als\",\"runner\":\"%s\",\"ratings\":%d,\"users\":%d,\"items\":%d,"
            + "\"rank\":%d,\"iterations\":%d,\"blocks\":%d,\"seconds\":%.3f,"
            + "\"secondsOneIteration\":%.3f,\"secondsPerHalfIteration\":%.3f,"
            + "\"factorMBSentPerHalfIteration\":%.1f,\"ratingMBJoinedPerHalfIteration\":%.1f,"
            + "\"floorSecondsPerIteration\":%.3f,\"sampleRmse\":%s}",
        all.runner,
        config.ratings(),
        config.users(),
        config.items(),
        config.rank(),
        config.iterations(),
        config.blocks(),
        all.seconds,
        one.seconds,
        perHalf,
        all.factorBytes / 1e6 / halves,
        all.ratingBytes / 1e6 / halves,
        AlsFloor.secondsPerIteration(config),
        all.model == null
            ? "null"
            : String.format(Locale.ROOT, "%.4f", sampleRmse(config, all.model)));
  }

  private record Result(
      String runner, double seconds, long factorBytes, long ratingBytes, AlsModel model) {}

  private static Result runPipeline(Config config, int iterations, String... beamArgs) {
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    Pipeline p = Pipeline.create(options);
    p.apply("Indexes", GenerateSequence.from(0).to(config.perUser() * config.users()))
        .apply(
            "Ratings", MapElements.into(TypeDescriptors.rows()).via((Long i) -> rating(config, i)))
        .setRowSchema(RATINGS)
        .apply(
            Als.fit()
                .withRank(config.rank())
                .withMaxIter(iterations)
                .withRegParam(0.01)
                .withNumUserBlocks(config.blocks())
                .withNumItemBlocks(config.blocks())
                .withSeed(config.seed()))
        .apply(ParDo.of(new Keep()));
    Keep.last = null;
    long start = System.nanoTime();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(
        options.getRunner().getSimpleName(),
        seconds,
        counter(result, Als.FACTOR_BYTES_SENT),
        counter(result, Als.RATING_BYTES_JOINED),
        Keep.last);
  }

  /** Rating {@code i}: the {@code i % perUser}-th of user {@code i / perUser}. */
  static Row rating(Config config, long i) {
    long[] pair = pair(config, i);
    return Row.withSchema(RATINGS)
        .addValues(pair[0], pair[1], ratingValue(config, i, pair[0], pair[1]))
        .build();
  }

  /** The user and item of rating {@code i}. */
  static long[] pair(Config config, long i) {
    long user = i / config.perUser();
    long j = i % config.perUser();
    long start = Math.floorMod(SeededHash.mix(config.seed() ^ user), config.items());
    return new long[] {user, (start + j * 7919) % config.items()};
  }

  /** The value of rating {@code i}, of {@code item} by {@code user}: truth plus noise. */
  static double ratingValue(Config config, long i, long user, long item) {
    double r = 0;
    for (int f = 0; f < config.rank(); f++) {
      r += truth(config.seed(), 2 * user, f) * truth(config.seed(), 2 * item + 1, f);
    }
    return r + 0.2 * (SeededHash.uniform(SeededHash.mix(config.seed() * 31 + i)) - 0.5);
  }

  private static double truth(long seed, long key, int f) {
    return SeededHash.uniform(SeededHash.mix(SeededHash.mix(seed ^ key) + f));
  }

  private static double sampleRmse(Config config, AlsModel model) {
    long n = config.perUser() * config.users();
    long step = Math.max(1, n / 10_000);
    double sum = 0;
    long count = 0;
    for (long i = 0; i < n; i += step) {
      Row r = rating(config, i);
      double e = model.predict(r.getInt64("user"), r.getInt64("item")) - r.getDouble("rating");
      sum += e * e;
      count++;
    }
    return Math.sqrt(sum / count);
  }

  private static long counter(PipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(Als.METRICS_NAMESPACE, name))
                    .build())
            .getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }

  /** Keeps the model in this JVM, where the embedded runners run. */
  private static final class Keep extends DoFn<AlsModel, Void> {
    static volatile AlsModel last;

    @ProcessElement
    public void process(@Element AlsModel model) {
      last = model;
    }
  }

  /** Runs the standard configuration; Beam options pass through. */
  public static void main(String[] args) {
    System.out.println(run(STANDARD, args));
  }
}
