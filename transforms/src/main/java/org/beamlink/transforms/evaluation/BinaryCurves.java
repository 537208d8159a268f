package org.beamlink.transforms.evaluation;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;

/**
 * Rows of the curves of each result, with the window's bounds (see {@link
 * BinaryClassificationEvaluation#curves()}).
 */
final class BinaryCurves extends PTransform<PCollection<BinaryMetrics>, PCollection<Row>> {
  @Override
  public PCollection<Row> expand(PCollection<BinaryMetrics> input) {
    Schema schema = MetricsRows.outputSchema(BinaryMetrics.curveSchema());
    return input.apply("Curve rows", ParDo.of(new CurveRowsFn(schema))).setRowSchema(schema);
  }

  private static final class CurveRowsFn extends DoFn<BinaryMetrics, Row> {
    private final Schema schema;

    CurveRowsFn(Schema schema) {
      this.schema = schema;
    }

    @ProcessElement
    public void process(
        @Element BinaryMetrics metrics, BoundedWindow window, OutputReceiver<Row> out) {
      Instant start = null;
      Instant end = null;
      if (window instanceof IntervalWindow interval) {
        start = interval.start();
        end = interval.end();
      }
      for (Row point : metrics.curveRows()) {
        List<Object> values = new ArrayList<>(point.getValues());
        values.add(start);
        values.add(end);
        out.output(Row.withSchema(schema).attachValues(values));
      }
    }
  }
}
