package org.beamlink.transforms.stats;

import com.google.auto.value.AutoValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.ApproximateQuantiles.ApproximateQuantilesCombineFn;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.VarInt;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.rows.FeatureColumns;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Quantiles of numeric columns at given probabilities, approximate with a stated rank error or
 * exact, over bounded input: one {@link QuantileTable}.
 *
 * <p><b>Definition.</b> The quantile at probability {@code p} of {@code n} sorted values {@code x_1
 * <= .. <= x_n} is {@code x_k} with {@code k = max(1, ceil(p n))}: the smallest value whose
 * empirical distribution function reaches {@code p}, numpy's {@code
 * quantile(method="inverted_cdf")} (no interpolation, so every quantile is a value of the column).
 * {@code p = 0} gives the minimum and {@code p = 1} the maximum, always exactly.
 *
 * <p><b>Computation.</b> Beam's {@code ApproximateQuantilesCombineFn} (Manku, Rajagopalan and
 * Lindsay's one-pass algorithm) per column, asked for the {@code M + 1} evenly spaced quantiles
 * {@code i / M}, where {@code M} is the smallest grid (at most {@value #MAX_GRID}) on which every
 * requested probability lies: {@code M = 4} for 0.25, 0.5, 0.75; {@code M = 100} for 0.01 and 0.99.
 * At a grid point Beam's output is exactly the definition above whenever its buffers never had to
 * collapse, so:
 *
 * <ul>
 *   <li><b>Approximate</b> ({@code relativeError = epsilon}, default {@value
 *       #DEFAULT_RELATIVE_ERROR}): Beam's {@code epsilon} with its {@code maxNumElements} of 10^9;
 *       Beam sizes its {@code b} buffers of {@code k} values so that the returned value's rank
 *       differs from {@code ceil(p n)} by less than {@code epsilon * n} for up to 10^9 values per
 *       column ({@link QuantileTable#maxRankError}). For epsilon 0.001 that is 17 buffers of 15,258
 *       values: columns of up to about 260,000 values come out exact, and a worker holds at most
 *       about 260,000 values of a column.
 *   <li><b>Exact</b> ({@code relativeError = 0}): Beam's combine sized for {@value
 *       #MAX_EXACT_VALUES} values (2 buffers of half that), which never collapses below that count,
 *       so every quantile is exact; a column with more non-missing values fails the job naming it,
 *       since its result would no longer be exact. Memory: all of a column's values on one worker.
 * </ul>
 *
 * <p>Values: null and NaN are missing and left out (as {@code numpy.nanquantile}); infinities are
 * values like any other. A column without values gets NaN quantiles and count 0, as does every
 * column of empty input.
 *
 * <p>Parameters: {@code probabilities} (required, each in [0, 1] with at most 4 decimals, that is
 * on a grid of at most {@value #MAX_GRID}); {@code columns} (default every numeric column, in
 * schema order); {@code relativeError} in [0, 1) (default {@value #DEFAULT_RELATIVE_ERROR}; 0 for
 * exact).
 *
 * <pre>{@code
 * PCollection<QuantileTable> quartiles = rows.apply(Quantiles.of(0.25, 0.5, 0.75));
 * PCollection<QuantileTable> exact = rows.apply(Quantiles.of(0.5).withColumns("x").exact());
 * }</pre>
 */
public final class Quantiles {
  /** The default {@code relativeError}: Beam's epsilon. */
  public static final double DEFAULT_RELATIVE_ERROR = 0.001;

  /** The most non-missing values per column the exact mode takes. */
  public static final long MAX_EXACT_VALUES = 1_000_000;

  /** The finest grid of probabilities: {@code 1 / MAX_GRID}. */
  public static final int MAX_GRID = 10_000;

  private static final long APPROXIMATE_MAX_VALUES = (long) 1e9;

  private Quantiles() {}

  /**
   * Quantiles at {@code probabilities} of every numeric column, with relative error {@value
   * #DEFAULT_RELATIVE_ERROR}.
   *
   * <pre>{@code
   * PCollection<QuantileTable> q = rows.apply(Quantiles.of(0.1, 0.5, 0.9));
   * }</pre>
   *
   * @throws IllegalArgumentException for no probability, or one outside [0, 1] or off the grid
   */
  public static Globally of(double... probabilities) {
    if (probabilities.length == 0) {
      throw new IllegalArgumentException("Expected at least one probability, got none");
    }
    List<Double> ps = new ArrayList<>();
    for (double p : probabilities) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("Expected probabilities in [0, 1], got " + p);
      }
      ps.add(p);
    }
    grid(ps);
    return new AutoValue_Quantiles_Globally.Builder()
        .setProbabilities(List.copyOf(ps))
        .setRelativeError(DEFAULT_RELATIVE_ERROR)
        .build();
  }

  /** The smallest {@code M <= MAX_GRID} with every {@code p * M} an integer. */
  static int grid(List<Double> probabilities) {
    for (int m = 1; m <= MAX_GRID; m++) {
      boolean fits = true;
      for (double p : probabilities) {
        double i = p * m;
        if (Math.abs(i - Math.rint(i)) > 1e-9 * m) {
          fits = false;
          break;
        }
      }
      if (fits) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "Expected probabilities with at most 4 decimals (multiples of 1/"
            + MAX_GRID
            + "), got "
            + probabilities);
  }

  /**
   * The transform {@link #of} returns.
   *
   * <pre>{@code
   * PCollection<QuantileTable> q = rows.apply(Quantiles.of(0.5).withRelativeError(0.01));
   * }</pre>
   */
  @AutoValue
  public abstract static class Globally
      extends PTransform<PCollection<Row>, PCollection<QuantileTable>> {
    abstract List<Double> probabilities();

    abstract @Nullable List<String> columns();

    abstract double relativeError();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setProbabilities(List<Double> probabilities);

      abstract Builder setColumns(@Nullable List<String> columns);

      abstract Builder setRelativeError(double relativeError);

      abstract Globally build();
    }

    /**
     * The numeric columns, at least one, in this order; default every numeric column.
     *
     * <pre>{@code
     * Quantiles.of(0.5).withColumns("age", "income");
     * }</pre>
     */
    public Globally withColumns(String... columns) {
      if (columns.length == 0) {
        throw new IllegalArgumentException("Expected at least one column, got none");
      }
      return toBuilder().setColumns(List.of(columns)).build();
    }

    /**
     * The rank error allowed, as a fraction of the number of values, in [0, 1); 0 is exact (see
     * {@link Quantiles}); default {@value #DEFAULT_RELATIVE_ERROR}.
     *
     * <pre>{@code
     * Quantiles.of(0.5).withRelativeError(0.01);
     * }</pre>
     */
    public Globally withRelativeError(double relativeError) {
      if (!(relativeError >= 0 && relativeError < 1)) {
        throw new IllegalArgumentException(
            "Expected relativeError in [0, 1), got " + relativeError);
      }
      return toBuilder().setRelativeError(relativeError).build();
    }

    /**
     * Exact quantiles, for columns of at most {@value #MAX_EXACT_VALUES} values: {@code
     * withRelativeError(0)}.
     *
     * <pre>{@code
     * Quantiles.of(0.5).exact();
     * }</pre>
     */
    public Globally exact() {
      return withRelativeError(0);
    }

    @Override
    public PCollection<QuantileTable> expand(PCollection<Row> input) {
      Schema schema = input.getSchema();
      List<String> names =
          columns() != null ? columns() : FeatureColumns.numericColumns(schema, Set.of());
      if (names.isEmpty()) {
        throw new IllegalArgumentException(
            "The input has no numeric column for quantiles; its columns are "
                + schema.getFieldNames());
      }
      int[] indices = new int[names.size()];
      for (int i = 0; i < indices.length; i++) {
        String name = names.get(i);
        if (!schema.hasField(name)) {
          throw new IllegalArgumentException(
              "Column '" + name + "' not found; the input has columns " + schema.getFieldNames());
        }
        FieldType type = schema.getField(name).getType();
        if (!FeatureColumns.isNumeric(type)) {
          throw new IllegalArgumentException(
              "Column '" + name + "' has type " + type + "; expected a numeric column");
        }
        indices[i] = schema.indexOf(name);
      }
      int grid = grid(probabilities());
      ApproximateQuantilesCombineFn<Double, Top.Natural<Double>> beam =
          relativeError() == 0
              ? ApproximateQuantilesCombineFn.create(
                  grid + 1, new Top.Natural<Double>(), MAX_EXACT_VALUES, 1.0 / MAX_EXACT_VALUES)
              : ApproximateQuantilesCombineFn.create(
                  grid + 1, new Top.Natural<Double>(), APPROXIMATE_MAX_VALUES, relativeError());
      KvCoder<Long, List<Double>> counted =
          KvCoder.of(VarLongCoder.of(), ListCoder.of(DoubleCoder.of()));
      return input
          .apply("Non-missing values", ParDo.of(new ValuesFn(indices)))
          .setCoder(KvCoder.of(VarIntCoder.of(), DoubleCoder.of()))
          .apply("Quantiles per column", Combine.perKey(CountedFn.of(beam)))
          .setCoder(KvCoder.of(VarIntCoder.of(), counted))
          .apply(
              "Table",
              Combine.globally(
                  new TableFn(List.copyOf(names), probabilities(), grid, relativeError())))
          .setCoder(QuantileTable.Coder.of());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("probabilities", probabilities().toString()))
          .add(DisplayData.item("relativeError", relativeError()))
          .addIfNotNull(
              DisplayData.item("columns", columns() == null ? null : String.join(",", columns())));
    }
  }

  /** (column number, value) for every non-missing value. */
  static final class ValuesFn extends DoFn<Row, KV<Integer, Double>> {
    private final int[] indices;

    ValuesFn(int[] indices) {
      this.indices = indices;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<Integer, Double>> out) {
      for (int i = 0; i < indices.length; i++) {
        Object value = row.getValue(indices[i]);
        if (value != null) {
          double d = ((Number) value).doubleValue();
          if (!Double.isNaN(d)) {
            out.output(KV.of(i, d == 0.0 ? 0.0 : d));
          }
        }
      }
    }
  }

  /** A count of the values next to Beam's quantile state. */
  static final class Counted<A> {
    long count;
    A state;

    Counted(long count, A state) {
      this.count = count;
      this.state = state;
    }
  }

  /** Beam's quantiles combine, counting the values it sees. */
  static final class CountedFn<A> extends CombineFn<Double, Counted<A>, KV<Long, List<Double>>> {
    private final CombineFn<Double, A, List<Double>> quantiles;

    private CountedFn(CombineFn<Double, A, List<Double>> quantiles) {
      this.quantiles = quantiles;
    }

    static <A> CountedFn<A> of(CombineFn<Double, A, List<Double>> quantiles) {
      return new CountedFn<>(quantiles);
    }

    @Override
    public Counted<A> createAccumulator() {
      return new Counted<>(0, quantiles.createAccumulator());
    }

    @Override
    public Counted<A> addInput(Counted<A> acc, Double value) {
      acc.count++;
      acc.state = quantiles.addInput(acc.state, value);
      return acc;
    }

    @Override
    public Counted<A> mergeAccumulators(Iterable<Counted<A>> accumulators) {
      long count = 0;
      List<A> states = new ArrayList<>();
      for (Counted<A> acc : accumulators) {
        count += acc.count;
        states.add(acc.state);
      }
      return new Counted<>(count, quantiles.mergeAccumulators(states));
    }

    @Override
    public KV<Long, List<Double>> extractOutput(Counted<A> acc) {
      return KV.of(acc.count, quantiles.extractOutput(acc.state));
    }

    @Override
    public Coder<Counted<A>> getAccumulatorCoder(CoderRegistry registry, Coder<Double> inputCoder)
        throws org.apache.beam.sdk.coders.CannotProvideCoderException {
      return new CountedCoder<>(quantiles.getAccumulatorCoder(registry, inputCoder));
    }
  }

  /** Coder of {@link Counted}: the count, then the state in its own coder. */
  static final class CountedCoder<A> extends CustomCoder<Counted<A>> {
    private final Coder<A> stateCoder;

    CountedCoder(Coder<A> stateCoder) {
      this.stateCoder = stateCoder;
    }

    @Override
    public void encode(Counted<A> value, OutputStream out) throws IOException {
      VarInt.encode(value.count, out);
      stateCoder.encode(value.state, out);
    }

    @Override
    public Counted<A> decode(InputStream in) throws IOException {
      long count = VarInt.decodeLong(in);
      return new Counted<>(count, stateCoder.decode(in));
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      stateCoder.verifyDeterministic();
    }
  }

  /** Every column's (count, grid quantiles) into the table, at the requested probabilities. */
  static final class TableFn
      extends CombineFn<
          KV<Integer, KV<Long, List<Double>>>,
          Map<Integer, KV<Long, List<Double>>>,
          QuantileTable> {
    private final List<String> names;
    private final List<Double> probabilities;
    private final int grid;
    private final double relativeError;

    TableFn(List<String> names, List<Double> probabilities, int grid, double relativeError) {
      this.names = names;
      this.probabilities = probabilities;
      this.grid = grid;
      this.relativeError = relativeError;
    }

    @Override
    public Map<Integer, KV<Long, List<Double>>> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<Integer, KV<Long, List<Double>>> addInput(
        Map<Integer, KV<Long, List<Double>>> acc, KV<Integer, KV<Long, List<Double>>> column) {
      acc.put(column.getKey(), column.getValue());
      return acc;
    }

    @Override
    public Map<Integer, KV<Long, List<Double>>> mergeAccumulators(
        Iterable<Map<Integer, KV<Long, List<Double>>>> accumulators) {
      Map<Integer, KV<Long, List<Double>>> merged = new HashMap<>();
      accumulators.forEach(merged::putAll);
      return merged;
    }

    @Override
    public QuantileTable extractOutput(Map<Integer, KV<Long, List<Double>>> acc) {
      List<ColumnQuantiles> columns = new ArrayList<>();
      for (int c = 0; c < names.size(); c++) {
        KV<Long, List<Double>> found = acc.get(c);
        long count = found == null ? 0 : found.getKey();
        List<Double> values = new ArrayList<>();
        for (double p : probabilities) {
          values.add(found == null ? Double.NaN : pick(found.getValue(), p));
        }
        if (relativeError == 0 && count > MAX_EXACT_VALUES) {
          throw new IllegalArgumentException(
              "Exact quantiles take at most "
                  + MAX_EXACT_VALUES
                  + " values per column; column '"
                  + names.get(c)
                  + "' has "
                  + count
                  + ". Set a relativeError above 0 for approximate quantiles");
        }
        columns.add(new ColumnQuantiles(names.get(c), count, values));
      }
      return new QuantileTable(probabilities, relativeError, columns);
    }

    /**
     * The value at {@code p}: grid point {@code p * M} of Beam's {@code M + 1} quantiles (Beam
     * returns that many whatever the count, repeating values when there are fewer).
     */
    private double pick(List<Double> quantiles, double p) {
      return quantiles.get((int) Math.rint(p * grid));
    }

    @Override
    public Coder<Map<Integer, KV<Long, List<Double>>>> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<Integer, KV<Long, List<Double>>>> inputCoder) {
      return MapCoder.of(
          VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), ListCoder.of(DoubleCoder.of())));
    }

    @Override
    public Coder<QuantileTable> getDefaultOutputCoder(
        CoderRegistry registry, Coder<KV<Integer, KV<Long, List<Double>>>> inputCoder) {
      return QuantileTable.Coder.of();
    }
  }
}
