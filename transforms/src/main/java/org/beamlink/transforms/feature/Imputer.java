package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.ApproximateQuantiles.ApproximateQuantilesCombineFn;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Mean;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableBiFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamlink.models.feature.ImputerModel;
import org.beamlink.models.feature.ImputerModel.Strategy;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Fills missing values of numeric columns ({@link ImputerModel}), as scikit-learn's {@code
 * SimpleImputer} and Spark ML's {@code Imputer}: each input column is copied to a DOUBLE output
 * column with its missing values replaced by a surrogate learnt from the column's non-missing
 * values.
 *
 * <p>Missing means null, NaN, or equal to {@code missingValue} when one is set. Strategies:
 *
 * <ul>
 *   <li>{@code MEAN} (default): the mean, exact to rounding.
 *   <li>{@code MEDIAN}: Beam's {@code ApproximateQuantiles} with rank error at most {@code
 *       relativeError * n} (default 0.001, as Spark's {@code Imputer}); the surrogate is one of the
 *       column's values, so for an even count it is one of the two middle values where scikit-learn
 *       averages them. Small columns (up to several thousand values) come out exact. Values are
 *       never collected on one worker.
 *   <li>{@code MOST_FREQUENT}: the most frequent value; on ties the smallest, as scikit-learn.
 *       Counted per distinct value by a distributed count.
 *   <li>{@code CONSTANT}: {@code fillValue} (default 0), without reading the data.
 * </ul>
 *
 * <p>A column with no non-missing value fails the fit, naming the column (and so does an empty
 * input, except for {@code CONSTANT}); an infinite value in the fit fails naming column and row.
 *
 * <p>Parameters: {@code inputCols} (numeric, required), {@code outputCols} (as many, required),
 * {@code strategy}, {@code missingValue} (default NaN: only null and NaN are missing), {@code
 * fillValue}, {@code relativeError} (in (0, 1)).
 *
 * <pre>{@code
 * PCollection<ImputerModel> model = rows.apply(
 *     Imputer.fit().withInputCols("a", "b").withOutputCols("a_filled", "b_filled")
 *         .withStrategy(ImputerModel.Strategy.MEDIAN));
 * PCollection<Row> filled = rows.apply(Imputer.transform(model));
 * }</pre>
 */
public final class Imputer {
  private static final String NAME = "Imputer";

  private Imputer() {}

  /**
   * The estimator, with every default set: strategy MEAN, missingValue NaN, fillValue 0,
   * relativeError 0.001.
   */
  public static Fit fit() {
    return new AutoValue_Imputer_Fit.Builder()
        .setStrategy(Strategy.MEAN)
        .setMissingValue(Double.NaN)
        .setFillValue(0.0)
        .setRelativeError(0.001)
        .build();
  }

  /**
   * Fills rows with the one model in {@code model}, bounded or unbounded input.
   *
   * <pre>{@code
   * PCollection<Row> filled = stream.apply(Imputer.transform(model));
   * }</pre>
   */
  public static ApplyModel<ImputerModel> transform(PCollection<ImputerModel> model) {
    return ApplyModel.of(model);
  }

  /**
   * The transform {@link #fit()} returns: rows in, one {@link ImputerModel} out.
   *
   * <pre>{@code
   * rows.apply(Imputer.fit().withInputCols("a").withOutputCols("a_filled"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Fit extends PTransform<PCollection<Row>, PCollection<ImputerModel>>
      implements PipelineStage {
    abstract @Nullable List<String> inputCols();

    abstract @Nullable List<String> outputCols();

    abstract Strategy strategy();

    abstract double missingValue();

    abstract double fillValue();

    abstract double relativeError();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setInputCols(List<String> inputCols);

      abstract Builder setOutputCols(List<String> outputCols);

      abstract Builder setStrategy(Strategy strategy);

      abstract Builder setMissingValue(double missingValue);

      abstract Builder setFillValue(double fillValue);

      abstract Builder setRelativeError(double relativeError);

      abstract Fit build();
    }

    /** The numeric columns to fill; required. */
    public Fit withInputCols(String... inputCols) {
      return toBuilder().setInputCols(FitParams.columnNames(inputCols, "inputCols")).build();
    }

    /** The DOUBLE columns to append, one per input column; required. */
    public Fit withOutputCols(String... outputCols) {
      return toBuilder().setOutputCols(FitParams.columnNames(outputCols, "outputCols")).build();
    }

    /** How surrogates are computed; default MEAN. */
    public Fit withStrategy(Strategy strategy) {
      if (strategy == null) {
        throw new IllegalArgumentException("Expected a strategy, got null");
      }
      return toBuilder().setStrategy(strategy).build();
    }

    /**
     * A value that counts as missing besides null and NaN; default NaN (none). Must be finite when
     * given.
     */
    public Fit withMissingValue(double missingValue) {
      FitParams.finite(missingValue, "missingValue");
      return toBuilder().setMissingValue(missingValue).build();
    }

    /** The surrogate of every column for strategy CONSTANT; finite; default 0. */
    public Fit withFillValue(double fillValue) {
      FitParams.finite(fillValue, "fillValue");
      return toBuilder().setFillValue(fillValue).build();
    }

    /** The median's rank error as a fraction of the column's count, in (0, 1); default 0.001. */
    public Fit withRelativeError(double relativeError) {
      if (!(relativeError > 0.0 && relativeError < 1.0)) {
        throw new IllegalArgumentException("Expected 0 < relativeError < 1, got " + relativeError);
      }
      return toBuilder().setRelativeError(relativeError).build();
    }

    /** What the fitted model does to a schema: known from the parameters alone. */
    SchemaMapping mapping() {
      FitParams.require(inputCols(), "withInputCols", NAME);
      FitParams.require(outputCols(), "withOutputCols", NAME);
      return placeholder()::outputSchema;
    }

    private ImputerModel placeholder() {
      return ImputerModel.of(
          inputCols(), outputCols(), strategy(), missingValue(), new double[inputCols().size()]);
    }

    @Override
    public PCollection<ImputerModel> expand(PCollection<Row> input) {
      SchemaMapping mapping = mapping();
      mapping.outputSchema(input.getSchema());
      TransformerCoder<ImputerModel> coder = TransformerCoder.of(ImputerModel.class, mapping);
      List<String> names = inputCols();
      if (strategy() == Strategy.CONSTANT) {
        double[] fill = new double[names.size()];
        Arrays.fill(fill, fillValue());
        return input
            .getPipeline()
            .apply(
                "Constant model",
                Create.of(ImputerModel.of(names, outputCols(), strategy(), missingValue(), fill))
                    .withCoder(coder));
      }
      int[] indices = new int[names.size()];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = input.getSchema().indexOf(names.get(i));
      }
      PCollection<KV<Integer, Double>> values =
          input
              .apply(
                  "Non-missing values",
                  ParDo.of(new ColumnValuesFn(NAME, names, indices, missingValue())))
              .setCoder(KvCoder.of(VarIntCoder.of(), DoubleCoder.of()));
      PCollection<KV<Integer, Double>> surrogates =
          switch (strategy()) {
            case MEAN -> values.apply("Mean", Mean.perKey());
            case MEDIAN -> median(values, relativeError());
            case MOST_FREQUENT -> mostFrequent(values);
            case CONSTANT -> throw new IllegalStateException("handled above");
          };
      List<String> outputs = outputCols();
      Strategy strategy = strategy();
      double missing = missingValue();
      return ModelCombineFn.fitGlobally(
          surrogates,
          new SurrogatesFn(
              mapping,
              names,
              (columns, found) -> ImputerModel.of(columns, outputs, strategy, missing, found)),
          NAME
              + ": no non-missing value in any of the columns "
              + names
              + " (is the input empty?)");
    }

    private static PCollection<KV<Integer, Double>> median(
        PCollection<KV<Integer, Double>> values, double relativeError) {
      // Three quantiles are min, median, max; epsilon bounds the rank error by epsilon * n.
      return values
          .apply(
              "Approximate median",
              Combine.perKey(
                  ApproximateQuantilesCombineFn.<Double>create(3).withEpsilon(relativeError)))
          .apply(
              "Median",
              MapElements.into(
                      TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.doubles()))
                  .via(kv -> KV.of(kv.getKey(), kv.getValue().get(1))));
    }

    private static PCollection<KV<Integer, Double>> mostFrequent(
        PCollection<KV<Integer, Double>> values) {
      // DoubleCoder is not deterministic, so distinct values are counted by their bits; -0.0 is
      // 0.0.
      return values
          .apply(
              "Value bits",
              MapElements.into(
                      TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.longs()))
                  .via(kv -> KV.of(kv.getKey(), Double.doubleToLongBits(kv.getValue() + 0.0))))
          .setCoder(KvCoder.of(VarIntCoder.of(), VarLongCoder.of()))
          .apply("Count values", Count.perElement())
          .apply(
              "By column",
              MapElements.into(
                      TypeDescriptors.kvs(
                          TypeDescriptors.integers(),
                          TypeDescriptors.kvs(TypeDescriptors.doubles(), TypeDescriptors.longs())))
                  .via(
                      kv ->
                          KV.of(
                              kv.getKey().getKey(),
                              KV.of(
                                  Double.longBitsToDouble(kv.getKey().getValue()), kv.getValue()))))
          .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(DoubleCoder.of(), VarLongCoder.of())))
          .apply("Most frequent", Combine.perKey(Imputer::moreFrequent))
          .apply(
              "Mode",
              MapElements.into(
                      TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.doubles()))
                  .via(kv -> KV.of(kv.getKey(), kv.getValue().getKey())));
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
          .add(DisplayData.item("strategy", strategy().name()))
          .add(DisplayData.item("missingValue", missingValue()))
          .add(DisplayData.item("fillValue", fillValue()))
          .add(DisplayData.item("relativeError", relativeError()));
    }
  }

  /** The higher count; on equal counts the smaller value (scikit-learn's tie rule). */
  static KV<Double, Long> moreFrequent(KV<Double, Long> a, KV<Double, Long> b) {
    int byCount = Long.compare(a.getValue(), b.getValue());
    if (byCount != 0) {
      return byCount > 0 ? a : b;
    }
    return a.getKey() <= b.getKey() ? a : b;
  }

  /**
   * Gathers one surrogate per column into a model; a column without one had no non-missing value.
   */
  static final class SurrogatesFn
      extends ModelCombineFn<KV<Integer, Double>, Map<Integer, Double>, ImputerModel> {
    private final List<String> names;
    private final SerializableBiFunction<List<String>, double[], ImputerModel> build;

    SurrogatesFn(
        SchemaMapping mapping,
        List<String> names,
        SerializableBiFunction<List<String>, double[], ImputerModel> build) {
      super(ImputerModel.class, mapping);
      this.names = new ArrayList<>(names);
      this.build = build;
    }

    @Override
    public Map<Integer, Double> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<Integer, Double> addInput(Map<Integer, Double> acc, KV<Integer, Double> input) {
      acc.put(input.getKey(), input.getValue());
      return acc;
    }

    @Override
    public Map<Integer, Double> mergeAccumulators(Iterable<Map<Integer, Double>> accumulators) {
      Map<Integer, Double> merged = new HashMap<>();
      accumulators.forEach(merged::putAll);
      return merged;
    }

    @Override
    public ImputerModel extractOutput(Map<Integer, Double> acc) {
      if (acc.isEmpty()) {
        return null;
      }
      double[] surrogates = new double[names.size()];
      for (int i = 0; i < surrogates.length; i++) {
        Double s = acc.get(i);
        if (s == null) {
          throw new IllegalArgumentException(
              NAME + ": column '" + names.get(i) + "' has no non-missing value to fit on");
        }
        surrogates[i] = s;
      }
      return build.apply(List.copyOf(names), surrogates);
    }

    @Override
    public Coder<Map<Integer, Double>> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<Integer, Double>> inputCoder) {
      return MapCoder.of(VarIntCoder.of(), DoubleCoder.of());
    }
  }
}
