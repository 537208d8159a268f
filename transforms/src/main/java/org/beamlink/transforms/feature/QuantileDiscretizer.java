package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.ApproximateQuantiles.ApproximateQuantilesCombineFn;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.BucketizerMapper;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Learns bucket splits at approximate quantiles of numeric columns and yields a {@link
 * BucketizerMapper}, as Spark ML's {@code QuantileDiscretizer}.
 *
 * <p>The splits of a column are its quantiles at {@code k / numBuckets}, {@code k = 1 .. numBuckets
 * - 1}, from Beam's {@code ApproximateQuantiles} with {@code epsilon = relativeError}: each split
 * is a value of the column whose rank is within {@code relativeError * n} of {@code k n /
 * numBuckets} (exact for columns of up to several thousand values). The outer splits are {@code
 * -Infinity} and {@code +Infinity}, so every number has a bucket; equal quantiles are merged, so a
 * column with many ties may get fewer than {@code numBuckets} buckets (as in Spark).
 *
 * <p>NaN and null are left out of the fit (as Spark) and are handled by {@code handleInvalid} when
 * bucketing: {@code ERROR} (default) fails naming column, value and row, {@code KEEP} gives bucket
 * index {@code numBuckets}. {@code SKIP} cannot drop rows in a fitted model applied row by row (see
 * {@link BucketizerMapper}): there it fails the row as {@code ERROR}. An infinite value fails the
 * fit; a column with no non-missing value fails the fit, naming the column.
 *
 * <p>Parameters: {@code inputCols} (numeric, required), {@code outputCols} (as many, required),
 * {@code numBuckets} (at least 2, default 2), {@code relativeError} (in (0, 1), default 0.001),
 * {@code handleInvalid} (default ERROR).
 *
 * <pre>{@code
 * PCollection<BucketizerMapper> model = rows.apply(
 *     QuantileDiscretizer.fit().withInputCols("bmi").withOutputCols("bmiBucket").withNumBuckets(4));
 * PCollection<Row> bucketed = rows.apply(QuantileDiscretizer.transform(model));
 * }</pre>
 */
public final class QuantileDiscretizer {
  private static final String NAME = "QuantileDiscretizer";

  private QuantileDiscretizer() {}

  /**
   * The estimator, with every default set: numBuckets 2, relativeError 0.001, handleInvalid ERROR.
   */
  public static Fit fit() {
    return new AutoValue_QuantileDiscretizer_Fit.Builder()
        .setNumBuckets(2)
        .setRelativeError(0.001)
        .setHandleInvalid(HandleInvalid.ERROR)
        .build();
  }

  /**
   * Buckets rows with the one model in {@code model}, bounded or unbounded input.
   *
   * <pre>{@code
   * PCollection<Row> bucketed = stream.apply(QuantileDiscretizer.transform(model));
   * }</pre>
   */
  public static ApplyModel<BucketizerMapper> transform(PCollection<BucketizerMapper> model) {
    return ApplyModel.of(model);
  }

