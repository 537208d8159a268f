package org.beamlink.transforms.evaluation;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.SetCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.checkerframework.checker.nullness.qual.Nullable;

/** The labels of a binary evaluation: at most two, and which one is the negative. */
final class BinaryLabels {
  private BinaryLabels() {}

  /** Adds {@code more} labels to {@code seen}, failing when there are more than two in all. */
  static void addLabels(Set<String> seen, Iterable<String> more, String labelCol, Object where) {
    for (String label : more) {
      seen.add(label);
    }
    if (seen.size() > 2) {
      throw new IllegalArgumentException(
          "Label column '"
              + labelCol
              + "' has more than two labels "
              + seen
              + " for a binary evaluation"
              + where);
    }
  }

  /** The negative label among {@code labels}: the one that is not {@code positive}, or null. */
  static @Nullable String negativeOf(Iterable<String> labels, String positive) {
    for (String label : labels) {
      if (!label.equals(positive)) {
        return label;
      }
    }
    return null;
  }

  /** The distinct labels seen, sorted; at most three kept, enough to report too many. */
  static final class LabelSetFn extends Combine.CombineFn<String, Set<String>, List<String>> {
    private static final int KEEP = 3;

    @Override
    public Set<String> createAccumulator() {
      return new HashSet<>();
    }

    @Override
    public Set<String> addInput(Set<String> acc, String label) {
      if (acc.size() < KEEP) {
        acc.add(label);
      }
      return acc;
    }

    @Override
    public Set<String> mergeAccumulators(Iterable<Set<String>> accs) {
      Set<String> all = new HashSet<>();
      for (Set<String> acc : accs) {
        for (String label : acc) {
          if (all.size() < KEEP) {
            all.add(label);
          }
        }
      }
      return all;
    }

    @Override
    public List<String> extractOutput(Set<String> acc) {
      return List.copyOf(new TreeSet<>(acc));
    }

    @Override
    public Coder<Set<String>> getAccumulatorCoder(
        CoderRegistry registry, Coder<String> inputCoder) {
      return SetCoder.of(StringUtf8Coder.of());
    }
  }
}
