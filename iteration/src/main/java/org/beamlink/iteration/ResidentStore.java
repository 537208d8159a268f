package org.beamlink.iteration;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The per-JVM store that keeps a loop's partition data in the worker between unrolled supersteps,
 * as Alink keeps its ComContext objects next to Flink's iteration operator. It is a cache, never
 * the only copy: every entry also has a durable copy ({@link DurableCopy}), so an entry may go at
 * any time and a stage that misses reads the durable copy instead, with the same result.
 *
 * <p>Entries go when their owner releases them (a partition when its loop ends, a chunk when its
 * partition is assembled), when the store is over its capacity (least recently used first), and
 * when nothing has used them for {@link #IDLE_MILLIS} (the loop failed, or its partition moved to
 * another JVM): a daemon thread sweeps them every few seconds. Keys are random per loop run, so two
 * runs of one pipeline never share an entry. The transforms' large side inputs ({@code
 * LargeSingleton}) keep a value here under its durable copy's path, so readers in the JVM that
 * wrote it do not decode it again.
 *
 * <pre>{@code
 * ResidentStore.get().put(path, value, bytes);
 * Object held = ResidentStore.get().lookup(path);  // null once dropped: read the durable copy
 * }</pre>
 */
public final class ResidentStore {
  /** Share of the JVM's maximum heap the store may hold. */
  static final double CAPACITY_SHARE = 0.5;

  /** An entry unused for this long is dropped. */
  static final long IDLE_MILLIS = 120_000;

  private static final ResidentStore INSTANCE =
      new ResidentStore(
          (long) (Runtime.getRuntime().maxMemory() * CAPACITY_SHARE),
          IDLE_MILLIS,
          System::currentTimeMillis);

  private static volatile ScheduledExecutorService sweeper;

  private final long capacityBytes;
  private final long idleMillis;
  private final LongSupplier clock;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  private record Entry(Object value, long bytes, long[] lastUsed) {}

  ResidentStore(long capacityBytes, long idleMillis, LongSupplier clock) {
    this.capacityBytes = capacityBytes;
    this.idleMillis = idleMillis;
    this.clock = clock;
  }

  /** This JVM's store; the first call starts the idle sweeper. */
  public static ResidentStore get() {
    if (sweeper == null) {
      synchronized (ResidentStore.class) {
        if (sweeper == null) {
          ScheduledExecutorService s =
              Executors.newSingleThreadScheduledExecutor(
                  r -> {
                    Thread t = new Thread(r, "beamlink-resident-store-sweeper");
                    t.setDaemon(true);
                    return t;
                  });
          s.scheduleWithFixedDelay(INSTANCE::dropIdle, 5, 5, TimeUnit.SECONDS);
          sweeper = s;
        }
      }
    }
    return INSTANCE;
  }

  /**
   * Keeps {@code value} (about {@code size} bytes) under {@code key}, dropping the least recently
   * used entries while the store is over capacity; a value larger than the whole capacity is not
   * kept. Returns whether it was kept.
   */
  public synchronized boolean put(String key, Object value, long size) {
    dropIdleLocked();
    Entry old = entries.remove(key);
    if (old != null) {
      bytes -= old.bytes;
    }
    if (size > capacityBytes) {
      return false;
    }
    Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
    while (bytes + size > capacityBytes && eldest.hasNext()) {
      bytes -= eldest.next().getValue().bytes;
      eldest.remove();
    }
    entries.put(key, new Entry(value, size, new long[] {clock.getAsLong()}));
    bytes += size;
    return true;
  }

  /** The value under {@code key}, or null when this JVM does not hold it. */
  public synchronized Object lookup(String key) {
    dropIdleLocked();
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    e.lastUsed[0] = clock.getAsLong();
    return e.value;
  }

  /** Removes and returns the value under {@code key}, or null. */
  synchronized Object take(String key) {
    Entry e = entries.remove(key);
    if (e == null) {
      return null;
    }
    bytes -= e.bytes;
    return e.value;
  }

  /** Drops the value under {@code key}, if held. */
  synchronized void release(String key) {
    take(key);
  }

  /** Bytes held. */
  synchronized long bytes() {
    return bytes;
  }

  /** Entries held. */
  synchronized int size() {
    return entries.size();
  }

  synchronized void dropIdle() {
    dropIdleLocked();
  }

  private void dropIdleLocked() {
    long now = clock.getAsLong();
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Entry e = it.next().getValue();
      if (now - e.lastUsed[0] > idleMillis) {
        bytes -= e.bytes;
        it.remove();
      }
    }
  }
}
