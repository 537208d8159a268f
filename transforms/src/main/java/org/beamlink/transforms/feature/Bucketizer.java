package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.BucketizerMapper;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.feature.SkippingBound;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.pipeline.MapRows;

/**
 * Maps numeric columns to bucket indices by given splits ({@link BucketizerMapper}), as Spark ML's
 * {@code Bucketizer}: bucket {@code i} is {@code [s_i, s_{i+1})}, the last bucket includes its
 * upper bound, and the output is a DOUBLE column holding the index; learns nothing.
 *
 * <p>NaN, null and values outside {@code [s_0, s_n]} are invalid; {@code handleInvalid} says what
 * happens to them: {@code ERROR} (default) fails naming column, value and row; {@code KEEP} puts
 * them in the extra bucket {@code n}; {@code SKIP} drops the row. Only this transform can drop
 * rows: the same stage inside a pipeline model or applied by {@code ApplyModel} maps one row to one
 * row, so there {@code SKIP} fails the row as {@code ERROR} does (use {@code withFailures()} to set
 * such rows aside).
 *
 * <p>Parameters: one or more columns, each with its output column and splits (at least 2, strictly
 * increasing; use infinities as the ends to take every number), given to {@link #of} and {@link
 * #withColumn}; {@code handleInvalid} (default {@code ERROR}).
 *
 * <p>Why the factory differs from the other plain transforms: elsewhere in this package {@code
 * of(..)} takes only the input column(s) and {@code withOutputCol(s)} and the options follow (as in
 * {@link VectorAssembler} and {@link Binarizer}). Here each input column has its own splits, so a
 * column is only complete with its output column and its splits; {@code of(inputCol, outputCol,
 * splits...)} and {@code withColumn(..)} keep the three together, where separate {@code
 * withOutputCols(..)} and {@code withSplits(..)} lists would have to be matched up by position.
 *
 * <pre>{@code
 * PCollection<Row> bucketed =
 *     rows.apply(Bucketizer.of("age", "ageBucket", 0, 18, 65, Double.POSITIVE_INFINITY)
 *         .withHandleInvalid(HandleInvalid.SKIP));
 * }</pre>
 */
@AutoValue
public abstract class Bucketizer extends MapRows {
  abstract BucketizerMapper mapper();

  /** Buckets {@code inputCol} into {@code outputCol} by {@code splits}; handleInvalid ERROR. */
  public static Bucketizer of(String inputCol, String outputCol, double... splits) {
    return new AutoValue_Bucketizer(
        BucketizerMapper.of(
            List.of(FitParams.columnName(inputCol, "inputCol")),
            List.of(FitParams.columnName(outputCol, "outputCol")),
            List.of(splits),
            HandleInvalid.ERROR));
  }

  /** Also buckets {@code inputCol} into {@code outputCol} by its own {@code splits}. */
  public Bucketizer withColumn(String inputCol, String outputCol, double... splits) {
    BucketizerMapper m = mapper();
    List<String> in = new ArrayList<>(m.inputCols());
    List<String> out = new ArrayList<>(m.outputCols());
    List<double[]> allSplits = m.splits();
    in.add(FitParams.columnName(inputCol, "inputCol"));
    out.add(FitParams.columnName(outputCol, "outputCol"));
    allSplits.add(splits);
    return new AutoValue_Bucketizer(BucketizerMapper.of(in, out, allSplits, m.handleInvalid()));
  }

  /** What happens to null, NaN and out-of-range values: ERROR (default), SKIP or KEEP. */
  public Bucketizer withHandleInvalid(HandleInvalid handleInvalid) {
    BucketizerMapper m = mapper();
    return new AutoValue_Bucketizer(
        BucketizerMapper.of(m.inputCols(), m.outputCols(), m.splits(), handleInvalid));
  }

  @Override
  public Transformer transformer() {
    return mapper();
  }

  /** Maps every row, dropping the invalid ones when handleInvalid is SKIP. */
  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    if (mapper().handleInvalid() != HandleInvalid.SKIP) {
      return super.expand(input);
    }
    Schema output = mapper().outputSchema(input.getSchema());
    return input
        .apply("Map or skip", ParDo.of(new MapOrSkipFn(mapper(), input.getSchema())))
        .setRowSchema(output);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    mapper().parameters().forEach((k, v) -> builder.add(DisplayData.item(k, v)));
  }

  private static final class MapOrSkipFn extends DoFn<Row, Row> {
    private final BucketizerMapper mapper;
    private final Schema input;
    private transient SkippingBound bound;

    MapOrSkipFn(BucketizerMapper mapper, Schema input) {
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
      if (mapped != null) {
        out.output(mapped);
      }
    }
  }
}
