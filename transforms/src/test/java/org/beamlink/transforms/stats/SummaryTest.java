package org.beamlink.transforms.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

class SummaryTest {
  private static final Summary SUMMARY =
      new Summary(
          150,
          List.of(
              new ColumnSummary(
                  "sepal_length",
                  150,
                  0,
                  5.843333333333334,
                  0.6856935123042507,
                  4.3,
                  7.9,
                  876.5,
                  876.5,
                  72.27620631992247,
                  150),
              new ColumnSummary(
                  "z", 0, 3, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, 0, 0)));

  @Test
  void printsATableOfCountsMeansAndSpreads() {
    assertEquals(
        String.join(
            "\n",
            "column        count  missing      mean     stddev  min  max",
            "sepal_length    150        0  5.843333  0.8280661  4.3  7.9",
            "z                 0        3       NaN        NaN  NaN  NaN",
            ""),
        SUMMARY.toTable());
  }

  @Test
  void formatsNumbersWithSevenSignificantDigits() {
    assertEquals("0", Summary.format(0.0));
    assertEquals("-2.5", Summary.format(-2.5));
    assertEquals("123456800", Summary.format(123456789.0));
    assertEquals("1.234568e+09", Summary.format(1234567890.0));
    assertEquals("3.000000e-05", Summary.format(3e-5));
    assertEquals("Infinity", Summary.format(Double.POSITIVE_INFINITY));
  }

  @Test
  void findsAColumnByNameOrSaysWhichExist() {
    assertEquals(150, SUMMARY.column("sepal_length").count());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SUMMARY.column("nope"));
    assertEquals(
        "No statistics for column 'nope'; the summary has [sepal_length, z]", e.getMessage());
  }

  @Test
  void coderRoundTripsAndIsDeterministic() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(SummaryCoder.of(), SUMMARY);
    CoderProperties.coderDeterministic(SummaryCoder.of(), SUMMARY, SUMMARY);
  }
}
