package org.beamlink.transforms.linear;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.rows.LabelValues;

/**
 * The distinct labels of a column, as text in the labels' natural order ({@link LabelValues}). A
 * classifier fails here, before training, when the labels do not fit it: an empty input, fewer than
 * two labels, more than two for a binary model, or more than {@code maxLabels}. Used by the linear
 * and tree classifiers.
 *
 * <pre>{@code
 * PCollection<List<String>> labels =
 *     rows.apply(Combine.globally(new DistinctLabels.OfRows("Trainer", "label", TypeName.STRING, 2, 100)));
 * }</pre>
 *
 * @param <T> what the labels are read from: rows or blocks
 */
public abstract class DistinctLabels<T> extends Combine.CombineFn<T, List<String>, List<String>> {
  private static final long serialVersionUID = 1L;

  private final String trainer;
  final String labelCol;
  final TypeName labelType;
  private final int minLabels;
  private final int maxLabels;

  DistinctLabels(
      String trainer, String labelCol, TypeName labelType, int minLabels, int maxLabels) {
    this.trainer = trainer;
    this.labelCol = labelCol;
    this.labelType = labelType;
    this.minLabels = minLabels;
    this.maxLabels = maxLabels;
  }

  @Override
  public List<String> createAccumulator() {
    return new ArrayList<>();
  }

  /** The labels of one input element, as text. */
  abstract Collection<String> labelsOf(T element);

  @Override
  public List<String> addInput(List<String> acc, T element) {
    for (String label : labelsOf(element)) {
      if (!acc.contains(label)) {
        acc.add(label);
        check(acc);
      }
    }
    return acc;
  }

  @Override
  public List<String> mergeAccumulators(Iterable<List<String>> accumulators) {
    TreeSet<String> merged = new TreeSet<>(LabelValues.order(labelType));
    for (List<String> a : accumulators) {
      merged.addAll(a);
    }
    List<String> out = new ArrayList<>(merged);
    check(out);
    return out;
  }

  @Override
  public List<String> extractOutput(List<String> acc) {
    List<String> sorted = new ArrayList<>(acc);
    sorted.sort(LabelValues.order(labelType));
    // An empty input yields no labels here (Beam also calls this when building the pipeline);
    // training then fails, naming the empty input.
    if (!sorted.isEmpty() && sorted.size() < minLabels) {
      throw new IllegalArgumentException(
          trainer
              + " needs "
              + minLabels
              + " distinct labels in column '"
              + labelCol
              + "'; the input has only "
              + sorted);
    }
    return sorted;
  }

  private void check(List<String> labels) {
    if (labels.size() > maxLabels) {
      throw new IllegalArgumentException(
          trainer
              + " takes at most "
              + maxLabels
              + " distinct labels; column '"
              + labelCol
              + "' has more, among them "
              + labels.subList(0, Math.min(labels.size(), 10)));
    }
  }

  @Override
  public Coder<List<String>> getAccumulatorCoder(CoderRegistry registry, Coder<T> inputCoder) {
    return ListCoder.of(StringUtf8Coder.of());
  }

  @Override
  public Coder<List<String>> getDefaultOutputCoder(CoderRegistry registry, Coder<T> inputCoder) {
    return ListCoder.of(StringUtf8Coder.of());
  }

  /** The labels of rows, read from the label column. */
  public static final class OfRows extends DistinctLabels<Row> {
    private static final long serialVersionUID = 1L;

    /** The labels of column {@code labelCol}; between {@code minLabels} and {@code maxLabels}. */
    public OfRows(
        String trainer, String labelCol, TypeName labelType, int minLabels, int maxLabels) {
      super(trainer, labelCol, labelType, minLabels, maxLabels);
    }

    @Override
    Collection<String> labelsOf(Row row) {
      return List.of(LabelValues.text(row, labelCol));
    }
  }

  /**
   * The numeric labels blocks carry: read from the blocks rather than the rows, so that finding
   * them costs no pass over single rows.
   */
  public static final class OfBlocks extends DistinctLabels<Block> {
    private static final long serialVersionUID = 1L;

    /** The numeric labels the blocks carry; between {@code minLabels} and {@code maxLabels}. */
    public OfBlocks(
        String trainer, String labelCol, TypeName labelType, int minLabels, int maxLabels) {
      super(trainer, labelCol, labelType, minLabels, maxLabels);
    }

    @Override
    Collection<String> labelsOf(Block block) {
      Set<Double> values = new LinkedHashSet<>();
      double last = Double.NaN;
      for (int i = 0; i < block.numRows(); i++) {
        double v = block.label(i);
        if (v != last) {
          values.add(v);
          last = v;
        }
      }
      List<String> texts = new ArrayList<>(values.size());
      for (double v : values) {
        texts.add(LabelValues.text(v, labelType));
      }
      return texts;
    }
  }
}