  /**
   * The splits for {@code numBuckets} buckets from quantiles {@code [min, q_1, ..., q_{b-1}, max]}:
   * the inner quantiles without repeats, between -Infinity and +Infinity.
   */
  static double[] splits(List<Double> quantiles) {
    List<Double> inner = new ArrayList<>();
    for (int k = 1; k < quantiles.size() - 1; k++) {
      double q = quantiles.get(k);
      if (inner.isEmpty() || q > inner.get(inner.size() - 1)) {
        inner.add(q);
      }
    }
    double[] splits = new double[inner.size() + 2];
    splits[0] = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < inner.size(); k++) {
      splits[k + 1] = inner.get(k);
    }
    splits[splits.length - 1] = Double.POSITIVE_INFINITY;
    return splits;
  }

  /**
   * The transform {@link #fit()} returns: rows in, one {@link BucketizerMapper} out.
   *
   * <pre>{@code
   * rows.apply(QuantileDiscretizer.fit().withInputCols("x").withOutputCols("xBucket"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Fit
      extends PTransform<PCollection<Row>, PCollection<BucketizerMapper>> implements PipelineStage {
    abstract @Nullable List<String> inputCols();

    abstract @Nullable List<String> outputCols();

    abstract int numBuckets();

    abstract double relativeError();

    abstract HandleInvalid handleInvalid();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setInputCols(List<String> inputCols);

      abstract Builder setOutputCols(List<String> outputCols);

      abstract Builder setNumBuckets(int numBuckets);

      abstract Builder setRelativeError(double relativeError);

      abstract Builder setHandleInvalid(HandleInvalid handleInvalid);

      abstract Fit build();
    }

    /** The numeric columns to bucket; required. */
    public Fit withInputCols(String... inputCols) {
      return toBuilder().setInputCols(FitParams.columnNames(inputCols, "inputCols")).build();
    }

    /** The DOUBLE bucket-index columns to append, one per input column; required. */
    public Fit withOutputCols(String... outputCols) {
      return toBuilder().setOutputCols(FitParams.columnNames(outputCols, "outputCols")).build();
    }

    /** The number of buckets, at least 2; default 2. */
    public Fit withNumBuckets(int numBuckets) {
      if (numBuckets < 2) {
        throw new IllegalArgumentException("Expected numBuckets >= 2, got " + numBuckets);
      }
      return toBuilder().setNumBuckets(numBuckets).build();
    }

    /** The quantiles' rank error as a fraction of the count, in (0, 1); default 0.001. */
    public Fit withRelativeError(double relativeError) {
      if (!(relativeError > 0.0 && relativeError < 1.0)) {
        throw new IllegalArgumentException("Expected 0 < relativeError < 1, got " + relativeError);
      }
      return toBuilder().setRelativeError(relativeError).build();
    }

    /** What the model does with null and NaN: ERROR (default), KEEP or SKIP. */
    public Fit withHandleInvalid(HandleInvalid handleInvalid) {
      if (handleInvalid == null || handleInvalid == HandleInvalid.IGNORE) {
        throw new IllegalArgumentException(
            "Expected handleInvalid ERROR, SKIP or KEEP, got " + handleInvalid);
      }
      return toBuilder().setHandleInvalid(handleInvalid).build();
    }

    /** What the fitted model does to a schema: known from the parameters alone. */
    SchemaMapping mapping() {
      FitParams.require(inputCols(), "withInputCols", NAME);
      FitParams.require(outputCols(), "withOutputCols", NAME);
      List<double[]> splits = new ArrayList<>();
      for (int i = 0; i < inputCols().size(); i++) {
        splits.add(new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY});
      }
      if (inputCols().size() != outputCols().size()) {
        throw new IllegalArgumentException(
            NAME
                + ": expected as many output columns as input columns "
                + inputCols()
                + ", got "
                + outputCols());
      }
      return BucketizerMapper.of(inputCols(), outputCols(), splits, handleInvalid())::outputSchema;
    }

    @Override
    public PCollection<BucketizerMapper> expand(PCollection<Row> input) {
      SchemaMapping mapping = mapping();
      mapping.outputSchema(input.getSchema());
      List<String> names = inputCols();
      int[] indices = new int[names.size()];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = input.getSchema().indexOf(names.get(i));
      }
      PCollection<KV<Integer, List<Double>>> quantiles =
          input
              .apply(
                  "Non-missing values",
                  ParDo.of(new ColumnValuesFn(NAME, names, indices, Double.NaN)))
              .setCoder(KvCoder.of(VarIntCoder.of(), DoubleCoder.of()))
              .apply(
                  "Approximate quantiles",
                  Combine.perKey(
                      ApproximateQuantilesCombineFn.<Double>create(numBuckets() + 1)
                          .withEpsilon(relativeError())))
              .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(DoubleCoder.of())));
      return ModelCombineFn.fitGlobally(
          quantiles,
          new SplitsFn(mapping, names, outputCols(), handleInvalid()),
          NAME
              + ": no non-missing value in any of the columns "
              + names
              + " (is the input empty?)");
    }

    @Override
    public PCollection<Transformer> fitStage(PCollection<Row> input) {
      return PipelineStage.fitted(input.apply(this), mapping());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(
              DisplayData.item(
                  "inputCols", inputCols() == null ? null : String.join(",", inputCols())))
          .addIfNotNull(
              DisplayData.item(
                  "outputCols", outputCols() == null ? null : String.join(",", outputCols())))
          .add(DisplayData.item("numBuckets", numBuckets()))
          .add(DisplayData.item("relativeError", relativeError()))
          .add(DisplayData.item("handleInvalid", handleInvalid().name()));
    }
  }

  /** Gathers each column's quantiles into a bucketizer; a column without any had no value. */
  static final class SplitsFn
      extends ModelCombineFn<
          KV<Integer, List<Double>>, Map<Integer, List<Double>>, BucketizerMapper> {
    private final List<String> inputCols;
    private final List<String> outputCols;
    private final HandleInvalid handleInvalid;

    SplitsFn(
        SchemaMapping mapping,
        List<String> inputCols,
        List<String> outputCols,
        HandleInvalid handleInvalid) {
      super(BucketizerMapper.class, mapping);
      this.inputCols = new ArrayList<>(inputCols);
      this.outputCols = new ArrayList<>(outputCols);
      this.handleInvalid = handleInvalid;
    }

    @Override
    public Map<Integer, List<Double>> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<Integer, List<Double>> addInput(
        Map<Integer, List<Double>> acc, KV<Integer, List<Double>> input) {
      acc.put(input.getKey(), input.getValue());
      return acc;
    }

    @Override
    public Map<Integer, List<Double>> mergeAccumulators(
        Iterable<Map<Integer, List<Double>>> accumulators) {
      Map<Integer, List<Double>> merged = new HashMap<>();
      accumulators.forEach(merged::putAll);
      return merged;
    }

    @Override
    public BucketizerMapper extractOutput(Map<Integer, List<Double>> acc) {
      if (acc.isEmpty()) {
        return null;
      }
      List<double[]> splits = new ArrayList<>();
      for (int i = 0; i < inputCols.size(); i++) {
        List<Double> q = acc.get(i);
        if (q == null || q.isEmpty()) {
          throw new IllegalArgumentException(
              NAME + ": column '" + inputCols.get(i) + "' has no non-missing value to fit on");
        }
        splits.add(splits(q));
      }
      return BucketizerMapper.of(
          List.copyOf(inputCols), List.copyOf(outputCols), splits, handleInvalid);
    }

    @Override
    public Coder<Map<Integer, List<Double>>> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<Integer, List<Double>>> inputCoder) {
      return MapCoder.of(VarIntCoder.of(), ListCoder.of(DoubleCoder.of()));
    }
  }
}
