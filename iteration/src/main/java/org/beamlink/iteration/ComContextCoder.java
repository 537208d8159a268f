package org.beamlink.iteration;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.util.VarInt;
import org.beamlink.models.linalg.ArrayEncoding;

/**
 * Encodes a partition's token between distributed supersteps: its position in the loop, where its
 * data is ({@link PartitionRef}) and its other objects; the data objects themselves stay in the
 * worker.
 */
final class ComContextCoder extends CustomCoder<ComContext> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 3;

  private final ComObjectsCoder objectsCoder;

  ComContextCoder(Map<String, Coder<?>> dataCoders) {
    this.objectsCoder = new ComObjectsCoder(dataCoders);
  }

  @Override
  public void encode(ComContext value, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeByte(VERSION);
    data.writeInt(value.taskId);
    data.writeInt(value.numTask);
    data.writeInt(value.stepNo);
    data.writeInt(value.pc);
    data.writeInt(value.pendingAllReduce);
    data.writeBoolean(value.finished);
    data.writeBoolean(value.partition != null);
    data.flush();
    if (value.partition != null) {
      value.partition.encode(out);
    }
    VarInt.encode(value.partialFiles.size(), out);
    for (String file : value.partialFiles) {
      data.writeUTF(file);
    }
    data.flush();
    objectsCoder.encode(value.objects, out);
  }

  @Override
  public ComContext decode(InputStream in) throws IOException {
    ArrayEncoding.readVersion(in, VERSION, "ComQueue partition state");
    DataInputStream data = new DataInputStream(in);
    int taskId = data.readInt();
    int numTask = data.readInt();
    int stepNo = data.readInt();
    int pc = data.readInt();
    int pending = data.readInt();
    boolean finished = data.readBoolean();
    PartitionRef partition = data.readBoolean() ? PartitionRef.decode(in) : null;
    List<String> partialFiles = new ArrayList<>();
    for (int n = VarInt.decodeInt(in); n > 0; n--) {
      partialFiles.add(data.readUTF());
    }
    ComContext context = new ComContext(taskId, numTask, stepNo, objectsCoder.decode(in));
    context.partition = partition;
    context.partialFiles.addAll(partialFiles);
    context.pc = pc;
    context.pendingAllReduce = pending;
    context.finished = finished;
    return context;
  }

  @Override
  public void verifyDeterministic() {}
}
