package org.beamlink.transforms.recommendation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
import org.beamlink.models.recommendation.NeighbourhoodModel;
import org.beamlink.models.recommendation.NeighbourhoodModel.Side;
import org.beamlink.models.recommendation.Recommendation;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ItemCF and UserCF against a brute-force computation in this test: dense user x item ratings,
 * every pair of items (users) compared over all users (items), each similarity from its definition
 * ({@link CfSimilarity}), neighbours sorted by similarity and then ascending id, and Alink's scores
 * ({@link NeighbourhoodModel}). The ratings are small integers, so every sum is exact whatever its
 * order and the model must equal the brute force bit for bit: similarities, the order of neighbours
 * (ties included: item 199 repeats item 100's ratings, so every similarity to one is a similarity
 * to the other, and the two are exact neighbours of similarity 1 for cosine and Jaccard) and the
 * recommendations.
 */
class NeighbourhoodFitTest {
  static final Schema RATINGS =
      Schema.builder().addInt64Field("user").addInt64Field("item").addDoubleField("rating").build();

  static final Map<String, NeighbourhoodModel> MODELS = new ConcurrentHashMap<>();

  /** Keeps the single model of a pipeline in this JVM, under a key (all runners run in it). */
  static final class KeepModel extends DoFn<NeighbourhoodModel, Void> {
    private final String key;

    KeepModel(String key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element NeighbourhoodModel model) {
      MODELS.put(key, model);
    }
  }

  static Row rating(long user, long item, double rating) {
    return Row.withSchema(RATINGS).addValues(user, item, rating).build();
  }

  /**
   * 40 users (ids 0-39) x 24 items (ids 100-123), each pair rated 1-5 with probability 0.3, from a
   * fixed seed; item 199 a copy of item 100's ratings (exact ties); user 99 a copy of user 0's.
   */
  static List<Row> generated() {
    Random random = new Random(2626);
    List<Row> rows = new ArrayList<>();
    for (long u = 0; u < 40; u++) {
      for (long i = 100; i < 124; i++) {
        if (random.nextDouble() < 0.3) {
          double r = 1 + random.nextInt(5);
          rows.add(rating(u, i, r));
          if (i == 100) {
            rows.add(rating(u, 199, r));
          }
          if (u == 0) {
            rows.add(rating(99, i, r));
            if (i == 100) {
              rows.add(rating(99, 199, r));
            }
          }
        }
      }
    }
    return rows;
  }

  /** The ratings as subject -> (context -> rating): item -> user for ItemCF, user -> item else. */
  static TreeMap<Long, TreeMap<Long, Double>> bySubject(List<Row> rows, Side side) {
    TreeMap<Long, TreeMap<Long, Double>> m = new TreeMap<>();
    for (Row r : rows) {
      long user = r.getInt64("user");
      long item = r.getInt64("item");
      long subject = side == Side.ITEMS ? item : user;
      long context = side == Side.ITEMS ? user : item;
      m.computeIfAbsent(subject, x -> new TreeMap<>()).put(context, r.getDouble("rating"));
    }
    return m;
  }

  /** Brute-force neighbour lists: every pair of subjects over every context. */
  static Map<Long, List<Recommendation>> bruteForceNeighbours(
      List<Row> rows,
      Side side,
      CfSimilarity similarity,
      int maxNeighbours,
      int minCommon,
      double threshold) {
    TreeMap<Long, TreeMap<Long, Double>> vectors = bySubject(rows, side);
    Set<Long> contexts = new TreeSet<>();
    vectors.values().forEach(v -> contexts.addAll(v.keySet()));
    long n = contexts.size();
    Map<Long, List<Recommendation>> out = new TreeMap<>();
    for (long a : vectors.keySet()) {
      List<Recommendation> list = new ArrayList<>();
      for (long b : vectors.keySet()) {
        if (a == b) {
          continue;
        }
        TreeMap<Long, Double> va = vectors.get(a);
        TreeMap<Long, Double> vb = vectors.get(b);
        long common = 0;
        double dot = 0;
        for (long c : va.keySet()) {
          if (vb.containsKey(c)) {
            common++;
            dot += va.get(c) * vb.get(c);
          }
        }
        if (common < minCommon || common == 0) {
          continue;
        }
        double sa = 0;
        double qa = 0;
        for (double r : va.values()) {
          sa += r;
          qa += r * r;
        }
        double sb = 0;
        double qb = 0;
        for (double r : vb.values()) {
          sb += r;
          qb += r * r;
        }
        double s;
        if (similarity == CfSimilarity.COSINE) {
          s = dot / Math.sqrt(qa * qb);
        } else if (similarity == CfSimilarity.JACCARD) {
          s = common / ((double) va.size() + vb.size() - common);
        } else {
          double za = n * qa - sa * sa;
          double zb = n * qb - sb * sb;
          s = za <= 0 || zb <= 0 ? 0.0 : (n * dot - sa * sb) / Math.sqrt(za * zb);
        }
        if (s >= threshold) {
          list.add(new Recommendation(b, s));
        }
      }
      list.sort(NeighbourhoodModel.BEST_FIRST);
      if (!list.isEmpty()) {
        out.put(a, list.subList(0, Math.min(maxNeighbours, list.size())));
      }
    }
    return out;
  }

