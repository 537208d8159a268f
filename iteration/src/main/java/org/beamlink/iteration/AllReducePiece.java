package org.beamlink.iteration;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.CustomCoder;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.DoubleArrayCoder;

/**
 * One piece of one task's AllReduce partial on the distributed path: the values from {@code
 * offset}, at most {@link #valuesPerPiece} of them. The pieces of all tasks with the same index are
 * grouped and reduced in task order, so no record holds more than a group of pieces.
 *
 * @param allReduce the queue item index of the AllReduce
 * @param stepNo the superstep, for error messages
 * @param task the task whose partial this is
 * @param index the piece's position, from 0
 * @param offset the position of the piece's first value in the partial
 * @param length the length of the task's whole partial
 * @param values the piece's values
 */
record AllReducePiece(
    int allReduce, int stepNo, int task, int index, int offset, int length, double[] values) {

  /**
   * The most values one group of pieces (one piece of every task) holds: 4 MiB of doubles. Beam's
   * Flink runner concatenates the pieces of one index that a worker emits into one record before it
   * sorts them, and a Flink batch job fails on a record larger than its sort buffer (6.5 MB on the
   * two-TaskManager cluster, less with more keyed stages): 4 MiB leaves room for the framing.
   */
  static final int GROUP_VALUES = 1 << 19;

  /** The most values in a piece: 512 KB, so that up to eight tasks share the group budget whole. */
  static final int MAX_PIECE_VALUES = 1 << 16;

  /** The values in a piece with {@code numTasks} tasks. */
  static int valuesPerPiece(int numTasks) {
    return Math.max(1, Math.min(MAX_PIECE_VALUES, GROUP_VALUES / numTasks));
  }

  /**
   * Cuts {@code partial} into pieces; piece 0 always exists, so that its group holds every task's
   * length.
   */
  static List<AllReducePiece> cut(
      int allReduce, int stepNo, int task, int numTasks, double[] partial) {
    int size = valuesPerPiece(numTasks);
    List<AllReducePiece> pieces = new ArrayList<>();
    int index = 0;
    int offset = 0;
    do {
      int end = Math.min(partial.length, offset + size);
      pieces.add(
          new AllReducePiece(
              allReduce,
              stepNo,
              task,
              index++,
              offset,
              partial.length,
              Arrays.copyOfRange(partial, offset, end)));
      offset = end;
    } while (offset < partial.length);
    return pieces;
  }

  /** The bytes this piece takes encoded, give or take its framing. */
  long encodedBytes() {
    return 8L * values.length + 28;
  }

  /** The coder of pieces. */
  static final class PieceCoder extends CustomCoder<AllReducePiece> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;
    private static final PieceCoder INSTANCE = new PieceCoder();

    static PieceCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(AllReducePiece value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeInt(value.allReduce);
      data.writeInt(value.stepNo);
      data.writeInt(value.task);
      data.writeInt(value.index);
      data.writeInt(value.offset);
      data.writeInt(value.length);
      data.flush();
      DoubleArrayCoder.of().encode(value.values, out);
    }

    @Override
    public AllReducePiece decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "AllReduce piece");
      DataInputStream data = new DataInputStream(in);
      return new AllReducePiece(
          data.readInt(),
          data.readInt(),
          data.readInt(),
          data.readInt(),
          data.readInt(),
          data.readInt(),
          DoubleArrayCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof PieceCoder;
    }

    @Override
    public int hashCode() {
      return PieceCoder.class.hashCode();
    }
  }
}
