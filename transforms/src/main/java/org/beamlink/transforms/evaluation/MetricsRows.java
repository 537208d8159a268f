package org.beamlink.transforms.evaluation;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;

/**
 * Turns a {@code PCollection} of {@link EvaluationMetrics} into rows: every field of {@link
 * EvaluationMetrics#toRow()} followed by {@code windowStart} and {@code windowEnd} (nullable
 * DATETIME: the bounds of the element's interval window, for example a fixed or sliding window;
 * null in the global window, that is for a bounded evaluation and for cumulative results).
 *
 * <pre>{@code
 * PCollection<Row> perMinute =
 *     scored
 *         .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))))
 *         .apply(BinaryClassificationEvaluation.of("label", "probability"))
 *         .apply(MetricsRows.of(BinaryMetrics.schema()));
 * }</pre>
 *
 * @param <T> the metrics type
 */
public final class MetricsRows<T extends EvaluationMetrics>
    extends PTransform<PCollection<T>, PCollection<Row>> {
  /** The field holding the start of the element's window (inclusive). */
  public static final String WINDOW_START = "windowStart";

  /** The field holding the end of the element's window (exclusive). */
  public static final String WINDOW_END = "windowEnd";

  private final Schema metricsSchema;
  private final Schema outputSchema;

  private MetricsRows(Schema metricsSchema) {
    this.metricsSchema = metricsSchema;
    this.outputSchema = outputSchema(metricsSchema);
  }

  /**
   * Rows of metrics whose {@link EvaluationMetrics#toRow()} has schema {@code metricsSchema} (the
   * metrics class's static {@code schema()}).
   *
   * <pre>{@code
   * metrics.apply(MetricsRows.of(MultiClassMetrics.schema()));
   * }</pre>
   *
   * @throws IllegalArgumentException when {@code metricsSchema} already has a field {@code
   *     windowStart} or {@code windowEnd}
   */
  public static <T extends EvaluationMetrics> MetricsRows<T> of(Schema metricsSchema) {
    if (metricsSchema == null) {
      throw new IllegalArgumentException("Expected a metrics schema, got null");
    }
    return new MetricsRows<>(metricsSchema);
  }

  /**
   * {@code metricsSchema} followed by the nullable DATETIME fields {@code windowStart} and {@code
   * windowEnd}: the schema of this transform's output.
   *
   * <pre>{@code
   * Schema s = MetricsRows.outputSchema(BinaryMetrics.schema());
   * }</pre>
   */
  public static Schema outputSchema(Schema metricsSchema) {
    for (String name : List.of(WINDOW_START, WINDOW_END)) {
      if (metricsSchema.hasField(name)) {
        throw new IllegalArgumentException(
            "Metrics schema already has a field '" + name + "': " + metricsSchema);
      }
    }
    return Schema.builder()
        .addFields(metricsSchema.getFields())
        .addNullableField(WINDOW_START, FieldType.DATETIME)
        .addNullableField(WINDOW_END, FieldType.DATETIME)
        .build();
  }

  @Override
  public PCollection<Row> expand(PCollection<T> input) {
    return input
        .apply("To rows", ParDo.of(new ToRowFn<T>(metricsSchema, outputSchema)))
        .setRowSchema(outputSchema);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("metricsSchema", metricsSchema.toString()));
  }

  private static final class ToRowFn<T extends EvaluationMetrics> extends DoFn<T, Row> {
    private final Schema metricsSchema;
    private final Schema outputSchema;

    ToRowFn(Schema metricsSchema, Schema outputSchema) {
      this.metricsSchema = metricsSchema;
      this.outputSchema = outputSchema;
    }

    @ProcessElement
    public void process(@Element T metrics, BoundedWindow window, OutputReceiver<Row> out) {
      Row row = metrics.toRow();
      if (!row.getSchema().assignableTo(metricsSchema)) {
        throw new IllegalArgumentException(
            "Expected metrics with schema "
                + metricsSchema
                + ", got "
                + metrics.getClass().getSimpleName()
                + " with schema "
                + row.getSchema());
      }
      List<Object> values = new ArrayList<>(row.getValues());
      Instant start = null;
      Instant end = null;
      if (window instanceof IntervalWindow interval) {
        start = interval.start();
        end = interval.end();
      }
      values.add(start);
      values.add(end);
      out.output(Row.withSchema(outputSchema).attachValues(values));
    }
  }
}
