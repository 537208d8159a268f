package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResidentPartitionsTest {
  @TempDir Path temp;

  private static ComQueueSpec spec(boolean residentStore) {
    ComQueueProgram program =
        new ComQueueProgram("rp-" + residentStore, List.of(AllReduce.sum("x")), null, 1);
    Map<String, Coder<?>> coders = Map.of("data", DoubleCoder.of(), "weights", DoubleCoder.of());
    return new ComQueueSpec(
        program, 2, List.of("data"), List.of("weights"), coders, residentStore, true, 0);
  }

  /** Writes a chunk of task {@code task} of input {@code input}; keeps it in the store if asked. */
  private ChunkRef chunk(int input, int task, boolean resident, List<KV<Long, Object>> elements)
      throws Exception {
    String path = DurableCopy.newFile(temp.toString(), ".chunk");
    long bytes = DurableCopy.write(path, ResidentPartitions.chunkCoder(DoubleCoder.of()), elements);
    if (resident) {
      ResidentStore.get().put(path, elements, bytes);
    }
    return new ChunkRef(input, task, path, elements.size(), bytes);
  }

  @Test
  void assemblesATasksChunksInHashOrderFromMemoryOrDisk() throws Exception {
    ComQueueSpec spec = spec(true);
    List<ChunkRef> refs =
        List.of(
            ChunkRef.marker(),
            chunk(0, 1, true, List.of(KV.of(7L, 7.0), KV.of(-3L, -3.0))),
            chunk(0, 1, false, List.of(KV.of(2L, 2.0))),
            chunk(0, 0, true, List.of(KV.of(1L, 100.0))),
            chunk(1, ChunkRef.ALL_TASKS, true, List.of(KV.of(5L, 0.5))));
    ComContext context = new ComContext(1, 2);

    new ResidentPartitions(spec, true).assemble(context, refs, temp.toString());

    assertEquals(List.of(-3.0, 2.0, 7.0), context.getObj("data"));
    assertEquals(List.of(0.5), context.getObj("weights"));
    assertEquals(
        Map.of(
            "data",
            List.of(refs.get(1).path(), refs.get(2).path()).stream().sorted().toList(),
            "weights",
            List.of(refs.get(4).path())),
        new ResidentPartitions(spec, true).chunkFiles(context.partition));
    Object kept = ResidentStore.get().lookup(context.partition.key());
    assertTrue(kept instanceof ResidentPartitions.Resident);
    assertNull(ResidentStore.get().lookup(refs.get(1).path()), "the task's chunk was taken");
    assertTrue(ResidentStore.get().lookup(refs.get(3).path()) != null, "task 0's chunk stays");
    ResidentStore.get().release(context.partition.key());
  }

  @Test
  void aStageThatMissesReadsTheSameObjectsBackAndKeepsThem() throws Exception {
    ComQueueSpec spec = spec(true);
    ResidentPartitions partitions = new ResidentPartitions(spec, true);
    ComContext first = new ComContext(0, 2);
    partitions.assemble(
        first,
        List.of(
            chunk(0, 0, true, List.of(KV.of(9L, 9.0), KV.of(1L, 1.0))),
            chunk(1, ChunkRef.ALL_TASKS, true, List.of(KV.of(5L, 0.5)))),
        temp.toString());
    partitions.detach(first, temp.toString());
    assertFalse(first.containsObj("data"), "the token leaves without its data");
    PartitionRef ref = first.partition;
    partitions.release(ref);

    ComContext later = token(spec, first);
    partitions.attach(later);

    assertEquals(List.of(1.0, 9.0), later.getObj("data"));
    assertEquals(List.of(0.5), later.getObj("weights"));
    ResidentPartitions.Resident kept =
        (ResidentPartitions.Resident) ResidentStore.get().lookup(ref.key());
    assertSame(kept.objects().get("data"), later.getObj("data"), "kept resident after the miss");
    partitions.release(ref);
  }

  @Test
  void anObjectPutInPlaceOfTheDataIsWrittenOnceAndFoundAfterAMiss() throws Exception {
    ComQueueSpec spec = spec(true);
    ResidentPartitions partitions = new ResidentPartitions(spec, true);
    ComContext context = new ComContext(0, 2);
    partitions.assemble(
        context, List.of(chunk(0, 0, true, List.of(KV.of(1L, 1.0)))), temp.toString());
    PartitionRef before = context.partition;
    context.putObj("data", List.of(2.0, 4.0));

    partitions.detach(context, temp.toString());

    PartitionRef after = context.partition;
    assertNotEquals(before.key(), after.key());
    assertNull(ResidentStore.get().lookup(before.key()), "the old version is dropped");
    assertTrue(after.replaced.containsKey("data"));
    partitions.release(after);
    ComContext missed = token(spec, context);
    partitions.attach(missed);
    assertEquals(List.of(2.0, 4.0), missed.getObj("data"));

    partitions.detach(missed, temp.toString());
    assertEquals(after, missed.partition, "an unchanged object is not written again");
    partitions.release(after);
  }

  @Test
  void withoutTheStoreEveryStepReadsTheDurableCopy() throws Exception {
    ComQueueSpec spec = spec(false);
    ResidentPartitions partitions = new ResidentPartitions(spec, true);
    ComContext context = new ComContext(0, 2);
    ChunkRef ref = chunk(0, 0, true, List.of(KV.of(3L, 3.0)));

    partitions.assemble(context, List.of(ref), temp.toString());
    partitions.detach(context, temp.toString());

    assertNull(ResidentStore.get().lookup(context.partition.key()));
    assertTrue(ResidentStore.get().lookup(ref.path()) != null, "the chunk was not taken");
    ResidentStore.get().release(ref.path());
    ComContext later = token(spec, context);
    partitions.attach(later);
    assertEquals(List.of(3.0), later.getObj("data"));
  }

  /** The token as the next stage receives it: through its coder. */
  private static ComContext token(ComQueueSpec spec, ComContext context) throws Exception {
    return CoderUtils.clone(new ComContextCoder(spec.dataCoders), context);
  }
}
