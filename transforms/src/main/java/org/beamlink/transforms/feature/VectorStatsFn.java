package org.beamlink.transforms.feature;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.stats.ColumnSummary;
import org.beamlink.transforms.stats.Moments;
import org.beamlink.transforms.stats.MomentsCoder;

/**
 * The fit of the vector scalers: {@link Moments} of every coordinate of one vector column (count,
 * mean, sample variance, min, max; sparse vectors cost their stored values), merged with Chan et
 * al.'s formula, then turned into a model by {@code build}.
 *
 * <p>A NaN coordinate is missing: it is left out of that coordinate's statistics (scikit-learn's
 * rule). A null vector, an infinite coordinate or a vector whose size differs from the others
 * fails, naming stage, column and row; so does a coordinate that is NaN in every row.
 *
 * @param <M> the fitted stage
 */
final class VectorStatsFn<M extends Transformer> extends ModelCombineFn<Row, Moments, M> {
  private final String stage;
  private final String inputCol;
  private final int index;
  private final SerializableFunction<List<ColumnSummary>, M> build;

  VectorStatsFn(
      String stage,
      String inputCol,
      int index,
      Class<M> type,
      SchemaMapping mapping,
      SerializableFunction<List<ColumnSummary>, M> build) {
    super(type, mapping);
    this.stage = stage;
    this.inputCol = inputCol;
    this.index = index;
    this.build = build;
  }

  @Override
  public Moments createAccumulator() {
    return Moments.ofVector();
  }

  @Override
  public Moments addInput(Moments accumulator, Row row) {
    accumulator.addVectorOf(row, index, stage, inputCol);
    return accumulator;
  }

  @Override
  public Moments mergeAccumulators(Iterable<Moments> accumulators) {
    Iterator<Moments> it = accumulators.iterator();
    Moments merged = it.hasNext() ? it.next() : createAccumulator();
    while (it.hasNext()) {
      try {
        merged.merge(it.next());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            stage + ": vector column '" + inputCol + "': " + e.getMessage());
      }
    }
    return merged;
  }

  @Override
  public M extractOutput(Moments accumulator) {
    if (accumulator.rows() == 0) {
      return null;
    }
    List<ColumnSummary> coordinates = new ArrayList<>(accumulator.size());
    for (int j = 0; j < accumulator.size(); j++) {
      ColumnSummary s = accumulator.summary(j, inputCol + "[" + j + "]");
      if (s.count() == 0) {
        throw new IllegalArgumentException(
            stage
                + ": coordinate "
                + j
                + " of vector column '"
                + inputCol
                + "' is NaN in every row; nothing to fit it on");
      }
      coordinates.add(s);
    }
    return build.apply(coordinates);
  }

  @Override
  public Coder<Moments> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return MomentsCoder.of();
  }

  /** The message of a fit on no rows. */
  static String noRows(String stage) {
    return stage + ": no rows to fit on";
  }
}
