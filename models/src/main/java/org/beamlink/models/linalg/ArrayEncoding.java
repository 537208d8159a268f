package org.beamlink.models.linalg;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.VarInt;

/**
 * Bulk encoding of primitive arrays for coders: a variable-length count, then the values as
 * big-endian bytes moved through a {@link ByteBuffer} in chunks rather than one value at a time.
 *
 * <pre>{@code
 * ArrayEncoding.writeDoubles(new double[] {1, 2}, out);
 * double[] back = ArrayEncoding.readDoubles(in);
 * }</pre>
 */
public final class ArrayEncoding {
  private static final int CHUNK_VALUES = 8192;

  private ArrayEncoding() {}

  /** Writes the length and values of {@code values}. */
  public static void writeDoubles(double[] values, OutputStream out) throws IOException {
    VarInt.encode(values.length, out);
    ByteBuffer buf = ByteBuffer.allocate(Math.min(values.length, CHUNK_VALUES) * Double.BYTES);
    buf.order(ByteOrder.BIG_ENDIAN);
    for (int from = 0; from < values.length; from += CHUNK_VALUES) {
      int n = Math.min(CHUNK_VALUES, values.length - from);
      buf.clear();
      buf.asDoubleBuffer().put(values, from, n);
      out.write(buf.array(), 0, n * Double.BYTES);
    }
  }

  /** Reads what {@link #writeDoubles} wrote. */
  public static double[] readDoubles(InputStream in) throws IOException {
    int length = readLength(in);
    double[] values = new double[length];
    byte[] bytes = new byte[Math.min(length, CHUNK_VALUES) * Double.BYTES];
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    DataInputStream data = new DataInputStream(in);
    for (int from = 0; from < length; from += CHUNK_VALUES) {
      int n = Math.min(CHUNK_VALUES, length - from);
      data.readFully(bytes, 0, n * Double.BYTES);
      buf.clear();
      buf.asDoubleBuffer().get(values, from, n);
    }
    return values;
  }

  /** Writes the length and values of {@code values}. */
  public static void writeInts(int[] values, OutputStream out) throws IOException {
    VarInt.encode(values.length, out);
    ByteBuffer buf = ByteBuffer.allocate(Math.min(values.length, CHUNK_VALUES) * Integer.BYTES);
    for (int from = 0; from < values.length; from += CHUNK_VALUES) {
      int n = Math.min(CHUNK_VALUES, values.length - from);
      buf.clear();
      buf.asIntBuffer().put(values, from, n);
      out.write(buf.array(), 0, n * Integer.BYTES);
    }
  }

  /** Reads what {@link #writeInts} wrote. */
  public static int[] readInts(InputStream in) throws IOException {
    int length = readLength(in);
    int[] values = new int[length];
    byte[] bytes = new byte[Math.min(length, CHUNK_VALUES) * Integer.BYTES];
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    DataInputStream data = new DataInputStream(in);
    for (int from = 0; from < length; from += CHUNK_VALUES) {
      int n = Math.min(CHUNK_VALUES, length - from);
      data.readFully(bytes, 0, n * Integer.BYTES);
      buf.clear();
      buf.asIntBuffer().get(values, from, n);
    }
    return values;
  }

  /** Writes the length and values of {@code values}. */
  public static void writeLongs(long[] values, OutputStream out) throws IOException {
    VarInt.encode(values.length, out);
    ByteBuffer buf = ByteBuffer.allocate(Math.min(values.length, CHUNK_VALUES) * Long.BYTES);
    for (int from = 0; from < values.length; from += CHUNK_VALUES) {
      int n = Math.min(CHUNK_VALUES, values.length - from);
      buf.clear();
      buf.asLongBuffer().put(values, from, n);
      out.write(buf.array(), 0, n * Long.BYTES);
    }
  }

  /** Reads what {@link #writeLongs} wrote. */
  public static long[] readLongs(InputStream in) throws IOException {
    int length = readLength(in);
    long[] values = new long[length];
    byte[] bytes = new byte[Math.min(length, CHUNK_VALUES) * Long.BYTES];
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    DataInputStream data = new DataInputStream(in);
    for (int from = 0; from < length; from += CHUNK_VALUES) {
      int n = Math.min(CHUNK_VALUES, length - from);
      data.readFully(bytes, 0, n * Long.BYTES);
      buf.clear();
      buf.asLongBuffer().get(values, from, n);
    }
    return values;
  }

  /** Writes an array that may be {@code null}. */
  public static void writeNullableDoubles(double[] values, OutputStream out) throws IOException {
    out.write(values == null ? 0 : 1);
    if (values != null) {
      writeDoubles(values, out);
    }
  }

  /** Reads what {@link #writeNullableDoubles} wrote. */
  public static double[] readNullableDoubles(InputStream in) throws IOException {
    int present = in.read();
    if (present < 0) {
      throw new EOFException("Stream ended before an array marker");
    }
    return present == 0 ? null : readDoubles(in);
  }

  private static int readLength(InputStream in) throws IOException {
    int length = VarInt.decodeInt(in);
    if (length < 0) {
      throw new IOException("Corrupt array length " + length);
    }
    return length;
  }

  /** Reads one format-version byte and fails clearly when it is not {@code expected}. */
  public static void readVersion(InputStream in, int expected, String what) throws IOException {
    readVersion(in, expected, expected, what);
  }

  /**
   * Reads one format-version byte, for a format with versions {@code oldest} to {@code newest}: the
   * version, or a clear failure for another.
   */
  public static int readVersion(InputStream in, int oldest, int newest, String what)
      throws IOException {
    int version = in.read();
    if (version < oldest || version > newest) {
      throw new CoderException(
          "Cannot decode "
              + what
              + ": format version "
              + version
              + ", this library reads version "
              + (oldest == newest ? Integer.toString(newest) : oldest + " to " + newest));
    }
    return version;
  }
}
