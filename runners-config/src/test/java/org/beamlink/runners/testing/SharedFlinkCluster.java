package org.beamlink.runners.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;

/**
 * One local Flink cluster per test JVM, started on first use and set as Flink's context
 * environment, so that every FlinkRunner test (with {@code --flinkMaster=[auto]}) submits to it
 * instead of starting its own.
 */
final class SharedFlinkCluster {
  static final int SLOTS = 4;
  static final int DEFAULT_PARALLELISM = 2;

  private static MiniCluster cluster;

  private SharedFlinkCluster() {}

  static synchronized void ensureStarted() {
    if (cluster != null) {
      // Again: a test of EmbeddedFlinkCluster replaces and then clears the context environment.
      TestStreamEnvironment.setAsContext(cluster, DEFAULT_PARALLELISM);
      return;
    }
    Configuration conf = new Configuration();
    // Any free port: test JVMs of builds that run at the same time would collide on 8081.
    conf.set(RestOptions.BIND_PORT, "0");
    // Deep unrolled graphs deploy hundreds of tasks at once in streaming mode.
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("256m"));
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("256m"));
    // Batch mode gives every keyed operator (one per side-input view) a fixed slice of managed
    // memory, at least 12 pages of 32 KB: 300 unrolled supersteps need more than the default.
    // Flink allocates it only while a sorter runs.
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("2g"));
    MiniCluster started =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(SLOTS)
                .build());
    try {
      started.start();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start the shared Flink test cluster", e);
    }
    TestStreamEnvironment.setAsContext(started, DEFAULT_PARALLELISM);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    started.close();
                  } catch (Exception e) {
                    // The JVM is exiting; nothing is left to clean up for.
                  }
                }));
    cluster = started;
  }
}
