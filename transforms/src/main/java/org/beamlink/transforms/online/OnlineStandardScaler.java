package org.beamlink.transforms.online;

import com.google.auto.value.AutoValue;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Iterator;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.feature.StandardScalerModel;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.transforms.stats.ColumnSummary;
import org.beamlink.transforms.stats.Moments;
import org.beamlink.transforms.stats.MomentsCoder;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * A running standard scaler on a stream (Alink's online standard scaler): the mean and sample
 * standard deviation of each coordinate of a vector column over everything seen so far, emitted as
 * a {@link StandardScalerModel} version per window.
 *
 * <p>Each version is what {@link org.beamlink.transforms.feature.StandardScaler#fit()} with the
 * same parameters gives on every row up to the end of that window: the same model class and
 * semantics (Spark ML's: sample standard deviation, a coordinate of zero spread, or seen once,
 * scales to 0; {@code withMean} makes the output dense). The statistics of each window are one
 * parallel {@code Combine} of per-coordinate {@link Moments} (Welford, merged with Chan et al.'s
 * formula); the windows' statistics are then merged in window order by one stateful {@code DoFn} on
 * a single key, which keeps the running total in Beam state (checkpointed with it on Flink) and
 * emits a version per window when the watermark passes its end. Only one small accumulator per
 * window reaches that key, so the cost of the sequential part does not grow with the rows.
 *
 * <p><b>Windows.</b> Window the rows first (e.g. {@code FixedWindows}): each window pane adds its
 * rows to the running statistics and makes one version. A window without rows makes no version.
 * Overlapping windows, accumulating panes and an unbounded input left in the global window are
 * rejected at construction.
 *
 * <p><b>Late data.</b> Rows later than their window's allowed lateness are dropped by Beam's
 * grouping, as everywhere in Beam (the default allowed lateness is 0, so by default every late row
 * is dropped; Beam counts them in its {@code droppedDueToLateness} metric). Rows within the allowed
 * lateness come as a late pane of their window: they are added to the running statistics when it
 * arrives, after the windows already merged, and make one more version (counted in the {@code
 * OnlineStandardScaler/latePanesApplied} metric).
 *
 * <p>NaN and null, as {@code StandardScaler}: a NaN coordinate is missing and left out of that
 * coordinate's statistics; a null vector, an infinite coordinate or a vector of another size than
 * the ones before fails the pipeline with the column and row named; so does a coordinate that has
 * been NaN in every row so far when a version is due.
 *
 * <p>Parameters, as {@code StandardScaler.fit()}: {@code inputCol} (a vector column, required),
 * {@code outputCol} (the column the model appends, required), {@code withMean} (default false),
 * {@code withStd} (default true).
 *
 * <pre>{@code
 * PCollection<ModelVersion<StandardScalerModel>> versions =
 *     stream
 *         .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))))
 *         .apply(OnlineStandardScaler.fit().withInputCol("features").withOutputCol("scaled"));
 * }</pre>
 */
public final class OnlineStandardScaler {
  private static final String NAME = "OnlineStandardScaler";

  private OnlineStandardScaler() {}

  /** The online estimator, with every default set: withMean false, withStd true. */
  public static Fit fit() {
    return new AutoValue_OnlineStandardScaler_Fit.Builder()
        .setWithMean(false)
        .setWithStd(true)
        .build();
  }

  /**
   * The transform {@link #fit()} returns: windowed rows in, a model version per window out.
   *
   * <pre>{@code
   * windowedRows.apply(OnlineStandardScaler.fit().withInputCol("features").withOutputCol("scaled"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Fit
      extends PTransform<PCollection<Row>, PCollection<ModelVersion<StandardScalerModel>>> {
    abstract @Nullable String inputCol();

    abstract @Nullable String outputCol();

    abstract boolean withMean();

    abstract boolean withStd();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setInputCol(String inputCol);

      abstract Builder setOutputCol(String outputCol);

      abstract Builder setWithMean(boolean withMean);

      abstract Builder setWithStd(boolean withStd);

      abstract Fit build();
    }

    /** The vector column to scale; required. */
    public Fit withInputCol(String inputCol) {
      return toBuilder().setInputCol(columnName(inputCol, "inputCol")).build();
    }

