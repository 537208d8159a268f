package org.beamlink.transforms.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.ApproximateQuantiles;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
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

/**
 * Rows to (multiplicity, rank vector): the distributed ranking in {@link Correlation}'s class
 * comment. A cell is (column number, the bits of the value with -0.0 as 0.0); a row key is a
 * 128-bit hash of the row's values.
 */
final class RankVectors extends PTransform<PCollection<Row>, PCollection<KV<Long, double[]>>> {
  private final FeatureColumns.Bound features;

  RankVectors(FeatureColumns.Bound features) {
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
            .apply("Range bounds", ApproximateQuantiles.perKey(Correlation.RANGES + 1))
            .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(DoubleCoder.of())))
            .apply("Range bounds table", Combine.globally(new BoundsTableFn()))
            .apply("Range bounds view", View.asSingleton());
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

  /**
   * Every column's range bounds in one map, for a singleton side input. A {@code View.asMap} is
   * rebuilt from all its entries at every access on the FlinkRunner, and {@link AssignRangeFn}
   * reads the bounds once per distinct cell.
   */
  static final class BoundsTableFn
      extends Combine.CombineFn<
          KV<Integer, List<Double>>, Map<Integer, List<Double>>, Map<Integer, List<Double>>> {
    @Override
    public Map<Integer, List<Double>> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<Integer, List<Double>> addInput(
        Map<Integer, List<Double>> table, KV<Integer, List<Double>> column) {
      table.put(column.getKey(), column.getValue());
      return table;
    }

    @Override
    public Map<Integer, List<Double>> mergeAccumulators(
        Iterable<Map<Integer, List<Double>>> tables) {
      Map<Integer, List<Double>> merged = new HashMap<>();
      tables.forEach(merged::putAll);
      return merged;
    }

    @Override
    public Map<Integer, List<Double>> extractOutput(Map<Integer, List<Double>> table) {
      return table;
    }

    @Override
    public Coder<Map<Integer, List<Double>>> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<Integer, List<Double>>> inputCoder) {
      return MapCoder.of(VarIntCoder.of(), ListCoder.of(DoubleCoder.of()));
    }

    @Override
    public Coder<Map<Integer, List<Double>>> getDefaultOutputCoder(
        CoderRegistry registry, Coder<KV<Integer, List<Double>>> inputCoder) {
      return MapCoder.of(VarIntCoder.of(), ListCoder.of(DoubleCoder.of()));
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
