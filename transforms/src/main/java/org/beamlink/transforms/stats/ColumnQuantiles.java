package org.beamlink.transforms.stats;

import java.io.Serializable;
import java.util.List;

/**
 * The quantiles of one numeric column, as {@link Quantiles} computes them, in the order of {@link
 * QuantileTable#probabilities()}.
 *
 * <pre>{@code
 * ColumnQuantiles x = table.column("x");
 * double median = x.values().get(1);
 * }</pre>
 *
 * @param column the column
 * @param count the non-missing values the quantiles are of
 * @param values one quantile per probability; NaN when {@code count} is 0
 */
public record ColumnQuantiles(String column, long count, List<Double> values)
    implements Serializable {

  /** Copies {@code values}. */
  public ColumnQuantiles {
    values = List.copyOf(values);
  }
}
