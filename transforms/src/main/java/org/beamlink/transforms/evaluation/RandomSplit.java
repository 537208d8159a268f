package org.beamlink.transforms.evaluation;

import java.util.Arrays;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Partition;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.SeededHash;

/**
 * Splits rows into parts of about the given relative sizes, as Spark's {@code
 * Dataset.randomSplit(weights, seed)}: a train/test split, or train/validation/test. Every row goes
 * to exactly one part, and which one depends only on the row's values and the seed: the same rows
 * land in the same parts on every run, runner and parallelism, whatever the order in which they
 * arrive, on bounded and unbounded input.
 *
 * <p>How: a row's hash {@code h} ({@link RowContentHash}: FNV-1a over its values), mixed with the
 * seed by SplitMix64's finalizer, gives a uniform number {@code u = top 53 bits of mix(h ^ seed) /
 * 2^53} in [0, 1); the row goes to the first part {@code i} with {@code u * sum(weights) <
 * weights[0] + ... + weights[i]}. Spark instead samples each partition with a seeded random stream,
 * so its split depends on the partitioning; here it cannot. Part sizes are binomial around the
 * fractions: within a few {@code sqrt(n * f * (1 - f))} of {@code n * f}.
 *
 * <p>Duplicate rows: identical rows (equal in every column) have the same hash, so they always go
 * to the same part: a row repeated in the data is never in both the training and the test part. On
 * data with many copies of a few rows the parts' sizes are therefore coarser than the fractions. To
 * split copies independently, give each row something that tells it apart (an id column) before
 * splitting.
 *
 * <p>Parameters: {@code weights} (in the factory: at least two, each finite and {@code >= 0}, sum
 * {@code > 0}; normalized to fractions as Spark does), {@code seed} (default 0).
 *
 * <pre>{@code
 * PCollectionList<Row> parts = rows.apply(RandomSplit.of(0.8, 0.2).withSeed(42));
 * PCollection<Row> train = parts.get(0);
 * PCollection<Row> test = parts.get(1);
 * }</pre>
 */
public final class RandomSplit extends PTransform<PCollection<Row>, PCollectionList<Row>> {
  private final double[] weights;
  private final long seed;

  private RandomSplit(double[] weights, long seed) {
    this.weights = weights;
    this.seed = seed;
  }

  /**
   * Splits into {@code weights.length} parts of relative sizes {@code weights}, with seed 0.
   *
   * <pre>{@code
   * rows.apply(RandomSplit.of(0.6, 0.2, 0.2)); // train, validation, test
   * }</pre>
   *
   * @throws IllegalArgumentException for fewer than two weights, a negative, NaN or infinite
   *     weight, or weights that sum to 0
   */
  public static RandomSplit of(double... weights) {
    if (weights == null || weights.length < 2) {
      throw new IllegalArgumentException(
          "Expected at least two weights (e.g. 0.8, 0.2 for a train/test split), got "
              + Arrays.toString(weights));
    }
    double sum = 0;
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException(
            "Expected weights that are finite and >= 0, got " + Arrays.toString(weights));
      }
      sum += w;
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException(
          "Expected weights with a sum > 0, got " + Arrays.toString(weights));
    }
    return new RandomSplit(weights.clone(), 0L);
  }

  /**
   * The seed; default 0. Another seed gives another split, the same on every run.
   *
   * <pre>{@code
   * RandomSplit.of(0.8, 0.2).withSeed(42);
   * }</pre>
   */
  public RandomSplit withSeed(long seed) {
    return new RandomSplit(weights, seed);
  }

  /**
   * The part {@code row} goes to: the index of its weight in the factory's arguments.
   *
   * <pre>{@code
   * boolean test = RandomSplit.of(0.8, 0.2).withSeed(42).partOf(row) == 1;
   * }</pre>
   */
  public int partOf(Row row) {
    return part(weights, seed, row);
  }

  private static int part(double[] weights, long seed, Row row) {
    double u = SeededHash.uniform(SeededHash.mix(RowContentHash.of(row) ^ seed));
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    double target = u * sum;
    double cumulative = 0;
    for (int i = 0; i < weights.length - 1; i++) {
      cumulative += weights[i];
      if (target < cumulative) {
        return i;
      }
    }
    return weights.length - 1;
  }

  @Override
  public PCollectionList<Row> expand(PCollection<Row> input) {
    double[] w = weights;
    long s = seed;
    PCollectionList<Row> parts =
        input.apply("Partition", Partition.of(w.length, (row, n) -> part(w, s, row)));
    for (PCollection<Row> part : parts.getAll()) {
      part.setRowSchema(input.getSchema());
    }
    return parts;
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("weights", Arrays.toString(weights)))
        .add(DisplayData.item("seed", seed));
  }
}
