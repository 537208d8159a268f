package org.beamlink.iteration;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.apache.beam.sdk.coders.CustomCoder;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.DoubleArrayCoder;

/**
 * One task's AllReduce partial as it reaches the next distributed stage, as an element of that
 * stage's side input. A partial of at most {@link #inlineValues} values travels in the element; a
 * larger one is written once by the task that computed it, durably under the loop's directory and
 * into that JVM's {@link ResidentStore}, and the element carries only its reference. Beam's Flink
 * runner puts the side input elements a worker emits into one record, and a Flink batch job fails
 * on a record above its sort buffer; references keep that record small whatever the partials' size,
 * without a keyed step.
 *
 * @param task the task whose partial this is
 * @param stepNo the superstep it was computed in, for error messages
 * @param length the number of values
 * @param values the values when inline, else null
 * @param path the durable copy (also the store key) when by reference, else null
 */
record ShippedPartial(int task, int stepNo, int length, double[] values, String path) {

  /**
   * The most values the inline partials of all tasks hold together: 4 MiB of doubles, under the
   * smallest sort buffer seen (6.5 MB on the two-TaskManager cluster) even when one worker emits
   * every task's partial. Below it a partial travels as it always has, without a file a task and
   * stage (which small, many-staged loops such as GbtFitTest's would pay for nothing).
   */
  static final int INLINE_BUDGET_VALUES = 1 << 19;

  /** The most values a partial carries inline when {@code numTasks} tasks ship one each. */
  static int inlineValues(int numTasks) {
    return INLINE_BUDGET_VALUES / numTasks;
  }

  /** A partial in the store, and how many tasks have yet to read it there. */
  private record Shared(double[] values, AtomicInteger readers) {}

  /** Whether the values travel in the element. */
  boolean inline() {
    return path == null;
  }

  /**
   * Ships {@code partial}, task {@code task}'s values at superstep {@code stepNo} of {@code
   * numTasks} tasks: inline when it is small, otherwise written to a new file in {@code directory}
   * and into this JVM's store for the {@code numTasks} tasks that read it; {@code written} receives
   * the bytes written.
   */
  static ShippedPartial ship(
      int task,
      int stepNo,
      double[] partial,
      String directory,
      int numTasks,
      LongConsumer written) {
    if (partial.length <= inlineValues(numTasks)) {
      return new ShippedPartial(task, stepNo, partial.length, partial, null);
    }
    String path = DurableCopy.newFile(directory, "-partial-" + task + "-" + stepNo);
    try {
      written.accept(DurableCopy.write(path, DoubleArrayCoder.of(), partial));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "ComQueue: cannot write task " + task + "'s AllReduce partial to " + path, e);
    }
    ResidentStore.get()
        .put(path, new Shared(partial, new AtomicInteger(numTasks)), 8L * partial.length);
    return new ShippedPartial(task, stepNo, partial.length, null, path);
  }

  /**
   * The values: in the element, in this JVM's store (which drops them once every task has read
   * them), or read from the durable copy, whose bytes {@code read} receives.
   */
  double[] read(String queue, LongConsumer read) {
    if (inline()) {
      return values;
    }
    Object held = ResidentStore.get().lookup(path);
    if (held instanceof Shared shared) {
      if (shared.readers().decrementAndGet() <= 0) {
        ResidentStore.get().release(path);
      }
      return shared.values();
    }
    try {
      double[] copy = DurableCopy.read(path, DoubleArrayCoder.of(), read);
      if (copy.length != length) {
        throw new IOException("it holds " + copy.length + " values instead of " + length);
      }
      return copy;
    } catch (FileNotFoundException e) {
      throw new IllegalStateException(
          "ComQueue '"
              + queue
              + "' at superstep "
              + stepNo
              + ": task "
              + task
              + "'s AllReduce partial "
              + path
              + " is missing. A task reads the partials other tasks wrote on other machines from"
              + " the loop's directory under --tempLocation, which on a cluster of several"
              + " machines must be a file system every worker reaches",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "ComQueue '" + queue + "': cannot read task " + task + "'s AllReduce partial " + path, e);
    }
  }

  /** The bytes the side input element takes, give or take its framing. */
  long shippedBytes() {
    return inline() ? 8L * length + 16 : path.length() + 16;
  }

  /** The coder of shipped partials. */
  static final class PartialCoder extends CustomCoder<ShippedPartial> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;
    private static final PartialCoder INSTANCE = new PartialCoder();

    static PartialCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ShippedPartial value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeInt(value.task);
      data.writeInt(value.stepNo);
      data.writeInt(value.length);
      data.writeBoolean(value.inline());
      if (value.inline()) {
        data.flush();
        DoubleArrayCoder.of().encode(value.values, out);
      } else {
        data.writeUTF(value.path);
        data.flush();
      }
    }

    @Override
    public ShippedPartial decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "ComQueue AllReduce partial");
      DataInputStream data = new DataInputStream(in);
      int task = data.readInt();
      int stepNo = data.readInt();
      int length = data.readInt();
      if (data.readBoolean()) {
        return new ShippedPartial(task, stepNo, length, DoubleArrayCoder.of().decode(in), null);
      }
      return new ShippedPartial(task, stepNo, length, null, data.readUTF());
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof PartialCoder;
    }

    @Override
    public int hashCode() {
      return PartialCoder.class.hashCode();
    }
  }
}
