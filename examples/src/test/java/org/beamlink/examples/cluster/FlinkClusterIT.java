package org.beamlink.examples.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.beam.sdk.util.RowJson;
import org.apache.beam.sdk.util.RowJsonUtils;
import org.apache.beam.sdk.values.Row;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.beamlink.examples.demo.ClickEvents;
import org.beamlink.examples.online.ClickFtrl;
import org.beamlink.examples.online.FtrlReference;
import org.beamlink.examples.online.WriteVersionFiles;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.online.FtrlParams;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.KafkaBroker;
import org.beamlink.transforms.pipeline.KafkaModelVersions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Beamlink on a real Flink session cluster (a JobManager and two TaskManagers, each its own JVM,
 * started by {@code runners-config/cluster/flink-cluster.sh}), driven as a user would: the shaded
 * jar submitted with {@code java -jar ... --flinkMaster=localhost:PORT}, the REST API for jobs,
 * placement, checkpoints and savepoints, {@code kill -9} for a crash. Run by {@code mvn verify
 * -Pcluster} after the shaded jar is built; the figures (submission, recovery) are printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkClusterIT {
  private static final Path WORK =
      Path.of(System.getProperty("beamlink.itDir", "target/cluster-it")).toAbsolutePath();
  private static final Path JAR =
      Path.of(
          System.getProperty(
              "beamlink.shadedJar", "target/beamlink-examples-0.1.0-SNAPSHOT-all.jar"));
  private static final ObjectMapper JSON = new ObjectMapper();

  /** FTRL settings of both streaming tests: parallelism 1, versions by count. */
  private static final int NUM_FEATURES = 4096;

  private static final int MINI_BATCH = 100;
  private static final long EMIT_EVERY = 5000;
  private static final long SEED = 11;

  private static FlinkCluster cluster;

  @BeforeAll
  static void startCluster() throws IOException {
    deleteRecursively(WORK);
    Files.createDirectories(WORK);
    long start = System.nanoTime();
    Path dir = WORK.resolve("cluster");
    try {
      cluster = FlinkCluster.start(dir);
    } catch (IOException | RuntimeException e) {
      // A start that failed half-way may have left a JobManager or TaskManager running.
      FlinkCluster.scriptResult("stop", "--dir", dir.toString());
      throw e;
    }
    report("cluster started in %.1f s, web UI %s", seconds(start), cluster.url());
  }

  @AfterAll
  static void stopCluster() throws IOException {
    for (Submission s : Submission.STARTED) {
      s.process.destroyForcibly();
    }
    if (cluster == null) {
      return;
    }
    cluster.stop();
    assertEquals(List.of(), cluster.processesLeft(), "cluster processes left after stop");
    FlinkCluster.ProcessResult status =
        FlinkCluster.scriptResult("status", "--dir", cluster.dir().toString());
    assertEquals(3, status.code(), status.output());
    assertTrue(status.output().contains("no cluster process runs"), status.output());
  }

  @Test
  @Order(1)
  void scriptRefusesAPortInUse() throws IOException {
    String restPort = cluster.master().substring("localhost:".length());
    FlinkCluster.ProcessResult r =
        FlinkCluster.scriptResult(
            "start", "--dir", WORK.resolve("second").toString(), "--rest-port", restPort);
    assertEquals(1, r.code(), r.output());
    assertTrue(
        r.output().contains("port " + restPort + " (--rest-port) is in use by another process"),
        r.output());
  }

  @Test
  @Order(2)
  void kmeansOnTheClusterEqualsTheEmbeddedRun() throws Exception {
    String iris = FlinkCluster.ROOT.resolve("examples/data/iris.csv").toString();
    List<String> args =
        List.of("kmeans", "--input", iris, "--k", "3", "--seed", "5", "--json", "--quiet");
    List<String> before = cluster.jobIds();
    long start = System.nanoTime();
    Submission onCluster =
        Submission.run(
            "kmeans-cluster",
            concat(
                args,
                "--flinkMaster=" + cluster.master(),
                "--parallelism=2",
                "--tempLocation=" + WORK.resolve("tmp")));
    double clusterSeconds = seconds(start);
    onCluster.assertSucceeded();
    start = System.nanoTime();
    Submission embedded = Submission.run("kmeans-embedded", concat(args, "--parallelism=2"));
    double embeddedSeconds = seconds(start);
    embedded.assertSucceeded();

    JsonNode remote = JSON.readTree(onCluster.lastJsonLine());
    JsonNode local = JSON.readTree(embedded.lastJsonLine());
    assertEquals(150, remote.path("rows").asLong());
    assertEquals(local.path("iterations").asInt(), remote.path("iterations").asInt());
    // The same algorithm and seed at the same parallelism; only the order of floating-point sums
    // may differ between the two, so 1e-9 on values of order 1 to 10.
    assertEquals(local.path("cost").asDouble(), remote.path("cost").asDouble(), 1e-9);
    for (int j = 0; j < 3; j++) {
      JsonNode a = local.path("centroids").path(j);
      JsonNode b = remote.path("centroids").path(j);
      for (String col : List.of("sepal_length", "sepal_width", "petal_length", "petal_width")) {
        assertEquals(a.path(col).asDouble(), b.path(col).asDouble(), 1e-9, col + " of " + j);
      }
    }

    // The job ran on the cluster: the web UI lists it, finished.
    List<String> after = new ArrayList<>(cluster.jobIds());
    after.removeAll(before);
    assertEquals(1, after.size(), "new jobs on the cluster: " + after);
    JsonNode job = cluster.get("/jobs/" + after.get(0));
    assertEquals("FINISHED", job.path("state").asText());
    assertTrue(cluster.getText("/").contains("Apache Flink Web Dashboard"));
    report(
        "kmeans submission: %.1f s on the cluster (job %.1f s of it), %.1f s embedded",
        clusterSeconds, job.path("duration").asLong() / 1000.0, embeddedSeconds);
  }

  /**
   * A TaskManager killed in the middle of a distributed loop at parallelism 4 (all four slots of
   * the two TaskManagers): Flink runs the lost tasks again elsewhere, those stages find no resident
   * partition and read its durable copy under --tempLocation, and the model is that of a run
   * without failure.
   */
  @Test
  @Order(3)
  void kmeansWithAKilledTaskManagerFinishesWithTheSameModel() throws Exception {
    Path points = WORK.resolve("points.csv");
    writeGaussianMixture(points, 200_000, 8, 8, 3);
    List<String> args =
        List.of(
            "kmeans",
            "--input",
            points.toString(),
            "--k",
            "8",
            "--seed",
            "2",
            "--max-iter",
            "30",
            "--tol",
            "0",
            "--execution",
            "DISTRIBUTED",
            "--json",
            "--quiet",
            "--parallelism=4");
    List<String> before = cluster.jobIds();
    Submission killed =
        Submission.start(
            "kmeans-killed",
            concat(
                args,
                "--flinkMaster=" + cluster.master(),
                "--tempLocation=" + WORK.resolve("tmp")));
    String jobId = awaitNewRunningJob(before, killed);
    // Kill a TaskManager while the loop runs: one that runs a task of the job now.
    long running = System.currentTimeMillis();
    int victim =
        FlinkCluster.await(
            "a task of the KMeans loop running",
            Duration.ofSeconds(60),
            () -> runningTaskManager(jobId, "KMeans/KMeans/"));
    long killedAt = System.currentTimeMillis();
    double searched = (killedAt - running) / 1000.0;
    cluster.killTaskManager(victim);
    killed.awaitEnd(Duration.ofMinutes(3));
    long endedAt = System.currentTimeMillis();
    cluster.startTaskManager(victim);
    JsonNode job = cluster.get("/jobs/" + jobId);
    assertEquals(0, killed.exitValue(), killed.output());
    assertEquals("FINISHED", job.path("state").asText());
    Submission clean =
        Submission.run(
            "kmeans-clean",
            concat(
                args,
                "--flinkMaster=" + cluster.master(),
                "--tempLocation=" + WORK.resolve("tmp")));
    clean.assertSucceeded();
    JsonNode recovered = JSON.readTree(killed.lastJsonLine());
    JsonNode expected = JSON.readTree(clean.lastJsonLine());
    // The restarted tasks recompute from their inputs and the partitions' durable copies: the
    // same model as the same job without failure, up to the order of floating-point sums should a
    // re-read file be packed into other blocks (relative 1e-9 on the cost, about 5e6; 1e-9 on
    // centroids of size about 10).
    assertEquals(expected.path("iterations").asInt(), recovered.path("iterations").asInt());
    double cost = expected.path("cost").asDouble();
    assertEquals(cost, recovered.path("cost").asDouble(), 1e-9 * cost);
    for (int j = 0; j < 8; j++) {
      for (int d = 0; d < 8; d++) {
        assertEquals(
            expected.path("centroids").path(j).path("x" + d).asDouble(),
            recovered.path("centroids").path(j).path("x" + d).asDouble(),
            1e-9,
            "x" + d + " of centroid " + j);
      }
    }
    report(
        "kmeans (200k x 8, 30 iterations, distributed, parallelism 4) with taskmanager-%d killed"
            + " (%.1f s after the job ran): restarted by Flink and finished %.1f s after the kill,"
            + " the same model as a run without failure",
        victim, searched, (endedAt - killedAt) / 1000.0);
  }

  @Test
  @Order(4)
  void ftrlSurvivesAKilledTaskManagerExactlyOnce() throws Exception {
    ClickFtrl.Config config = ftrlConfig(60_000, 3_000);
    Path out = WORK.resolve("ftrl-kill");
    List<String> before = cluster.jobIds();
    long submitted = System.nanoTime();
    Submission job = Submission.start("ftrl-kill", ftrlArgs(config, out));
    String jobId = awaitNewRunningJob(before, job);
    report("ftrl job running %.1f s after submission", seconds(submitted));

    // Kill the TaskManager that runs the trainer once a checkpoint is complete and versions exist.
    awaitCompletedCheckpoints(jobId, 2);
    awaitVersions(out, 2, job);
    int victim = cluster.taskManagerOf(jobId, "FtrlTrain");
    long versionsBeforeKill = FtrlReference.read(out).lastKey();
    long killedAt = System.currentTimeMillis();
    cluster.killTaskManager(victim);

    JsonNode restored = awaitRestored(jobId);
    FlinkCluster.await(
        "the job running again",
        Duration.ofSeconds(90),
        () -> "RUNNING".equals(stateOf(jobId)) ? Optional.of(true) : Optional.empty());
    long runningAgainAt = System.currentTimeMillis();
    long restoredId = restored.path("id").asLong();
    JsonNode firstCheckpoint =
        FlinkCluster.await(
            "a checkpoint after the restore",
            Duration.ofSeconds(90),
            () -> {
              JsonNode c = checkpoints(jobId).path("latest").path("completed");
              return c.path("id").asLong() > restoredId ? Optional.of(c) : Optional.empty();
            });
    long firstNewVersionAt =
        FlinkCluster.await(
            "a version written after the restore",
            Duration.ofSeconds(90),
            () -> newVersionTime(out, versionsBeforeKill));
    cluster.startTaskManager(victim);
    job.awaitSucceeded(Duration.ofMinutes(3));

    TreeMap<Long, LinearModel> written = FtrlReference.assertWrittenVersionsMatch(config, out);
    JsonNode counts = checkpoints(jobId).path("counts");
    assertTrue(counts.path("restored").asInt() >= 1, "restores: " + counts);
    assertEquals("FINISHED", cluster.state(jobId));
    report(
        "ftrl with taskmanager-%d killed (SIGKILL) after version %d: restored from checkpoint %d"
            + " %.1f s after the kill, RUNNING again seen at %.1f s, first checkpoint after the"
            + " restore at %.1f s, first new version file at %.1f s; %d versions, the last trained"
            + " on %d examples of %d, every version equal to sequential FTRL within %.0e; job"
            + " restores %d",
        victim,
        versionsBeforeKill,
        restoredId,
        (restored.path("restore_timestamp").asLong() - killedAt) / 1000.0,
        (runningAgainAt - killedAt) / 1000.0,
        (firstCheckpoint.path("latest_ack_timestamp").asLong() - killedAt) / 1000.0,
        (firstNewVersionAt - killedAt) / 1000.0,
        written.size(),
        written.lastEntry().getValue().provenance().rows(),
        config.events(),
        FtrlReference.TOLERANCE,
        counts.path("restored").asInt());
  }

  @Test
  @Order(5)
  void ftrlStoppedWithASavepointResumesWhereItStopped() throws Exception {
    ClickFtrl.Config config = ftrlConfig(40_000, 3_000);
    Path out = WORK.resolve("ftrl-savepoint");
    List<String> args = ftrlArgs(config, out);
    List<String> before = cluster.jobIds();
    Submission first = Submission.start("ftrl-savepoint-1", args);
    String jobId = awaitNewRunningJob(before, first);
    awaitCompletedCheckpoints(jobId, 1);
    awaitVersions(out, 2, first);

    long stopAt = System.currentTimeMillis();
    JsonNode trigger =
        cluster.post(
            "/jobs/" + jobId + "/stop",
            Map.of("targetDirectory", cluster.savepointDir().toString(), "drain", false));
    String requestId = trigger.path("request-id").asText();
    String savepoint =
        FlinkCluster.await(
            "the savepoint",
            Duration.ofSeconds(60),
            () -> {
              JsonNode s = getQuietly("/jobs/" + jobId + "/savepoints/" + requestId);
              String status = s.path("status").path("id").asText();
              if (!"COMPLETED".equals(status)) {
                return Optional.empty();
              }
              JsonNode failure = s.path("operation").path("failure-cause");
              if (!failure.isMissingNode()) {
                throw new AssertionError("Savepoint failed: " + failure);
              }
              return Optional.of(s.path("operation").path("location").asText());
            });
    double savepointSeconds = (System.currentTimeMillis() - stopAt) / 1000.0;
    first.awaitSucceeded(Duration.ofMinutes(1));
    assertEquals("FINISHED", cluster.state(jobId));
    TreeMap<Long, LinearModel> atStop = FtrlReference.read(out);
    long stoppedRows = atStop.lastEntry().getValue().provenance().rows();
    assertTrue(stoppedRows < config.events(), "stopped before the end: " + stoppedRows);
    assertEquals(stoppedRows, JSON.readTree(first.lastJsonLine()).path("examples").asLong());

    List<String> beforeResume = cluster.jobIds();
    Submission resumed =
        Submission.start("ftrl-savepoint-2", concat(args, "--savepointPath=" + savepoint));
    String resumedId = awaitNewRunningJob(beforeResume, resumed);
    resumed.awaitSucceeded(Duration.ofMinutes(3));

    JsonNode restoredFrom = checkpoints(resumedId).path("latest").path("restored");
    assertTrue(restoredFrom.path("is_savepoint").asBoolean(), "restored: " + restoredFrom);
    TreeMap<Long, LinearModel> written = FtrlReference.assertWrittenVersionsMatch(config, out);
    assertTrue(written.lastKey() > atStop.lastKey(), "versions continued after the savepoint");
    report(
        "ftrl stopped with a savepoint (%.1f s to complete) at version %d (%d examples),"
            + " resumed from %s: versions %d..%d follow, the last trained on %d examples of %d,"
            + " every version equal to sequential FTRL within %.0e",
        savepointSeconds,
        atStop.lastKey(),
        stoppedRows,
        savepoint,
        atStop.lastKey() + 1,
        written.lastKey(),
        written.lastEntry().getValue().provenance().rows(),
        config.events(),
        FtrlReference.TOLERANCE);
  }

  /**
   * Logistic regression on the distributed path at parallelism 4: 100k x 50 failed here before
   * ("The record exceeds the maximum size of a sort buffer") when each partition travelled between
   * its 211 unrolled stages as one record; its partitions now stay in the TaskManagers. The model
   * equals an embedded in-worker fit on the same file.
   */
  @Test
  @Order(6)
  void logisticRegressionTrainsOnTheDistributedPathAtParallelismFour() throws Exception {
    Path csv = WORK.resolve("logistic.csv");
    writeLogisticData(csv, 100_000, 50, 9);
    List<String> args =
        List.of("train", "logreg", "--input", csv.toString(), "--label", "label", "--json");
    long start = System.nanoTime();
    Submission onCluster =
        Submission.run(
            "logreg-cluster",
            concat(
                args,
                "--execution",
                "DISTRIBUTED",
                "--flinkMaster=" + cluster.master(),
                "--parallelism=4",
                "--tempLocation=" + WORK.resolve("tmp")));
    double clusterSeconds = seconds(start);
    onCluster.assertSucceeded();
    Submission embedded =
        Submission.run(
            "logreg-embedded", concat(args, "--execution", "IN_WORKER", "--parallelism=4"));
    embedded.assertSucceeded();

    JsonNode remote = JSON.readTree(onCluster.lastJsonLine());
    JsonNode local = JSON.readTree(embedded.lastJsonLine());
    assertEquals(100_000, remote.path("rows").asLong());
    assertEquals(local.path("iterations").asInt(), remote.path("iterations").asInt());
    // The same partitions by content hash; rows read by other bundles may be packed into other
    // blocks, so sums may be added in another order: 1e-9 on a loss of order 0.5 and on
    // coefficients of order 1.
    assertEquals(local.path("loss").asDouble(), remote.path("loss").asDouble(), 1e-9);
    for (int j = 0; j < 50; j++) {
      assertEquals(
          local.path("coefficients").path(j).path("value").asDouble(),
          remote.path("coefficients").path(j).path("value").asDouble(),
          1e-9,
          "coefficient " + j);
    }
    report(
        "train logreg 100k x 50, distributed at parallelism 4: %.1f s on the cluster (%d"
            + " iterations), the model of an embedded in-worker fit within 1e-9",
        clusterSeconds, remote.path("iterations").asInt());
  }

  /**
   * Exactly-once end to end through Kafka: {@code online ftrl} reads click events from a topic the
   * test fills at 2,000 a second while the job runs (an unbounded read, as a real trainer runs),
   * trains FTRL, scores each event with the newest version, and writes predictions and model
   * versions to topics with KafkaIO's exactly-once sink (transactions committed with checkpoints,
   * every second). The TaskManager running the trainer is killed mid-stream; Flink restores the job
   * from its last checkpoint. A read_committed consumer then finds one prediction per event, none
   * twice, and each version once, equal to sequential FTRL over the events in order.
   */
  @Test
  @Order(7)
  @Disabled(
      "Flaky (2026-12-08): passed twice, then failed in a fresh-clone CI: after the restore,"
          + " KafkaIO's exactly-once writer failed every restart with 'Cannot attempt operation"
          + " beginTransaction because the previous call to abortTransaction timed out' until"
          + " Flink's 20 restarts were spent (issue 24).")
  void ftrlOnKafkaWritesPredictionsAndVersionsExactlyOnceThroughAKill() throws Exception {
    // KafkaIO's exactly-once sink commits a transaction per prediction, about 150 a second on the
    // test broker (KafkaTopics.exactlyOnceProducer): 4,000 events, a version every 1,000.
    int events = 4_000;
    ClickFtrl.Config config =
        new ClickFtrl.Config(
            events,
            2_000,
            SEED,
            events / 2,
            NUM_FEATURES,
            FtrlParams.defaults().withMiniBatchSize(MINI_BATCH),
            1_000);
    String bootstrap = KafkaBroker.bootstrap();
    String eventsTopic = KafkaBroker.newTopic("it-clicks", 1);
    String predictions = KafkaBroker.newTopic("it-predictions", 1);
    String models = KafkaBroker.newTopic("it-models", 1);
    List<String> args =
        List.of(
            "online",
            "ftrl",
            "--kafka-bootstrap",
            bootstrap,
            "--events-topic",
            eventsTopic,
            "--models-topic",
            models,
            "--predictions-topic",
            predictions,
            "--sink-group",
            "it-ftrl-eos",
            "--num-features",
            String.valueOf(config.numFeatures()),
            "--mini-batch",
            String.valueOf(config.params().miniBatchSize()),
            "--emit-every",
            String.valueOf(config.emitEvery()),
            "--flinkMaster=" + cluster.master(),
            "--parallelism=1",
            "--checkpointingInterval=1000");
    List<String> before = cluster.jobIds();
    long submitted = System.nanoTime();
    Submission job = Submission.start("ftrl-kafka-eos", args);
    String jobId = awaitNewRunningJob(before, job);
    long started = System.nanoTime();
    report("ftrl on Kafka running %.1f s after submission", seconds(submitted));
    AtomicLong produced = new AtomicLong();
    Thread producer =
        new Thread(() -> produceClicks(bootstrap, eventsTopic, config, produced), "producer");
    producer.start();
    try {
      // Mid-stream: two fifths of the events produced, and checkpoints of them complete.
      FlinkCluster.await(
          "two fifths of the events produced",
          Duration.ofSeconds(60),
          () -> produced.get() >= events * 2L / 5 ? Optional.of(true) : Optional.empty());
      awaitCompletedCheckpoints(jobId, 3);
      int victim = cluster.taskManagerOf(jobId, "FtrlTrain");
      long killedAt = System.currentTimeMillis();
      double killedAfter = seconds(started);
      cluster.killTaskManager(victim);
      JsonNode restored = awaitRestored(jobId);
      cluster.startTaskManager(victim);
      producer.join();

      Map<Long, Integer> scored = new TreeMap<>();
      TreeMap<Long, LinearModel> versions = new TreeMap<>();
      Map<Long, Integer> versionRecords = new TreeMap<>();
      long expectedVersions = events / config.emitEvery() + 1;
      readCommitted(
          bootstrap,
          List.of(predictions, models),
          (topic, value) -> {
            if (topic.equals(predictions)) {
              long time = JSON.readTree(value).path("time").asLong();
              scored.merge(time, 1, Integer::sum);
            } else {
              ModelVersion<Transformer> v = KafkaModelVersions.decode(value, topic);
              versions.put(v.version(), (LinearModel) v.model());
              versionRecords.merge(v.version(), 1, Integer::sum);
            }
            return scored.size() >= events && versions.size() >= expectedVersions;
          });
      double done = seconds(started);
      cluster.cancel(jobId);

      assertTrue(checkpoints(jobId).path("counts").path("restored").asInt() >= 1);
      assertEquals(events, scored.size(), "events with a prediction");
      for (long i = 0; i < events; i++) {
        long time = ClickEvents.START_MILLIS + i * ClickEvents.SPACING_MILLIS;
        assertEquals(1, scored.getOrDefault(time, 0), "predictions of event " + i);
      }
      for (Map.Entry<Long, Integer> v : versionRecords.entrySet()) {
        assertEquals(1, v.getValue(), "records of version " + v.getKey());
      }
      FtrlReference.assertVersionsMatch(config, versions, "Kafka topic " + models);
      report(
          "ftrl on Kafka (%d events at 2,000/s, exactly-once predictions and versions,"
              + " checkpoints every 1 s) with taskmanager-%d killed %.1f s after the job ran:"
              + " restored from checkpoint %d %.1f s after the kill; %d events each with one"
              + " prediction and versions 0..%d each once (equal to sequential FTRL within %.0e),"
              + " all committed %.1f s after the job ran",
          events,
          victim,
          killedAfter,
          restored.path("id").asLong(),
          (restored.path("restore_timestamp").asLong() - killedAt) / 1000.0,
          events,
          versions.lastKey(),
          FtrlReference.TOLERANCE,
          done);
    } finally {
      producer.join();
      job.process.destroyForcibly();
    }
  }

  /** Writes the config's click events to {@code topic} as JSON, 100 every 50 ms. */
  private static void produceClicks(
      String bootstrap, String topic, ClickFtrl.Config config, AtomicLong produced) {
    ClickEvents clicks = new ClickEvents(config.seed(), config.driftAt());
    ObjectMapper json =
        RowJsonUtils.newObjectMapperWith(RowJson.RowJsonSerializer.forSchema(ClickEvents.SCHEMA));
    Map<String, Object> settings =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings)) {
      for (long i = 0; i < config.events(); i++) {
        Row event = clicks.event(i);
        producer.send(
            new ProducerRecord<>(
                topic, 0, event.getInt64("time"), null, RowJsonUtils.rowToJson(json, event)));
        if (i % 100 == 99) {
          producer.flush();
          produced.set(i + 1);
          Thread.sleep(50);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What {@link #readCommitted} does with a record; true when it has seen enough. */
  private interface RecordSink {
    boolean accept(String topic, byte[] value) throws IOException;
  }

  /**
   * Reads the committed records of {@code topics} from the start until {@code sink} has seen
   * enough, then 3 s more (two checkpoints, in which a duplicate would be committed), failing after
   * 120 s.
   */
  private static void readCommitted(String bootstrap, List<String> topics, RecordSink sink)
      throws IOException {
    Map<String, Object> settings =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = topics.stream().map(t -> new TopicPartition(t, 0)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long end = System.currentTimeMillis() + 120_000;
      boolean enough = false;
      while (System.currentTimeMillis() < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (sink.accept(r.topic(), r.value()) && !enough) {
            enough = true;
            end = Math.min(end, System.currentTimeMillis() + 3_000);
          }
        }
      }
    }
  }

  /** {@code rows} rows of {@code dims} standard normal features and a logistic 0/1 label. */
  private static void writeLogisticData(Path file, int rows, int dims, long seed)
      throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    double[] w = new double[dims];
    for (int d = 0; d < dims; d++) {
      w[d] = random.nextGaussian();
    }
    StringBuilder csv = new StringBuilder("label");
    for (int d = 0; d < dims; d++) {
      csv.append(",x").append(d);
    }
    csv.append('\n');
    double[] x = new double[dims];
    for (int i = 0; i < rows; i++) {
      double margin = 0;
      for (int d = 0; d < dims; d++) {
        x[d] = random.nextGaussian();
        margin += w[d] * x[d];
      }
      int label = random.nextDouble() < 1 / (1 + Math.exp(-margin / Math.sqrt(dims))) ? 1 : 0;
      csv.append(label);
      for (int d = 0; d < dims; d++) {
        csv.append(',').append(String.format(Locale.ROOT, "%.6f", x[d]));
      }
      csv.append('\n');
    }
    Files.writeString(file, csv);
  }

  private static ClickFtrl.Config ftrlConfig(long events, long rate) {
    return new ClickFtrl.Config(
        events,
        rate,
        SEED,
        events / 2,
        NUM_FEATURES,
        FtrlParams.defaults().withMiniBatchSize(MINI_BATCH),
        EMIT_EVERY);
  }

  private List<String> ftrlArgs(ClickFtrl.Config config, Path out) {
    return List.of(
        "online",
        "ftrl",
        "--output",
        out.toString(),
        "--events",
        String.valueOf(config.events()),
        "--rate",
        String.valueOf(config.rate()),
        "--seed",
        String.valueOf(config.seed()),
        "--drift-at",
        String.valueOf(config.driftAt()),
        "--num-features",
        String.valueOf(config.numFeatures()),
        "--mini-batch",
        String.valueOf(config.params().miniBatchSize()),
        "--emit-every",
        String.valueOf(config.emitEvery()),
        "--json",
        "--flinkMaster=" + cluster.master(),
        "--parallelism=1",
        "--checkpointingInterval=1000");
  }

  private static String awaitNewRunningJob(List<String> before, Submission submission) {
    return FlinkCluster.await(
        "the submitted job running",
        Duration.ofSeconds(120),
        () -> {
          submission.failIfEnded();
          try {
            for (JsonNode job : cluster.get("/jobs/overview").path("jobs")) {
              String id = job.path("jid").asText();
              if (!before.contains(id) && "RUNNING".equals(job.path("state").asText())) {
                return Optional.of(id);
              }
            }
            return Optional.empty();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** A TaskManager running a subtask of a running vertex whose name contains {@code name}. */
  private static Optional<Integer> runningTaskManager(String jobId, String name) {
    for (JsonNode vertex : getQuietly("/jobs/" + jobId).path("vertices")) {
      if (vertex.path("name").asText().contains(name)
          && "RUNNING".equals(vertex.path("status").asText())) {
        String path =
            "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers";
        for (JsonNode tm : getQuietly(path).path("taskmanagers")) {
          String id = tm.path("taskmanager-id").asText();
          if ("RUNNING".equals(tm.path("status").asText()) && id.startsWith("taskmanager-")) {
            return Optional.of(Integer.parseInt(id.substring("taskmanager-".length())));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** {@code rows} points around {@code k} seeded centres in {@code dims} dimensions, as CSV. */
  private static void writeGaussianMixture(Path file, int rows, int dims, int k, long seed)
      throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] centres = new double[k][dims];
    for (double[] c : centres) {
      for (int d = 0; d < dims; d++) {
        c[d] = 5 * random.nextGaussian();
      }
    }
    StringBuilder csv = new StringBuilder();
    for (int d = 0; d < dims; d++) {
      csv.append(d == 0 ? "" : ",").append("x").append(d);
    }
    csv.append('\n');
    for (int i = 0; i < rows; i++) {
      double[] c = centres[random.nextInt(k)];
      for (int d = 0; d < dims; d++) {
        csv.append(d == 0 ? "" : ",")
            .append(String.format(Locale.ROOT, "%.6f", c[d] + 1.5 * random.nextGaussian()));
      }
      csv.append('\n');
    }
    Files.writeString(file, csv);
  }

  private static void awaitCompletedCheckpoints(String jobId, int count) {
    FlinkCluster.await(
        count + " completed checkpoints",
        Duration.ofSeconds(90),
        () ->
            checkpoints(jobId).path("counts").path("completed").asInt() >= count
                ? Optional.of(true)
                : Optional.empty());
  }

  private static void awaitVersions(Path out, int count, Submission submission) {
    FlinkCluster.await(
        count + " version files in " + out,
        Duration.ofSeconds(90),
        () -> {
          submission.failIfEnded();
          try {
            return Files.isDirectory(out) && FtrlReference.read(out).size() >= count
                ? Optional.of(true)
                : Optional.empty();
          } catch (IOException e) {
            // A version file is read while it is renamed into place; look again.
            return Optional.empty();
          }
        });
  }

  /** The write time of the first version after {@code last}, once there is one. */
  private static Optional<Long> newVersionTime(Path out, long last) {
    Path file = out.resolve(WriteVersionFiles.fileName(last + 1));
    try {
      return Files.exists(file)
          ? Optional.of(Files.getLastModifiedTime(file).toMillis())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The checkpoint a job was restored from, once it has been. */
  private static JsonNode awaitRestored(String jobId) {
    return FlinkCluster.await(
        "the job restored from a checkpoint",
        Duration.ofSeconds(90),
        () -> {
          JsonNode r = checkpoints(jobId).path("latest").path("restored");
          return r.isMissingNode() || r.isNull() ? Optional.empty() : Optional.of(r);
        });
  }

  private static JsonNode checkpoints(String jobId) {
    return getQuietly("/jobs/" + jobId + "/checkpoints");
  }

  private static String stateOf(String jobId) {
    return getQuietly("/jobs/" + jobId).path("state").asText();
  }

  private static JsonNode getQuietly(String path) {
    try {
      return cluster.get(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> concat(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(Arrays.asList(more));
    return all;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void report(String format, Object... args) {
    System.out.println("[cluster] " + String.format(Locale.ROOT, format, args));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The shaded jar run as a user runs it: {@code java -Xss64m <opens> -jar JAR args}. */
  private static final class Submission {
    /** Every submission started, so that none outlives the tests. */
    static final List<Submission> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final String name;
    private final Process process;
    private final Path log;

    private Submission(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    static Submission start(String name, List<String> args) throws IOException {
      List<String> command = new ArrayList<>(List.of("java", "-Xss64m"));
      String opens = System.getProperty("beamlink.jvmOpens", "");
      if (!opens.isBlank()) {
        command.addAll(Arrays.asList(opens.trim().split("\\s+")));
      }
      command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
      command.addAll(args);
      Path log = WORK.resolve(name + ".log");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Submission s = new Submission(name, p, log);
      STARTED.add(s);
      return s;
    }

    static Submission run(String name, List<String> args) throws IOException {
      Submission s = start(name, args);
      s.awaitEnd(Duration.ofMinutes(3));
      return s;
    }

    int exitValue() {
      return process.exitValue();
    }

    void failIfEnded() {
      if (!process.isAlive() && process.exitValue() != 0) {
        throw new AssertionError(name + " failed (exit " + process.exitValue() + "): " + output());
      }
    }

    void awaitEnd(Duration timeout) {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(name + " did not end within " + timeout + ": " + output());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    void awaitSucceeded(Duration timeout) {
      awaitEnd(timeout);
      assertSucceeded();
    }

    void assertSucceeded() {
      assertFalse(process.isAlive(), name + " still runs");
      assertEquals(0, process.exitValue(), name + ": " + output());
    }

    String output() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(no output: " + e + ")";
      }
    }

    /** The last line that is a JSON object: the result with {@code --json} (logs may follow). */
    String lastJsonLine() {
      List<String> lines = output().lines().filter(l -> l.startsWith("{")).toList();
      if (lines.isEmpty()) {
        throw new AssertionError(name + " printed no JSON: " + output());
      }
      return lines.get(lines.size() - 1);
    }
  }
}
