package org.beamlink.transforms.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of one byte range of a file, as slices of a reused buffer: no {@code String} and no
 * copy per line. A range {@code [start, end)} owns the lines that begin inside it (a line begins at
 * the file's first byte or after a {@code \n}), read to their end even past {@code end}, so the
 * ranges of a file together read each line exactly once. A line's slice excludes its {@code \n} and
 * a {@code \r} before it.
 *
 * <pre>{@code
 * RangeLines lines = RangeLines.open(in, inOffset, start, end); // in is at byte inOffset <= start
 * while (lines.next()) { parse(lines.buffer(), lines.from(), lines.to()); lines.offset(); }
 * }</pre>
 */
final class RangeLines {
  private static final int BUFFER = 1 << 20;

  private final InputStream in;
  private final long end;
  private byte[] buffer = new byte[BUFFER];
  private int pos;
  private int limit;
  private long bufferOffset;
  private boolean eof;
  private int from;
  private int to;
  private long lineOffset;

  private RangeLines(InputStream in, long inOffset, long end) {
    this.in = in;
    this.end = end;
    this.bufferOffset = inOffset;
  }

  /**
   * The lines beginning in {@code [start, end)} of the stream {@code in}, which is at byte {@code
   * inOffset} of the file ({@code inOffset == start}, when a line is known to begin at {@code
   * start}, or {@code inOffset < start}).
   */
  static RangeLines open(InputStream in, long inOffset, long start, long end) throws IOException {
    RangeLines lines = new RangeLines(in, inOffset, end);
    if (inOffset < start) {
      lines.skipTo(start);
    }
    return lines;
  }

  /** Skips to the first line beginning at or after {@code start}. */
  private void skipTo(long start) throws IOException {
    // The byte before start tells whether a line begins at start: read from there through a \n.
    while (bufferOffset + limit < start) {
      pos = limit;
      if (!fill()) {
        return;
      }
    }
    pos = (int) (start - 1 - bufferOffset);
    while (true) {
      for (int i = pos; i < limit; i++) {
        if (buffer[i] == '\n') {
          pos = i + 1;
          return;
        }
      }
      pos = limit;
      if (!fill()) {
        return;
      }
    }
  }

  /** Moves to the next line of the range; false when there is none. */
  boolean next() throws IOException {
    if (bufferOffset + pos >= end || (pos == limit && !fill())) {
      return false;
    }
    lineOffset = bufferOffset + pos;
    int scan = pos;
    while (true) {
      int newline = -1;
      for (int i = scan; i < limit; i++) {
        if (buffer[i] == '\n') {
          newline = i;
          break;
        }
      }
      if (newline >= 0) {
        from = pos;
        to = newline > from && buffer[newline - 1] == '\r' ? newline - 1 : newline;
        pos = newline + 1;
        return true;
      }
      int read = limit - pos;
      if (!fill()) {
        from = pos;
        to = limit > from && buffer[limit - 1] == '\r' ? limit - 1 : limit;
        pos = limit;
        return true;
      }
      scan = pos + read;
    }
  }

  /**
   * Reads more bytes after {@code [pos, limit)}, keeping them (moved to the buffer's start, which
   * grows when a line fills it); false at the end of the stream with nothing more read.
   */
  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    if (pos > 0) {
      System.arraycopy(buffer, pos, buffer, 0, limit - pos);
      bufferOffset += pos;
      limit -= pos;
      pos = 0;
    }
    if (limit == buffer.length) {
      buffer = Arrays.copyOf(buffer, buffer.length * 2);
    }
    int n = in.readNBytes(buffer, limit, buffer.length - limit);
    if (n <= 0) {
      eof = true;
      return false;
    }
    limit += n;
    return true;
  }

  /** The buffer holding the current line. */
  byte[] buffer() {
    return buffer;
  }

  /** Where the current line starts in {@link #buffer()}. */
  int from() {
    return from;
  }

  /** Where the current line ends in {@link #buffer()} (exclusive, without its line break). */
  int to() {
    return to;
  }

  /** The offset in the file of the byte after the current line's line break. */
  long nextOffset() {
    return bufferOffset + pos;
  }

  /** The offset in the file of the current line's first byte. */
  long offset() {
    return lineOffset;
  }
}
