package org.beamlink.examples.demo;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.SeededHash;

/**
 * Seeded click-like events with a known true model, after Alink's FTRL case (Avazu-style ad logs):
 * numeric fields {@code price}, {@code hour}, {@code position}, {@code dwell}, categorical fields
 * of high cardinality {@code site} (2,000 values), {@code ad} (20,000), {@code device} (300) and
 * {@code segment} (40), a label {@code click} (1 or 0) and an event time {@code time} (10 ms apart
 * from 2026-01-01). Category frequencies follow a Zipf law, as real ad logs do.
 *
 * <p>The true model is logistic: {@code logit = -1.6 + sum of numeric weights * standardised
 * numeric + sum of per-category effects}, each category's effect a seeded Gaussian with standard
 * deviation 0.6 (0.8 for ads). From event {@code driftAt} on, the world changes: the numeric
 * weights change sign or size and every ad's effect is drawn anew, so a model trained before the
 * drift goes stale and online learning has to follow.
 *
 * <p>Event {@code i} is a function of the seed and {@code i} only, so the same events come out of
 * any runner at any parallelism, and plain Java ({@link #event}) agrees with the pipeline.
 *
 * <pre>{@code
 * ClickEvents events = new ClickEvents(7, 100_000);
 * Row first = events.event(0);
 * double p = events.trueProbability(0);
 * }</pre>
 */
public final class ClickEvents implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The first event's time: 2026-01-01T00:00:00Z in milliseconds. */
  public static final long START_MILLIS = 1_767_225_600_000L;

  /** Milliseconds between events. */
  public static final long SPACING_MILLIS = 10;

  /** The schema of an event. */
  public static final Schema SCHEMA =
      Schema.builder()
          .addInt64Field("time")
          .addDoubleField("price")
          .addDoubleField("hour")
          .addDoubleField("position")
          .addDoubleField("dwell")
          .addStringField("site")
          .addStringField("ad")
          .addStringField("device")
          .addStringField("segment")
          .addInt32Field("click")
          .build();

  /** The numeric fields, in schema order. */
  public static final String[] NUMERIC = {"price", "hour", "position", "dwell"};

  /** The categorical fields, in schema order. */
  public static final String[] CATEGORICAL = {"site", "ad", "device", "segment"};

  private static final int[] CARDINALITY = {2_000, 20_000, 300, 40};
  private static final double[] CATEGORY_SD = {0.6, 0.8, 0.6, 0.6};
  private static final double[] WEIGHTS_BEFORE = {-0.5, 0.2, -0.6, 0.4};
  private static final double[] WEIGHTS_AFTER = {0.3, 0.2, -0.9, -0.2};
  private static final double INTERCEPT = -1.6;

  private final long seed;
  private final long driftAt;

  /** Events of {@code seed} whose world changes at event {@code driftAt}. */
  public ClickEvents(long seed, long driftAt) {
    if (driftAt < 0) {
      throw new IllegalArgumentException("Expected driftAt >= 0, got " + driftAt);
    }
    this.seed = seed;
    this.driftAt = driftAt;
  }

  /** Event {@code i}. */
  public Row event(long i) {
    Draw d = draw(i);
    return Row.withSchema(SCHEMA)
        .attachValues(
            Arrays.asList(
                START_MILLIS + i * SPACING_MILLIS,
                d.numeric[0],
                d.numeric[1],
                d.numeric[2],
                d.numeric[3],
                "s" + d.category[0],
                "a" + d.category[1],
                "d" + d.category[2],
                "g" + d.category[3],
                d.click ? 1 : 0));
  }

  /** The true probability of a click on event {@code i}: what a perfect model would say. */
  public double trueProbability(long i) {
    return draw(i).probability;
  }

  private record Draw(double[] numeric, int[] category, double probability, boolean click) {}

  private Draw draw(long i) {
    SplittableRandom r = new SplittableRandom(SeededHash.mix(seed * 0x9E3779B97F4A7C15L + i));
    double price = Math.exp(1.0 + 0.8 * r.nextGaussian());
    double hour = r.nextInt(24);
    double position = 1 + r.nextInt(5);
    double dwell = -Math.log(1 - r.nextDouble()) * 20;
    double[] numeric = {price, hour, position, dwell};
    // Standardised with the generator's own moments, so that the weights are comparable.
    double[] standard = {
      (Math.log(price) - 1.0) / 0.8, (hour - 11.5) / 6.92, (position - 3) / 1.414, dwell / 20 - 1
    };
    boolean after = i >= driftAt;
    double[] weights = after ? WEIGHTS_AFTER : WEIGHTS_BEFORE;
    double logit = INTERCEPT;
    for (int j = 0; j < standard.length; j++) {
      logit += weights[j] * standard[j];
    }
    int[] category = new int[CATEGORICAL.length];
    for (int f = 0; f < CATEGORICAL.length; f++) {
      category[f] = zipf(r, CARDINALITY[f]);
      long phase = f == 1 && after ? 1 : 0;
      logit +=
          CATEGORY_SD[f]
              * gaussian(SeededHash.mix(seed ^ (f * 1_000_003L + phase) << 32 ^ category[f]));
    }
    double probability = 1 / (1 + Math.exp(-logit));
    return new Draw(numeric, category, probability, r.nextDouble() < probability);
  }

  /** A value in [0, n) with probability proportional to 1 / (rank + 10), by inversion. */
  private static int zipf(SplittableRandom r, int n) {
    // The cumulative weight of the first k ranks is about ln((k + 10) / 10).
    double total = Math.log((n + 10) / 10.0);
    int k = (int) (10 * Math.exp(r.nextDouble() * total) - 10);
    return Math.min(Math.max(k, 0), n - 1);
  }

  /** A standard Gaussian from a hash, by Box-Muller on two uniforms derived from it. */
  private static double gaussian(long hash) {
    double u1 = SeededHash.uniform(hash);
    double u2 = SeededHash.uniform(SeededHash.mix(hash));
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
