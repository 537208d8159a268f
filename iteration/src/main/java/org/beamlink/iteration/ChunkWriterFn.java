package org.beamlink.iteration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.beamlink.models.linalg.Block;

/**
 * Loads one input of a loop, where its elements are: each element goes to the task its hash picks
 * ({@link PartitionAssigner}), or to every task for broadcast data; at the end of a bundle the
 * elements of each task are written once as a chunk (its durable copy), kept in this JVM's {@link
 * ResidentStore}, and only a reference to the chunk ({@link ChunkRef}) travels on, keyed by the
 * task that will assemble it (by 0 when the loop runs in one worker). The data itself is never
 * shuffled.
 */
final class ChunkWriterFn<T> extends DoFn<T, KV<Integer, ChunkRef>> {
  private final ComQueueSpec spec;
  private final int input;
  private final Coder<T> coder;
  private final boolean gather;
  private final Counter bytesWritten;

  private transient Map<Integer, List<KV<Long, Object>>> buffers;
  private transient String directory;

  ChunkWriterFn(ComQueueSpec spec, int input, Coder<T> coder, boolean gather) {
    this.spec = spec;
    this.input = input;
    this.coder = coder;
    this.gather = gather;
    this.bytesWritten = ComQueueMetrics.durableBytesWritten(spec.program.name);
  }

  @StartBundle
  public void startBundle(StartBundleContext c) {
    buffers = new TreeMap<>();
    directory = DurableCopy.directory(c.getPipelineOptions(), spec.program.name);
  }

  @ProcessElement
  public void process(@Element T element) throws IOException {
    long hash =
        element instanceof Block block
            ? block.contentHash()
            : PartitionAssigner.hash(CoderUtils.encodeToByteArray(coder, element));
    int task =
        spec.isBroadcast(input)
            ? ChunkRef.ALL_TASKS
            : PartitionAssigner.partitionOf(hash, spec.numTasks);
    buffers.computeIfAbsent(task, t -> new ArrayList<>()).add(KV.of(hash, (Object) element));
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    for (Map.Entry<Integer, List<KV<Long, Object>>> e : buffers.entrySet()) {
      int task = e.getKey();
      List<KV<Long, Object>> chunk = e.getValue();
      String path = DurableCopy.newFile(directory, ".chunk");
      long bytes;
      try {
        bytes =
            DurableCopy.write(
                path, ResidentPartitions.chunkCoder(spec.dataCoders.get(name())), chunk);
      } catch (IOException ex) {
        throw new UncheckedIOException(
            "ComQueue '"
                + spec.program.name
                + "': cannot write the durable copy of data '"
                + name()
                + "' to "
                + path,
            ex);
      }
      bytesWritten.inc(bytes);
      if (spec.keepChunks) {
        ResidentStore.get().put(path, chunk, bytes);
      }
      ChunkRef ref = new ChunkRef(input, task, path, chunk.size(), bytes);
      if (gather) {
        output(c, 0, ref);
      } else if (task == ChunkRef.ALL_TASKS) {
        for (int t = 0; t < spec.numTasks; t++) {
          output(c, t, ref);
        }
      } else {
        output(c, task, ref);
      }
    }
    buffers = null;
  }

  private String name() {
    return spec.dataNames().get(input);
  }

  private void output(FinishBundleContext c, int key, ChunkRef ref) {
    c.output(KV.of(key, ref), BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
  }
}