    /** The vector column the models append; required, and not already in the input. */
    public Fit withOutputCol(String outputCol) {
      return toBuilder().setOutputCol(columnName(outputCol, "outputCol")).build();
    }

    /** Whether the models subtract the mean (their output is then dense); default false. */
    public Fit withMean(boolean withMean) {
      return toBuilder().setWithMean(withMean).build();
    }

    /** Whether the models divide by the sample standard deviation; default true. */
    public Fit withStd(boolean withStd) {
      return toBuilder().setWithStd(withStd).build();
    }

    private static String columnName(String name, String param) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("Expected a column name for " + param + ", got " + name);
      }
      return name;
    }

    @Override
    public PCollection<ModelVersion<StandardScalerModel>> expand(PCollection<Row> input) {
      if (inputCol() == null) {
        throw new IllegalArgumentException(NAME + " needs withInputCol(..)");
      }
      if (outputCol() == null) {
        throw new IllegalArgumentException(NAME + " needs withOutputCol(..)");
      }
      WindowOrderedFold.checkBatchWindowing(input, NAME);
      Schema schema = input.getSchema();
      StandardScalerModel.of(
              inputCol(), outputCol(), withMean(), withStd(), new double[0], new double[0])
          .outputSchema(schema);
      return input
          .apply("Event times", Reify.timestamps())
          .setCoder(TimestampedValue.TimestampedValueCoder.of(input.getCoder()))
          .apply(
              "Window statistics",
              Combine.globally(new WindowMomentsFn(inputCol(), schema.indexOf(inputCol())))
                  .withoutDefaults())
          .setCoder(new WindowMomentsCoder())
          .apply(
              "Merge in window order",
              WindowOrderedFold.of(
                  NAME,
                  new ScalerFold(inputCol(), outputCol(), withMean(), withStd()),
                  null,
                  new WindowMomentsCoder(),
                  StandardScalerModel.Coder.of()));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(DisplayData.item("inputCol", inputCol()))
          .addIfNotNull(DisplayData.item("outputCol", outputCol()))
          .add(DisplayData.item("withMean", withMean()))
          .add(DisplayData.item("withStd", withStd()));
    }
  }

  /** Per-coordinate moments of some rows and the range of their event times. */
  static final class WindowMoments implements WindowOrderedFold.Batch {
    final Moments moments;
    @Nullable Instant first;
    @Nullable Instant last;

    WindowMoments(Moments moments, @Nullable Instant first, @Nullable Instant last) {
      this.moments = moments;
      this.first = first;
      this.last = last;
    }

    static WindowMoments empty() {
      return new WindowMoments(Moments.ofVector(), null, null);
    }

    void addTime(Instant t) {
      first = first == null || t.isBefore(first) ? t : first;
      last = last == null || t.isAfter(last) ? t : last;
    }

    /** Adds {@code other}'s rows to these; fails when their vectors have other sizes. */
    WindowMoments merge(WindowMoments other, String inputCol) {
      try {
        moments.merge(other.moments);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            NAME + ": vector column '" + inputCol + "': " + e.getMessage(), e);
      }
      if (other.first != null) {
        addTime(other.first);
        addTime(other.last);
      }
      return this;
    }

    @Override
    public long examples() {
      return moments.rows();
    }

    @Override
    public @Nullable Instant firstEventTime() {
      return first;
    }

    @Override
    public @Nullable Instant lastEventTime() {
      return last;
    }
  }

  /** The coder of {@link WindowMoments}. */
  static final class WindowMomentsCoder extends CustomCoder<WindowMoments> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(WindowMoments value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      boolean empty = value.first == null;
      data.writeBoolean(empty);
      if (!empty) {
        data.writeLong(value.first.getMillis());
        data.writeLong(value.last.getMillis());
      }
      data.flush();
      MomentsCoder.of().encode(value.moments, out);
    }

    @Override
    public WindowMoments decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      boolean empty = data.readBoolean();
      Instant first = empty ? null : Instant.ofEpochMilli(data.readLong());
      Instant last = empty ? null : Instant.ofEpochMilli(data.readLong());
      return new WindowMoments(MomentsCoder.of().decode(in), first, last);
    }

    @Override
    public void verifyDeterministic() {}
  }

  /**
   * The statistics of one window pane, with {@code StandardScaler}'s checks: a null vector or an
   * infinite coordinate fails naming column and row; NaN is missing.
   */
  static final class WindowMomentsFn
      extends CombineFn<TimestampedValue<Row>, WindowMoments, WindowMoments> {
    private final String inputCol;
    private final int index;

    WindowMomentsFn(String inputCol, int index) {
      this.inputCol = inputCol;
      this.index = index;
    }

    @Override
    public WindowMoments createAccumulator() {
      return WindowMoments.empty();
    }

    @Override
    public WindowMoments addInput(WindowMoments accumulator, TimestampedValue<Row> input) {
      accumulator.moments.addVectorOf(input.getValue(), index, NAME, inputCol);
      accumulator.addTime(input.getTimestamp());
      return accumulator;
    }

    @Override
    public WindowMoments mergeAccumulators(Iterable<WindowMoments> accumulators) {
      Iterator<WindowMoments> it = accumulators.iterator();
      WindowMoments merged = it.hasNext() ? it.next() : createAccumulator();
      while (it.hasNext()) {
        merged.merge(it.next(), inputCol);
      }
      return merged;
    }

    @Override
    public WindowMoments extractOutput(WindowMoments accumulator) {
      return accumulator;
    }

    @Override
    public Coder<WindowMoments> getAccumulatorCoder(
        CoderRegistry registry, Coder<TimestampedValue<Row>> inputCoder) {
      return new WindowMomentsCoder();
    }
  }

  /** Adds each window's moments to the running total and makes the scaler of the total. */
  private static final class ScalerFold
      implements WindowOrderedFold.Fold<Void, WindowMoments, WindowMoments, StandardScalerModel> {
    private static final long serialVersionUID = 1L;

    private final String inputCol;
    private final String outputCol;
    private final boolean withMean;
    private final boolean withStd;

    ScalerFold(String inputCol, String outputCol, boolean withMean, boolean withStd) {
      this.inputCol = inputCol;
      this.outputCol = outputCol;
      this.withMean = withMean;
      this.withStd = withStd;
    }

    @Override
    public WindowMoments start(@Nullable Void seed) {
      return WindowMoments.empty();
    }

    @Override
    public WindowMoments apply(WindowMoments total, WindowMoments window) {
      return total.merge(window, inputCol);
    }

    /** The scaler of the rows so far, as {@code StandardScaler.fit()}; null before any row. */
    @Override
    public @Nullable StandardScalerModel model(WindowMoments total) {
      Moments moments = total.moments;
      if (moments.rows() == 0) {
        return null;
      }
      double[] means = new double[moments.size()];
      double[] stds = new double[moments.size()];
      for (int j = 0; j < means.length; j++) {
        ColumnSummary s = moments.summary(j, inputCol + "[" + j + "]");
        if (s.count() == 0) {
          throw new IllegalArgumentException(
              NAME
                  + ": coordinate "
                  + j
                  + " of vector column '"
                  + inputCol
                  + "' has been NaN in every row so far; nothing to fit it on");
        }
        means[j] = s.mean();
        // One value has no spread: Spark's 0, where the sample variance is undefined (NaN).
        stds[j] = s.count() > 1 ? s.stddev() : 0.0;
      }
      return StandardScalerModel.of(inputCol, outputCol, withMean, withStd, means, stds);
    }
  }
}
