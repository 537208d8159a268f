package org.beamlink.transforms.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.junit.jupiter.api.Test;

/** {@link MetricsRows}' schema; its rows are checked in the evaluation tests' pipelines. */
class MetricsRowsTest {
  @Test
  void appendsNullableWindowBounds() {
    Schema out = MetricsRows.outputSchema(MultiClassMetrics.schema());
    int n = MultiClassMetrics.schema().getFieldCount();
    assertEquals(n + 2, out.getFieldCount());
    assertEquals(MetricsRows.WINDOW_START, out.getField(n).getName());
    assertEquals(FieldType.DATETIME.withNullable(true), out.getField(n).getType());
    assertEquals(MetricsRows.WINDOW_END, out.getField(n + 1).getName());
  }

  @Test
  void rejectsSchemaThatAlreadyHasWindowFields() {
    Schema clash = Schema.builder().addDoubleField("auc").addStringField("windowStart").build();
    assertThrows(IllegalArgumentException.class, () -> MetricsRows.of(clash));
  }
}
