package org.beamlink.examples.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.demo.ClickEvents;
import org.beamlink.examples.online.ClickFtrl;
import org.beamlink.examples.online.WriteVersionFiles;
import org.beamlink.examples.run.ConsumerLag;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.online.FtrlParams;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.io.ReadKafkaRows;
import org.beamlink.transforms.io.WriteKafkaRows;
import org.beamlink.transforms.online.Ftrl;
import org.beamlink.transforms.pipeline.KafkaModelVersions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code beamlink online}: streaming training jobs that write every model version to a directory or
 * a Kafka topic.
 *
 * <pre>{@code
 * bin/beamlink online ftrl --output /tmp/ctr-versions
 * bin/beamlink online ftrl --kafka-bootstrap localhost:9092 --events-topic clicks \
 *     --models-topic ctr-models --predictions-topic ctr-predictions --sink-group ctr-1
 * bin/beamlink online ftrl --output /tmp/ctr-versions --flinkMaster=localhost:8081 --parallelism=1
 * }</pre>
 */
@Command(
    name = "online",
    description =
        "Streaming training jobs that write every model version to a directory or a Kafka topic.",
    subcommands = {OnlineCommand.FtrlCommand.class})
public final class OnlineCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    CommandLine command = spec.commandLine();
    throw new CommandLine.ParameterException(
        command, "Missing a job: " + String.join(", ", command.getSubcommands().keySet()));
  }

  /**
   * {@code beamlink online ftrl}: streaming FTRL on click events ({@link ClickFtrl}), each model
   * version written to {@code --output} ({@link WriteVersionFiles}) and/or to the Kafka topic
   * {@code --models-topic} ({@link KafkaModelVersions#write}), then a summary of the newest
   * version. It runs in streaming mode.
   *
   * <p>The events are generated ({@link ClickFtrl#generated}: {@code --events}, {@code --rate},
   * {@code --seed}, {@code --drift-at}) or, with {@code --events-topic}, read from a Kafka topic of
   * JSON events ({@link ReadKafkaRows}, as {@code beamlink kafka produce} writes them, event time
   * from the record timestamps); both feed the same feature mapping and trainer ({@link
   * ClickFtrl#trainer}). From a topic the job runs until stopped, unless {@code --events N} bounds
   * the read: KafkaIO shares the count among the readers of the topic's partitions and a reader
   * ends only after its share, so a bounded read is for a one-partition topic (which also keeps the
   * events in order, so a run at parallelism 1 trains on them in the order they were produced).
   * With {@code --predictions-topic}, every event is also scored with the newest version that has
   * reached it ({@link ClickFtrl#scorer}: progressive validation) and written to that topic as JSON
   * ({@link ClickFtrl#PREDICTION}). Versions and predictions go to their topics at least once (a
   * job restored from a checkpoint writes again what followed it), or exactly once with {@code
   * --sink-group NAME}: KafkaIO's exactly-once sink, one transactional writer per topic, whose
   * transactions commit as Flink's checkpoints complete, so a {@code read_committed} consumer sees
   * each version and each event's prediction once, whatever fails in between. NAME names the
   * writers: a new job needs a name no earlier job used, and a job resumed from a savepoint the
   * name it had.
   *
   * <p>From a topic, the progress line shows the job's consumer lag (the topic's end offsets minus
   * the offsets its consumer group, {@code --consumer-group}, committed at the last checkpoint) and
   * the events a second those offsets advanced ({@link ConsumerLag}).
   *
   * <p>On Flink, unless told otherwise, it adds:
   *
   * <ul>
   *   <li>checkpoints every 5 s ({@code --checkpointingInterval=5000}): a version file is written
   *       once the checkpoint that holds the version completes;
   *   <li>the source as a plain unbounded read ({@code --experiments=use_deprecated_read}: the
   *       default splittable read does not finish under checkpointing), kept 5 s after its end so
   *       that a last checkpoint can complete ({@code --shutdownSourcesAfterIdleMs=5000}; not for
   *       an unbounded topic read, whose sources must keep running for checkpoints to go on);
   *   <li>the versions still waiting for a checkpoint written when the job ends ({@code
   *       --enableStableInputDrain=true}): without it, a job restored from a checkpoint failed at
   *       its end with "There are still watermark holds left", held by that buffer. A write that
   *       fails there is replayed from the last checkpoint, and writes are idempotent;
   *   <li>({@code RunnerOptions} turns {@code --fasterCopy} off when checkpoints are on, so that
   *       the trainer's state is copied before a checkpoint writes it.)
   * </ul>
   *
   * <p>On a cluster, {@code --output} must be a directory the task managers can write and this
   * machine can read (a local path on a loopback cluster). A job stopped with a savepoint resumes
   * with the same command and {@code --savepointPath=PATH}: the versions continue where they
   * stopped. Without it, the directory must hold no versions yet.
   *
   * <pre>{@code
   * bin/beamlink online ftrl --output /tmp/v --events 200000 --rate 20000 --mini-batch 100
   * bin/beamlink kafka produce --kafka-bootstrap localhost:9092 --topic clicks --events 200000
   * bin/beamlink online ftrl --kafka-bootstrap localhost:9092 --events-topic clicks \
   *     --events 200000 --models-topic ctr-models
   * }</pre>
   */
  @Command(
      name = "ftrl",
      description =
          "Streaming FTRL on generated click events or a Kafka topic of them; every model"
              + " version is written to a directory as a model file (version-NNNNNN.blm) and/or"
              + " to a Kafka topic.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class FtrlCommand implements Callable<Integer> {
    private static final MetricName EXAMPLES = MetricName.named(Ftrl.class, "examplesTrained");
    private static final MetricName VERSIONS = MetricName.named(Ftrl.class, "versionsEmitted");
    private static final long DEFAULT_EVENTS = 200_000;
    private static final Pattern VERSION_FILE = Pattern.compile("version-(\\d+)\\.blm");

    @Spec CommandSpec spec;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "DIR",
        description = "Directory of the model versions (any Beam file system).")
    String output;

    @Option(
        names = "--kafka-bootstrap",
        paramLabel = "HOST:PORT[,...]",
        description = "The Kafka brokers of --events-topic and --models-topic.")
    String bootstrap;

    @Option(
        names = "--events-topic",
        paramLabel = "TOPIC",
        description = "Read the events from this Kafka topic instead of generating them.")
    String eventsTopic;

    @Option(
        names = "--models-topic",
        paramLabel = "TOPIC",
        description = "Kafka topic of the model versions (with or instead of --output).")
    String modelsTopic;

    @Option(
        names = "--predictions-topic",
        paramLabel = "TOPIC",
        description =
            "Score every event with the newest version of the model (progressive validation) and"
                + " write the predictions to this Kafka topic as JSON.")
    String predictionsTopic;

    @Option(
        names = "--sink-group",
        paramLabel = "NAME",
        description =
            "Write --predictions-topic and --models-topic exactly once (Kafka transactions"
                + " committed with Flink's checkpoints), as writers named NAME: unique per job,"
                + " the same when the job resumes from a savepoint.")
    String sinkGroup;

    @Option(
        names = "--consumer-group",
        paramLabel = "NAME",
        description =
            "Consumer group of the --events-topic read, whose offsets are committed at each"
                + " checkpoint (the progress line's lag); a group that has offsets goes on from"
                + " them (default: a new group per run, reading from the earliest event).")
    String consumerGroup;

    @Option(
        names = "--events",
        description =
            "Events to train on (default: 200000 generated; from a topic, until stopped; a bounded"
                + " read is for a one-partition topic).")
    Long events;

    @Option(
        names = "--rate",
        defaultValue = "20000",
        description = "Events per second, at most (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(
        names = "--seed",
        defaultValue = "7",
        description = "Data seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--drift-at",
        description = "Event at which the world changes (default: halfway).")
    Long driftAt;

    @Option(
        names = "--num-features",
        defaultValue = "16384",
        description = "Hashed features (default: ${DEFAULT-VALUE}).")
    int numFeatures;

    @Option(
        names = "--mini-batch",
        defaultValue = "100",
        description = "Examples per model update (default: ${DEFAULT-VALUE}).")
    int miniBatch;

    @Option(
        names = "--threads",
        defaultValue = "1",
        description = "Threads per mini-batch (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
        names = "--emit-every",
        defaultValue = "10000",
        description = "A model version every N examples (default: ${DEFAULT-VALUE}).")
    long emitEvery;

    @Option(
        names = "--alpha",
        defaultValue = "0.1",
        description = "Learning rate scale (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(
        names = "--beta",
        defaultValue = "1.0",
        description = "Learning rate smoothing (default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(names = "--l1", defaultValue = "0.1", description = "L1 (default: ${DEFAULT-VALUE}).")
    double l1;

    @Option(names = "--l2", defaultValue = "0.1", description = "L2 (default: ${DEFAULT-VALUE}).")
    double l2;

    @Mixin OutputOptions out;

    @Unmatched List<String> beamArgs = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      checkOptions();
      FtrlParams params =
          FtrlParams.defaults()
              .withAlpha(alpha)
              .withBeta(beta)
              .withL1(l1)
              .withL2(l2)
              .withMiniBatchSize(miniBatch)
              .withThreads(threads);
      PipelineOptions options = new PipelineArgs(streamingArgs(), spec).options();
      FileSystems.setDefaultPipelineOptions(options);
      String directory = output == null ? null : directory(output);
      boolean flink = options.getRunner() == FlinkRunner.class;
      boolean resuming = flink && options.as(FlinkPipelineOptions.class).getSavepointPath() != null;
      if (directory != null && !resuming && !versions(directory).isEmpty()) {
        throw new IllegalArgumentException(
            directory
                + " already holds model versions: use a new directory, or resume the job that"
                + " wrote them with --savepointPath=PATH");
      }
      Pipeline pipeline = Pipeline.create(options);
      PCollection<Row> eventRows;
      String group = null;
      if (eventsTopic == null) {
        long n = events != null ? events : DEFAULT_EVENTS;
        eventRows =
            pipeline.apply(
                "Generated events",
                ClickFtrl.generated(n, rate, seed, driftAt != null ? driftAt : n / 2));
      } else {
        group =
            consumerGroup != null
                ? consumerGroup
                : "beamlink-online-ftrl-" + eventsTopic + "-" + System.currentTimeMillis();
        ReadKafkaRows read =
            ReadKafkaRows.from(bootstrap, eventsTopic, ClickEvents.SCHEMA).withConsumerGroup(group);
        eventRows =
            pipeline.apply(
                "Events from " + eventsTopic, events != null ? read.withMaxRecords(events) : read);
      }
      PCollection<ModelVersion<LinearModel>> versions =
          eventRows.apply("Train", ClickFtrl.trainer(numFeatures, params, emitEvery));
      if (directory != null) {
        versions.apply("Versions", WriteVersionFiles.<LinearModel>to(directory));
      }
      if (modelsTopic != null) {
        KafkaModelVersions.Write<LinearModel> write =
            KafkaModelVersions.write(bootstrap, modelsTopic);
        versions.apply(
            "Versions to " + modelsTopic,
            sinkGroup != null ? write.withExactlyOnce(1, sinkGroup + "-models") : write);
      }
      if (predictionsTopic != null) {
        WriteKafkaRows write = WriteKafkaRows.to(bootstrap, predictionsTopic);
        eventRows
            .apply("Predict", ClickFtrl.scorer(numFeatures, versions))
            .apply(
                "Predictions to " + predictionsTopic,
                sinkGroup != null ? write.withExactlyOnce(1, sinkGroup + "-predictions") : write);
      }
      PrintWriter err = spec.commandLine().getErr();
      ProgressReporter progress = out.progress(err, "online ftrl", EXAMPLES, "examples trained");
      ProgressReporter.Run run;
      if (group != null) {
        try (ConsumerLag lag = ConsumerLag.of(bootstrap, eventsTopic, group)) {
          run = progress.withStatus(lag::status).run(pipeline);
        }
      } else {
        run = progress.run(pipeline);
      }
      String where;
      long count;
      LinearModel model;
      if (directory != null) {
        TreeMap<Long, ResourceId> written = versions(directory);
        if (written.isEmpty()) {
          throw new IllegalStateException(
              "The job ended without writing a model version to " + directory);
        }
        where = directory;
        count = written.size();
        model = read(written.get(written.lastKey()));
      } else {
        where = "Kafka topic " + modelsTopic;
        count = ProgressReporter.counter(run.result(), VERSIONS);
        Transformer newestInTopic = KafkaModelVersions.read(bootstrap, modelsTopic).newest();
        if (!(newestInTopic instanceof LinearModel linear)) {
          throw new IllegalStateException(
              "The newest version in Kafka topic "
                  + modelsTopic
                  + " is a "
                  + newestInTopic.getClass().getSimpleName()
                  + ", not an FTRL model");
        }
        model = linear;
      }
      long newest = model.provenance().iterations();
      long examples = model.provenance().rows();
      String runner = options.getRunner().getSimpleName();
      String source = eventsTopic == null ? "generated" : "Kafka topic " + eventsTopic;
      boolean bounded = events != null || eventsTopic == null;
      StringBuilder table = new StringBuilder();
      table.append(
          String.format(
              Locale.ROOT,
              "%d model versions in %s; the newest, %d, trained on %,d events (%s%s; %.1f s on"
                  + " %s)%n",
              count,
              where,
              newest,
              examples,
              source,
              bounded ? String.format(Locale.ROOT, ", %,d asked", events()) : "",
              run.seconds(),
              runner));
      if (bounded && examples < events()) {
        table.append(
            "The job stopped before the last event (stopped with a savepoint?): run the same"
                + " command with --savepointPath=PATH to resume it.\n");
      }
      JsonObject json =
          new JsonObject()
              .put("command", "online ftrl")
              .put("output", directory != null ? directory : "")
              .put("eventsTopic", eventsTopic != null ? eventsTopic : "")
              .put("modelsTopic", modelsTopic != null ? modelsTopic : "")
              .put("predictionsTopic", predictionsTopic != null ? predictionsTopic : "")
              .put("runner", runner)
              .put("seconds", Math.round(run.seconds() * 1000) / 1000.0)
              .put("versions", count)
              .put("newestVersion", newest)
              .put("examples", examples);
      if (bounded) {
        json.put("events", events());
      }
      out.print(spec.commandLine().getOut(), table.toString(), json);
      return 0;
    }

    /** The events asked for: {@code --events}, or the generator's default. */
    private long events() {
      return events != null ? events : DEFAULT_EVENTS;
    }

    /** Throws unless the options name a destination and the brokers the topics need. */
    private void checkOptions() {
      if (output == null && modelsTopic == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "Missing a destination for the versions: --output or --models-topic");
      }
      if ((eventsTopic != null || modelsTopic != null || predictionsTopic != null)
          && bootstrap == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--events-topic, --models-topic and --predictions-topic need --kafka-bootstrap");
      }
      if (sinkGroup != null && modelsTopic == null && predictionsTopic == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--sink-group needs --models-topic or --predictions-topic");
      }
      if (consumerGroup != null && eventsTopic == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--consumer-group needs --events-topic");
      }
      if (events != null && events < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Expected --events >= 1, got " + events);
      }
    }

    /** The Beam arguments, with the streaming and Flink settings this job needs added. */
    private List<String> streamingArgs() {
      List<String> args = new ArrayList<>(beamArgs);
      addIfMissing(args, "streaming", "true");
      if (new PipelineArgs(args, spec).options().getRunner() == FlinkRunner.class) {
        addIfMissing(args, "checkpointingInterval", "5000");
        if (eventsTopic == null || events != null) {
          // A job that ends: its sources shut down 5 s after their end. Not for an unbounded
          // read: a source shut down ends checkpointing (the initial model's impulse ends at once),
          // and with it exactly-once commits; with checkpoints on, FlinkRunner keeps them running.
          addIfMissing(args, "shutdownSourcesAfterIdleMs", "5000");
        }
        addIfMissing(args, "enableStableInputDrain", "true");
        if (args.stream().noneMatch(a -> a.contains("use_deprecated_read"))) {
          args.add("--experiments=use_deprecated_read");
        }
      }
      return args;
    }

    private static void addIfMissing(List<String> args, String name, String value) {
      if (args.stream().noneMatch(a -> a.equals("--" + name) || a.startsWith("--" + name + "="))) {
        args.add("--" + name + "=" + value);
      }
    }

    /**
     * A local directory made absolute (a cluster's workers do not share this working directory).
     */
    private static String directory(String dir) {
      boolean hasScheme = dir.matches("^[a-zA-Z][a-zA-Z0-9+.-]+://.*");
      return hasScheme ? dir : Path.of(dir).toAbsolutePath().normalize().toString();
    }

    /** The version files in {@code directory} by version number. */
    private static TreeMap<Long, ResourceId> versions(String directory) throws IOException {
      ResourceId dir = FileSystems.matchNewResource(directory, true);
      String pattern =
          dir.resolve(
                  "version-*.blm",
                  org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions.RESOLVE_FILE)
              .toString();
      MatchResult match = FileSystems.match(pattern);
      TreeMap<Long, ResourceId> found = new TreeMap<>();
      if (match.status() != MatchResult.Status.OK) {
        return found;
      }
      for (MatchResult.Metadata m : match.metadata()) {
        Matcher name = VERSION_FILE.matcher(m.resourceId().getFilename());
        if (name.matches()) {
          found.put(Long.parseLong(name.group(1)), m.resourceId());
        }
      }
      return found;
    }

    private static LinearModel read(ResourceId file) throws IOException {
      try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
        Object model = ModelFile.fromBytes(in.readAllBytes(), file.toString());
        if (!(model instanceof LinearModel linear)) {
          throw new IOException(file + " holds a " + model.getClass().getSimpleName());
        }
        return linear;
      } catch (FileNotFoundException e) {
        throw new IOException("Model version file vanished: " + file, e);
      }
    }
  }
}