  /**
   * Alink's score of item {@code x} for {@code user} from the brute-force neighbour lists (its sum
   * in the model's order: the user's items ascending, or the user's neighbours best first), or NaN
   * when no neighbour links them.
   */
  static double bruteForceScore(
      TreeMap<Long, TreeMap<Long, Double>> byUser,
      Side side,
      Map<Long, List<Recommendation>> neighbours,
      long user,
      long x) {
    TreeMap<Long, Double> seen = byUser.get(user);
    double score = 0;
    boolean reached = false;
    if (side == Side.ITEMS) {
      Map<Long, Double> nx = new TreeMap<>();
      neighbours.getOrDefault(x, List.of()).forEach(r -> nx.put(r.id(), r.rating()));
      for (Map.Entry<Long, Double> i : seen.entrySet()) {
        if (nx.containsKey(i.getKey())) {
          score += nx.get(i.getKey()) * i.getValue();
          reached = true;
        }
      }
    } else {
      for (Recommendation v : neighbours.getOrDefault(user, List.of())) {
        Double r = byUser.get(v.id()).get(x);
        if (r != null) {
          score += v.rating() * r;
          reached = true;
        }
      }
    }
    return reached ? score / seen.size() : Double.NaN;
  }

  /** Alink's top-k for {@code user}, computed from the brute-force neighbour lists. */
  static List<Recommendation> bruteForceTop(
      List<Row> rows,
      Side side,
      Map<Long, List<Recommendation>> neighbours,
      long user,
      int k,
      boolean excludeSeen) {
    TreeMap<Long, TreeMap<Long, Double>> byUser = bySubject(rows, Side.USERS);
    TreeMap<Long, Double> seen = byUser.get(user);
    List<Recommendation> all = new ArrayList<>();
    for (long x : bySubject(rows, Side.ITEMS).keySet()) {
      double score = bruteForceScore(byUser, side, neighbours, user, x);
      if (!Double.isNaN(score) && !(excludeSeen && seen.containsKey(x))) {
        all.add(new Recommendation(x, score));
      }
    }
    all.sort(NeighbourhoodModel.BEST_FIRST);
    return all.subList(0, Math.min(k, all.size()));
  }

  /**
   * The top-k users of {@code item}: every user scored for the item as in its own list ({@link
   * #bruteForceScore}), best first.
   */
  static List<Recommendation> bruteForceTopUsers(
      List<Row> rows,
      Side side,
      Map<Long, List<Recommendation>> neighbours,
      long item,
      int k,
      boolean excludeSeen) {
    TreeMap<Long, TreeMap<Long, Double>> byUser = bySubject(rows, Side.USERS);
    List<Recommendation> all = new ArrayList<>();
    for (long user : byUser.keySet()) {
      double score = bruteForceScore(byUser, side, neighbours, user, item);
      if (!Double.isNaN(score) && !(excludeSeen && byUser.get(user).containsKey(item))) {
        all.add(new Recommendation(user, score));
      }
    }
    all.sort(NeighbourhoodModel.BEST_FIRST);
    return all.subList(0, Math.min(k, all.size()));
  }

  static void assertNeighbours(
      Map<Long, List<Recommendation>> expected, NeighbourhoodModel model, String what) {
    Set<Long> subjects = new TreeSet<>();
    for (long id : model.subjectIds()) {
      subjects.add(id);
    }
    assertEquals(expected.keySet(), subjects, what + ": subjects with neighbours");
    for (Map.Entry<Long, List<Recommendation>> e : expected.entrySet()) {
      assertEquals(
          e.getValue(), model.neighbours(e.getKey(), 1000), what + ": neighbours of " + e.getKey());
    }
  }

