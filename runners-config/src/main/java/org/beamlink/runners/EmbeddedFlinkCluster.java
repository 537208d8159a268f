package org.beamlink.runners;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The embedded Flink cluster of a command-line JVM, started on a background thread as the JVM
 * starts, so that starting it (about 1.4 s on 2 cores) overlaps Beam's options, building the
 * pipeline and translating it, instead of following them as a per-job cluster does. It is set as
 * Flink's context environment: {@link RunnerOptions} then gives pipelines without a {@code
 * --flinkMaster} the master {@code [auto]}, and every pipeline of the JVM runs on this one cluster,
 * which ends with the JVM.
 *
 * <p>It is the cluster Beam starts for {@code --flinkMaster=[local]}: one task manager with one
 * slot per available processor (the default parallelism), managed memory the configured fraction
 * (0.4) of the free heap, Flink's configuration directory ({@code FLINK_CONF_DIR}) when one is set,
 * the REST endpoint on any free port. Pipelines whose arguments name a master or another runner
 * keep Beam's own handling. A JVM must not start it when it runs pipelines with a parallelism above
 * the processors: such a pipeline gets Beam's {@code [local]} master, and Flink refuses a local
 * environment while a context environment is set ("The LocalStreamEnvironment cannot be used when
 * submitting a program through a client"); the command line does not start it then.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   EmbeddedFlinkCluster.startInBackground();
 *   Pipeline p = Pipeline.create(RunnerOptions.fromArgs(args));   // runs on the started cluster
 * }
 * }</pre>
 */
public final class EmbeddedFlinkCluster {
  private static CompletableFuture<MiniCluster> cluster;
  private static int slots;

  private EmbeddedFlinkCluster() {}

  /**
   * Starts the cluster on a daemon thread, once per JVM, and sets it as Flink's context
   * environment; returns at once. A pipeline submitted before the start ends waits for it; a start
   * that failed fails the submission with its cause.
   */
  public static synchronized void startInBackground() {
    if (cluster != null) {
      return;
    }
    int processors = Runtime.getRuntime().availableProcessors();
    Configuration conf = flinkConfiguration();
    CompletableFuture<MiniCluster> starting = new CompletableFuture<>();
    Thread start =
        new Thread(
            () -> {
              try {
                MiniCluster started = new MiniCluster(clusterConfiguration(conf, processors));
                started.start();
                starting.complete(started);
              } catch (Throwable e) {
                starting.completeExceptionally(e);
              }
            },
            "beamlink-flink-start");
    start.setDaemon(true);
    start.start();
    ContextEnvironment.install(starting, conf, processors);
    cluster = starting;
    slots = processors;
  }

  /** The slots of the started cluster; 0 when none was started (or it was closed). */
  public static synchronized int slots() {
    return cluster == null ? 0 : slots;
  }

  /**
   * The started cluster, once its start has ended.
   *
   * @throws IllegalStateException when none was started, or the start failed
   */
  public static MiniCluster cluster() {
    CompletableFuture<MiniCluster> starting;
    synchronized (EmbeddedFlinkCluster.class) {
      starting = cluster;
    }
    if (starting == null) {
      throw new IllegalStateException("No embedded Flink cluster was started");
    }
    return ContextEnvironment.await(starting);
  }

  /**
   * Stops the started cluster, if any, and clears Flink's context environment: later pipelines
   * without a {@code --flinkMaster} start their own cluster again.
   */
  public static synchronized void close() throws Exception {
    if (cluster == null) {
      return;
    }
    CompletableFuture<MiniCluster> closing = cluster;
    cluster = null;
    slots = 0;
    ContextEnvironment.clear();
    ContextEnvironment.await(closing).close();
  }

  /** Flink's configuration directory ({@code FLINK_CONF_DIR}), if set, as Beam reads it. */
  private static Configuration flinkConfiguration() {
    String confDir = System.getenv("FLINK_CONF_DIR");
    return confDir == null ? new Configuration() : GlobalConfiguration.loadConfiguration(confDir);
  }

  private static MiniClusterConfiguration clusterConfiguration(Configuration flink, int slots) {
    Configuration conf = new Configuration(flink);
    if (!conf.contains(TaskManagerOptions.MANAGED_MEMORY_SIZE)) {
      long free = EnvironmentInformation.getSizeOfFreeHeapMemoryWithDefrag();
      float fraction = conf.get(TaskManagerOptions.MANAGED_MEMORY_FRACTION);
      conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, new MemorySize((long) (fraction * free)));
    }
    if (!conf.contains(CoreOptions.CHECK_LEAKED_CLASSLOADER)) {
      conf.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false);
    }
    if (!conf.contains(RestOptions.BIND_PORT)) {
      conf.set(RestOptions.BIND_PORT, "0");
    }
    return new MiniClusterConfiguration.Builder()
        .setConfiguration(conf)
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(
            conf.getOptional(TaskManagerOptions.NUM_TASK_SLOTS).orElse(slots))
        .build();
  }

  /** Flink's context environment: stream environments that submit to the started cluster. */
  private static final class ContextEnvironment extends StreamExecutionEnvironment {
    private ContextEnvironment(PipelineExecutorServiceLoader executors, Configuration conf) {
      super(executors, conf, Thread.currentThread().getContextClassLoader());
    }

    static MiniCluster await(CompletableFuture<MiniCluster> starting) {
      try {
        return starting.join();
      } catch (CompletionException e) {
        throw new IllegalStateException("Cannot start the embedded Flink cluster", e.getCause());
      }
    }

    static void clear() {
      resetContextEnvironment();
    }

    static void install(
        CompletableFuture<MiniCluster> starting, Configuration flink, int parallelism) {
      PipelineExecutor executor =
          (pipeline, conf, classLoader) -> {
            MiniCluster started = await(starting);
            return started
                .submitJob(PipelineExecutorUtils.getJobGraph(pipeline, conf, classLoader))
                .thenApply(
                    submitted ->
                        new MiniClusterJobClient(
                            submitted.getJobID(),
                            started,
                            classLoader,
                            MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
          };
      PipelineExecutorFactory factory =
          new PipelineExecutorFactory() {
            @Override
            public String getName() {
              return "beamlink-embedded";
            }

            @Override
            public boolean isCompatibleWith(Configuration conf) {
              return true;
            }

            @Override
            public PipelineExecutor getExecutor(Configuration conf) {
              return executor;
            }
          };
      PipelineExecutorServiceLoader executors =
          new PipelineExecutorServiceLoader() {
            @Override
            public PipelineExecutorFactory getExecutorFactory(Configuration conf) {
              return factory;
            }

            @Override
            public Stream<String> getExecutorNames() {
              return Stream.of(factory.getName());
            }
          };
      initializeContextEnvironment(
          given -> {
            Configuration conf = new Configuration(flink);
            conf.addAll(given);
            conf.set(DeploymentOptions.TARGET, factory.getName());
            conf.set(DeploymentOptions.ATTACHED, true);
            ContextEnvironment environment = new ContextEnvironment(executors, conf);
            environment.setParallelism(parallelism);
            return environment;
          });
    }
  }
}
