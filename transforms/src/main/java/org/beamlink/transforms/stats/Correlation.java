package org.beamlink.transforms.stats;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.ApproximateQuantiles;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Pearson and Spearman correlation matrices of numeric columns or of the coordinates of a vector
 * column, over bounded input: one {@link CorrelationMatrix}.
 *
 * <p><b>Pearson</b> is one pass: a {@code Combine.globally} of {@link CoMoments} (means and
 * co-moments, updated with Welford's formula and merged with Chan et al.'s), so the result does not
 * depend on how the runner splits the rows. {@code r = C_ij / sqrt(C_ii C_jj)}, clipped to [-1, 1],
 * as numpy's {@code corrcoef}.
 *
 * <p><b>Spearman</b> is the Pearson correlation of the ranks, ties getting the average of the ranks
 * they span (scipy's {@code spearmanr}, {@code rankdata(method="average")}). The ranks need a
 * global sort of each column; it is done without gathering a column on one worker:
 *
 * <ol>
 *   <li>Count the rows of every distinct (column, value) (a combine per key).
 *   <li>Cut each column's distinct values into {@value #RANGES} ranges at their approximate
 *       quantiles (Beam's {@code ApproximateQuantiles}, a small side input).
 *   <li>Group the distinct values by (column, range) and sort each range on its own; the rows below
 *       each range are the sum of the counts of the ranges before it (a side input of {@code
 *       columns x }{@value #RANGES} totals). The rank of a value is then {@code below + (count + 1)
 *       / 2}.
 *   <li>Join the ranks back to the rows by (column, value) and regroup them per row, keyed by a
 *       128-bit hash of the row's values (equal rows share a key and are added with their
 *       multiplicity; distinct rows colliding is a chance of about {@code n^2 / 2^129}), then the
 *       Pearson combine above on the rank vectors.
 * </ol>
 *
 * Memory: a worker holds the distinct values of one range, at most about 3/64 of a column's
 * distinct values (the quantiles' rank error is 1/65 of them), and the ranks of one row; nothing
 * grows with the number of rows. The cost is three shuffles of {@code rows x columns} elements.
 *
 * <p>Values: a null, NaN or infinite value fails the job, naming the column, the value and the row
 * (numpy propagates NaN into a whole row and column of the matrix, scipy's {@code spearmanr} fails
 * or omits; an error is the safer of these). A column without spread (constant, or fewer than two
 * rows) gets NaN in its row and column, diagonal included, as numpy's {@code corrcoef} and scipy
 * give it. Empty input gives a matrix of NaN over the numeric columns with {@code rows() == 0}, and
 * a matrix without columns for a vector column, whose size is unknown. Vectors of different sizes
 * fail the job.
 *
 * <p>Parameters: {@code columns} (numeric; default every numeric column of the input, in schema
 * order) or {@code vectorCol} (one vector column, dense or sparse, whose coordinates are named
 * {@code vectorCol[i]}); not both.
 *
 * <pre>{@code
 * PCollection<CorrelationMatrix> pearson = rows.apply(Correlation.pearson());
 * PCollection<CorrelationMatrix> spearman =
 *     rows.apply(Correlation.spearman().withColumns("sepal_length", "petal_length"));
 * PCollection<CorrelationMatrix> coords = rows.apply(Correlation.pearson().withVectorCol("features"));
 * }</pre>
 */
public final class Correlation {
  /** The number of ranges the distinct values of a column are sorted in, for Spearman's ranks. */
  public static final int RANGES = 64;

  /** The correlation coefficient. */
  public enum Method {
    /** Pearson's product-moment correlation. */
    PEARSON,
    /** Spearman's rank correlation: Pearson's on the ranks, ties averaged. */
    SPEARMAN;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private Correlation() {}

  /**
   * Pearson correlation of every numeric column.
   *
   * <pre>{@code
   * PCollection<CorrelationMatrix> m = rows.apply(Correlation.pearson());
   * }</pre>
   */
  public static Globally pearson() {
    return of(Method.PEARSON);
  }

  /**
   * Spearman rank correlation of every numeric column.
   *
   * <pre>{@code
   * PCollection<CorrelationMatrix> m = rows.apply(Correlation.spearman());
   * }</pre>
   */
  public static Globally spearman() {
    return of(Method.SPEARMAN);
  }

  /**
   * The correlation {@code method} of every numeric column.
   *
   * <pre>{@code
   * PCollection<CorrelationMatrix> m = rows.apply(Correlation.of(Method.SPEARMAN));
   * }</pre>
   */
  public static Globally of(Method method) {
    if (method == null) {
      throw new IllegalArgumentException("Expected a correlation method, got null");
    }
    return new AutoValue_Correlation_Globally.Builder().setMethod(method).build();
  }

  /**
   * The transform {@link #pearson()} and {@link #spearman()} return.
   *
   * <pre>{@code
   * PCollection<CorrelationMatrix> m = rows.apply(Correlation.pearson().withColumns("x", "y"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Globally
      extends PTransform<PCollection<Row>, PCollection<CorrelationMatrix>> {
    abstract Method method();

    abstract @Nullable List<String> columns();

    abstract @Nullable String vectorCol();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setMethod(Method method);

      abstract Builder setColumns(@Nullable List<String> columns);

      abstract Builder setVectorCol(@Nullable String vectorCol);

      abstract Globally build();
    }

    /**
     * The numeric columns to correlate, at least two, in this order; default every numeric column.
     *
     * <pre>{@code
     * Correlation.pearson().withColumns("sepal_length", "petal_length");
     * }</pre>
     */
    public Globally withColumns(String... columns) {
      if (columns.length < 2) {
        throw new IllegalArgumentException("Expected at least 2 columns, got " + List.of(columns));
      }
      return toBuilder().setColumns(List.of(columns)).build();
    }

    /**
     * A vector column whose coordinates to correlate, instead of numeric columns.
     *
     * <pre>{@code
     * Correlation.spearman().withVectorCol("features");
     * }</pre>
     */
    public Globally withVectorCol(String vectorCol) {
      if (vectorCol == null || vectorCol.isEmpty()) {
        throw new IllegalArgumentException("Expected a vector column name, got none");
      }
      return toBuilder().setVectorCol(vectorCol).build();
    }

    @Override
    public PCollection<CorrelationMatrix> expand(PCollection<Row> input) {
      Schema schema = input.getSchema();
      if (columns() != null && vectorCol() != null) {
        throw new IllegalArgumentException(
            "Correlation takes numeric columns or a vector column, not both; got columns "
                + columns()
                + " and vectorCol "
                + vectorCol());
      }
      List<String> names = null;
      FeatureColumns features;
      if (vectorCol() != null) {
        features = FeatureColumns.ofVector(vectorCol());
      } else {
        names = columns() != null ? columns() : FeatureColumns.numericColumns(schema, Set.of());
        if (names.size() < 2) {
          throw new IllegalArgumentException(
              "Correlation needs at least 2 numeric columns; got "
                  + names
                  + " of the columns "
                  + schema.getFieldNames());
        }
        features = FeatureColumns.of(names);
      }
      FeatureColumns.Bound bound = features.bind(schema);
      String label = method().label();
      if (method() == Method.PEARSON) {
        return input
            .apply("Co-moments", Combine.globally(new RowsFn(bound, label, names, vectorCol())))
            .setCoder(CorrelationMatrix.Coder.of());
      }
      return input
          .apply("Ranks", new Ranks(bound))
          .apply(
              "Co-moments of ranks", Combine.globally(new RankVectorsFn(label, names, vectorCol())))
          .setCoder(CorrelationMatrix.Coder.of());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("method", method().label()))
          .addIfNotNull(
              DisplayData.item("columns", columns() == null ? null : String.join(",", columns())))
          .addIfNotNull(DisplayData.item("vectorCol", vectorCol()));
    }
  }

  /** Co-moments of some vectors into a correlation matrix. */
  abstract static class MatrixFn<InputT> extends CombineFn<InputT, CoMoments, CorrelationMatrix> {
    private final String method;
    private final @Nullable List<String> names;
    private final @Nullable String vectorCol;

    MatrixFn(String method, @Nullable List<String> names, @Nullable String vectorCol) {
      this.method = method;
      this.names = names;
      this.vectorCol = vectorCol;
    }

    @Override
    public CoMoments createAccumulator() {
      return names != null ? CoMoments.ofSize(names.size()) : CoMoments.empty();
    }

    String vectorCol() {
      return vectorCol;
    }

    @Override
    public CoMoments mergeAccumulators(Iterable<CoMoments> accumulators) {
      Iterator<CoMoments> it = accumulators.iterator();
      CoMoments merged = it.next();
      while (it.hasNext()) {
        try {
          merged.merge(it.next());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "Vector column '" + vectorCol + "': " + e.getMessage(), e);
        }
      }
      return merged;
    }

    @Override
    public CorrelationMatrix extractOutput(CoMoments accumulator) {
      List<String> columns = names;
      if (columns == null) {
        columns = new ArrayList<>();
        for (int i = 0; i < accumulator.size(); i++) {
          columns.add(vectorCol + "[" + i + "]");
        }
      }
      return CorrelationMatrix.of(method, accumulator.count(), columns, accumulator.pearson());
    }

    @Override
    public Coder<CoMoments> getAccumulatorCoder(CoderRegistry registry, Coder<InputT> inputCoder) {
      return CoMoments.Coder.of();
    }

    @Override
    public Coder<CorrelationMatrix> getDefaultOutputCoder(
        CoderRegistry registry, Coder<InputT> inputCoder) {
      return CorrelationMatrix.Coder.of();
    }
  }

  /** Pearson's combine: each row's features added once. */
  static final class RowsFn extends MatrixFn<Row> {
    private final FeatureColumns.Bound features;

    RowsFn(
        FeatureColumns.Bound features,
        String method,
        @Nullable List<String> names,
        @Nullable String vectorCol) {
      super(method, names, vectorCol);
      this.features = features;
    }

    @Override
    public CoMoments addInput(CoMoments accumulator, Row row) {
      double[] x = features.extract(row).toArray();
      try {
        accumulator.add(x);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Vector column '"
                + vectorCol()
                + "': "
                + e.getMessage()
                + ", in row "
                + RowText.of(row),
            e);
      }
      return accumulator;
    }
  }

  /** Spearman's last combine: (multiplicity, rank vector) pairs. */
  static final class RankVectorsFn extends MatrixFn<KV<Long, double[]>> {
    RankVectorsFn(String method, @Nullable List<String> names, @Nullable String vectorCol) {
      super(method, names, vectorCol);
    }

    @Override
    public CoMoments addInput(CoMoments accumulator, KV<Long, double[]> ranks) {
      try {
        accumulator.add(ranks.getValue(), ranks.getKey());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Vector column '" + vectorCol() + "': " + e.getMessage(), e);
      }
      return accumulator;
    }
  }

  /**
   * Rows to (multiplicity, rank vector): the distributed ranking in the class comment. A cell is
   * (column number, the bits of the value with -0.0 as 0.0); a row key is a 128-bit hash of the
   * row's values.
   */
  static final class Ranks extends PTransform<PCollection<Row>, PCollection<KV<Long, double[]>>> {
    private final FeatureColumns.Bound features;

    Ranks(FeatureColumns.Bound features) {
      this.features = features;
    }

    @Override
    public PCollection<KV<Long, double[]>> expand(PCollection<Row> input) {
      KvCoder<Integer, Long> cellCoder = KvCoder.of(VarIntCoder.of(), VarLongCoder.of());
      KvCoder<Long, Long> rowKeyCoder = KvCoder.of(VarLongCoder.of(), VarLongCoder.of());
      PCollection<KV<KV<Long, Long>, double[]>> keyed =
          input
              .apply("Key rows", ParDo.of(new KeyRowsFn(features)))
              .setCoder(KvCoder.of(rowKeyCoder, DoubleArrayCoder.of()));
      PCollection<KV<KV<Integer, Long>, Long>> counts =
          keyed
              .apply("Cells", ParDo.of(new CellsFn()))
              .setCoder(KvCoder.of(cellCoder, VarLongCoder.of()))
              .apply("Count cells", Combine.perKey(Sum.ofLongs()))
              .setCoder(KvCoder.of(cellCoder, VarLongCoder.of()));
      PCollectionView<Map<Integer, List<Double>>> bounds =
          counts
              .apply("Distinct values", ParDo.of(new DistinctValuesFn()))
              .setCoder(KvCoder.of(VarIntCoder.of(), DoubleCoder.of()))
              .apply("Range bounds", ApproximateQuantiles.perKey(RANGES + 1))
              .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(DoubleCoder.of())))
              .apply("Range bounds view", View.asMap());
      KvCoder<Integer, Integer> rangeCoder = KvCoder.of(VarIntCoder.of(), VarIntCoder.of());
      PCollection<KV<KV<Integer, Integer>, Iterable<KV<Long, Long>>>> ranges =
          counts
              .apply("Assign ranges", ParDo.of(new AssignRangeFn(bounds)).withSideInputs(bounds))
              .setCoder(KvCoder.of(rangeCoder, KvCoder.of(VarLongCoder.of(), VarLongCoder.of())))
              .apply("Group ranges", GroupByKey.create());
      PCollectionView<Map<KV<Integer, Integer>, Long>> totals =
          ranges
              .apply("Range totals", ParDo.of(new RangeTotalFn()))
              .setCoder(KvCoder.of(rangeCoder, VarLongCoder.of()))
              .apply("Range totals view", View.asMap());
      TupleTag<Double> rankTag = new TupleTag<>();
      TupleTag<KV<Long, Long>> rowTag = new TupleTag<>();
      PCollection<KV<KV<Integer, Long>, Double>> ranks =
          ranges
              .apply("Rank values", ParDo.of(new RankFn(totals)).withSideInputs(totals))
              .setCoder(KvCoder.of(cellCoder, DoubleCoder.of()));
      PCollection<KV<KV<Integer, Long>, KV<Long, Long>>> refs =
          keyed
              .apply("Cells of rows", ParDo.of(new CellRefsFn()))
              .setCoder(KvCoder.of(cellCoder, rowKeyCoder));
      return KeyedPCollectionTuple.of(rankTag, ranks)
          .and(rowTag, refs)
          .apply("Join ranks", CoGroupByKey.create())
          .apply("Ranks to rows", ParDo.of(new RanksToRowsFn(rankTag, rowTag)))
          .setCoder(KvCoder.of(rowKeyCoder, KvCoder.of(VarIntCoder.of(), DoubleCoder.of())))
          .apply("Group rows", GroupByKey.create())
          .setCoder(
              KvCoder.of(
                  rowKeyCoder, IterableCoder.of(KvCoder.of(VarIntCoder.of(), DoubleCoder.of()))))
          .apply("Rank vectors", ParDo.of(new RankVectorFn()))
          .setCoder(KvCoder.of(VarLongCoder.of(), DoubleArrayCoder.of()));
    }
  }

  /** A value's bits for grouping: -0.0 and 0.0 are one value. */
  static long cellBits(double value) {
    return Double.doubleToLongBits(value == 0.0 ? 0.0 : value);
  }

  /** SplitMix64's finalizer over a running hash: one 64-bit half of a row key. */
  private static long mix(long h, long value) {
    long z = h ^ (value + 0x9e3779b97f4a7c15L + (h << 6) + (h >>> 2));
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Each row's features, keyed by two independent 64-bit hashes of them. */
  static final class KeyRowsFn extends DoFn<Row, KV<KV<Long, Long>, double[]>> {
    private final FeatureColumns.Bound features;

    KeyRowsFn(FeatureColumns.Bound features) {
      this.features = features;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<KV<Long, Long>, double[]>> out) {
      double[] x = features.extract(row).toArray();
      long a = mix(0x5851f42d4c957f2dL, x.length);
      long b = mix(0x14057b7ef767814fL, x.length);
      for (double v : x) {
        long bits = cellBits(v);
        a = mix(a, bits);
        b = mix(b, Long.rotateLeft(bits, 29) ^ 0x2545f4914f6cdd1dL);
      }
      out.output(KV.of(KV.of(a, b), x));
    }
  }

  /** A 1 for every cell of every row. */
  static final class CellsFn
      extends DoFn<KV<KV<Long, Long>, double[]>, KV<KV<Integer, Long>, Long>> {
    @ProcessElement
    public void process(
        @Element KV<KV<Long, Long>, double[]> row,
        OutputReceiver<KV<KV<Integer, Long>, Long>> out) {
      double[] x = row.getValue();
      for (int j = 0; j < x.length; j++) {
        out.output(KV.of(KV.of(j, cellBits(x[j])), 1L));
      }
    }
  }

  /** The row key for every cell of every row. */
  static final class CellRefsFn
      extends DoFn<KV<KV<Long, Long>, double[]>, KV<KV<Integer, Long>, KV<Long, Long>>> {
    @ProcessElement
    public void process(
        @Element KV<KV<Long, Long>, double[]> row,
        OutputReceiver<KV<KV<Integer, Long>, KV<Long, Long>>> out) {
      double[] x = row.getValue();
      for (int j = 0; j < x.length; j++) {
        out.output(KV.of(KV.of(j, cellBits(x[j])), row.getKey()));
      }
    }
  }

  /** (column, value) of each distinct cell, for the range bounds. */
  static final class DistinctValuesFn
      extends DoFn<KV<KV<Integer, Long>, Long>, KV<Integer, Double>> {
    @ProcessElement
    public void process(
        @Element KV<KV<Integer, Long>, Long> cell, OutputReceiver<KV<Integer, Double>> out) {
      out.output(KV.of(cell.getKey().getKey(), Double.longBitsToDouble(cell.getKey().getValue())));
    }
  }

  /** Keys each distinct cell by (column, range): the number of interior bounds at or below it. */
  static final class AssignRangeFn
      extends DoFn<KV<KV<Integer, Long>, Long>, KV<KV<Integer, Integer>, KV<Long, Long>>> {
    private final PCollectionView<Map<Integer, List<Double>>> bounds;

    AssignRangeFn(PCollectionView<Map<Integer, List<Double>>> bounds) {
      this.bounds = bounds;
    }

    @ProcessElement
    public void process(ProcessContext c, @Element KV<KV<Integer, Long>, Long> cell) {
      int column = cell.getKey().getKey();
      double value = Double.longBitsToDouble(cell.getKey().getValue());
      List<Double> b = c.sideInput(bounds).get(column);
      // Interior bounds b[1 .. size-2]: the first and last are the column's min and max.
      int lo = 1;
      int hi = b.size() - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (b.get(mid) <= value) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      c.output(KV.of(KV.of(column, lo - 1), KV.of(cell.getKey().getValue(), cell.getValue())));
    }
  }

  /** The number of rows in each (column, range). */
  static final class RangeTotalFn
      extends DoFn<
          KV<KV<Integer, Integer>, Iterable<KV<Long, Long>>>, KV<KV<Integer, Integer>, Long>> {
    @ProcessElement
    public void process(
        @Element KV<KV<Integer, Integer>, Iterable<KV<Long, Long>>> range,
        OutputReceiver<KV<KV<Integer, Integer>, Long>> out) {
      long total = 0;
      for (KV<Long, Long> cell : range.getValue()) {
        total += cell.getValue();
      }
      out.output(KV.of(range.getKey(), total));
    }
  }

  /** Sorts one range and gives each value its average rank in the whole column. */
  static final class RankFn
      extends DoFn<
          KV<KV<Integer, Integer>, Iterable<KV<Long, Long>>>, KV<KV<Integer, Long>, Double>> {
    private final PCollectionView<Map<KV<Integer, Integer>, Long>> totals;

    RankFn(PCollectionView<Map<KV<Integer, Integer>, Long>> totals) {
      this.totals = totals;
    }

    @ProcessElement
    public void process(
        ProcessContext c, @Element KV<KV<Integer, Integer>, Iterable<KV<Long, Long>>> range) {
      int column = range.getKey().getKey();
      int index = range.getKey().getValue();
      long below = 0;
      for (Map.Entry<KV<Integer, Integer>, Long> e : c.sideInput(totals).entrySet()) {
        if (e.getKey().getKey() == column && e.getKey().getValue() < index) {
          below += e.getValue();
        }
      }
      List<KV<Long, Long>> cells = new ArrayList<>();
      range.getValue().forEach(cells::add);
      cells.sort(
          (x, y) ->
              Double.compare(
                  Double.longBitsToDouble(x.getKey()), Double.longBitsToDouble(y.getKey())));
      for (KV<Long, Long> cell : cells) {
        long count = cell.getValue();
        c.output(KV.of(KV.of(column, cell.getKey()), below + (count + 1) / 2.0));
        below += count;
      }
    }
  }

  /** A cell's rank to every row that has it, keyed by row. */
  static final class RanksToRowsFn
      extends DoFn<KV<KV<Integer, Long>, CoGbkResult>, KV<KV<Long, Long>, KV<Integer, Double>>> {
    private final TupleTag<Double> rankTag;
    private final TupleTag<KV<Long, Long>> rowTag;

    RanksToRowsFn(TupleTag<Double> rankTag, TupleTag<KV<Long, Long>> rowTag) {
      this.rankTag = rankTag;
      this.rowTag = rowTag;
    }

    @ProcessElement
    public void process(
        @Element KV<KV<Integer, Long>, CoGbkResult> cell,
        OutputReceiver<KV<KV<Long, Long>, KV<Integer, Double>>> out) {
      double rank = cell.getValue().getOnly(rankTag);
      KV<Integer, Double> value = KV.of(cell.getKey().getKey(), rank);
      for (KV<Long, Long> row : cell.getValue().getAll(rowTag)) {
        out.output(KV.of(row, value));
      }
    }
  }

  /**
   * The rank vector of one row key and its multiplicity: equal rows share a key, so each column's
   * rank comes once per copy.
   */
  static final class RankVectorFn
      extends DoFn<KV<KV<Long, Long>, Iterable<KV<Integer, Double>>>, KV<Long, double[]>> {
    @ProcessElement
    public void process(
        @Element KV<KV<Long, Long>, Iterable<KV<Integer, Double>>> row,
        OutputReceiver<KV<Long, double[]>> out) {
      double[] ranks = new double[0];
      long[] copies = new long[0];
      for (KV<Integer, Double> cell : row.getValue()) {
        int j = cell.getKey();
        if (j >= ranks.length) {
          ranks = Arrays.copyOf(ranks, j + 1);
          copies = Arrays.copyOf(copies, j + 1);
        }
        ranks[j] = cell.getValue();
        copies[j]++;
      }
      for (long c : copies) {
        if (c != copies[0]) {
          throw new IllegalStateException(
              "Rows with different values share the 128-bit row key "
                  + row.getKey()
                  + ", so their ranks cannot be told apart");
        }
      }
      out.output(KV.of(copies[0], ranks));
    }
  }
}
