package org.beamlink.transforms.io;

import com.google.auto.value.AutoValue;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * The numbers {@code from} to {@code to - 1} as a live, unbounded stream that ends: a paced source
 * for streaming demos, benchmarks and tests of event-time behaviour on a real runner.
 *
 * <p>Beam's {@code GenerateSequence} with both a rate and an end is read as a <em>bounded</em>
 * source, whose watermark stays at the beginning of time until the last element, so no event-time
 * window closes while it runs; without an end it never finishes. This source is unbounded, emits
 * the numbers in order at most {@link #withRate} per second, stamps number {@code i} with {@link
 * #withTimestampFn}{@code (i)} (which must not decrease with {@code i}), keeps its watermark at the
 * last number's timestamp (so windows close as the stream runs), and ends with the watermark at the
 * end of time after the last number, so the job finishes. Its checkpoint is the count read: on a
 * runner with checkpoints (Flink) a restored job resumes where the checkpoint was taken. One reader
 * produces the numbers in order (no splitting); the rate is the total rate.
 *
 * <pre>{@code
 * PCollection<Long> ticks = p.apply(PacedSequence.from(0).to(1_000_000).withRate(50_000)
 *     .withTimestampFn(i -> new Instant(start + 10 * i)));
 * }</pre>
 */
@AutoValue
public abstract class PacedSequence extends PTransform<PBegin, PCollection<Long>> {
  private static final long serialVersionUID = 1L;

  abstract long from();

  abstract long to();

  abstract double rate();

  abstract @Nullable SerializableFunction<Long, Instant> timestampFn();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setFrom(long from);

    abstract Builder setTo(long to);

    abstract Builder setRate(double rate);

    abstract Builder setTimestampFn(@Nullable SerializableFunction<Long, Instant> fn);

    abstract PacedSequence build();
  }

  /** Numbers from {@code from} (at least 0); {@link #to} is required. */
  public static PacedSequence from(long from) {
    if (from < 0) {
      throw new IllegalArgumentException("Expected from >= 0, got " + from);
    }
    return new AutoValue_PacedSequence.Builder().setFrom(from).setTo(-1).setRate(0).build();
  }

  /** Ends before {@code to} (at least {@code from}). */
  public PacedSequence to(long to) {
    if (to < from()) {
      throw new IllegalArgumentException("Expected to >= from " + from() + ", got " + to);
    }
    return toBuilder().setTo(to).build();
  }

  /** At most {@code perSecond} numbers per second (above 0); default as fast as read. */
  public PacedSequence withRate(double perSecond) {
    return toBuilder().setRate(PacedSource.checkRate(perSecond)).build();
  }

  /**
   * The timestamp of each number, not decreasing with it; default {@code new Instant(i)}, the
   * number as milliseconds since the epoch.
   */
  public PacedSequence withTimestampFn(SerializableFunction<Long, Instant> fn) {
    if (fn == null) {
      throw new IllegalArgumentException("Expected a timestamp function, got null");
    }
    return toBuilder().setTimestampFn(fn).build();
  }

  @Override
  public PCollection<Long> expand(PBegin input) {
    if (to() < 0) {
      throw new IllegalArgumentException("PacedSequence needs an end: call to(n)");
    }
    SerializableFunction<Long, Instant> fn = timestampFn();
    return input.apply(
        Read.from(
            new PacedSource<>(
                new NumberFeed(from(), to(), fn != null ? fn : Instant::new), rate())));
  }

  /** The numbers as a feed: reopening at {@code skip} starts at {@code from + skip}. */
  private static final class NumberFeed implements PacedSource.Feed<Long> {
    private static final long serialVersionUID = 1L;

    private final long from;
    private final long to;
    private final SerializableFunction<Long, Instant> timestampFn;

    NumberFeed(long from, long to, SerializableFunction<Long, Instant> timestampFn) {
      this.from = from;
      this.to = to;
      this.timestampFn = timestampFn;
    }

    @Override
    public PacedSource.Cursor<Long> open(long skip) {
      return new PacedSource.Cursor<Long>() {
        private long next = from + skip;
        private long current = -1;
        private Instant timestamp = new Instant(Long.MIN_VALUE);

        @Override
        public boolean next() {
          if (next >= to) {
            return false;
          }
          current = next++;
          Instant t = timestampFn.apply(current);
          if (t.isBefore(timestamp)) {
            throw new IllegalArgumentException(
                "PacedSequence: the timestamp of "
                    + current
                    + " is "
                    + t
                    + ", before that of "
                    + (current - 1)
                    + ", "
                    + timestamp
                    + "; timestamps must not decrease");
          }
          timestamp = t;
          return true;
        }

        @Override
        public Long current() {
          return current;
        }

        @Override
        public Instant timestamp() {
          return timestamp;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public Coder<Long> coder() {
      return VarLongCoder.of();
    }
  }
}
