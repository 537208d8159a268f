package org.beamlink.transforms.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.pipeline.Kept;
import org.junit.jupiter.api.Test;

/**
 * {@link RandomSplit}: the same rows in each part on Direct and Flink at parallelism 1 and 2, part
 * sizes near the fractions on 300,000 rows, duplicates together, the text demo's split, bad
 * weights.
 */
class RandomSplitTest {
  private static final Schema SCHEMA =
      Schema.builder()
          .addInt64Field("id")
          .addNullableField("city", FieldType.STRING)
          .addDoubleField("x")
          .addField("v", VectorLogicalType.FIELD_TYPE)
          .build();

  private static final String[] CITIES = {"Oslo", "Lima", "Pune", null};

  private static Row row(long i) {
    return Row.withSchema(SCHEMA)
        .addValues(i, CITIES[(int) (i % 4)], Math.sin(i) * 100, Vector.dense(i % 7, Math.cos(i)))
        .build();
  }

  /** 2,000 rows, every 10th of them twice. */
  private static List<Row> rowsWithDuplicates() {
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 2000; i++) {
      rows.add(row(i));
      if (i % 10 == 0) {
        rows.add(row(i));
      }
    }
    return rows;
  }

  /** Each row's part as "part: row", sorted: a multiset that ignores arrival order. */
  private static List<String> labelled(List<List<Row>> parts) {
    List<String> out = new ArrayList<>();
    for (int k = 0; k < parts.size(); k++) {
      for (Row r : parts.get(k)) {
        out.add(k + ": " + r);
      }
    }
    out.sort(null);
    return out;
  }

  @Test
  void sameRowsInEachPartOnDirectAndFlinkAtParallelism1And2() {
    RandomSplit split = RandomSplit.of(0.6, 0.25, 0.15).withSeed(2024);
    List<Row> rows = rowsWithDuplicates();
    List<List<Row>> expected = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (Row r : rows) {
      expected.get(split.partOf(r)).add(r);
    }
    List<String> want = labelled(expected);

    record Run(TestRunner runner, String parallelism) {}
    for (Run run :
        List.of(
            new Run(TestRunner.DIRECT, "--targetParallelism=1"),
            new Run(TestRunner.DIRECT, "--targetParallelism=2"),
            new Run(TestRunner.FLINK_BATCH, "--parallelism=1"),
            new Run(TestRunner.FLINK_BATCH, "--parallelism=2"))) {
      Pipeline p = run.runner().create(run.parallelism());
      PCollectionList<Row> parts =
          p.apply(Create.of(rows).withRowSchema(SCHEMA)).apply("Split", split);
      assertEquals(3, parts.size());
      String key = "split-" + run;
      for (int k = 0; k < 3; k++) {
        assertEquals(SCHEMA, parts.get(k).getSchema());
        Kept.keep(parts.get(k), key + "-" + k);
      }
      run.runner().run(p);
      List<List<Row>> got = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        got.add(Kept.get(key + "-" + k));
      }
      assertEquals(want, labelled(got), run.toString());
    }
  }

  /**
   * 300,000 distinct rows split 0.7 / 0.2 / 0.1: each part holds exactly the rows {@code partOf}
   * assigns it (the same counts on both runners), and its size is within 5 binomial standard
   * deviations (at most 1,255 rows, 0.4% of the input) of the fraction.
   */
  @BoundedRunnerTest
  void partSizesAreCloseToTheFractionsOnALargeInput(TestRunner runner) {
    int n = 300_000;
    double[] fractions = {0.7, 0.2, 0.1};
    RandomSplit split = RandomSplit.of(fractions).withSeed(7);
    long[] local = new long[3];
    for (long i = 0; i < n; i++) {
      local[split.partOf(row(i))]++;
    }
    for (int k = 0; k < 3; k++) {
      double sd = Math.sqrt(n * fractions[k] * (1 - fractions[k]));
      assertTrue(
          Math.abs(local[k] - n * fractions[k]) < 5 * sd,
          "part " + k + ": " + local[k] + " rows of " + n);
    }

    Pipeline p = runner.create();
    PCollection<Row> rows =
        p.apply(GenerateSequence.from(0).to(n))
            .apply(MapElements.into(TypeDescriptors.rows()).via(RandomSplitTest::row))
            .setRowSchema(SCHEMA);
    PCollectionList<Row> parts = rows.apply(split);
    for (int k = 0; k < 3; k++) {
      PAssert.thatSingleton(parts.get(k).apply("Count " + k, Count.globally())).isEqualTo(local[k]);
    }
    runner.run(p);
  }

  @Test
  void identicalRowsAlwaysGoToTheSamePart() {
    RandomSplit split = RandomSplit.of(0.5, 0.5).withSeed(3);
    for (long i = 0; i < 1000; i++) {
      assertEquals(split.partOf(row(i)), split.partOf(row(i)));
    }
  }

  /**
   * The text demo's former split, a test row when u(text + "\0" + label, seed 42) < 0.2: u from
   * random_split_reference.py is 0.811, 0.057 and 0.686 for these rows.
   */
  @Test
  void splitsTextRowsAsTheTextDemoDid() {
    Schema text = Schema.builder().addStringField("text").addStringField("label").build();
    RandomSplit split = RandomSplit.of(0.2, 0.8).withSeed(42);
    assertEquals(1, split.partOf(Row.withSchema(text).addValues("hello world", "ham").build()));
    assertEquals(0, split.partOf(Row.withSchema(text).addValues("", "spam").build()));
    assertEquals(1, split.partOf(Row.withSchema(text).addValues("Grüße, 世界", "ham").build()));
    RandomSplit finer = RandomSplit.of(0.68, 0.01, 0.31).withSeed(42);
    assertEquals(1, finer.partOf(Row.withSchema(text).addValues("Grüße, 世界", "ham").build()));
  }

  @Test
  void anotherSeedGivesAnotherSplit() {
    RandomSplit a = RandomSplit.of(0.5, 0.5).withSeed(1);
    RandomSplit b = RandomSplit.of(0.5, 0.5).withSeed(2);
    List<Integer> partsA = new ArrayList<>();
    List<Integer> partsB = new ArrayList<>();
    for (long i = 0; i < 100; i++) {
      partsA.add(a.partOf(row(i)));
      partsB.add(b.partOf(row(i)));
    }
    assertNotEquals(partsA, partsB);
  }

  @Test
  void zeroWeightGetsNoRows() {
    RandomSplit split = RandomSplit.of(1, 0, 3);
    for (long i = 0; i < 1000; i++) {
      assertNotEquals(1, split.partOf(row(i)));
    }
  }

  @Test
  void rejectsBadWeights() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> RandomSplit.of(0.8))
            .getMessage()
            .contains("at least two weights"));
    assertThrows(IllegalArgumentException.class, () -> RandomSplit.of(0.8, -0.2));
    assertThrows(IllegalArgumentException.class, () -> RandomSplit.of(0.8, Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> RandomSplit.of(0.8, Double.POSITIVE_INFINITY));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> RandomSplit.of(0, 0))
            .getMessage()
            .contains("sum > 0"));
  }
}
