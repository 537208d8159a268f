package org.beamlink.iteration;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.values.KV;

/**
 * How a step of a loop finds a partition's data objects: in this JVM's {@link ResidentStore} (a
 * hit), else from their durable copy (a miss), which it then keeps resident. Both give the same
 * objects: a partition's elements in hash order, so a miss computes the same, bit for bit.
 *
 * <p>A token leaves a stage without its data objects ({@link #detach}); an object the program put
 * in place of its data (a relabelled copy of the blocks, say) is written durably once, when it
 * appears, and found like the data from then on.
 */
final class ResidentPartitions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The file name ending of partition manifests. */
  static final String MANIFEST_SUFFIX = ".parts";

  private final ComQueueSpec spec;
  private final boolean keepPartitions;
  private final Counter hits;
  private final Counter misses;
  private final Counter bytesRead;
  private final Counter bytesWritten;

  /** The data objects of one partition and their size. */
  record Resident(Map<String, Object> objects, long bytes) {}

  /**
   * Finds the data of {@code spec}'s partitions; {@code keepPartitions} false keeps none of them in
   * the store (the in-worker loop holds its partitions itself, or streams them from disk).
   */
  ResidentPartitions(ComQueueSpec spec, boolean keepPartitions) {
    this.spec = spec;
    this.keepPartitions = keepPartitions;
    String queue = spec.program.name;
    this.hits = ComQueueMetrics.residentHits(queue);
    this.misses = ComQueueMetrics.residentMisses(queue);
    this.bytesRead = ComQueueMetrics.durableBytesRead(queue);
    this.bytesWritten = ComQueueMetrics.durableBytesWritten(queue);
  }

  /** The chunk coder of input {@code input}: each element with its hash. */
  @SuppressWarnings("unchecked")
  static Coder<List<KV<Long, Object>>> chunkCoder(Coder<?> elementCoder) {
    return ListCoder.of(KvCoder.of(VarLongCoder.of(), (Coder<Object>) elementCoder));
  }

  /**
   * Builds the data objects of {@code context}'s task from its chunks among {@code refs} (taken
   * from the store, or read) into {@code context}, and keeps them resident under a new key.
   */
  void assemble(ComContext context, List<ChunkRef> refs, String directory) {
    int task = context.taskId;
    Map<String, Object> objects = new HashMap<>();
    List<String> names = spec.dataNames();
    List<List<KV<Long, Object>>> hashed = new ArrayList<>();
    Map<String, List<String>> chunkPaths = new TreeMap<>();
    for (String name : names) {
      hashed.add(new ArrayList<>());
      chunkPaths.put(name, new ArrayList<>());
    }
    long bytes = 0;
    boolean allResident = true;
    for (ChunkRef ref : refs) {
      if (ref.isMarker() || (ref.task() != task && ref.task() != ChunkRef.ALL_TASKS)) {
        continue;
      }
      String name = names.get(ref.input());
      chunkPaths.get(name).add(ref.path());
      bytes += ref.bytes();
      // Broadcast chunks serve every task: they stay in the store until the loop's clean-up.
      Object held =
          !spec.keepChunks
              ? null
              : ref.task() == ChunkRef.ALL_TASKS
                  ? ResidentStore.get().lookup(ref.path())
                  : ResidentStore.get().take(ref.path());
      List<KV<Long, Object>> chunk;
      if (held == null) {
        allResident = false;
        chunk = readChunk(name, ref.path());
      } else {
        @SuppressWarnings("unchecked")
        List<KV<Long, Object>> kept = (List<KV<Long, Object>>) held;
        chunk = kept;
      }
      hashed.get(ref.input()).addAll(chunk);
    }
    (allResident ? hits : misses).inc();
    for (int i = 0; i < names.size(); i++) {
      chunkPaths.get(names.get(i)).sort(null);
      objects.put(names.get(i), PartitionAssigner.sortedValues(hashed.get(i)));
    }
    PartitionRef partition = newPartition(chunkPaths, directory);
    keep(partition, objects, bytes);
    context.objects.putAll(objects);
    context.partition = partition;
    context.attached = new HashMap<>(objects);
  }

  /**
   * The reference of task {@code task}'s data without reading it, for a partition served from its
   * durable copy at every step; its chunks leave the store.
   */
  PartitionRef reference(int task, List<ChunkRef> refs, String directory) {
    List<String> names = spec.dataNames();
    Map<String, List<String>> chunkPaths = new TreeMap<>();
    for (String name : names) {
      chunkPaths.put(name, new ArrayList<>());
    }
    for (ChunkRef ref : refs) {
      if (!ref.isMarker() && (ref.task() == task || ref.task() == ChunkRef.ALL_TASKS)) {
        chunkPaths.get(names.get(ref.input())).add(ref.path());
        if (ref.task() == task) {
          ResidentStore.get().release(ref.path());
        }
      }
    }
    chunkPaths.values().forEach(paths -> paths.sort(null));
    return newPartition(chunkPaths, directory);
  }

  /** A new partition of these chunks, its manifest written once. */
  private PartitionRef newPartition(Map<String, List<String>> chunkPaths, String directory) {
    String manifest = DurableCopy.newFile(directory, MANIFEST_SUFFIX);
    try {
      bytesWritten.inc(DurableCopy.write(manifest, PartitionRef.MANIFEST_CODER, chunkPaths));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "ComQueue '" + spec.program.name + "': cannot write " + manifest, e);
    }
    return new PartitionRef(UUID.randomUUID().toString(), 0, manifest, Map.of());
  }

  /** The chunk files of each data object of {@code partition}, from its manifest. */
  Map<String, List<String>> chunkFiles(PartitionRef partition) {
    try {
      return DurableCopy.read(partition.manifest, PartitionRef.MANIFEST_CODER, bytesRead::inc);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "ComQueue '"
              + spec.program.name
              + "': cannot read the manifest of a partition, "
              + partition.manifest,
          e);
    }
  }

  /**
   * Puts the data objects of {@code context}'s partition into it: from the store when this JVM
   * holds them, else from their durable copies, which are then kept resident.
   */
  void attach(ComContext context) {
    PartitionRef partition = context.partition;
    Object held =
        spec.residentStore && keepPartitions ? ResidentStore.get().lookup(partition.key()) : null;
    Map<String, Object> objects;
    if (held != null) {
      hits.inc();
      objects = ((Resident) held).objects();
    } else {
      misses.inc();
      objects = new HashMap<>();
      Map<String, List<String>> chunks = null;
      for (String name : spec.dataNames()) {
        String replacement = partition.replaced.get(name);
        if (replacement != null) {
          if (!replacement.isEmpty()) {
            Map<String, Object> read = readObject(replacement);
            objects.put(name, read.get(name));
          }
          continue;
        }
        List<KV<Long, Object>> hashed = new ArrayList<>();
        if (chunks == null) {
          chunks = chunkFiles(partition);
        }
        for (String path : chunks.getOrDefault(name, List.of())) {
          hashed.addAll(readChunk(name, path));
        }
        objects.put(name, PartitionAssigner.sortedValues(hashed));
      }
      keep(partition, objects, estimatedBytes(objects));
    }
    context.objects.putAll(objects);
    context.attached = new HashMap<>(objects);
  }

  /**
   * Takes the data objects out of {@code context} before it leaves a stage; one the program
   * replaced (or removed) is written to a new durable file and kept resident under a new key.
   */
  void detach(ComContext context, String directory) {
    PartitionRef partition = context.partition;
    Map<String, Object> attached = context.attached;
    boolean changed = false;
    for (String name : spec.dataNames()) {
      Object now = context.objects.remove(name);
      if (now == attached.get(name)) {
        continue;
      }
      String path = "";
      if (now != null) {
        path = DurableCopy.newFile(directory, ".obj");
        Map<String, Object> single = new TreeMap<>();
        single.put(name, now);
        try {
          bytesWritten.inc(DurableCopy.write(path, spec.objectsCoder(), single));
        } catch (IOException e) {
          throw new UncheckedIOException(
              "ComQueue '" + spec.program.name + "': cannot write " + path, e);
        }
      }
      attached.put(name, now);
      partition = partition.withReplaced(name, path);
      changed = true;
    }
    if (changed) {
      ResidentStore.get().release(context.partition.key());
      Map<String, Object> objects = new HashMap<>(attached);
      objects.values().removeIf(java.util.Objects::isNull);
      keep(partition, objects, estimatedBytes(objects));
    }
    context.partition = partition;
    context.attached = null;
  }

  /** Drops this JVM's copy of {@code partition}'s objects. */
  void release(PartitionRef partition) {
    ResidentStore.get().release(partition.key());
  }

  private void keep(PartitionRef partition, Map<String, Object> objects, long bytes) {
    if (spec.residentStore && keepPartitions) {
      ResidentStore.get().put(partition.key(), new Resident(objects, bytes), bytes);
    }
  }

  private List<KV<Long, Object>> readChunk(String name, String path) {
    try {
      return DurableCopy.read(path, chunkCoder(spec.dataCoders.get(name)), bytesRead::inc);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "ComQueue '"
              + spec.program.name
              + "': a stage found no resident copy of data '"
              + name
              + "' and cannot read its durable copy "
              + path,
          e);
    }
  }

  private Map<String, Object> readObject(String path) {
    try {
      return DurableCopy.read(path, spec.objectsCoder(), bytesRead::inc);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "ComQueue '" + spec.program.name + "': cannot read the durable copy " + path, e);
    }
  }

  /** The in-memory size of data objects, from their blocks (other elements count 64 bytes). */
  static long estimatedBytes(Map<String, Object> objects) {
    long bytes = 0;
    for (Object o : objects.values()) {
      if (o instanceof List<?> list) {
        for (Object e : list) {
          bytes += e instanceof org.beamlink.models.linalg.Block b ? b.estimatedBytes() : 64;
        }
      }
    }
    return bytes;
  }
}
