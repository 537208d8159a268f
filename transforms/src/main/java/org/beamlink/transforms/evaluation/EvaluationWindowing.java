package org.beamlink.transforms.evaluation;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/**
 * The windowing convention every evaluation transform follows, kept in one place.
 *
 * <ul>
 *   <li><b>Global window, not cumulative</b> (a bounded data set, the default): one metrics value
 *       over all input; empty input fails the job with the evaluation's message. An unbounded input
 *       left in the global window gets its one value only when it ends: window it, or use
 *       cumulative mode, for results while it runs.
 *   <li><b>Any other windowing</b> the user applied before the evaluation (for example {@code
 *       Window.into(FixedWindows.of(..))} or {@code SlidingWindows} on a stream): one value per
 *       window and pane, computed with {@code Combine.globally(..).withoutDefaults()}; a window
 *       without input emits nothing.
 *   <li><b>Cumulative</b> ({@code cumulative(every)} on an evaluation): the input is re-windowed
 *       into the global window and a value over everything seen so far is emitted {@code every} of
 *       processing time after the first element of a pane (early firings, accumulating panes), and
 *       once more when the input ends (the on-time pane, when the watermark passes the end of the
 *       global window, as at the end of a bounded stream).
 * </ul>
 *
 * <pre>{@code
 * PCollection<M> metrics =
 *     EvaluationWindowing.combine(rows, fn, coder, Duration.standardSeconds(10), "no rows");
 * }</pre>
 */
public final class EvaluationWindowing {
  private EvaluationWindowing() {}

  /**
   * Whether {@code input} is in the global window with the default trigger, where an evaluation
   * produces exactly one value over all of its input.
   *
   * <pre>{@code
   * if (EvaluationWindowing.isGlobal(rows)) { ... }
   * }</pre>
   */
  public static boolean isGlobal(PCollection<?> input) {
    WindowingStrategy<?, ?> strategy = input.getWindowingStrategy();
    return strategy.getWindowFn() instanceof GlobalWindows
        && strategy.getTrigger() instanceof DefaultTrigger;
  }

  /**
   * {@code input} in the global window, firing every {@code every} of processing time after the
   * first element of a pane and once at the end of input, with accumulating panes.
   *
   * <pre>{@code
   * PCollection<Row> running = EvaluationWindowing.cumulative(rows, Duration.standardSeconds(5));
   * }</pre>
   */
  public static <T> PCollection<T> cumulative(PCollection<T> input, Duration every) {
    checkEvery(every);
    return input.apply(
        "Cumulative panes every " + every,
        Window.<T>into(new GlobalWindows())
            .triggering(
                AfterWatermark.pastEndOfWindow()
                    .withEarlyFirings(
                        AfterProcessingTime.pastFirstElementInPane().plusDelayOf(every)))
            .withAllowedLateness(Duration.ZERO)
            .accumulatingFiredPanes());
  }

  /**
   * Combines {@code input} with {@code fn} following the convention in the class comment; {@code
   * cumulativeEvery} null for per-window (or, in the global window, whole-input) results. {@code
   * emptyMessage} is the error for empty input in the global window.
   *
   * <pre>{@code
   * PCollection<BinaryMetrics> m =
   *     EvaluationWindowing.combine(scored, fn, BinaryMetrics.Coder.of(), null, "no rows");
   * }</pre>
   */
  public static <InputT, M extends EvaluationMetrics> PCollection<M> combine(
      PCollection<InputT> input,
      MetricsCombineFn<InputT, ?, M> fn,
      Coder<M> coder,
      @Nullable Duration cumulativeEvery,
      String emptyMessage) {
    if (cumulativeEvery != null) {
      return cumulative(input, cumulativeEvery)
          .apply("Combine cumulatively", Combine.globally(fn).withoutDefaults())
          .setCoder(coder);
    }
    if (isGlobal(input)) {
      return input
          .apply("Combine", Combine.globally(fn))
          .setCoder(NullableCoder.of(coder))
          .apply("Require data", ParDo.of(new RequireFn<M>(emptyMessage)))
          .setCoder(coder);
    }
    return input
        .apply("Combine per window", Combine.globally(fn).withoutDefaults())
        .setCoder(coder);
  }

  /**
   * Validates a cumulative emission interval.
   *
   * @throws IllegalArgumentException unless {@code every} is positive
   */
  static Duration checkEvery(Duration every) {
    if (every == null || every.getMillis() <= 0) {
      throw new IllegalArgumentException("Expected every > 0, got " + every);
    }
    return every;
  }

  private static final class RequireFn<M> extends DoFn<M, M> {
    private final String emptyMessage;

    RequireFn(String emptyMessage) {
      this.emptyMessage = emptyMessage;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      M metrics = c.element();
      if (metrics == null) {
        throw new IllegalArgumentException(emptyMessage);
      }
      c.output(metrics);
    }
  }
}
