package org.beamlink.transforms.recommendation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.recommendation.AlsModel;
import org.beamlink.models.recommendation.ColdStartStrategy;
import org.beamlink.models.recommendation.Recommendation;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlsTest {
  /** (user, item, rating) rows. */
  static final Schema RATINGS =
      Schema.builder().addInt64Field("user").addInt64Field("item").addDoubleField("rating").build();

  /**
   * Relative tolerance against the numpy reference: the same solves from the same initial factors,
   * the sums in another order, so the factors differ by rounding (about 1e-14 after 3-4 iterations)
   * amplified by the conditioning of the normal equations.
   */
  private static final double TOLERANCE = 1e-9;

  static final Map<String, AlsModel> MODELS = new ConcurrentHashMap<>();
  private static JsonNode reference;

  /** Keeps the single model of a pipeline in this JVM, under a key (all runners run in it). */
  static final class KeepModel extends DoFn<AlsModel, Void> {
    private final String key;

    KeepModel(String key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element AlsModel model) {
      MODELS.put(key, model);
    }
  }

  /**
   * The case {@code name} of {@code recommendation/als_reference.json}, written by {@code
   * als_reference.py} beside it (Debian's numpy and scipy).
   */
  private static synchronized JsonNode reference(String name) {
    if (reference == null) {
      try (InputStream in =
          AlsTest.class.getResourceAsStream("/recommendation/als_reference.json")) {
        reference = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return reference.get(name);
  }

  private static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  private static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  static Row rating(long user, long item, double rating) {
    return Row.withSchema(RATINGS).addValues(user, item, rating).build();
  }

  private static List<Row> referenceRatings() {
    List<Row> rows = new ArrayList<>();
    for (JsonNode r : reference("ratings")) {
      rows.add(rating(r.get(0).asLong(), r.get(1).asLong(), r.get(2).asDouble()));
    }
    return rows;
  }

  /** The fit of reference case {@code name}, its users and items in 3 and 2 blocks. */
  private static Als.Fit referenceFit(String name) {
    JsonNode c = reference(name);
    Als.Fit fit =
        Als.fit()
            .withRank(c.get("rank").asInt())
            .withRegParam(c.get("regParam").asDouble())
            .withMaxIter(c.get("maxIter").asInt())
            .withSeed(c.get("seed").asLong())
            .withNumUserBlocks(3)
            .withNumItemBlocks(2);
    if (name.equals("implicit")) {
      fit = fit.withImplicitPrefs(true).withAlpha(c.get("alpha").asDouble());
    }
    return name.equals("nonnegative") ? fit.withNonnegative(true) : fit;
  }

  private static void assertMatchesReference(String name, AlsModel model) {
    JsonNode c = reference(name);
    assertArrayEquals(longs(c.get("userIds")), model.userIds(), name);
    assertArrayEquals(longs(c.get("itemIds")), model.itemIds(), name);
    double[] users = doubles(c.get("userFactors"));
    double[] items = doubles(c.get("itemFactors"));
    double userError =
        LinearTestSupport.maxRelativeError(model.userFactorValues(), users, maxAbs(users));
    double itemError =
        LinearTestSupport.maxRelativeError(model.itemFactorValues(), items, maxAbs(items));
    assertTrue(userError < TOLERANCE, name + " user factors off by " + userError);
    assertTrue(itemError < TOLERANCE, name + " item factors off by " + itemError);
  }

  private static double maxAbs(double[] values) {
    double m = 0;
    for (double v : values) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  @Test
  void initialFactorsAreTheReferenceScriptsHashedNormals() {
    JsonNode c = reference("explicit");
    long[] users = longs(c.get("userIds"));
    double[] expected = doubles(c.get("initialUserFactors"));
    int rank = c.get("rank").asInt();
    for (int u = 0; u < users.length; u++) {
      double[] f = AlsBlocks.initialFactors(c.get("seed").asLong(), users[u], rank);
      for (int j = 0; j < rank; j++) {
        // StrictMath against the C library's log and cos: equal to the last bit or nearly.
        assertEquals(expected[u * rank + j], f[j], 1e-15, "user " + users[u]);
      }
    }
  }

  @BoundedRunnerTest
  void fitMatchesNumpyReferenceExplicitImplicitAndNonnegative(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(Create.of(referenceRatings()).withRowSchema(RATINGS));
    for (String name : List.of("explicit", "implicit", "nonnegative")) {
      PAssert.thatSingleton(rows.apply(name, referenceFit(name)))
          .satisfies(
              m -> {
                assertMatchesReference(name, m);
                assertEquals(referenceRatings().size(), m.provenance().rows());
                return null;
              });
    }
    runner.run(p);
  }

  @Test
  void sameModelOnDirectAndFlinkAtParallelismOneAndTwo() {
    String[][] setups = {{"DIRECT", ""}, {"FLINK_BATCH", "1"}, {"FLINK_BATCH", "2"}};
    for (String[] s : setups) {
      TestRunner runner = TestRunner.valueOf(s[0]);
      Pipeline p = s[1].isEmpty() ? runner.create() : runner.create("--parallelism=" + s[1]);
      PCollection<Row> rows = p.apply(Create.of(referenceRatings()).withRowSchema(RATINGS));
      rows.apply("explicit", referenceFit("explicit"))
          .apply("Keep explicit", ParDo.of(new KeepModel("explicit/" + s[0] + s[1])));
      rows.apply("implicit", referenceFit("implicit"))
          .apply("Keep implicit", ParDo.of(new KeepModel("implicit/" + s[0] + s[1])));
      runner.run(p);
    }
    for (String name : List.of("explicit", "implicit")) {
      AlsModel direct = MODELS.get(name + "/DIRECT");
      assertMatchesReference(name, direct);
      assertEquals(direct, MODELS.get(name + "/FLINK_BATCH1"), name + ", bit for bit");
      assertEquals(direct, MODELS.get(name + "/FLINK_BATCH2"), name + ", bit for bit");
    }
  }

  /**
   * Generated ratings with a known truth: 300 users and 120 items with rank-3 factors, 25% of the
   * pairs rated as their dot product plus normal noise of standard deviation 0.1. On a tenth of the
   * ratings held out, the fitted rank-3 model's RMSE is within 25% of the noise level (the best any
   * model can do is about 0.1; the ratings' own standard deviation is about 1.7).
   */
  @BoundedRunnerTest
  void heldOutRmseIsCloseToTheNoiseLevel(TestRunner runner) {
    Random random = new Random(26);
    int users = 300;
    int items = 120;
    double[][] u = new double[users][3];
    double[][] v = new double[items][3];
    for (double[] f : u) {
      for (int j = 0; j < 3; j++) {
        f[j] = random.nextGaussian();
      }
    }
    for (double[] f : v) {
      for (int j = 0; j < 3; j++) {
        f[j] = random.nextGaussian();
      }
    }
    List<Row> train = new ArrayList<>();
    List<Row> test = new ArrayList<>();
    for (int a = 0; a < users; a++) {
      for (int b = 0; b < items; b++) {
        if (random.nextDouble() >= 0.25) {
          continue;
        }
        double r = u[a][0] * v[b][0] + u[a][1] * v[b][1] + u[a][2] * v[b][2];
        Row row = rating(a, b, r + 0.1 * random.nextGaussian());
        (random.nextDouble() < 0.1 ? test : train).add(row);
      }
    }
    Pipeline p = runner.create();
    PCollection<AlsModel> model =
        p.apply("Train", Create.of(train).withRowSchema(RATINGS))
            .apply(Als.fit().withRank(3).withRegParam(0.01).withMaxIter(15).withSeed(3));
    PCollection<Row> scored =
        p.apply("Test", Create.of(test).withRowSchema(RATINGS)).apply(Als.predict(model));
    PAssert.that(scored)
        .satisfies(
            rows -> {
              double sum = 0;
              int n = 0;
              for (Row r : rows) {
                double e = r.getDouble("prediction") - r.getDouble("rating");
                sum += e * e;
                n++;
              }
              double rmse = Math.sqrt(sum / n);
              assertEquals(test.size(), n);
              assertTrue(rmse < 0.125, "held-out RMSE " + rmse + " against noise 0.1");
              return null;
            });
    runner.run(p);
  }

  private static List<Row> tinyRatings() {
    return List.of(
        rating(1, 10, 5),
        rating(1, 11, 1),
        rating(2, 10, 4),
        rating(2, 12, 2),
        rating(3, 11, 1),
        rating(3, 12, 5));
  }

  @Test
  void predictGivesNanOrDropsAnUnseenUserOrItem() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<AlsModel> model =
        p.apply("Train", Create.of(tinyRatings()).withRowSchema(RATINGS))
            .apply(Als.fit().withRank(2).withMaxIter(5));
    List<Row> pairs = List.of(rating(1, 12, 0), rating(99, 10, 0), rating(2, 99, 0));
    PCollection<Row> input = p.apply("Pairs", Create.of(pairs).withRowSchema(RATINGS));
    PAssert.that(input.apply("NaN", Als.predict(model)))
        .satisfies(
            rows -> {
              int nan = 0;
              for (Row r : rows) {
                boolean unseen = r.getInt64("user") == 99 || r.getInt64("item") == 99;
                assertEquals(unseen, Double.isNaN(r.getDouble("prediction")), r.toString());
                nan += unseen ? 1 : 0;
              }
              assertEquals(2, nan);
              return null;
            });
    PAssert.that(
            input.apply("Drop", Als.predict(model).withColdStartStrategy(ColdStartStrategy.DROP)))
        .satisfies(
            rows -> {
              List<Long> users = new ArrayList<>();
              rows.forEach(r -> users.add(r.getInt64("user")));
              assertEquals(List.of(1L), users);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @UnboundedRunnerTest
  void predictsOnAStream(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<AlsModel> model =
        p.apply("Train", Create.of(tinyRatings()).withRowSchema(RATINGS))
            .apply(Als.fit().withRank(2).withMaxIter(5));
    TestStream<Row> stream =
        TestStream.create(RATINGS)
            .addElements(
                TimestampedValue.of(rating(1, 12, 0), new Instant(0)),
                TimestampedValue.of(rating(3, 10, 0), new Instant(1000)))
            .advanceWatermarkTo(new Instant(5000))
            .addElements(TimestampedValue.of(rating(7, 10, 0), new Instant(6000)))
            .advanceWatermarkToInfinity();
    PCollection<Row> scored = p.apply("Stream", stream).apply(Als.predict(model));
    PAssert.that(scored)
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                assertEquals(r.getInt64("user") == 7, Double.isNaN(r.getDouble("prediction")));
              }
              assertEquals(3, n);
              return null;
            });
    runner.run(p);
  }

  @Test
  void saveAndLoadScoresTheSame(@TempDir Path dir) throws IOException {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(referenceRatings()).withRowSchema(RATINGS))
        .apply(referenceFit("explicit").withPredictionCol("score"))
        .apply(ParDo.of(new KeepModel("saved")));
    TestRunner.DIRECT.run(p);
    AlsModel fitted = MODELS.get("saved");
    assertMatchesReference("explicit", fitted);
    Path file = dir.resolve("als.blm");
    ModelFile.write(fitted, file);
    AlsModel loaded = ModelFile.read(file, AlsModel.class);
    assertEquals(fitted, loaded);
    Transformer.Bound before = fitted.bind(RATINGS);
    Transformer.Bound after = loaded.bind(RATINGS);
    for (Row row : referenceRatings()) {
      assertEquals(before.apply(row), after.apply(row));
    }
    assertEquals(fitted.recommendItems(3L, 5, Set.of()), loaded.recommendItems(3L, 5, Set.of()));
  }

  /** Top k of every user against a brute-force ranking of the model's own predictions. */
  @Test
  void recommendForAllUsersAndItemsIsTheTopKOfThePredictions() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(referenceRatings()).withRowSchema(RATINGS));
    PCollection<AlsModel> model = rows.apply(referenceFit("explicit"));
    model.apply(ParDo.of(new KeepModel("top")));
    PCollection<Row> users = model.apply("Users", Als.recommendForAllUsers(4));
    PCollection<Row> unseen =
        model.apply("Unseen", Als.recommendForAllUsers(4).excludingSeen(rows));
    PCollection<Row> items = model.apply("Items", Als.recommendForAllItems(3));
    Set<Long> expectedUsers = new HashSet<>();
    for (long u : longs(reference("explicit").get("userIds"))) {
      expectedUsers.add(u);
    }
    PAssert.that(users).satisfies(r -> checkTop(r, true, 4, Set.of(), expectedUsers));
    PAssert.that(unseen).satisfies(r -> checkTop(r, true, 4, seenPairs(), expectedUsers));
    PAssert.that(items).satisfies(r -> checkTop(r, false, 3, Set.of(), null));
    TestRunner.DIRECT.run(p);
  }

  private static Set<List<Long>> seenPairs() {
    Set<List<Long>> seen = new HashSet<>();
    for (Row r : referenceRatings()) {
      seen.add(List.of(r.getInt64("user"), r.getInt64("item")));
    }
    return seen;
  }

  private static Void checkTop(
      Iterable<Row> rows, boolean forUsers, int k, Set<List<Long>> seen, Set<Long> who) {
    AlsModel m = MODELS.get("top");
    Set<Long> found = new HashSet<>();
    for (Row row : rows) {
      long id = row.getInt64(forUsers ? "user" : "item");
      found.add(id);
      List<Recommendation> expected = new ArrayList<>();
      for (long other : forUsers ? m.itemIds() : m.userIds()) {
        List<Long> pair = forUsers ? List.of(id, other) : List.of(other, id);
        if (!seen.contains(pair)) {
          expected.add(
              new Recommendation(other, forUsers ? m.predict(id, other) : m.predict(other, id)));
        }
      }
      expected.sort(
          (a, b) ->
              a.rating() != b.rating()
                  ? Double.compare(b.rating(), a.rating())
                  : Long.compare(a.id(), b.id()));
      List<Row> got = row.getArray("recommendations").stream().map(o -> (Row) o).toList();
      assertEquals(Math.min(k, expected.size()), got.size(), "list of " + id);
      for (int j = 0; j < got.size(); j++) {
        assertEquals(expected.get(j).id(), got.get(j).getInt64(forUsers ? "item" : "user"));
        assertEquals(expected.get(j).rating(), got.get(j).getDouble("rating"), 1e-12);
      }
    }
    if (who != null) {
      assertEquals(who, found);
    }
    return null;
  }

  private static String failureOf(List<Row> rows, Schema schema, Als.Fit fit) {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(rows).withRowSchema(schema)).apply(fit);
    Throwable e = assertThrows(Throwable.class, () -> TestRunner.DIRECT.run(p));
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" | ");
    }
    return all.toString();
  }

  @Test
  void badDataFailsWithClearMessages() {
    Als.Fit fit = Als.fit().withRank(2).withMaxIter(2);
    String nan = failureOf(List.of(rating(1, 2, 3), rating(4, 5, Double.NaN)), RATINGS, fit);
    assertTrue(
        nan.contains(
            "ALS rating column 'rating' has value NaN; expected a finite number, in row"
                + " {user: 4, item: 5, rating: NaN}"),
        nan);
    Schema nullable =
        Schema.builder()
            .addNullableField("user", Schema.FieldType.INT64)
            .addInt64Field("item")
            .addDoubleField("rating")
            .build();
    String nullId =
        failureOf(
            List.of(Row.withSchema(nullable).addValues(null, 5L, 1.0).build()), nullable, fit);
    assertTrue(nullId.contains("Null id in column 'user' of row {user: null"), nullId);
    String empty = failureOf(List.of(), RATINGS, fit);
    assertTrue(empty.contains("ALS input is empty: expected at least one rating"), empty);
    String twice = failureOf(List.of(rating(1, 2, 3), rating(1, 2, 4)), RATINGS, fit);
    assertTrue(twice.contains("rates item 2 by user 1 twice"), twice);
    String singular = failureOf(List.of(rating(1, 2, 3)), RATINGS, fit.withRegParam(0));
    assertTrue(singular.contains("ALS normal equations of item 2 are singular"), singular);
  }

  @Test
  void outputSchemaAppendsThePrediction() {
    Schema out = AlsModel.outputSchema(RATINGS, "user", "item", "prediction");
    assertEquals(
        Schema.builder().addFields(RATINGS.getFields()).addDoubleField("prediction").build(), out);
  }

  @Test
  void rejectsAMissingColumnWhenThePipelineIsBuilt() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(tinyRatings()).withRowSchema(RATINGS));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> rows.apply(Als.fit().withItemCol("movie")));
    assertEquals(
        "ALS item column 'movie' is not in the input [user, item, rating]", e.getMessage());
    IllegalArgumentException type =
        assertThrows(
            IllegalArgumentException.class, () -> rows.apply(Als.fit().withUserCol("rating")));
    assertEquals(
        "ALS user column 'rating' has type DOUBLE; expected INT32 or INT64", type.getMessage());
  }

  @Test
  void parametersHaveDefaults() {
    Als.Fit fit = Als.fit();
    assertEquals("user", fit.userCol());
    assertEquals("item", fit.itemCol());
    assertEquals("rating", fit.ratingCol());
    assertEquals("prediction", fit.predictionCol());
    assertEquals(10, fit.rank());
    assertEquals(10, fit.maxIter());
    assertEquals(0.1, fit.regParam());
    assertEquals(false, fit.implicitPrefs());
    assertEquals(1.0, fit.alpha());
    assertEquals(false, fit.nonnegative());
    assertEquals(0L, fit.seed());
    assertEquals(10, fit.numUserBlocks());
    assertEquals(10, fit.numItemBlocks());
    assertEquals(ColdStartStrategy.NAN, fit.coldStartStrategy());
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> Als.fit().withRank(0));
    assertThrows(IllegalArgumentException.class, () -> Als.fit().withMaxIter(0));
    assertThrows(IllegalArgumentException.class, () -> Als.fit().withRegParam(-0.1));
    assertThrows(IllegalArgumentException.class, () -> Als.fit().withRegParam(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Als.fit().withAlpha(-1));
    assertThrows(IllegalArgumentException.class, () -> Als.fit().withNumUserBlocks(0));
    assertThrows(IllegalArgumentException.class, () -> Als.fit().withNumItemBlocks(0));
    assertThrows(IllegalArgumentException.class, () -> Als.recommendForAllUsers(0));
  }
}
