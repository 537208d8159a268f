package org.beamlink.runners;

import java.io.File;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The one place that turns arguments into {@link PipelineOptions} with Beamlink's defaults.
 *
 * <ul>
 *   <li>No {@code --runner}: {@link FlinkRunner} with an embedded local Flink ({@code
 *       --flinkMaster=[local]}, whose managed memory Beam sizes from the free heap: batch mode
 *       gives every keyed operator of a deep unrolled graph a slice of it), parallelism = available
 *       cores. {@code --flinkMaster=[auto]} uses a Flink context environment when one is set, as
 *       the test harness does with its shared cluster.
 *   <li>FlinkRunner batch uses the DataStream translation ({@code --useDataStreamForBatch=true})
 *       unless told otherwise: the DataSet translation's plan optimizer hangs at about 30 unrolled
 *       supersteps and refuses a PCollection with more than 64 consumers. Copies between chained
 *       operators are skipped ({@code --fasterCopy=true}): Beamlink's elements are immutable. Not
 *       with {@code --checkpointingInterval}: the flag also stops Flink's heap state backend from
 *       copying a state value it snapshots on another thread, and stateful steps (FTRL's trainer,
 *       StreamingKMeans) update their state in place; a torn snapshot failed checkpoints and once
 *       made a restored FTRL job count 100 examples twice.
 *   <li>In a JVM that started an {@link EmbeddedFlinkCluster} (the command line does), no {@code
 *       --flinkMaster} means that cluster ({@code [auto]}), when the parallelism fits its slots.
 *   <li>{@code --flinkMaster=host:port}: a remote cluster; the shaded jar this class was loaded
 *       from is staged, unless {@code --filesToStage} names files.
 *   <li>{@code --runner=DirectRunner}: the immutability check is off ({@code
 *       --enforceImmutability=false}): it copies every large element and made 10 supersteps take
 *       360 s instead of 2.3 s. Parallelism = available cores.
 *   <li>{@code --streaming} selects unbounded execution on either runner.
 *   <li>{@link WorkerOptions}, what the library needs to know of the runner: whether every worker
 *       runs in this JVM (the DirectRunner and embedded Flink: yes; a remote Flink master: no), and
 *       the parallelism. Given on the command line, they are kept.
 * </ul>
 *
 * <pre>{@code
 * PipelineOptions options = RunnerOptions.fromArgs(args);
 * Pipeline p = Pipeline.create(options);
 * }</pre>
 */
public final class RunnerOptions {
  /** The Flink master that means "embedded": a local cluster in this JVM. */
  public static final String EMBEDDED_FLINK_MASTER = "[local]";

  /**
   * The Flink master of a pipeline without one when this JVM started an {@link
   * EmbeddedFlinkCluster}: Flink's context environment, that cluster.
   */
  public static final String STARTED_FLINK_MASTER = "[auto]";

  private RunnerOptions() {}

  /** Parses {@code args} (Beam's {@code --name=value} form) and applies the defaults above. */
  public static PipelineOptions fromArgs(String... args) {
    PipelineOptionsFactory.register(WorkerOptions.class);
    PipelineOptions options = PipelineOptionsFactory.fromArgs(args).withValidation().create();
    if (!isSet(args, "runner")) {
      options.setRunner(FlinkRunner.class);
    }
    WorkerOptions workers = options.as(WorkerOptions.class);
    if (options.getRunner() == FlinkRunner.class) {
      FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
      applyFlinkDefaults(flink, args);
      fillIn(workers, args, !isRemote(flink.getFlinkMaster()), flink.getParallelism());
    } else if (options.getRunner() == DirectRunner.class) {
      DirectOptions direct = options.as(DirectOptions.class);
      applyDirectDefaults(direct, args);
      fillIn(workers, args, true, direct.getTargetParallelism());
    }
    return options;
  }

  private static void fillIn(
      WorkerOptions workers, String[] args, boolean oneJvm, Integer parallelism) {
    if (!isSet(args, "workersShareOneJvm")) {
      workers.setWorkersShareOneJvm(oneJvm);
    }
    if (!isSet(args, "workerParallelism") && parallelism != null && parallelism > 0) {
      workers.setWorkerParallelism(parallelism);
    }
  }

  private static void applyFlinkDefaults(FlinkPipelineOptions flink, String[] args) {
    if (!isSet(args, "useDataStreamForBatch")) {
      flink.setUseDataStreamForBatch(true);
    }
    if (!isSet(args, "flinkMaster")) {
      flink.setFlinkMaster(onStartedCluster(flink) ? STARTED_FLINK_MASTER : EMBEDDED_FLINK_MASTER);
    }
    boolean remote = isRemote(flink.getFlinkMaster());
    if (!isSet(args, "parallelism") && !remote) {
      flink.setParallelism(Runtime.getRuntime().availableProcessors());
    }
    if (!isSet(args, "fasterCopy")) {
      Long interval = flink.getCheckpointingInterval();
      flink.setFasterCopy(interval == null || interval <= 0);
    }
    if (remote && !isSet(args, "filesToStage")) {
      flink.setFilesToStage(List.of(shadedJar().getPath()));
    }
  }

  /**
   * True when the pipeline can run on the {@link EmbeddedFlinkCluster} this JVM started: its
   * parallelism fits the cluster's slots, and it runs on the DataStream translation (the DataSet
   * translation takes its own context environment).
   */
  private static boolean onStartedCluster(FlinkPipelineOptions flink) {
    Integer parallelism = flink.getParallelism();
    int slots = EmbeddedFlinkCluster.slots();
    return slots > 0
        && (flink.isStreaming() || flink.getUseDataStreamForBatch())
        && (parallelism == null || parallelism <= 0 || parallelism <= slots);
  }

  private static void applyDirectDefaults(DirectOptions direct, String[] args) {
    if (!isSet(args, "enforceImmutability")) {
      direct.setEnforceImmutability(false);
    }
    if (!isSet(args, "targetParallelism")) {
      direct.setTargetParallelism(Runtime.getRuntime().availableProcessors());
    }
  }

  /**
   * True for a {@code host:port} master, false for the embedded forms {@code [auto]}/{@code
   * [local]}.
   */
  public static boolean isRemote(String flinkMaster) {
    return flinkMaster != null && !flinkMaster.startsWith("[");
  }

  /**
   * The jar this class was loaded from: the shaded jar when run through the launcher.
   *
   * @throws IllegalStateException when running from class directories (an IDE or Maven), where
   *     there is no jar to send to a cluster
   */
  static File shadedJar() {
    File location;
    try {
      location =
          new File(RunnerOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot locate the jar of " + RunnerOptions.class, e);
    }
    if (!location.isFile() || !location.getName().endsWith(".jar")) {
      throw new IllegalStateException(
          "--flinkMaster names a remote cluster, which needs the shaded jar, but Beamlink runs from "
              + location
              + ". Build it with 'mvn -DskipTests package' and run"
              + " examples/target/beamlink-examples-*-all.jar (bin/beamlink does), or pass"
              + " --filesToStage=JAR");
    }
    return location;
  }

  private static boolean isSet(String[] args, String name) {
    return Arrays.stream(args)
        .anyMatch(a -> a.equals("--" + name) || a.startsWith("--" + name + "="));
  }
}
