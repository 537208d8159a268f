package org.beamlink.transforms.tuning;

import java.util.List;
import java.util.SplittableRandom;

/**
 * What a {@link RandomSearch} draws a parameter's values from: {@link #uniform}, {@link
 * #logUniform} or a {@link #choice} of values.
 *
 * <pre>{@code
 * Distribution<Double> l2 = Distribution.logUniform(1e-5, 1e-1);
 * Distribution<Boolean> mean = Distribution.choice(false, true);
 * }</pre>
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface Distribution<V> {
  /** One draw from {@code random}. */
  V draw(SplittableRandom random);

  /**
   * Uniform on {@code [low, high)}, finite, {@code low < high}.
   *
   * <pre>{@code
   * Distribution.uniform(0.0, 1.0);
   * }</pre>
   */
  static Distribution<Double> uniform(double low, double high) {
    if (!(low < high) || Double.isInfinite(low) || Double.isInfinite(high)) {
      throw new IllegalArgumentException(
          "Expected finite bounds with low < high, got [" + low + ", " + high + ")");
    }
    return random -> low + (high - low) * random.nextDouble();
  }

  /**
   * Log-uniform on {@code [low, high)}: {@code exp} of a uniform draw on {@code [log low, log
   * high)}, for scales such as penalties; {@code 0 < low < high}, finite.
   *
   * <pre>{@code
   * Distribution.logUniform(1e-4, 1.0);
   * }</pre>
   */
  static Distribution<Double> logUniform(double low, double high) {
    if (!(low > 0 && low < high) || Double.isInfinite(high)) {
      throw new IllegalArgumentException(
          "Expected finite bounds with 0 < low < high, got [" + low + ", " + high + ")");
    }
    double a = Math.log(low);
    double b = Math.log(high);
    return random -> Math.exp(a + (b - a) * random.nextDouble());
  }

  /**
   * One of {@code values}, each equally likely.
   *
   * <pre>{@code
   * Distribution.choice(0.0, 0.5, 1.0);
   * }</pre>
   */
  @SafeVarargs
  static <V> Distribution<V> choice(V... values) {
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("Expected at least one value to choose from, got none");
    }
    List<V> all = List.of(values);
    return random -> all.get(random.nextInt(all.size()));
  }
}