  /**
   * Every similarity, with and without minCommon, maxNeighbours and a negative threshold. The first
   * fits cut the subjects into slices of 7 (25 items make 4 slices and 10 slice pairs, 41 users 6
   * and 21; items 100 and 199 in different ones), the limited ones keep them in one slice.
   */
  @BoundedRunnerTest
  void neighboursEqualTheBruteForceForEverySimilarityAndSide(TestRunner runner) {
    List<Row> rows = generated();
    Pipeline p = runner.create();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(RATINGS));
    Map<String, Map<Long, List<Recommendation>>> expected = new TreeMap<>();
    for (Side side : Side.values()) {
      for (CfSimilarity s : CfSimilarity.values()) {
        String key = runner + "/" + side + "/" + s;
        NeighbourhoodFit fit =
            (side == Side.ITEMS ? ItemCf.fit() : UserCf.fit())
                .withRatingCol("rating")
                .withSimilarity(s)
                .withNumBlocks(3);
        input.apply(key, fit.withSliceSize(7)).apply("Keep " + key, ParDo.of(new KeepModel(key)));
        expected.put(key, bruteForceNeighbours(rows, side, s, 64, 1, 1e-4));
        String limited = key + "/limited";
        input
            .apply(limited, fit.withMaxNeighbours(3).withMinCommon(3).withSimilarityThreshold(-0.5))
            .apply("Keep " + limited, ParDo.of(new KeepModel(limited)));
        expected.put(limited, bruteForceNeighbours(rows, side, s, 3, 3, -0.5));
      }
    }
    runner.run(p);
    for (Map.Entry<String, Map<Long, List<Recommendation>>> e : expected.entrySet()) {
      assertNeighbours(e.getValue(), MODELS.get(e.getKey()), e.getKey());
    }
    NeighbourhoodModel cosine = MODELS.get(runner + "/ITEMS/COSINE");
    assertEquals(new Recommendation(199, 1.0), cosine.neighbours(100, 1).get(0));
    assertEquals(new Recommendation(100, 1.0), cosine.neighbours(199, 1).get(0));
    assertTrue(
        cosine.neighbours(105, 64).stream().map(Recommendation::id).toList().indexOf(100L)
            == cosine.neighbours(105, 64).stream().map(Recommendation::id).toList().indexOf(199L)
                - 1,
        "the tie of items 100 and 199 is ordered by id");
  }

  /**
   * Recommendations for every user, with and without the seen items, equal Alink's scores; the top
   * users of every item, with and without the users who rated it, equal the brute force too: every
   * user scored for the item as its own list scores it, bit for bit.
   */
  @BoundedRunnerTest
  void recommendationsForEveryUserAndItemEqualTheBruteForce(TestRunner runner) {
    List<Row> rows = generated();
    Pipeline p = runner.create();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(RATINGS));
    for (Side side : Side.values()) {
      NeighbourhoodFit fit =
          (side == Side.ITEMS ? ItemCf.fit() : UserCf.fit())
              .withRatingCol("rating")
              .withMaxNeighbours(5);
      PCollection<NeighbourhoodModel> model = input.apply(side + " fit", fit);
      for (boolean exclude : List.of(false, true)) {
        Neighbourhood.RecommendForAll top = Neighbourhood.recommendForAllUsers(4);
        PCollection<Row> out =
            model.apply(side + " top " + exclude, exclude ? top.excludingSeen() : top);
        PAssert.that(out)
            .satisfies(
                got -> {
                  Map<Long, List<Recommendation>> neighbours =
                      bruteForceNeighbours(rows, side, CfSimilarity.COSINE, 5, 1, 1e-4);
                  Set<Long> users = new TreeSet<>();
                  for (Row r : got) {
                    long user = r.getInt64("user");
                    users.add(user);
                    List<Recommendation> list = new ArrayList<>();
                    for (Object o : r.getArray("recommendations")) {
                      Row e = (Row) o;
                      list.add(new Recommendation(e.getInt64("item"), e.getDouble("score")));
                    }
                    assertEquals(
                        bruteForceTop(rows, side, neighbours, user, 4, exclude),
                        list,
                        side + " user " + user + " excluding seen " + exclude);
                  }
                  assertEquals(bySubject(rows, Side.USERS).keySet(), users);
                  return null;
                });
        Neighbourhood.RecommendForAll topUsers = Neighbourhood.recommendForAllItems(6);
        PCollection<Row> audiences =
            model.apply(
                side + " top users " + exclude, exclude ? topUsers.excludingSeen() : topUsers);
        PAssert.that(audiences)
            .satisfies(
                got -> {
                  Map<Long, List<Recommendation>> neighbours =
                      bruteForceNeighbours(rows, side, CfSimilarity.COSINE, 5, 1, 1e-4);
                  Set<Long> items = new TreeSet<>();
                  int listed = 0;
                  for (Row r : got) {
                    long item = r.getInt64("item");
                    items.add(item);
                    List<Recommendation> list = new ArrayList<>();
                    for (Object o : r.getArray("recommendations")) {
                      Row e = (Row) o;
                      list.add(new Recommendation(e.getInt64("user"), e.getDouble("score")));
                    }
                    listed += list.size();
                    assertEquals(
                        bruteForceTopUsers(rows, side, neighbours, item, 6, exclude),
                        list,
                        side + " item " + item + " excluding seen " + exclude);
                  }
                  assertEquals(bySubject(rows, Side.ITEMS).keySet(), items);
                  assertTrue(listed > 6 * 20, "most of the 25 items list 6 users: " + listed);
                  return null;
                });
      }
    }
    runner.run(p);
  }

  /**
   * The same model, bit for bit, on Direct and on Flink at parallelism 1 and 2; UserCF's users in
   * slices of 5.
   */
  @Test
  void sameModelOnDirectAndFlinkAtParallelismOneAndTwo() {
    String[][] setups = {{"DIRECT", ""}, {"FLINK_BATCH", "1"}, {"FLINK_BATCH", "2"}};
    for (String[] s : setups) {
      TestRunner runner = TestRunner.valueOf(s[0]);
      Pipeline p = s[1].isEmpty() ? runner.create() : runner.create("--parallelism=" + s[1]);
      PCollection<Row> rows = p.apply(Create.of(generated()).withRowSchema(RATINGS));
      rows.apply(
              "item",
              ItemCf.fit()
                  .withRatingCol("rating")
                  .withSimilarity(CfSimilarity.PEARSON)
                  .withMaxUserItems(5))
          .apply("Keep item", ParDo.of(new KeepModel("parallel/item/" + s[0] + s[1])));
      rows.apply("user", UserCf.fit().withRatingCol("rating").withSliceSize(5))
          .apply("Keep user", ParDo.of(new KeepModel("parallel/user/" + s[0] + s[1])));
      runner.run(p);
    }
    for (String side : List.of("item", "user")) {
      NeighbourhoodModel direct = MODELS.get("parallel/" + side + "/DIRECT");
      assertEquals(direct, MODELS.get("parallel/" + side + "/FLINK_BATCH1"), side);
      assertEquals(direct, MODELS.get("parallel/" + side + "/FLINK_BATCH2"), side);
    }
  }

  /**
   * A user with more than maxUserItems items counts only the maxUserItems with the smallest hash of
   * (seed, user, item): the brute force on the sampled ratings gives the same neighbours, while the
   * model keeps every interaction.
   */
  @Test
  void maxUserItemsSamplesEachActiveUsersItemsByHash() {
    List<Row> rows = generated();
    int max = 4;
    long seed = 9;
    Map<Long, List<Row>> byUser = new TreeMap<>();
    rows.forEach(r -> byUser.computeIfAbsent(r.getInt64("user"), u -> new ArrayList<>()).add(r));
    List<Row> sampled = new ArrayList<>();
    for (Map.Entry<Long, List<Row>> e : byUser.entrySet()) {
      List<Row> items = new ArrayList<>(e.getValue());
      items.sort(
          (a, b) -> {
            long ha = NeighbourTables.sampleHash(seed, e.getKey(), a.getInt64("item"));
            long hb = NeighbourTables.sampleHash(seed, e.getKey(), b.getInt64("item"));
            return ha != hb
                ? Long.compare(ha, hb)
                : Long.compare(a.getInt64("item"), b.getInt64("item"));
          });
      sampled.addAll(items.subList(0, Math.min(max, items.size())));
    }
    assertTrue(sampled.size() < rows.size(), "some users are sampled");
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(rows).withRowSchema(RATINGS))
        .apply(ItemCf.fit().withRatingCol("rating").withMaxUserItems(max).withSeed(seed))
        .apply(ParDo.of(new KeepModel("sampled")));
    TestRunner.DIRECT.run(p);
    NeighbourhoodModel model = MODELS.get("sampled");
    assertNeighbours(
        bruteForceNeighbours(sampled, Side.ITEMS, CfSimilarity.COSINE, 64, 1, 1e-4),
        model,
        "sampled");
    assertEquals(byUser.get(3L).size(), model.interactionsOf(3L).size());
  }

  private static List<Row> tiny() {
    return List.of(
        rating(1, 10, 5),
        rating(1, 11, 3),
        rating(2, 10, 4),
        rating(2, 11, 2),
        rating(2, 12, 5),
        rating(3, 11, 1),
        rating(3, 12, 4));
  }

  /**
   * Alink's documented example (ItemCfTrainBatchOp, rateCol rating, cosine): users 1, 2, 4 and
   * items 1-3; its rate predictions 0.0, 0.6, 0.8, 0.361237, 0.440631, 0.386137. The stage's
   * prediction equals them to Alink's printed 6 decimals.
   */
  @Test
  void predictionsEqualAlinksDocumentedExample() {
    List<Row> rows =
        List.of(
            rating(1, 1, 0.6),
            rating(2, 2, 0.8),
            rating(2, 3, 0.6),
            rating(4, 1, 0.6),
            rating(4, 2, 0.3),
            rating(4, 3, 0.4));
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(rows).withRowSchema(RATINGS))
        .apply(ItemCf.fit().withRatingCol("rating"))
        .apply(ParDo.of(new KeepModel("alink")));
    TestRunner.DIRECT.run(p);
    NeighbourhoodModel m = MODELS.get("alink");
    double[] expected = {0.0, 0.6, 0.8, 0.361237, 0.440631, 0.386137};
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      assertEquals(
          expected[r], m.bind(RATINGS).apply(row).getDouble("prediction"), 5e-7, "row " + r);
    }
    assertEquals(3L, m.neighbours(1, 1).get(0).id(), "Alink: item 1's most similar is 3");
    assertEquals(0.39223227027636803, m.neighbours(1, 1).get(0).rating(), 1e-12);
    assertEquals(0.9738412097417931, m.neighbours(2, 1).get(0).rating(), 1e-12);
  }

  /** Top-k for a stream of user ids, the model a side input; an unseen user gets an empty list. */
  @UnboundedRunnerTest
  void recommendsOnAStream(TestRunner runner) {
    Schema events = Schema.builder().addInt64Field("user").addStringField("page").build();
    Pipeline p = runner.create();
    PCollection<NeighbourhoodModel> model =
        p.apply("Train", Create.of(generated()).withRowSchema(RATINGS))
            .apply(ItemCf.fit().withRatingCol("rating").withMaxNeighbours(5));
    TestStream<Row> stream =
        TestStream.create(events)
            .addElements(
                TimestampedValue.of(
                    Row.withSchema(events).addValues(3L, "a").build(), new Instant(0)),
                TimestampedValue.of(
                    Row.withSchema(events).addValues(777L, "b").build(), new Instant(1000)))
            .advanceWatermarkTo(new Instant(5000))
            .addElements(
                TimestampedValue.of(
                    Row.withSchema(events).addValues(0L, "c").build(), new Instant(6000)))
            .advanceWatermarkToInfinity();
    PCollection<Row> served =
        p.apply("Events", stream).apply(Neighbourhood.recommend(model, 3).excludingSeen());
    List<Row> rows = generated();
    PAssert.that(served)
        .satisfies(
            got -> {
              Map<Long, List<Recommendation>> neighbours =
                  bruteForceNeighbours(rows, Side.ITEMS, CfSimilarity.COSINE, 5, 1, 1e-4);
              Set<String> pages = new HashSet<>();
              for (Row r : got) {
                pages.add(r.getString("page"));
                long user = r.getInt64("user");
                List<Recommendation> list = new ArrayList<>();
                for (Object o : r.getArray("recommendations")) {
                  Row e = (Row) o;
                  list.add(new Recommendation(e.getInt64("item"), e.getDouble("score")));
                }
                List<Recommendation> expected =
                    user == 777
                        ? List.of()
                        : bruteForceTop(rows, Side.ITEMS, neighbours, user, 3, true);
                assertEquals(expected, list, "user " + user);
              }
              assertEquals(Set.of("a", "b", "c"), pages);
              return null;
            });
    runner.run(p);
  }

  /** Saved and loaded, the model recommends and scores the same, as a LocalPredictor would. */
  @Test
  void saveLoadAndRecommendFromTheFile(@TempDir Path dir) throws IOException {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(generated()).withRowSchema(RATINGS))
        .apply(UserCf.fit().withRatingCol("rating").withPredictionCol("score"))
        .apply(ParDo.of(new KeepModel("saved")));
    TestRunner.DIRECT.run(p);
    NeighbourhoodModel fitted = MODELS.get("saved");
    Path file = dir.resolve("usercf.blm");
    ModelFile.write(fitted, file);
    NeighbourhoodModel loaded = ModelFile.read(file, NeighbourhoodModel.class);
    assertEquals(fitted, loaded);
    for (long user : fitted.userIds()) {
      assertEquals(fitted.recommendItems(user, 5, true), loaded.recommendItems(user, 5, true));
    }
    for (Row row : generated()) {
      assertEquals(fitted.bind(RATINGS).apply(row), loaded.bind(RATINGS).apply(row));
    }
  }

  @Test
  void anUnseenUserOrItemGetsNothingOrNan() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(tiny()).withRowSchema(RATINGS))
        .apply(ItemCf.fit().withRatingCol("rating"))
        .apply(ParDo.of(new KeepModel("tiny")));
    TestRunner.DIRECT.run(p);
    NeighbourhoodModel m = MODELS.get("tiny");
    assertEquals(List.of(), m.recommendItems(99, 3, false));
    assertTrue(Double.isNaN(m.predict(99, 10)));
    assertTrue(Double.isNaN(m.predict(1, 99)));
    assertEquals(List.of(), m.neighbours(99, 3));
    assertEquals(List.of(12L), m.recommendItems(1, 3, true).stream().map(r -> r.id()).toList());
  }

  private static String failureOf(List<Row> rows, Schema schema, NeighbourhoodFit fit) {
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
    NeighbourhoodFit fit = ItemCf.fit().withRatingCol("rating");
    String nan = failureOf(List.of(rating(1, 2, 3), rating(4, 5, Double.NaN)), RATINGS, fit);
    assertTrue(
        nan.contains(
            "ItemCF rating column 'rating' has value NaN; expected a finite number, in row"
                + " {user: 4, item: 5, rating: NaN}"),
        nan);
    String empty = failureOf(List.of(), RATINGS, UserCf.fit());
    assertTrue(empty.contains("UserCF input is empty: expected at least one interaction"), empty);
    String twice = failureOf(List.of(rating(1, 2, 3), rating(1, 2, 4)), RATINGS, fit);
    assertTrue(twice.contains("ItemCF input rates item 2 by user 1 twice"), twice);
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
  }

  @Test
  void rejectsBadColumnsAndParameters() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(tiny()).withRowSchema(RATINGS));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> rows.apply(ItemCf.fit().withItemCol("movie")));
    assertEquals(
        "ItemCF item column 'movie' is not in the input [user, item, rating]",
        missing.getMessage());
    IllegalArgumentException type =
        assertThrows(
            IllegalArgumentException.class, () -> rows.apply(UserCf.fit().withUserCol("rating")));
    assertEquals(
        "UserCF user column 'rating' has type DOUBLE; expected INT32 or INT64", type.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ItemCf.fit().withMaxNeighbours(0));
    assertThrows(IllegalArgumentException.class, () -> ItemCf.fit().withMinCommon(0));
    assertThrows(IllegalArgumentException.class, () -> ItemCf.fit().withMaxUserItems(1));
    assertThrows(IllegalArgumentException.class, () -> ItemCf.fit().withMaxItemUsers(10));
    assertThrows(IllegalArgumentException.class, () -> UserCf.fit().withMaxUserItems(10));
    assertThrows(
        IllegalArgumentException.class, () -> ItemCf.fit().withSimilarityThreshold(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Neighbourhood.recommendForAllUsers(0));
  }
}
