package org.beamlink.transforms.stats;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.clustering.TestData;
import org.junit.jupiter.api.Test;

class QuantilesTest {
  private static final Schema X = Schema.builder().addNullableField("x", FieldType.DOUBLE).build();

  private static Row x(Double value) {
    return Row.withSchema(X).addValue(value).build();
  }

  private static double[] probabilities() {
    JsonNode ps = StatsReference.get("quantiles", "probabilities");
    double[] out = new double[ps.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ps.get(i).asDouble();
    }
    return out;
  }

  /**
   * Iris, 150 values per column: far below Beam's buffer, so the approximate mode is exact too;
   * both equal numpy's {@code quantile(method="inverted_cdf")} (stats_reference.json) exactly, as
   * every quantile is a value of the column.
   */
  @Test
  void matchesNumpysInvertedCdfOnIrisInBothModes() {
    double[] ps = probabilities();
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> iris = p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
    for (Quantiles.Globally mode : List.of(Quantiles.of(ps), Quantiles.of(ps).exact())) {
      PAssert.thatSingleton(iris.apply("Quantiles " + mode.relativeError(), mode))
          .satisfies(
              t -> {
                assertEquals(4, t.columns().size());
                JsonNode ref = StatsReference.get("quantiles", "iris");
                for (ColumnQuantiles c : t.columns()) {
                  assertEquals(150, c.count());
                  for (int i = 0; i < ps.length; i++) {
                    assertEquals(
                        ref.get(c.column()).get(i).asDouble(),
                        c.values().get(i),
                        0.0,
                        c.column() + " at " + ps[i]);
                  }
                }
                return null;
              });
    }
    TestRunner.DIRECT.run(p);
  }

  /** A permutation of 0 .. n-1: the value is its rank minus one, so rank errors are read off. */
  private static final class Permuted extends SimpleFunction<Long, Row> {
    private final long n;

    Permuted(long n) {
      this.n = n;
    }

    @Override
    public Row apply(Long i) {
      return x((double) ((i * 7919) % n));
    }
  }

  /**
   * 200,000 values with relativeError 0.01: Beam's 21 buffers of 953 values collapse, so the
   * quantiles are approximate; each is within the stated rank error {@code 0.01 * n = 2000} of the
   * exact {@code ceil(p n)}-th value.
   */
  @Test
  void approximateQuantilesStayWithinTheStatedRankError() {
    long n = 200_000;
    double[] ps = {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99};
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<QuantileTable> table =
        p.apply(GenerateSequence.from(0).to(n))
            .apply(MapElements.via(new Permuted(n)))
            .setRowSchema(X)
            .apply(Quantiles.of(ps).withRelativeError(0.01));
    PAssert.thatSingleton(table)
        .satisfies(
            t -> {
              ColumnQuantiles c = t.column("x");
              assertEquals(n, c.count());
              assertEquals(2000, t.maxRankError(c.count()));
              for (int i = 0; i < ps.length; i++) {
                double exact = Math.ceil(ps[i] * n) - 1;
                double error = Math.abs(c.values().get(i) - exact);
                assertTrue(error < 2000, "rank error " + error + " at " + ps[i]);
              }
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  /**
   * Fewer values than the grid has points: 3 values on the grid of 100 still give the inverted CDF
   * ({@code ceil(0.33 * 3) = 1}, {@code ceil(0.34 * 3) = 2}); null and NaN are left out; a column
   * of empty input has count 0 and NaN quantiles.
   */
  @Test
  void handlesFewValuesMissingValuesAndEmptyInput() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply("Rows", Create.of(x(3.0), x(null), x(1.0), x(Double.NaN), x(2.0)).withRowSchema(X));
    PAssert.thatSingleton(rows.apply("Few", Quantiles.of(0.01, 0.33, 0.34, 0.5, 0.99).exact()))
        .satisfies(
            t -> {
              assertEquals(3, t.column("x").count());
              assertEquals(List.of(1.0, 1.0, 2.0, 2.0, 3.0), t.column("x").values());
              return null;
            });
    PAssert.thatSingleton(p.apply("Empty", Create.empty(X)).apply("None", Quantiles.of(0.5)))
        .satisfies(
            t -> {
              assertEquals(0, t.column("x").count());
              assertTrue(Double.isNaN(t.value("x", 0.5)));
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void exactModeRefusesAColumnOfMoreValuesThanItsLimit() {
    Quantiles.TableFn fn = new Quantiles.TableFn(List.of("x"), List.of(0.5), 2, 0.0);
    Map<Integer, KV<Long, List<Double>>> acc = fn.createAccumulator();
    fn.addInput(acc, KV.of(0, KV.of(Quantiles.MAX_EXACT_VALUES + 1, List.of(0.0, 1.0, 2.0))));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> fn.extractOutput(acc));
    assertThat(e.getMessage(), containsString("column 'x' has 1000001"));
  }

  @Test
  void picksTheCoarsestGridHoldingEveryProbability() {
    assertEquals(4, Quantiles.grid(List.of(0.25, 0.5, 0.75)));
    assertEquals(10, Quantiles.grid(List.of(0.1, 0.9)));
    assertEquals(100, Quantiles.grid(List.of(0.01, 0.5, 0.99)));
    assertEquals(1, Quantiles.grid(List.of(0.0, 1.0)));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Quantiles.of(0.12345));
    assertThat(e.getMessage(), containsString("at most 4 decimals"));
    e = assertThrows(IllegalArgumentException.class, () -> Quantiles.of(1.5));
    assertEquals("Expected probabilities in [0, 1], got 1.5", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> Quantiles.of(0.5).withRelativeError(1.0));
    assertEquals("Expected relativeError in [0, 1), got 1.0", e.getMessage());
  }

  @Test
  void tableRoundTripsThroughItsCoderAndPrintsAReport() throws Exception {
    QuantileTable t =
        new QuantileTable(
            List.of(0.25, 0.5),
            0.001,
            List.of(
                new ColumnQuantiles("sepal_length", 150, List.of(5.1, 5.8)),
                new ColumnQuantiles("z", 0, List.of(Double.NaN, Double.NaN))));
    assertEquals(t, CoderUtils.clone(QuantileTable.Coder.of(), t));
    assertEquals(
        String.join(
            "\n",
            "Approximate quantiles (rank error below 0.001 x count)",
            "column        count  q0.25  q0.5",
            "sepal_length    150    5.1   5.8",
            "z                 0    NaN   NaN",
            ""),
        t.report());
    assertEquals(new ArrayList<>(List.of(5.1, 5.8)), t.column("sepal_length").values());
  }
}
