package org.beamlink.examples.run;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/**
 * Runs a pipeline to the end and reports on stderr what it is doing: while it runs, once a second,
 * the stage, the rows a Beam counter has counted so far and the time; at the end one line with the
 * rows, the time and the runner.
 *
 * <p>Rows while running come from {@link PipelineResult#metrics()}, which the DirectRunner answers
 * during the run (when {@code run()} does not block: {@link PipelineArgs} sets {@code
 * --blockOnRun=false}). FlinkRunner's {@code run()} blocks until an attached job ends and only then
 * returns a result to ask, so during a Flink run the reporter shows the stage and the time, and the
 * rows at the end. ({@code --attachedMode=false} would return at once, but Beam's detached result
 * loses the job's error message and, on the embedded cluster, which shuts down with its job, the
 * final metrics.) {@link #withStatus} adds figures from outside the job to each line, such as the
 * consumer lag of a job reading Kafka, which the broker tells during a Flink run too.
 *
 * <pre>{@code
 * ProgressReporter progress =
 *     new ProgressReporter(err, "stats", ReadCsv.ROWS_READ, "rows read", quiet, interactive);
 * ProgressReporter.Run run = progress.run(pipeline);
 * }</pre>
 */
public final class ProgressReporter {
  private static final long INTERVAL_MILLIS = 1000;

  /** Without a terminal, a line every this many intervals instead of one line redrawn. */
  private static final int LOG_EVERY = 10;

  private final PrintWriter err;
  private final String stage;
  private final MetricName rowsCounter;
  private final String rowsLabel;
  private final boolean quiet;
  private final boolean interactive;
  private final @Nullable Supplier<String> status;
  private int drawn;

  /** A finished run: its result, the rows the counter counted, and the wall time in seconds. */
  public record Run(PipelineResult result, long rows, double seconds) {}

  /**
   * Reports on {@code err}, naming the stage {@code stage}, rows from the counter {@code
   * rowsCounter} as {@code rowsLabel}; nothing when {@code quiet}; a line redrawn in place when
   * {@code interactive} (a terminal), a line every 10 seconds otherwise.
   */
  public ProgressReporter(
      PrintWriter err,
      String stage,
      MetricName rowsCounter,
      String rowsLabel,
      boolean quiet,
      boolean interactive) {
    this(err, stage, rowsCounter, rowsLabel, quiet, interactive, null);
  }

  private ProgressReporter(
      PrintWriter err,
      String stage,
      MetricName rowsCounter,
      String rowsLabel,
      boolean quiet,
      boolean interactive,
      @Nullable Supplier<String> status) {
    this.err = err;
    this.stage = stage;
    this.rowsCounter = rowsCounter;
    this.rowsLabel = rowsLabel;
    this.quiet = quiet;
    this.interactive = interactive;
    this.status = status;
  }

  /**
   * The same reporter, appending what {@code status} says to each progress line (asked only when a
   * line is printed), such as a Kafka consumer's lag ({@link ConsumerLag#status}).
   */
  public ProgressReporter withStatus(Supplier<String> status) {
    return new ProgressReporter(err, stage, rowsCounter, rowsLabel, quiet, interactive, status);
  }

  /**
   * Runs {@code pipeline} until it ends.
   *
   * @throws RuntimeException the pipeline's failure, as the runner reports it
   * @throws IllegalStateException when it ends in a state other than {@code DONE}
   */
  public Run run(Pipeline pipeline) {
    String runner = pipeline.getOptions().getRunner().getSimpleName();
    long start = System.nanoTime();
    CompletableFuture<PipelineResult> launched = launch(pipeline);
    PipelineResult result = null;
    PipelineResult.State state = null;
    int ticks = 0;
    try {
      while (state == null || !state.isTerminal()) {
        if (result == null) {
          result = awaitLaunch(launched);
          // A blocking run() (Flink, attached) returns a finished result.
          state = result == null ? null : result.getState();
        } else {
          state = result.waitUntilFinish(Duration.millis(INTERVAL_MILLIS));
        }
        if (state == null || !state.isTerminal()) {
          ticks++;
          report(result, runner, seconds(start), ticks);
        }
      }
    } finally {
      clear();
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("The pipeline on " + runner + " ended " + state);
    }
    double seconds = seconds(start);
    long rows = rows(result);
    if (!quiet) {
      err.printf(
          Locale.ROOT, "%s: %,d %s in %.1f s on %s%n", stage, rows, rowsLabel, seconds, runner);
      err.flush();
    }
    return new Run(result, rows, seconds);
  }

  private static CompletableFuture<PipelineResult> launch(Pipeline pipeline) {
    CompletableFuture<PipelineResult> launched = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                launched.complete(pipeline.run());
              } catch (Throwable t) {
                launched.completeExceptionally(t);
              }
            },
            "beamlink-pipeline");
    thread.setDaemon(true);
    thread.start();
    return launched;
  }

  /** The result once {@code run()} returned, or null after one interval of waiting for it. */
  private static PipelineResult awaitLaunch(CompletableFuture<PipelineResult> launched) {
    try {
      return launched.get(INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while the pipeline ran", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }

  private void report(PipelineResult result, String runner, double seconds, int ticks) {
    if (quiet || (!interactive && ticks % LOG_EVERY != 0)) {
      return;
    }
    long rows = result == null ? -1 : rows(result);
    String line =
        rows >= 0
            ? String.format(Locale.ROOT, "%s: %,d %s, %.0f s", stage, rows, rowsLabel, seconds)
            : String.format(
                Locale.ROOT,
                "%s: running on %s, %.0f s (row counts when the job ends)",
                stage,
                runner,
                seconds);
    if (status != null) {
      line += ", " + status.get();
    }
    if (interactive) {
      err.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
      drawn = line.length();
    } else {
      err.println(line);
    }
    err.flush();
  }

  private void clear() {
    if (drawn > 0) {
      err.print("\r" + " ".repeat(drawn) + "\r");
      err.flush();
      drawn = 0;
    }
  }

  /** The counter's value over all steps, or -1 when the runner cannot tell now. */
  private long rows(PipelineResult result) {
    try {
      return counter(result, rowsCounter);
    } catch (UnsupportedOperationException e) {
      // Some results cannot report metrics in some states; progress is then time only.
      return -1;
    }
  }

  /**
   * The counter {@code name} of {@code result}, summed over all steps.
   *
   * @throws UnsupportedOperationException when the runner cannot report metrics now
   */
  public static long counter(PipelineResult result, MetricName name) {
    MetricsFilter filter =
        MetricsFilter.builder()
            .addNameFilter(MetricNameFilter.named(name.getNamespace(), name.getName()))
            .build();
    long total = 0;
    for (MetricResult<Long> counter : result.metrics().queryMetrics(filter).getCounters()) {
      total += counter.getAttempted();
    }
    return total;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
