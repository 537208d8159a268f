package org.beamlink.iteration;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.beamlink.models.linalg.ArrayEncoding;

/**
 * One chunk of a loop's input: the elements of one input that one bundle assigned to one task, kept
 * in the writer's {@link ResidentStore} under {@code path} and durably in the file {@code path}. A
 * chunk with input {@link #MARKER} carries nothing: it makes every task exist when its data is
 * empty.
 *
 * @param input the input's position (partitioned inputs first, then broadcast ones)
 * @param task the task the elements belong to, or {@link #ALL_TASKS} for broadcast data
 * @param path the durable copy, also the store key
 * @param elements the number of elements
 * @param bytes the encoded size of the chunk
 */
record ChunkRef(int input, int task, String path, long elements, long bytes) {
  static final int MARKER = -1;
  static final int ALL_TASKS = -1;

  static ChunkRef marker() {
    return new ChunkRef(MARKER, ALL_TASKS, "", 0, 0);
  }

  boolean isMarker() {
    return input == MARKER;
  }

  /** The coder of the chunk references that travel to the steps that assemble partitions. */
  static final class RefCoder extends CustomCoder<ChunkRef> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;
    private static final RefCoder INSTANCE = new RefCoder();

    static RefCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ChunkRef value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeInt(value.input);
      data.writeInt(value.task);
      data.writeUTF(value.path);
      data.writeLong(value.elements);
      data.writeLong(value.bytes);
      data.flush();
    }

    @Override
    public ChunkRef decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "ComQueue chunk reference");
      DataInputStream data = new DataInputStream(in);
      return new ChunkRef(
          data.readInt(), data.readInt(), data.readUTF(), data.readLong(), data.readLong());
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof RefCoder;
    }

    @Override
    public int hashCode() {
      return RefCoder.class.hashCode();
    }
  }
}
