package org.beamlink.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.values.Row;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.beamlink.examples.demo.ClickEvents;
import org.beamlink.examples.online.ClickFtrl;
import org.beamlink.examples.online.FtrlReference;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.online.FtrlParams;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.KafkaBroker;
import org.beamlink.transforms.pipeline.KafkaModelVersions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code beamlink kafka produce} then {@code beamlink online ftrl --events-topic}, against a broker
 * the test starts ({@link KafkaBroker}): the versions the topic-fed job writes, to files and to a
 * models topic, are those of sequential FTRL over the generated events ({@link FtrlReference},
 * which {@code OnlineCommandTest} checks the generator-fed job against), since a one-partition
 * topic read at parallelism 1 gives the trainer the same events in the same order.
 */
class KafkaCommandTest {
  private static final long EVENTS = 2550;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The run both jobs make: 2,550 events of seed 3, versions every 1,000 examples. */
  private static final ClickFtrl.Config CONFIG =
      new ClickFtrl.Config(
          EVENTS,
          100000,
          3,
          EVENTS / 2,
          1024,
          FtrlParams.defaults().withMiniBatchSize(100).withThreads(2),
          1000);

  @TempDir Path temp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"--runner=DirectRunner", "--flinkMaster=[auto] --checkpointingInterval=500"})
  void ftrlOnAProducedTopicWritesTheVersionsOfTheGeneratorRun(String runner) throws IOException {
    String bootstrap = KafkaBroker.bootstrap();
    String events = KafkaBroker.newTopic("clicks", 1);
    String models = KafkaBroker.newTopic("ctr-models", 1);
    String predictions = KafkaBroker.newTopic("ctr-predictions", 1);
    // Both jobs on the runner under test: without a runner option the CLI starts its own embedded
    // Flink, which Flink refuses once an earlier test of this JVM has set the shared test cluster
    // as its context.
    List<String> produceArgs =
        new ArrayList<>(
            List.of(
                "kafka",
                "produce",
                "--kafka-bootstrap",
                bootstrap,
                "--topic",
                events,
                "--events",
                String.valueOf(EVENTS),
                "--rate",
                "100000",
                "--seed",
                "3",
                "--json",
                "--quiet"));
    produceArgs.addAll(List.of(runner.split(" ")));
    CommandLineRun produce = CommandLineRun.of(produceArgs.toArray(String[]::new));
    assertEquals(0, produce.code(), produce.err());
    assertTrue(produce.out().contains("\"events\":" + EVENTS), produce.out());

    Path out = temp.resolve("versions");
    List<String> args =
        new ArrayList<>(
            List.of(
                "online",
                "ftrl",
                "--kafka-bootstrap",
                bootstrap,
                "--events-topic",
                events,
                "--events",
                String.valueOf(EVENTS),
                "--models-topic",
                models,
                "--predictions-topic",
                predictions,
                "--output",
                out.toString(),
                "--num-features",
                "1024",
                "--mini-batch",
                "100",
                "--threads",
                "2",
                "--emit-every",
                "1000",
                "--json",
                "--quiet",
                "--parallelism=1"));
    args.addAll(List.of(runner.split(" ")));
    CommandLineRun train = CommandLineRun.of(args.toArray(String[]::new));
    assertEquals(0, train.code(), train.err());
    // Versions 0 (initial), 1 at 1000, 2 at 2000 and 3 at the end (2550, a partial batch of 50).
    TreeMap<Long, LinearModel> files = FtrlReference.assertWrittenVersionsMatch(CONFIG, out);
    assertEquals(4, files.size());
    TreeMap<Long, LinearModel> topic = readVersions(bootstrap, models, files.size());
    FtrlReference.assertVersionsMatch(CONFIG, topic, "Kafka topic " + models);
    assertPredictionsOfEveryEvent(bootstrap, predictions);
    assertTrue(train.out().contains("\"newestVersion\":3"), train.out());
    assertTrue(train.out().contains("\"examples\":2550"), train.out());
  }

  @Test
  void ftrlOnAMissingTopicSaysSo() {
    String bootstrap = KafkaBroker.bootstrap();
    CommandLineRun run =
        CommandLineRun.of(
            "online",
            "ftrl",
            "--kafka-bootstrap",
            bootstrap,
            "--events-topic",
            "no-such-clicks",
            "--output",
            temp.resolve("v").toString(),
            "--runner=DirectRunner");
    assertEquals(1, run.code());
    assertTrue(
        run.err().contains("Kafka topic 'no-such-clicks' does not exist on the broker at"),
        run.err());
  }

  @Test
  void produceToAnUnreachableBrokerSaysSoWithinSeconds() {
    long start = System.nanoTime();
    CommandLineRun run =
        CommandLineRun.of(
            "kafka",
            "produce",
            "--kafka-bootstrap",
            "localhost:1",
            "--topic",
            "clicks",
            "--events",
            "10",
            "--runner=DirectRunner");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(1, run.code());
    assertTrue(run.err().contains("No Kafka broker answered at localhost:1"), run.err());
    assertTrue(seconds < 60, "took " + seconds + " s");
  }

  @Test
  void ftrlWithoutADestinationNamesTheOptions() {
    CommandLineRun run = CommandLineRun.of("online", "ftrl", "--events", "10");
    assertEquals(2, run.code());
    assertTrue(run.err().contains("--output or --models-topic"), run.err());
  }

  /**
   * One prediction per event in {@code topic}: its time, its click, a probability of a click in (0,
   * 1), the predicted click (1 above probability 0.5: the detail vector's larger class, the first
   * label on a tie, as for the zero initial model) and a version the job wrote (0 to 3).
   */
  private static void assertPredictionsOfEveryEvent(String bootstrap, String topic)
      throws IOException {
    ClickEvents clicks = new ClickEvents(CONFIG.seed(), CONFIG.driftAt());
    Map<Long, JsonNode> byTime = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readRecords(bootstrap, topic, (int) EVENTS)) {
      JsonNode p = JSON.readTree(r.value());
      JsonNode previous = byTime.put(p.path("time").asLong(), p);
      assertEquals(null, previous, "a second prediction of " + p);
    }
    for (long i = 0; i < EVENTS; i++) {
      Row event = clicks.event(i);
      JsonNode p = byTime.get(event.getInt64("time"));
      assertTrue(p != null, "no prediction of event " + i);
      assertEquals((int) event.getInt32("click"), p.path("click").asInt(), "click of event " + i);
      double probability = p.path("probability").asDouble();
      assertTrue(probability > 0 && probability < 1, p.toString());
      assertEquals(probability > 0.5 ? 1 : 0, p.path("prediction").asInt(), p.toString());
      long version = p.path("modelVersion").asLong();
      assertTrue(version >= 0 && version <= 3, p.toString());
    }
  }

  /** The first {@code n} versions in {@code topic} (read committed), by version number. */
  private static TreeMap<Long, LinearModel> readVersions(String bootstrap, String topic, int n) {
    TreeMap<Long, LinearModel> versions = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readRecords(bootstrap, topic, n)) {
      ModelVersion<Transformer> v =
          KafkaModelVersions.decode(r.value(), topic + " offset " + r.offset());
      versions.put(v.version(), (LinearModel) v.model());
    }
    return versions;
  }

  /**
   * The committed records of partition 0 of {@code topic}: {@code n} of them, then 1 s more to
   * catch any beyond, failing unless exactly {@code n} came within 30 s.
   */
  private static List<ConsumerRecord<byte[], byte[]>> readRecords(
      String bootstrap, String topic, int n) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          records.add(r);
        }
        if (records.size() >= n) {
          deadline = Math.min(deadline, System.currentTimeMillis() + 1_000);
        }
      }
    }
    assertEquals(n, records.size(), "records in " + topic);
    return records;
  }
}
