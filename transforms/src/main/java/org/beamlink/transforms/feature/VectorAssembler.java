package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.feature.SkippingBound;
import org.beamlink.models.feature.VectorAssemblerMapper;
import org.beamlink.transforms.pipeline.MapRows;

/**
 * Concatenates numeric and vector columns into one vector column, as Spark ML's {@code
 * VectorAssembler} ({@link VectorAssemblerMapper}). The output is sparse when that is smaller
 * (Spark's rule: sparse when {@code 1.5 * (nnz + 1) < size}), else dense.
 *
 * <p>Invalid values, as Spark: a null in any input column or a NaN in a numeric column (NaN inside
 * a vector is copied). {@code handleInvalid}: {@link HandleInvalid#ERROR} (default) fails naming
 * column and row; {@link HandleInvalid#KEEP} writes NaN for a null or NaN number but fails on a
 * null vector (its size is unknown); {@link HandleInvalid#SKIP} drops the row in this transform (as
 * a pipeline stage it cannot drop rows and fails the row as ERROR does).
 *
 * <p>Parameters: {@code inputCols} (required, in the factory), {@code outputCol} (default {@code
 * "features"}), {@code handleInvalid} (default ERROR).
 *
 * <pre>{@code
 * PCollection<Row> assembled =
 *     rows.apply(VectorAssembler.of("age", "income", "embedding").withOutputCol("features"));
 * }</pre>
 */
@AutoValue
public abstract class VectorAssembler extends MapRows {
  abstract List<String> inputCols();

  abstract String outputCol();

  abstract HandleInvalid handleInvalid();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setInputCols(List<String> inputCols);

    abstract Builder setOutputCol(String outputCol);

    abstract Builder setHandleInvalid(HandleInvalid handleInvalid);

    abstract VectorAssembler build();
  }

  /** Assembles {@code inputCols} (numeric or vector), in this order, into {@code "features"}. */
  public static VectorAssembler of(String... inputCols) {
    return new AutoValue_VectorAssembler.Builder()
        .setInputCols(FitParams.columnNames(inputCols, "inputCols"))
        .setOutputCol("features")
        .setHandleInvalid(HandleInvalid.ERROR)
        .build();
  }

  /** The vector column to append; default {@code "features"}. */
  public VectorAssembler withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(FitParams.columnName(outputCol, "outputCol")).build();
  }

  /** ERROR (default), SKIP or KEEP; see {@link VectorAssembler}. */
  public VectorAssembler withHandleInvalid(HandleInvalid handleInvalid) {
    if (handleInvalid == null || handleInvalid == HandleInvalid.IGNORE) {
      throw new IllegalArgumentException(
          "Expected handleInvalid ERROR, SKIP or KEEP, got " + handleInvalid);
    }
    return toBuilder().setHandleInvalid(handleInvalid).build();
  }

  @Override
  public VectorAssemblerMapper transformer() {
    return VectorAssemblerMapper.of(inputCols(), outputCol(), handleInvalid());
  }

  /** Maps every row; with handleInvalid SKIP, drops rows with a null or NaN. */
  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    if (handleInvalid() != HandleInvalid.SKIP) {
      return super.expand(input);
    }
    VectorAssemblerMapper t = transformer();
    Schema output = t.outputSchema(input.getSchema());
    return input.apply("Assemble", ParDo.of(new SkipFn(t, input.getSchema()))).setRowSchema(output);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("inputCols", inputCols().toString()))
        .add(DisplayData.item("outputCol", outputCol()))
        .add(DisplayData.item("handleInvalid", handleInvalid().paramValue()));
  }

  private static final class SkipFn extends DoFn<Row, Row> {
    private final VectorAssemblerMapper mapper;
    private final Schema input;
    private final Counter skipped = Metrics.counter(VectorAssembler.class, "rowsSkipped");
    private transient SkippingBound bound;

    SkipFn(VectorAssemblerMapper mapper, Schema input) {
      this.mapper = mapper;
      this.input = input;
    }

    @Setup
    public void setup() {
      bound = mapper.bind(input);
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      Row mapped = bound.applyOrSkip(row);
      if (mapped == null) {
        skipped.inc();
        return;
      }
      out.output(mapped);
    }
  }
}
