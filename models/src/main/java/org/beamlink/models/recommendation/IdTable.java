package org.beamlink.models.recommendation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.beamlink.models.linalg.ArrayEncoding;

/**
 * A sparse table of ids in CSR form: row {@code ids[r]} (ascending, distinct) holds the entries
 * {@code others[starts[r] .. starts[r + 1])} with {@code values} at the same positions. A user's
 * rated items and their ratings, or an item's neighbours and their similarities. Immutable.
 */
final class IdTable implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] ids;
  private final int[] starts;
  private final long[] others;
  private final double[] values;

  IdTable(long[] ids, int[] starts, long[] others, double[] values) {
    if (starts.length != ids.length + 1
        || starts[0] != 0
        || starts[ids.length] != others.length
        || others.length != values.length) {
      throw new IllegalArgumentException(
          "Expected "
              + (ids.length + 1)
              + " row starts from 0 to "
              + others.length
              + " entries and as many values, got "
              + starts.length
              + " starts and "
              + values.length
              + " values");
    }
    for (int r = 0; r < ids.length; r++) {
      if (r > 0 && ids[r] <= ids[r - 1]) {
        throw new IllegalArgumentException(
            "Expected row ids in strictly ascending order, got " + ids[r - 1] + " then " + ids[r]);
      }
      if (starts[r + 1] < starts[r]) {
        throw new IllegalArgumentException("Row starts decrease at row " + ids[r]);
      }
    }
    this.ids = ids;
    this.starts = starts;
    this.others = others;
    this.values = values;
  }

  /** The row of {@code id}, or a negative number when it has none. */
  int row(long id) {
    return Arrays.binarySearch(ids, id);
  }

  int rows() {
    return ids.length;
  }

  long id(int row) {
    return ids[row];
  }

  int start(int row) {
    return starts[row];
  }

  int end(int row) {
    return starts[row + 1];
  }

  long other(int entry) {
    return others[entry];
  }

  double value(int entry) {
    return values[entry];
  }

  /** The value of {@code other} in {@code row}, whose entries are ascending; NaN when absent. */
  double valueIn(int row, long other) {
    int at = Arrays.binarySearch(others, starts[row], starts[row + 1], other);
    return at < 0 ? Double.NaN : values[at];
  }

  long[] ids() {
    return ids.clone();
  }

  /** The same entries by the other side: row {@code o} holds (id, value), ids ascending. */
  IdTable transpose() {
    long[] sorted = others.clone();
    Arrays.sort(sorted);
    long[] newIds = Arrays.stream(sorted).distinct().toArray();
    int[] newStarts = new int[newIds.length + 1];
    for (long o : others) {
      newStarts[Arrays.binarySearch(newIds, o) + 1]++;
    }
    for (int r = 0; r < newIds.length; r++) {
      newStarts[r + 1] += newStarts[r];
    }
    int[] next = Arrays.copyOf(newStarts, newIds.length);
    long[] newOthers = new long[others.length];
    double[] newValues = new double[others.length];
    for (int r = 0; r < ids.length; r++) {
      for (int e = starts[r]; e < starts[r + 1]; e++) {
        int at = next[Arrays.binarySearch(newIds, others[e])]++;
        newOthers[at] = ids[r];
        newValues[at] = values[e];
      }
    }
    return new IdTable(newIds, newStarts, newOthers, newValues);
  }

  void writeTo(OutputStream out) throws IOException {
    ArrayEncoding.writeLongs(ids, out);
    ArrayEncoding.writeInts(starts, out);
    ArrayEncoding.writeLongs(others, out);
    ArrayEncoding.writeDoubles(values, out);
  }

  static IdTable readFrom(InputStream in) throws IOException {
    return new IdTable(
        ArrayEncoding.readLongs(in),
        ArrayEncoding.readInts(in),
        ArrayEncoding.readLongs(in),
        ArrayEncoding.readDoubles(in));
  }

  int entries() {
    return others.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdTable t
        && Arrays.equals(ids, t.ids)
        && Arrays.equals(starts, t.starts)
        && Arrays.equals(others, t.others)
        && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(ids), Arrays.hashCode(others), Arrays.hashCode(values));
  }
}
