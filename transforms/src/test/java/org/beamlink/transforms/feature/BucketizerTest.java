package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.ScalerTestSupport.assertRoundTrips;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.BucketizerMapper;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.feature.SkippingBound;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * Bucketizer with Spark ML's semantics ({@code [s_i, s_{i+1})}, last bucket closed), checked on
 * hand-computed cases; bucket indices are exact.
 */
class BucketizerTest {
  private static final double[] SPLITS = {0, 1, 10, 100};
  private static final Schema SCHEMA =
      Schema.builder().addNullableField("x", Schema.FieldType.DOUBLE).addInt32Field("k").build();

  private static Row row(Double x, int k) {
    return Row.withSchema(SCHEMA).addValues(x, k).build();
  }

  private static BucketizerMapper mapper(HandleInvalid handleInvalid) {
    return BucketizerMapper.of(List.of("x"), List.of("b"), List.of(SPLITS), handleInvalid);
  }

  @Test
  void bucketsHalfOpenIntervalsWithTheLastOneClosed() {
    assertEquals(0, BucketizerMapper.bucket(SPLITS, 0));
    assertEquals(0, BucketizerMapper.bucket(SPLITS, 0.999));
    assertEquals(1, BucketizerMapper.bucket(SPLITS, 1));
    assertEquals(2, BucketizerMapper.bucket(SPLITS, 99.9));
    assertEquals(2, BucketizerMapper.bucket(SPLITS, 100));
    assertEquals(-1, BucketizerMapper.bucket(SPLITS, 100.1));
    assertEquals(-1, BucketizerMapper.bucket(SPLITS, -0.1));
    assertEquals(-1, BucketizerMapper.bucket(SPLITS, Double.NaN));
    double[] open = {Double.NEGATIVE_INFINITY, 0, Double.POSITIVE_INFINITY};
    assertEquals(0, BucketizerMapper.bucket(open, -1e300));
    assertEquals(1, BucketizerMapper.bucket(open, Double.POSITIVE_INFINITY));
  }

  @Test
  void keepPutsInvalidValuesInTheExtraBucketAndErrorNamesThem() {
    SkippingBound keep = mapper(HandleInvalid.KEEP).bind(SCHEMA);
    assertEquals(3.0, keep.apply(row(Double.NaN, 0)).getDouble("b"));
    assertEquals(3.0, keep.apply(row(null, 0)).getDouble("b"));
    assertEquals(3.0, keep.apply(row(-5.0, 0)).getDouble("b"));
    assertEquals(1.0, keep.apply(row(5.0, 0)).getDouble("b"));
    SkippingBound error = mapper(HandleInvalid.ERROR).bind(SCHEMA);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> error.apply(row(500.0, 0)));
    assertTrue(e.getMessage().contains("column 'x' has value 500.0 outside"), e.getMessage());
    SkippingBound skip = mapper(HandleInvalid.SKIP).bind(SCHEMA);
    assertNull(skip.applyOrSkip(row(Double.NaN, 0)));
    assertThrows(IllegalArgumentException.class, () -> skip.apply(row(Double.NaN, 0)));
  }

  @Test
  void skipDropsInvalidRowsInThePipeline() {
    Pipeline p = TestRunner.DIRECT.create();
    PAssert.that(
            p.apply(
                    Create.of(row(0.5, 1), row(Double.NaN, 2), row(100.0, 3), row(-1.0, 4))
                        .withRowSchema(SCHEMA))
                .apply(
                    Bucketizer.of("x", "b", SPLITS)
                        .withColumn("k", "kb", 0, 2, 5)
                        .withHandleInvalid(HandleInvalid.SKIP)))
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                double expected = r.getInt32("k") == 1 ? 0.0 : 2.0;
                assertEquals(expected, r.getDouble("b"));
                assertEquals(r.getInt32("k") < 2 ? 0.0 : 1.0, r.getDouble("kb"));
              }
              assertEquals(2, n);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void rejectsBadSplitsAndColumns() {
    assertThrows(IllegalArgumentException.class, () -> Bucketizer.of("x", "b", 1));
    assertThrows(IllegalArgumentException.class, () -> Bucketizer.of("x", "b", 1, 1, 2));
    assertThrows(IllegalArgumentException.class, () -> Bucketizer.of("x", "b", 0, Double.NaN));
    assertThrows(
        IllegalArgumentException.class,
        () -> Bucketizer.of("x", "b", SPLITS).withHandleInvalid(HandleInvalid.IGNORE));
    Pipeline p = TestRunner.DIRECT.create();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.apply(Create.empty(SCHEMA)).apply(Bucketizer.of("y", "b", SPLITS)));
    assertTrue(e.getMessage().contains("'y' not found"), e.getMessage());
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        BucketizerMapper.Coder.of(),
        BucketizerMapper.of(
            List.of("x", "k"),
            List.of("b", "kb"),
            List.of(SPLITS, new double[] {Double.NEGATIVE_INFINITY, 0}),
            HandleInvalid.KEEP));
  }
}
