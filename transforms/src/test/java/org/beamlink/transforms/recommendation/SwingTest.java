package org.beamlink.transforms.recommendation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.recommendation.NeighbourhoodModel;
import org.beamlink.models.recommendation.Recommendation;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * Swing against a brute force of its definition in this test: for every two items i and j, the sum
 * over pairs of i's (kept, sampled) users who both have j of {@code w_u w_v / (alpha + |I_u and
 * I_v|)}, summed item by item, pair by pair (another order than the trainer's), so the similarities
 * agree to 1e-12 relative (rounding of sums of a few hundred terms of size about 1).
 */
class SwingTest {
  static final Schema CLICKS = Schema.builder().addInt64Field("user").addInt32Field("item").build();

  private static final Map<String, NeighbourhoodModel> MODELS = new ConcurrentHashMap<>();

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

  private static Row click(long user, int item) {
    return Row.withSchema(CLICKS).addValues(user, item).build();
  }

  /**
   * 60 users x 20 items (ids 0-19), each user clicking each item with a probability of 0.1 to 0.6
   * (by user), some clicks repeated; item 50 repeats item 0's users (exact ties).
   */
  static List<Row> generated() {
    Random random = new Random(2627);
    List<Row> rows = new ArrayList<>();
    for (long u = 0; u < 60; u++) {
      double p = 0.1 + 0.5 * random.nextDouble();
      for (int i = 0; i < 20; i++) {
        if (random.nextDouble() < p) {
          rows.add(click(u, i));
          if (i == 0) {
            rows.add(click(u, 50));
          }
          if (random.nextDouble() < 0.05) {
            rows.add(click(u, i));
          }
        }
      }
    }
    return rows;
  }

  static Map<Long, List<Recommendation>> bruteForce(
      List<Row> rows,
      double alpha,
      double userAlpha,
      double userBeta,
      int minUserItems,
      int maxUserItems,
      int maxItemNumber,
      boolean normalize,
      long seed) {
    TreeMap<Long, TreeSet<Long>> items = new TreeMap<>();
    for (Row r : rows) {
      items
          .computeIfAbsent(r.getInt64("user"), u -> new TreeSet<>())
          .add((long) r.getInt32("item"));
    }
    items.values().removeIf(s -> s.size() < minUserItems || s.size() > maxUserItems);
    TreeMap<Long, List<Long>> users = new TreeMap<>();
    items.forEach(
        (u, s) -> s.forEach(i -> users.computeIfAbsent(i, x -> new ArrayList<>()).add(u)));
    Map<Long, List<Recommendation>> out = new TreeMap<>();
    for (Map.Entry<Long, List<Long>> e : users.entrySet()) {
      long i = e.getKey();
      List<Long> kept = new ArrayList<>(e.getValue());
      if (kept.size() > maxItemNumber) {
        kept.sort(
            (a, b) -> {
              long ha = NeighbourTables.sampleHash(seed, i, a);
              long hb = NeighbourTables.sampleHash(seed, i, b);
              return ha != hb ? Long.compare(ha, hb) : Long.compare(a, b);
            });
        kept = new ArrayList<>(kept.subList(0, maxItemNumber));
      }
      List<Recommendation> list = new ArrayList<>();
      for (long j : users.keySet()) {
        if (j == i) {
          continue;
        }
        double sim = 0;
        boolean any = false;
        for (long u : kept) {
          for (long v : kept) {
            if (u < v && items.get(u).contains(j) && items.get(v).contains(j)) {
              Set<Long> common = new TreeSet<>(items.get(u));
              common.retainAll(items.get(v));
              double wu = Math.pow(userAlpha + items.get(u).size(), -userBeta);
              double wv = Math.pow(userAlpha + items.get(v).size(), -userBeta);
              sim += wu * wv / (alpha + common.size());
              any = true;
            }
          }
        }
        if (any) {
          list.add(new Recommendation(j, sim));
        }
      }
      if (normalize) {
        double max = list.stream().mapToDouble(Recommendation::rating).max().orElse(1);
        list.replaceAll(r -> new Recommendation(r.id(), r.rating() / max));
      }
      list.sort(NeighbourhoodModel.BEST_FIRST);
      if (!list.isEmpty()) {
        out.put(i, list);
      }
    }
    return out;
  }

  private static void assertMatches(
      Map<Long, List<Recommendation>> expected, NeighbourhoodModel model, String what) {
    Set<Long> subjects = new TreeSet<>();
    for (long id : model.subjectIds()) {
      subjects.add(id);
    }
    assertEquals(expected.keySet(), subjects, what);
    for (Map.Entry<Long, List<Recommendation>> e : expected.entrySet()) {
      List<Recommendation> got = model.neighbours(e.getKey(), 1000);
      List<Recommendation> want = e.getValue();
      assertEquals(want.size(), got.size(), what + " item " + e.getKey());
      Map<Long, Double> wanted = new TreeMap<>();
      want.forEach(r -> wanted.put(r.id(), r.rating()));
      for (int k = 0; k < got.size(); k++) {
        Recommendation r = got.get(k);
        assertTrue(wanted.containsKey(r.id()), what + " item " + e.getKey() + " has " + r.id());
        assertEquals(
            wanted.get(r.id()),
            r.rating(),
            1e-12 * Math.abs(wanted.get(r.id())),
            what + " sim(" + e.getKey() + ", " + r.id() + ")");
        if (k > 0) {
          assertTrue(
              NeighbourhoodModel.BEST_FIRST.compare(got.get(k - 1), r) < 0,
              what + " best first, ties by id");
        }
      }
    }
  }

  @BoundedRunnerTest
  void similaritiesEqualTheBruteForce(TestRunner runner) {
    List<Row> rows = generated();
    Pipeline p = runner.create();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(CLICKS));
    input
        .apply("defaults", Swing.fit().withMinUserItems(2).withNumBlocks(3))
        .apply("Keep defaults", ParDo.of(new KeepModel(runner + "/defaults")));
    input
        .apply(
            "sampled",
            Swing.fit()
                .withMinUserItems(3)
                .withMaxUserItems(10)
                .withMaxItemNumber(8)
                .withAlpha(0.5)
                .withUserAlpha(2.0)
                .withUserBeta(0.5)
                .withResultNormalize(true)
                .withSeed(4))
        .apply("Keep sampled", ParDo.of(new KeepModel(runner + "/sampled")));
    runner.run(p);
    NeighbourhoodModel defaults = MODELS.get(runner + "/defaults");
    assertMatches(bruteForce(rows, 1.0, 5.0, -0.35, 2, 1000, 1000, false, 0), defaults, "defaults");
    assertMatches(
        bruteForce(rows, 0.5, 2.0, 0.5, 3, 10, 8, true, 4),
        MODELS.get(runner + "/sampled"),
        "sampled");
    List<Recommendation> of3 = defaults.neighbours(3, 1000);
    List<Long> ids = of3.stream().map(Recommendation::id).toList();
    assertEquals(
        of3.get(ids.indexOf(0L)).rating(),
        of3.get(ids.indexOf(50L)).rating(),
        "items 0 and 50 have the same users: an exact tie");
    assertEquals(ids.indexOf(0L) + 1, ids.indexOf(50L), "the tie ordered by id");
    assertEquals(NeighbourhoodModel.Side.ITEMS, defaults.side());
    assertEquals("SWING", defaults.similarity());
  }

  @Test
  void sameModelOnDirectAndFlinkAtParallelismOneAndTwo() {
    String[][] setups = {{"DIRECT", ""}, {"FLINK_BATCH", "1"}, {"FLINK_BATCH", "2"}};
    for (String[] s : setups) {
      TestRunner runner = TestRunner.valueOf(s[0]);
      Pipeline p = s[1].isEmpty() ? runner.create() : runner.create("--parallelism=" + s[1]);
      p.apply(Create.of(generated()).withRowSchema(CLICKS))
          .apply(Swing.fit().withMinUserItems(2).withMaxItemNumber(10))
          .apply(ParDo.of(new KeepModel("parallel/" + s[0] + s[1])));
      runner.run(p);
    }
    NeighbourhoodModel direct = MODELS.get("parallel/DIRECT");
    assertEquals(direct, MODELS.get("parallel/FLINK_BATCH1"));
    assertEquals(direct, MODELS.get("parallel/FLINK_BATCH2"));
  }

  /**
   * When every user has fewer items than minUserItems, no item has a neighbour: the model holds the
   * interactions and recommends nothing, and the neighbour listing is empty.
   */
  @Test
  void noUserWithEnoughItemsGivesEmptyNeighbourLists() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<NeighbourhoodModel> model =
        p.apply(Create.of(List.of(click(1, 1), click(1, 2), click(2, 2))).withRowSchema(CLICKS))
            .apply(Swing.fit());
    model.apply(ParDo.of(new KeepModel("empty")));
    PAssert.that(model.apply(Neighbourhood.neighbours(3))).empty();
    PAssert.that(model.apply(Neighbourhood.recommendForAllUsers(3)))
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                assertEquals(List.of(), List.copyOf(r.getArray("recommendations")));
              }
              assertEquals(2, n);
              return null;
            });
    TestRunner.DIRECT.run(p);
    NeighbourhoodModel m = MODELS.get("empty");
    assertEquals(0, m.subjectIds().length);
    assertEquals(2, m.interactionsOf(1).size());
  }

  @Test
  void rejectsBadParametersAndAnEmptyInput() {
    assertThrows(IllegalArgumentException.class, () -> Swing.fit().withAlpha(0));
    assertThrows(IllegalArgumentException.class, () -> Swing.fit().withUserAlpha(-1));
    assertThrows(IllegalArgumentException.class, () -> Swing.fit().withUserBeta(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Swing.fit().withMaxItemNumber(1));
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(List.of(click(1, 1))).withRowSchema(CLICKS));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(Swing.fit().withMinUserItems(5).withMaxUserItems(4)));
    assertEquals("Expected minUserItems <= maxUserItems, got 5 > 4", e.getMessage());
    Pipeline empty = TestRunner.DIRECT.create();
    empty.apply(Create.of(List.<Row>of()).withRowSchema(CLICKS)).apply(Swing.fit());
    Throwable t = assertThrows(Throwable.class, () -> TestRunner.DIRECT.run(empty));
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(" | ");
    }
    assertTrue(
        all.toString().contains("Swing input is empty: expected at least one interaction"),
        all.toString());
  }
}
