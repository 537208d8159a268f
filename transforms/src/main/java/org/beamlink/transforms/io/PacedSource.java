package org.beamlink.transforms.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * An unbounded source over a finite, ordered feed of timestamped elements, read by one reader at a
 * set rate: the engine of {@link PacedSequence} and {@link ReplayCsv}.
 *
 * <ul>
 *   <li>Pacing: at most {@code rate} elements per second of processing time since the reader
 *       started (0 means as fast as the pipeline takes them); a reader resumed from a checkpoint
 *       paces from its resumption.
 *   <li>Watermark: the timestamp of the last element read, since the feed is in time order; {@link
 *       BoundedWindow#TIMESTAMP_MAX_VALUE} once the feed is exhausted, which ends the read on every
 *       runner, so a job over a finite feed finishes on its own.
 *   <li>Checkpoint: the number of elements read, from which a restored reader reopens the feed.
 *       Elements come out in feed order, once each where the runner is exactly-once.
 * </ul>
 *
 * <p>It does not split: one reader keeps the order (and the rate is the total rate).
 */
final class PacedSource<T> extends UnboundedSource<T, PacedSource.Position> {
  private static final long serialVersionUID = 1L;

  private final Feed<T> feed;
  private final double rate;

  PacedSource(Feed<T> feed, double rate) {
    this.feed = feed;
    this.rate = rate;
  }

  /**
   * Returns {@code perSecond} when it is a rate the source can pace at: above 0 and finite.
   *
   * @throws IllegalArgumentException otherwise
   */
  static double checkRate(double perSecond) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("Expected a rate > 0, got " + perSecond);
    }
    return perSecond;
  }

  /** A finite sequence of elements in time order that can be reopened at any position. */
  interface Feed<T> extends Serializable {
    /** Opens the feed with the first {@code skip} elements already read. */
    Cursor<T> open(long skip) throws IOException;

    /** The elements' coder. */
    Coder<T> coder();
  }

  /** Reads a feed forward. */
  interface Cursor<T> extends Closeable {
    /** Moves to the next element; false at the end of the feed. */
    boolean next() throws IOException;

    /** The current element. */
    T current();

    /** The current element's timestamp: never before the previous element's. */
    Instant timestamp();
  }

  /** How many elements of the feed a reader has read: the checkpoint. */
  static final class Position implements UnboundedSource.CheckpointMark {
    private final long read;

    Position(long read) {
      this.read = read;
    }

    long read() {
      return read;
    }

    @Override
    public void finalizeCheckpoint() {}

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Position && ((Position) o).read == read;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(read);
    }
  }

  /** Deterministic coder of {@link Position}. */
  static final class PositionCoder extends CustomCoder<Position> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(Position value, OutputStream out) throws IOException {
      VarLongCoder.of().encode(value.read(), out);
    }

    @Override
    public Position decode(InputStream in) throws IOException {
      return new Position(VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  @Override
  public List<PacedSource<T>> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public UnboundedReader<T> createReader(PipelineOptions options, @Nullable Position checkpoint)
      throws IOException {
    return new Reader(checkpoint == null ? 0 : checkpoint.read());
  }

  @Override
  public Coder<Position> getCheckpointMarkCoder() {
    return new PositionCoder();
  }

  @Override
  public Coder<T> getOutputCoder() {
    return feed.coder();
  }

  private final class Reader extends UnboundedReader<T> {
    private final long startRead;
    private long read;
    private @Nullable Cursor<T> cursor;
    private long startNanos;
    private boolean hasCurrent;
    private boolean exhausted;
    private Instant watermark = BoundedWindow.TIMESTAMP_MIN_VALUE;

    Reader(long read) {
      this.startRead = read;
      this.read = read;
    }

    @Override
    public boolean start() throws IOException {
      cursor = feed.open(read);
      startNanos = System.nanoTime();
      return advance();
    }

    @Override
    public boolean advance() throws IOException {
      if (exhausted) {
        return false;
      }
      if (rate > 0 && read - startRead >= (System.nanoTime() - startNanos) * rate / 1e9) {
        hasCurrent = false;
        return false;
      }
      Cursor<T> c = cursor;
      if (c == null || !c.next()) {
        exhausted = true;
        hasCurrent = false;
        watermark = BoundedWindow.TIMESTAMP_MAX_VALUE;
        return false;
      }
      read++;
      hasCurrent = true;
      watermark = c.timestamp();
      return true;
    }

    @Override
    public T getCurrent() {
      Cursor<T> c = cursor;
      if (!hasCurrent || c == null) {
        throw new NoSuchElementException();
      }
      return c.current();
    }

    @Override
    public Instant getCurrentTimestamp() {
      Cursor<T> c = cursor;
      if (!hasCurrent || c == null) {
        throw new NoSuchElementException();
      }
      return c.timestamp();
    }

    @Override
    public Instant getWatermark() {
      return watermark;
    }

    @Override
    public Position getCheckpointMark() {
      return new Position(read);
    }

    @Override
    public PacedSource<T> getCurrentSource() {
      return PacedSource.this;
    }

    @Override
    public void close() throws IOException {
      Cursor<T> c = cursor;
      if (c != null) {
        c.close();
      }
    }
  }
}
