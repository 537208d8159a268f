package org.beamlink.transforms.stats;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.junit.jupiter.api.Test;

class MomentsTest {
  @Test
  void oneValueHasItsMeanAndNaNVariance() {
    Moments m = Moments.ofNumber();
    m.add(7.0);
    ColumnSummary s = m.summary(0, "x");
    assertEquals(1, s.count());
    assertEquals(7.0, s.mean());
    assertEquals(7.0, s.min());
    assertEquals(7.0, s.max());
    assertTrue(Double.isNaN(s.variance()), "sample variance of one value is undefined");
  }

  @Test
  void varianceStaysExactForValuesFarFromZero() {
    // 1e9 + {4, 7, 13, 16}: variance 30 (exactly, by hand). The textbook formula
    // (sum of squares - n * mean^2) / (n - 1) loses every digit here in doubles.
    Moments left = Moments.ofNumber();
    Moments right = Moments.ofNumber();
    left.add(1e9 + 4);
    left.add(1e9 + 7);
    right.add(1e9 + 13);
    right.add(1e9 + 16);
    left.merge(right);
    ColumnSummary s = left.summary(0, "x");
    assertEquals(1e9 + 10, s.mean(), 0.0);
    assertEquals(30.0, s.variance(), 1e-9);
  }

  @Test
  void mergingRandomSplitsMatchesOnePass() {
    Random random = new Random(42);
    double[] values = new double[10_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = 1e6 + random.nextGaussian() * 3;
    }
    Moments whole = Moments.ofNumber();
    for (double v : values) {
      whole.add(v);
    }
    Moments merged = Moments.ofNumber();
    int from = 0;
    while (from < values.length) {
      int to = Math.min(values.length, from + 1 + random.nextInt(1000));
      Moments part = Moments.ofNumber();
      for (int i = from; i < to; i++) {
        part.add(values[i]);
      }
      merged.merge(part);
      from = to;
    }
    ColumnSummary a = whole.summary(0, "x");
    ColumnSummary b = merged.summary(0, "x");
    // Relative 1e-12 for the mean, 1e-9 for the variance (9 of 16 digits: the values share their
    // first 6 digits); both far below the sampling noise.
    assertEquals(a.mean(), b.mean(), 1e-12 * a.mean());
    assertEquals(a.variance(), b.variance(), 1e-9 * a.variance());
    assertEquals(9.0, b.variance(), 0.5, "variance of N(0, 3^2) samples");
    assertEquals(a.count(), b.count());
    assertEquals(a.min(), b.min());
    assertEquals(a.max(), b.max());
  }

  @Test
  void sparseVectorsCountTheCoordinatesTheyLeaveOutAsZeros() {
    Moments m = Moments.ofVector();
    m.add(Vector.sparse(2, new int[] {1}, new double[] {3}));
    m.add(Vector.sparse(2, new int[] {1}, new double[] {5}));
    m.add(Vector.dense(2, 1));
    ColumnSummary first = m.summary(0, "v[0]");
    assertEquals(3, first.count());
    assertEquals(2.0 / 3, first.mean(), 1e-15);
    assertEquals(0.0, first.min());
    assertEquals(1, first.numNonzeros());
    ColumnSummary second = m.summary(1, "v[1]");
    assertEquals(3.0, second.mean(), 1e-15);
    assertEquals(4.0, second.variance(), 1e-15);
    assertEquals(1.0, second.min());
  }

  @Test
  void rejectsVectorsOfDifferentSizesWhenMerging() {
    Moments a = Moments.ofVector();
    a.add(Vector.dense(1, 2));
    Moments b = Moments.ofVector();
    b.add(Vector.dense(1, 2, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.merge(b));
    assertEquals("Expected vectors of one size, got sizes 2 and 3", e.getMessage());
  }

  @Test
  void coderRoundTripsEmptyAndFilledMoments() throws Exception {
    Moments vector = Moments.ofVector();
    Moments empty =
        CoderUtils.decodeFromByteArray(
            MomentsCoder.of(), CoderUtils.encodeToByteArray(MomentsCoder.of(), vector));
    assertEquals(-1, empty.size());
    vector.add(Vector.sparse(3, new int[] {0, 2}, new double[] {1.5, Double.NaN}));
    vector.addNull();
    Moments back =
        CoderUtils.decodeFromByteArray(
            MomentsCoder.of(), CoderUtils.encodeToByteArray(MomentsCoder.of(), vector));
    for (int i = 0; i < 3; i++) {
      assertEquals(vector.summary(i, "v"), back.summary(i, "v"));
    }
    assertEquals(2, back.rows());
  }

  @Test
  void addVectorOfLeavesNaNOutAndNamesStageColumnAndRowForBadVectors() {
    Schema schema = Schema.builder().addNullableField("v", VectorLogicalType.FIELD_TYPE).build();
    Moments m = Moments.ofVector();
    m.addVectorOf(
        Row.withSchema(schema).addValue(Vector.dense(1, Double.NaN)).build(), 0, "S", "v");
    assertEquals(1, m.rows());
    assertEquals(1, m.summary(0, "v[0]").count());

    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.addVectorOf(Row.withSchema(schema).addValue(null).build(), 0, "S", "v"));
    assertThat(missing.getMessage(), containsString("S: vector column 'v' is null in row"));
    IllegalArgumentException infinite =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                m.addVectorOf(
                    Row.withSchema(schema)
                        .addValue(Vector.dense(2, Double.NEGATIVE_INFINITY))
                        .build(),
                    0,
                    "S",
                    "v"));
    assertThat(
        infinite.getMessage(),
        containsString("S: vector column 'v' has value -Infinity at coordinate 1 in row"));
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                m.addVectorOf(
                    Row.withSchema(schema).addValue(Vector.dense(1, 2, 3)).build(), 0, "S", "v"));
    assertThat(
        size.getMessage(),
        containsString(
            "S: vector column 'v': Expected a vector of size 2 like the ones before, got size 3"));
    assertEquals(1, m.rows(), "rejected vectors are not counted");
  }
}
