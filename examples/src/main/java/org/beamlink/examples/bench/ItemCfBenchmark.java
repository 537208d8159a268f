package org.beamlink.examples.bench;

import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamlink.models.recommendation.NeighbourhoodModel;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.recommendation.ItemCf;
import org.beamlink.transforms.recommendation.Neighbourhood;

/**
 * {@code beamlink bench als --item-cf}: ItemCF (cosine, the 20 nearest neighbours of every item)
 * and the top 20 unseen items of every user, on {@link AlsBenchmark}'s generated ratings, one JSON
 * line: seconds end to end (after a warm-up run on 100k ratings), the item pairs the users generate
 * ({@code users x m(m-1)/2} for {@code m} ratings a user), and the model's size. The pairs grow
 * with the square of the ratings per user: the 10M ratings (100 a user) make 495M.
 *
 * <pre>{@code
 * bin/beamlink bench als --item-cf --ratings 1000000
 * }</pre>
 */
public final class ItemCfBenchmark {
  private ItemCfBenchmark() {}

  private static final Schema RATINGS =
      Schema.builder().addInt64Field("user").addInt64Field("item").addDoubleField("rating").build();

  private static final int K = 20;

  /** Runs ItemCF on {@code config}'s ratings after a small warm-up run; returns the JSON line. */
  public static String run(AlsBenchmark.Config config, String... beamArgs) {
    if (config.perUser() < 1 || config.perUser() > config.items() || config.items() % 7919 == 0) {
      throw new IllegalArgumentException(
          "Expected 1 to items ratings per user and an item count not a multiple of 7919, got "
              + config);
    }
    runPipeline(
        new AlsBenchmark.Config(100_000, 10_000, 1_000, 1, 1, config.blocks(), 1), beamArgs);
    long start = System.nanoTime();
    String runner = runPipeline(config, beamArgs);
    double seconds = (System.nanoTime() - start) / 1e9;
    NeighbourhoodModel m = Keep.last;
    long perUser = config.perUser();
    return String.format(
        Locale.ROOT,
        "{\"algorithm\":\"item-cf\",\"runner\":\"%s\",\"ratings\":%d,\"users\":%d,\"items\":%d,"
            + "\"blocks\":%d,\"maxNeighbours\":%d,\"k\":%d,\"pairs\":%d,\"seconds\":%.3f,"
            + "\"itemsWithNeighbours\":%d,\"usersRecommended\":%d}",
        runner,
        perUser * config.users(),
        config.users(),
        config.items(),
        config.blocks(),
        K,
        K,
        config.users() * perUser * (perUser - 1) / 2,
        seconds,
        m == null ? -1 : m.subjectIds().length,
        Keep.recommended);
  }

  private static String runPipeline(AlsBenchmark.Config config, String... beamArgs) {
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    Pipeline p = Pipeline.create(options);
    PCollection<NeighbourhoodModel> model =
        p.apply("Indexes", GenerateSequence.from(0).to(config.perUser() * config.users()))
            .apply(
                "Ratings",
                MapElements.into(TypeDescriptors.rows())
                    .via((Long i) -> AlsBenchmark.rating(config, i)))
            .setRowSchema(RATINGS)
            .apply(
                ItemCf.fit()
                    .withRatingCol("rating")
                    .withMaxNeighbours(K)
                    .withNumBlocks(config.blocks()));
    model.apply("Keep model", ParDo.of(new Keep()));
    model
        .apply("Top " + K, Neighbourhood.recommendForAllUsers(K).excludingSeen())
        .apply("Count users", Count.globally())
        .apply("Keep count", ParDo.of(new KeepCount()));
    Keep.last = null;
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return options.getRunner().getSimpleName();
  }

  /** Keeps the model in this JVM, where the embedded runners run. */
  private static final class Keep extends DoFn<NeighbourhoodModel, Void> {
    static volatile NeighbourhoodModel last;
    static volatile long recommended;

    @ProcessElement
    public void process(@Element NeighbourhoodModel model) {
      last = model;
    }
  }

  /** Keeps the number of users recommended to. */
  private static final class KeepCount extends DoFn<Long, Void> {
    @ProcessElement
    public void process(@Element Long n) {
      Keep.recommended = n;
    }
  }
}
