package org.beamlink.iteration;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;

/**
 * Runs the partitions one step holds at the same time, one thread each, as Alink runs the tasks of
 * a worker: the in-worker loop holds every partition, and a distributed stage holds those its
 * runner sent to one worker (Flink's batch scheduler gives a stage of small records one subtask,
 * and its key groups may put two tasks on one subtask at any parallelism). The calling thread runs
 * one of them itself; the others run on a shared pool of daemon threads. The Beam metrics the work
 * reports land in the calling step's metrics. Readers use it too, to parse the parts of a file one
 * subtask received on every core.
 *
 * <pre>{@code
 * List<Integer> sums = PartitionThreads.runAll(List.of(() -> 1 + 1, () -> 2 + 2));
 * }</pre>
 */
public final class PartitionThreads {
  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "beamlink-comqueue-partition");
            thread.setDaemon(true);
            return thread;
          });

  private PartitionThreads() {}

  /**
   * Runs every item of {@code work} at the same time and returns their results in order; the first
   * failure is thrown once all have ended.
   */
  public static <T> List<T> runAll(List<Callable<T>> work) throws Exception {
    if (work.size() <= 1) {
      return work.isEmpty() ? List.of() : List.of(work.get(0).call());
    }
    MetricsContainer metrics = MetricsEnvironment.getCurrentContainer();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    List<Future<T>> started = new ArrayList<>(work.size());
    for (int i = 1; i < work.size(); i++) {
      Callable<T> item = work.get(i);
      started.add(POOL.submit(() -> inCallersContext(metrics, loader, item)));
    }
    List<T> results = new ArrayList<>(work.size());
    Exception failure = null;
    try {
      results.add(work.get(0).call());
    } catch (Exception e) {
      failure = e;
    }
    for (Future<T> f : started) {
      try {
        results.add(f.get());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        if (failure == null) {
          failure = (Exception) e.getCause();
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return results;
  }

  /**
   * Runs {@code item} with the caller's metrics container and context class loader. The loader
   * matters: a pool thread keeps the loader of the thread that created it, which may be a Flink
   * job's user-code loader, closed once that job ended (Hadoop's configuration, which Parquet's
   * reader builds, then fails with "Trying to access closed classloader").
   */
  private static <T> T inCallersContext(
      MetricsContainer metrics, ClassLoader loader, Callable<T> item) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader own = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      if (metrics == null) {
        return item.call();
      }
      try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(metrics)) {
        return item.call();
      }
    } finally {
      thread.setContextClassLoader(own);
    }
  }
}
