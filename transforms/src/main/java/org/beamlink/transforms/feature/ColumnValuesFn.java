package org.beamlink.transforms.feature;

import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.ImputerModel;
import org.beamlink.models.rows.RowText;

/**
 * The non-missing values of numeric columns, as (column number, value) pairs: the input of the
 * per-column combines of {@link Imputer} and {@link QuantileDiscretizer}. Missing is null, NaN or
 * {@code missingValue}; an infinite value fails, naming stage, column and row.
 */
final class ColumnValuesFn extends DoFn<Row, KV<Integer, Double>> {
  private final String stage;
  private final List<String> names;
  private final int[] indices;
  private final double missingValue;

  ColumnValuesFn(String stage, List<String> names, int[] indices, double missingValue) {
    this.stage = stage;
    this.names = names;
    this.indices = indices;
    this.missingValue = missingValue;
  }

  @ProcessElement
  public void process(@Element Row row, OutputReceiver<KV<Integer, Double>> out) {
    for (int i = 0; i < indices.length; i++) {
      Object value = row.getValue(indices[i]);
      if (ImputerModel.isMissing(value, missingValue)) {
        continue;
      }
      double d = ((Number) value).doubleValue();
      if (Double.isInfinite(d)) {
        throw new IllegalArgumentException(
            stage
                + ": column '"
                + names.get(i)
                + "' has value "
                + d
                + " in row "
                + RowText.of(row)
                + "; expected a finite number or a missing value");
      }
      out.output(KV.of(i, d));
    }
  }
}
