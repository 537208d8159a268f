package org.beamlink.iteration;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.DoubleArrayCoder;

/**
 * Where one reduced piece of an AllReduce is: written once by the step that reduced it, durably
 * under the loop's directory and into that JVM's {@link ResidentStore}. Only these references reach
 * the next superstep (as a side input of a few bytes a piece), so no record holds the reduced
 * array; each task reads the pieces from its JVM's store, or from their durable copies when it runs
 * elsewhere, and puts the array together.
 *
 * @param index the piece's position, from 0
 * @param offset the position of the piece's first value in the reduced array
 * @param length the length of the whole reduced array
 * @param path the durable copy, also the store key
 */
record ReducedPiece(int index, int offset, int length, String path) {

  /** A reduced piece in the store, and how many tasks have yet to read it there. */
  private record Shared(double[] values, AtomicInteger readers) {}

  /** The durable file of piece {@code index} reduced at the end of stage {@code stage}. */
  static String file(String directory, String run, int stage, int index) {
    return FileSystems.matchNewResource(directory, true)
        .resolve(run + "-reduced-" + stage + "-" + index, StandardResolveOptions.RESOLVE_FILE)
        .toString();
  }

  /**
   * Writes {@code values} to {@code path} and keeps them in this JVM's store for {@code readers}
   * tasks; returns the bytes written.
   */
  static long write(String path, double[] values, int readers) {
    try {
      long bytes = DurableCopy.write(path, DoubleArrayCoder.of(), values);
      ResidentStore.get()
          .put(path, new Shared(values, new AtomicInteger(readers)), 8L * values.length);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("ComQueue: cannot write the reduced piece " + path, e);
    }
  }

  /**
   * The reduced array the pieces make up, each read from this JVM's store (which drops a piece once
   * every task has read it) or from its durable copy.
   */
  static double[] assemble(List<ReducedPiece> pieces, String queue, int stepNo) {
    List<ReducedPiece> sorted = new ArrayList<>(pieces);
    sorted.sort(Comparator.comparingInt(ReducedPiece::index));
    if (sorted.isEmpty()) {
      throw new IllegalStateException(
          "ComQueue '" + queue + "' at superstep " + stepNo + ": no reduced pieces arrived");
    }
    double[] result = new double[sorted.get(0).length];
    int filled = 0;
    for (int i = 0; i < sorted.size(); i++) {
      ReducedPiece piece = sorted.get(i);
      double[] values = piece.read(queue);
      if (piece.index != i || piece.offset != filled || piece.length != result.length) {
        throw new IllegalStateException(
            "ComQueue '"
                + queue
                + "' at superstep "
                + stepNo
                + ": reduced piece "
                + piece.index
                + " does not follow piece "
                + (i - 1));
      }
      System.arraycopy(values, 0, result, piece.offset, values.length);
      filled += values.length;
    }
    if (filled != result.length) {
      throw new IllegalStateException(
          "ComQueue '"
              + queue
              + "' at superstep "
              + stepNo
              + ": the reduced pieces hold "
              + filled
              + " of "
              + result.length
              + " values");
    }
    return result;
  }

  private double[] read(String queue) {
    Object held = ResidentStore.get().lookup(path);
    if (held instanceof Shared shared) {
      if (shared.readers().decrementAndGet() <= 0) {
        ResidentStore.get().release(path);
      }
      return shared.values();
    }
    try {
      return DurableCopy.read(path, DoubleArrayCoder.of(), n -> {});
    } catch (IOException e) {
      throw new UncheckedIOException(
          "ComQueue '" + queue + "': cannot read the reduced piece " + path, e);
    }
  }

  /** The coder of the references. */
  static final class RefCoder extends CustomCoder<ReducedPiece> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;
    private static final RefCoder INSTANCE = new RefCoder();

    static RefCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ReducedPiece value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeInt(value.index);
      data.writeInt(value.offset);
      data.writeInt(value.length);
      data.writeUTF(value.path);
      data.flush();
    }

    @Override
    public ReducedPiece decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "ComQueue reduced piece reference");
      DataInputStream data = new DataInputStream(in);
      return new ReducedPiece(data.readInt(), data.readInt(), data.readInt(), data.readUTF());
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
