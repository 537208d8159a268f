package org.beamlink.transforms.stats;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.rows.FeatureColumns;
import org.junit.jupiter.api.Test;

/**
 * The per-class combine of the counting fits, called directly (naive Bayes and the chi-squared
 * selector test it in pipelines against scikit-learn). The reference for the moments is the
 * two-pass definition computed here: weighted mean, then the weighted sum of squared deviations.
 */
class ClassStatsFnTest {
  private static final Schema SCHEMA =
      Schema.builder()
          .addDoubleField("x")
          .addDoubleField("y")
          .addInt32Field("label")
          .addDoubleField("w")
          .build();

  private static final FeatureColumns.Bound FEATURES =
      FeatureColumns.of(List.of("x", "y")).bind(SCHEMA);

  /** Sums every feature, weighted. */
  private static final ClassStatsFn.RowUpdate SUMS =
      (s, x, w, row) -> x.forEachNonzero((j, v) -> s.addToSum(j, w * v));

  private static Row row(double x, double y, int label, double w) {
    return Row.withSchema(SCHEMA).addValues(x, y, label, w).build();
  }

  private static ClassStatsFn sums() {
    return ClassStatsFn.of("Test", FEATURES, "label", 10, SUMS).withWeight("w", 3);
  }

  private static ClassStatsFn.Table add(ClassStatsFn fn, Row... rows) {
    ClassStatsFn.Table acc = fn.createAccumulator();
    for (Row r : rows) {
      acc = fn.addInput(acc, r);
    }
    return acc;
  }

  @Test
  void sumsRowsWeightsAndFeaturesPerClassInLabelOrder() {
    ClassStatsFn fn = sums();
    ClassStatsFn.Table t =
        add(fn, row(1, 2, 10, 1), row(3, 0, 9, 2), row(5, 1, 10, 0.5), row(0, 4, 9, 0));
    // Label texts sort "10" < "9"; a numeric label column sorts them by value.
    assertEquals(List.of("9", "10"), t.labels(TypeName.INT32, "Test", "label"));
    assertEquals(2, t.dimension());
    ClassStatsFn.ClassStats nine = t.get("9");
    assertEquals(2, nine.rows());
    assertEquals(2.0, nine.weight());
    assertArrayEquals(new double[] {6, 0}, nine.sums());
    assertNull(nine.m2());
    ClassStatsFn.ClassStats ten = t.get("10");
    assertEquals(2, ten.rows());
    assertEquals(1.5, ten.weight());
    assertArrayEquals(new double[] {3.5, 2.5}, ten.sums());
  }

  @Test
  void momentsMergedInAnyOrderMatchTheTwoPassDefinition() {
    ClassStatsFn fn =
        ClassStatsFn.of(
                "Test",
                FEATURES,
                "label",
                10,
                (s, x, w, row) -> {
                  if (w > 0) {
                    s.addToMoments(x.toArray(), w);
                  }
                })
            .withWeight("w", 3)
            .withMoments();
    double[][] xs = {{1, 2}, {3, 0.5}, {5, 1}, {-2, 4}, {7, 7}, {0.25, -3}};
    double[] ws = {1, 2, 0.5, 0, 3, 1.5};
    Row[] rows = new Row[xs.length];
    for (int i = 0; i < xs.length; i++) {
      rows[i] = row(xs[i][0], xs[i][1], 1, ws[i]);
    }
    double total = 0;
    double[] mean = new double[2];
    for (int i = 0; i < xs.length; i++) {
      total += ws[i];
      for (int j = 0; j < 2; j++) {
        mean[j] += ws[i] * xs[i][j];
      }
    }
    double[] m2 = new double[2];
    for (int j = 0; j < 2; j++) {
      mean[j] /= total;
      for (int i = 0; i < xs.length; i++) {
        m2[j] += ws[i] * (xs[i][j] - mean[j]) * (xs[i][j] - mean[j]);
      }
    }
    ClassStatsFn.Table onePass = add(fn, rows);
    ClassStatsFn.Table a = add(fn, rows[0], rows[3]);
    ClassStatsFn.Table b = add(fn, rows[1], rows[4], rows[5]);
    ClassStatsFn.Table c = add(fn, rows[2]);
    ClassStatsFn.Table empty = fn.createAccumulator();
    for (ClassStatsFn.Table t :
        List.of(
            onePass,
            fn.mergeAccumulators(List.of(a, b, c)),
            fn.mergeAccumulators(List.of(c, empty, b, a)))) {
      ClassStatsFn.ClassStats s = t.get("1");
      assertEquals(6, s.rows());
      assertEquals(total, s.weight(), 1e-15);
      // Rounding only: a few operations on numbers below 100.
      assertArrayEquals(mean, s.sums(), 1e-13);
      assertArrayEquals(m2, s.m2(), 1e-12);
    }
  }

  @Test
  void theCoderKeepsEveryNumber() throws Exception {
    ClassStatsFn.Table t = add(sums(), row(1, 2, 10, 1), row(3, 0, 9, 2));
    ClassStatsFn.Table back = CoderUtils.clone(ClassStatsFn.TableCoder.of(), t);
    assertEquals(t.dimension(), back.dimension());
    for (String label : List.of("9", "10")) {
      assertEquals(t.get(label).rows(), back.get(label).rows());
      assertEquals(t.get(label).weight(), back.get(label).weight());
      assertArrayEquals(t.get(label).sums(), back.get(label).sums());
      assertNull(back.get(label).m2());
    }
  }

  @Test
  void badInputFailsNamingTheStageTheColumnAndTheRow() {
    ClassStatsFn fn = sums();
    String negative =
        assertThrows(IllegalArgumentException.class, () -> add(fn, row(1, 2, 1, -1))).getMessage();
    assertThat(negative, containsString("Test: weight column 'w' has value -1.0 in row {x: 1.0"));
    String classes =
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    add(
                        ClassStatsFn.of("Test", FEATURES, "label", 2, SUMS),
                        row(1, 1, 1, 1),
                        row(1, 1, 2, 1),
                        row(1, 1, 3, 1)))
            .getMessage();
    assertThat(
        classes, containsString("Test takes at most 2 distinct labels; column 'label' has more"));
    ClassStatsFn.Table one = add(fn, row(1, 2, 1, 1));
    assertThat(
        assertThrows(
                IllegalArgumentException.class, () -> one.labels(TypeName.INT32, "Test", "label"))
            .getMessage(),
        containsString("Test needs at least 2 distinct labels in column 'label'; the input has"));
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () -> fn.createAccumulator().labels(TypeName.INT32, "Test", "label"))
            .getMessage(),
        containsString("Test: no rows to fit on"));
  }

  @Test
  void vectorsOfDifferentSizesFailInAddAndInMerge() {
    Schema vectors =
        Schema.builder()
            .addField("v", VectorLogicalType.FIELD_TYPE)
            .addStringField("label")
            .build();
    ClassStatsFn fn =
        ClassStatsFn.of("Test", FeatureColumns.ofVector("v").bind(vectors), "label", 10, SUMS);
    Row two = Row.withSchema(vectors).addValues(Vector.dense(1, 2), "a").build();
    Row three = Row.withSchema(vectors).addValues(Vector.dense(1, 2, 3), "b").build();
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> add(fn, two, three)).getMessage(),
        containsString("Test: features from vectorCol=v have size 3 in row"));
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () -> fn.mergeAccumulators(List.of(add(fn, two), add(fn, three))))
            .getMessage(),
        containsString("have size 2 in some rows and size 3 in others"));
  }
}
