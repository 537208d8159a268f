package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.junit.jupiter.api.Test;

class PartitionThreadsTest {
  @Test
  void runsEveryItemAtTheSameTimeAndKeepsTheirOrder() throws Exception {
    int n = 4;
    // Each item waits until all have started: this only ends if they run at the same time.
    CountDownLatch started = new CountDownLatch(n);
    List<Callable<Integer>> work = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int item = i;
      work.add(
          () -> {
            started.countDown();
            assertTrue(started.await(10, TimeUnit.SECONDS), "item " + item + " ran alone");
            return item * 10;
          });
    }

    assertEquals(List.of(0, 10, 20, 30), PartitionThreads.runAll(work));
  }

  /**
   * A pool thread keeps the context class loader of the thread that created it (in a worker, maybe
   * a finished Flink job's, closed); the work runs with the caller's, and the thread gets its own
   * back.
   */
  @Test
  void itemsRunWithTheCallersContextClassLoader() throws Exception {
    Thread caller = Thread.currentThread();
    ClassLoader own = caller.getContextClassLoader();
    ClassLoader loader = new URLClassLoader(new URL[0], own);
    List<Callable<ClassLoader>> work = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      work.add(() -> Thread.currentThread().getContextClassLoader());
    }
    caller.setContextClassLoader(loader);
    try {
      assertEquals(List.of(loader, loader, loader), PartitionThreads.runAll(work));
    } finally {
      caller.setContextClassLoader(own);
    }
    List<Callable<ClassLoader>> after = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      after.add(() -> Thread.currentThread().getContextClassLoader());
    }
    assertEquals(List.of(own, own, own), PartitionThreads.runAll(after));
  }

  @Test
  void oneItemOrNoneRunsOnTheCallingThread() throws Exception {
    Thread caller = Thread.currentThread();
    assertEquals(List.of(), PartitionThreads.runAll(List.of()));
    assertEquals(
        List.of(true), PartitionThreads.runAll(List.of(() -> Thread.currentThread() == caller)));
  }

  @Test
  void theFirstFailureIsThrownOnceEveryItemHasEnded() {
    AtomicInteger ended = new AtomicInteger();
    IllegalStateException first = new IllegalStateException("partition 1 failed");
    List<Callable<Integer>> work =
        List.of(
            () -> {
              ended.incrementAndGet();
              return 0;
            },
            () -> {
              ended.incrementAndGet();
              throw first;
            },
            () -> {
              Thread.sleep(200);
              ended.incrementAndGet();
              return 2;
            });

    Exception thrown = assertThrows(Exception.class, () -> PartitionThreads.runAll(work));
    assertSame(first, thrown);
    assertEquals(3, ended.get());
  }

  @Test
  void metricsOfEveryItemLandInTheCallersContainer() throws Exception {
    MetricsContainerImpl container = new MetricsContainerImpl("stage");
    List<Callable<Integer>> work = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      work.add(
          () -> {
            Metrics.counter("test", "items").inc();
            return 0;
          });
    }
    try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(container)) {
      PartitionThreads.runAll(work);
    }

    assertEquals(
        3L, container.getCounter(MetricName.named("test", "items")).getCumulative().longValue());
  }
}
