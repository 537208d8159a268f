package org.beamlink.transforms.stats;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Co-moments of some vectors into a correlation matrix. */
abstract class CorrelationMatrixFn<InputT> extends CombineFn<InputT, CoMoments, CorrelationMatrix> {
  private final String method;
  private final @Nullable List<String> names;
  private final @Nullable String vectorCol;

  CorrelationMatrixFn(String method, @Nullable List<String> names, @Nullable String vectorCol) {
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

  /** Pearson's combine: each row's features added once. */
  static final class RowsFn extends CorrelationMatrixFn<Row> {
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
  static final class RankVectorsFn extends CorrelationMatrixFn<KV<Long, double[]>> {
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
}
