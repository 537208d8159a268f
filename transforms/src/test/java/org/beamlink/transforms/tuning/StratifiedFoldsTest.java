package org.beamlink.transforms.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.SeededHash;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.evaluation.RowContentHash;
import org.beamlink.transforms.feature.VectorAssembler;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.beamlink.transforms.pipeline.Kept;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.junit.jupiter.api.Test;

/**
 * {@link StratifiedFolds} against a sequential computation in the test (each class sorted by the
 * mixed hash of its rows, rank r in fold r mod k) on generated classes of 1000, 37 and 2 rows with
 * five copies of one row, on Direct and Flink; then {@link CrossValidation#withStratifyCol} against
 * the same folds given as a column.
 */
class StratifiedFoldsTest {
  private static final Schema SCHEMA =
      Schema.builder().addDoubleField("x").addStringField("label").build();

  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    int[] sizes = {1000, 37, 2};
    String[] labels = {"a", "b", "c"};
    for (int c = 0; c < sizes.length; c++) {
      for (int i = 0; i < sizes[c]; i++) {
        rows.add(Row.withSchema(SCHEMA).addValues(c * 10_000.0 + i, labels[c]).build());
      }
    }
    for (int copy = 0; copy < 4; copy++) {
      rows.add(Row.withSchema(SCHEMA).addValues(7.0, "a").build());
    }
    return rows;
  }

  /** The folds as "label x fold" lines, sorted: what must be equal, copies included. */
  private static List<String> lines(List<Row> withFolds) {
    return withFolds.stream()
        .map(r -> r.getString("label") + " " + r.getDouble("x") + " " + r.getInt32("fold"))
        .sorted()
        .collect(Collectors.toList());
  }

  /** The sequential definition: per class, by mixed hash (copies are equal), rank mod folds. */
  private static List<String> expected(List<Row> rows, int folds, long seed) {
    Map<String, List<Row>> byClass = new TreeMap<>();
    rows.forEach(r -> byClass.computeIfAbsent(r.getString("label"), l -> new ArrayList<>()).add(r));
    List<String> out = new ArrayList<>();
    for (List<Row> members : byClass.values()) {
      members.sort(
          (x, y) ->
              Long.compareUnsigned(
                  SeededHash.mix(RowContentHash.of(x) ^ seed),
                  SeededHash.mix(RowContentHash.of(y) ^ seed)));
      for (int rank = 0; rank < members.size(); rank++) {
        Row r = members.get(rank);
        out.add(r.getString("label") + " " + r.getDouble("x") + " " + rank % folds);
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * Every row once, in the fold of its rank in its class, so a class of n rows has floor(n / 5) or
   * ceil(n / 5) in every fold (the class of 2 rows is in two folds only); the same on every runner.
   */
  @BoundedRunnerTest
  void foldsSpreadEveryClassEvenlyAsTheSequentialDefinition(TestRunner runner) {
    List<Row> rows = rows();
    Pipeline p = runner.create();
    String key = "stratified-" + runner;
    Kept.keep(
        p.apply(Create.of(rows).withRowSchema(SCHEMA))
            .apply(StratifiedFolds.of(5, "label").withSeed(3)),
        key);
    runner.run(p);
    List<Row> out = Kept.get(key);
    assertEquals(expected(rows, 5, 3), lines(out));
    Map<String, int[]> counts = new TreeMap<>();
    out.forEach(
        r -> counts.computeIfAbsent(r.getString("label"), l -> new int[5])[r.getInt32("fold")]++);
    assertEquals(List.of(201, 201, 201, 201, 200), toList(counts.get("a")), "1004 rows of a");
    assertEquals(List.of(8, 8, 7, 7, 7), toList(counts.get("b")), "37 rows of b");
    assertEquals(List.of(1, 1, 0, 0, 0), toList(counts.get("c")), "2 rows of c");
  }

  private static List<Integer> toList(int[] counts) {
    List<Integer> list = new ArrayList<>();
    for (int n : counts) {
      list.add(n);
    }
    return list;
  }

  /**
   * A cross-validation stratified by the label equals one given the same folds as a column, metric
   * for metric, on breast cancer (212 and 357 rows: 71/71/70 and 119 a fold).
   */
  @Test
  void crossValidationStratifiedEqualsTheSameFoldsGiven() {
    List<Row> rows = LinearTestSupport.csv("breast_cancer.csv", Schema.FieldType.INT32);
    LinearFit logreg = CrossValidationTest.logreg();
    MlPipeline pipeline =
        MlPipeline.of(
            VectorAssembler.of(LinearTestSupport.featureNames(30)).withOutputCol("raw"),
            CrossValidationTest.scaler(),
            logreg);
    ParamGrid grid =
        ParamGrid.over(pipeline).add("logreg.l2", logreg, LinearFit::withL2, 1e-3, 1.0);
    TuningMetric<?> auc = TuningMetric.auc("label", "probability");
    TestRunner runner = TestRunner.DIRECT;
    Pipeline p = runner.create();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()));
    Kept.keep(
        input
            .apply("Stratified", CrossValidation.of(grid, auc).withSeed(5).withStratifyCol("label"))
            .table(),
        "cv-stratified");
    PCollection<Row> folds =
        input.apply("Folds", StratifiedFolds.of(3, "label").withSeed(5).withFoldCol("f"));
    Kept.keep(folds, "cv-folds");
    Kept.keep(
        folds.apply("Given", CrossValidation.of(grid, auc).withFoldCol("f")).table(), "cv-given");
    runner.run(p);

    Map<Integer, int[]> perFold = new TreeMap<>();
    Kept.<Row>get("cv-folds")
        .forEach(
            r -> perFold.computeIfAbsent(r.getInt32("f"), f -> new int[2])[r.getInt32("label")]++);
    assertEquals(List.of(71, 119), toList(perFold.get(0)));
    assertEquals(List.of(71, 119), toList(perFold.get(1)));
    assertEquals(List.of(70, 119), toList(perFold.get(2)));
    List<Row> stratified = Kept.get("cv-stratified");
    List<Row> given = Kept.get("cv-given");
    stratified.sort(Comparator.comparingInt(r -> r.getInt32("candidate")));
    given.sort(Comparator.comparingInt(r -> r.getInt32("candidate")));
    assertEquals(2, stratified.size());
    for (int c = 0; c < 2; c++) {
      for (String col : List.of("fold0", "fold1", "fold2", "mean", "std")) {
        assertEquals(given.get(c).getDouble(col), stratified.get(c).getDouble(col), 0.0, col);
      }
      assertTrue(stratified.get(c).getDouble("mean") > 0.98, "AUC of candidate " + c);
    }
  }

  /** A class is cut into buckets of at most 10,000 rows on average, in at most 2^16 buckets. */
  @Test
  void bucketsHoldAboutTenThousandRows() {
    assertEquals(0, StratifiedFolds.bucketBits(569));
    assertEquals(0, StratifiedFolds.bucketBits(10_000));
    assertEquals(1, StratifiedFolds.bucketBits(10_001));
    assertEquals(7, StratifiedFolds.bucketBits(1_000_000));
    assertEquals(16, StratifiedFolds.bucketBits(Long.MAX_VALUE));
  }

  @Test
  void rejectsBadParametersAndInput() {
    assertEquals(
        "Expected folds >= 2, got 1",
        assertThrows(IllegalArgumentException.class, () -> StratifiedFolds.of(1, "label"))
            .getMessage());
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> input = p.apply(Create.of(rows()).withRowSchema(SCHEMA));
    assertEquals(
        "Stratify column 'y' not found; the input has columns [x, label]",
        assertThrows(IllegalArgumentException.class, () -> input.apply(StratifiedFolds.of(3, "y")))
            .getMessage());
    assertEquals(
        "The input already has a column 'x'; choose another with withFoldCol",
        assertThrows(
                IllegalArgumentException.class,
                () -> input.apply("x", StratifiedFolds.of(3, "label").withFoldCol("x")))
            .getMessage());
    LinearFit logreg = CrossValidationTest.logreg();
    ParamGrid grid =
        ParamGrid.over(MlPipeline.of(logreg)).add("logreg.l2", logreg, LinearFit::withL2, 1.0);
    CrossValidation cv = CrossValidation.of(grid, TuningMetric.auc("label", "probability"));
    assertEquals(
        "Folds are given by column 'f'; they cannot also be stratified",
        assertThrows(
                IllegalArgumentException.class, () -> cv.withFoldCol("f").withStratifyCol("label"))
            .getMessage());
    assertEquals(
        "Folds are stratified by column 'label'; they cannot also be given",
        assertThrows(
                IllegalArgumentException.class, () -> cv.withStratifyCol("label").withFoldCol("f"))
            .getMessage());
  }
}
