package org.beamlink.transforms.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.RowJson;
import org.apache.beam.sdk.util.RowJsonUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.beamlink.runners.testing.KafkaBroker;
import org.beamlink.runners.testing.TestRunner;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link WriteKafkaRows} and {@link ReadKafkaRows} against a Kafka broker started by the test
 * ({@link KafkaBroker}, KRaft, from Maven jars), on every runner.
 */
class KafkaRowsTest {
  private static final Schema EVENT =
      Schema.builder()
          .addInt64Field("time")
          .addDoubleField("price")
          .addStringField("site")
          .addInt32Field("click")
          .build();

  private static final long START = 1_767_225_600_000L;

  private static Row event(int i) {
    return Row.withSchema(EVENT).addValues(START + 10L * i, 0.5 + i, "s" + (i % 3), i % 2).build();
  }

  /** The event time of every row next to the time the row holds. */
  private static final class TimesFn extends DoFn<Row, String> {
    @ProcessElement
    public void process(@Element Row row, @Timestamp Instant time, OutputReceiver<String> out) {
      out.output(row.getInt64("time") + "@" + time.getMillis());
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestRunner.class)
  void rowsGoThroughATopicWithTheirEventTimes(TestRunner runner) {
    String bootstrap = KafkaBroker.bootstrap();
    // One partition: a read bounded by a record count shares the count evenly among its readers,
    // one or more partitions each (see ReadKafkaRows.withMaxRecords).
    String topic = KafkaBroker.newTopic("rows", 1);
    List<Row> rows = new ArrayList<>();
    List<TimestampedValue<Row>> stamped = new ArrayList<>();
    List<String> times = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(event(i));
      stamped.add(TimestampedValue.of(event(i), new Instant(START + 10L * i)));
      times.add((START + 10L * i) + "@" + (START + 10L * i));
    }
    Pipeline write = runner.create();
    write
        .apply(Create.timestamped(stamped).withCoder(SchemaCoder.of(EVENT)))
        .setRowSchema(EVENT)
        .apply(WriteKafkaRows.to(bootstrap, topic).withKeyCol("site"));
    runner.run(write);

    Pipeline read = runner.create();
    PCollection<Row> back =
        read.apply(ReadKafkaRows.from(bootstrap, topic, EVENT).withMaxRecords(rows.size()));
    PAssert.that(back).containsInAnyOrder(rows);
    PAssert.that(back.apply(ParDo.of(new TimesFn()))).containsInAnyOrder(times);
    runner.run(read);
  }

  /**
   * KafkaIO's exactly-once sink on Flink streaming, fed by an unbounded read of a topic (as a
   * streaming job runs): every row reaches the output topic once, read with read_committed, while
   * the job runs (checkpoints every 500 ms commit the transactions); the test then cancels it.
   */
  @Test
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void exactlyOnceRowsFromAnUnboundedTopicOnFlinkStreaming() throws Exception {
    String bootstrap = KafkaBroker.bootstrap();
    String in = KafkaBroker.newTopic("eos-in", 2);
    String out = KafkaBroker.newTopic("eos-out", 2);
    List<String> values = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      values.add(json(event(i)));
      expected.add(values.get(i));
    }
    produce(bootstrap, in, values);
    Pipeline p =
        TestRunner.FLINK_STREAMING.create(
            "--checkpointingInterval=500",
            "--attachedMode=false",
            "--experiments=use_deprecated_read",
            "--parallelism=2");
    p.apply(ReadKafkaRows.from(bootstrap, in, EVENT))
        .apply(WriteKafkaRows.to(bootstrap, out).withExactlyOnce(2, "eos-rows-test"));
    PipelineResult result = p.run();
    try {
      List<String> seen = readCommitted(bootstrap, out, values.size(), 120_000);
      seen.sort(null);
      expected.sort(null);
      assertEquals(expected, seen);
    } finally {
      result.cancel();
    }
  }

  /**
   * The same sink on a bounded input ends on Flink streaming with checkpoints once the sources are
   * told to shut down when idle (with checkpoints on, FlinkRunner keeps finished sources running so
   * that checkpoints go on, and the job never ends) and the writes still waiting for a checkpoint
   * are flushed at the end.
   */
  @Test
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void exactlyOnceRowsFromABoundedInputEndOnFlinkStreaming() {
    String bootstrap = KafkaBroker.bootstrap();
    String out = KafkaBroker.newTopic("eos-bounded", 1);
    List<TimestampedValue<Row>> stamped = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      stamped.add(TimestampedValue.of(event(i), new Instant(START + 10L * i)));
      expected.add(json(event(i)));
    }
    Pipeline p =
        TestRunner.FLINK_STREAMING.create(
            "--checkpointingInterval=500",
            "--shutdownSourcesAfterIdleMs=1000",
            "--enableStableInputDrain=true");
    p.apply(Create.timestamped(stamped).withCoder(SchemaCoder.of(EVENT)))
        .setRowSchema(EVENT)
        .apply(WriteKafkaRows.to(bootstrap, out).withExactlyOnce(1, "eos-bounded-test"));
    TestRunner.FLINK_STREAMING.run(p);
    List<String> seen = readCommitted(bootstrap, out, expected.size(), 30_000);
    seen.sort(null);
    expected.sort(null);
    assertEquals(expected, seen);
  }

  private static String json(Row row) {
    return RowJsonUtils.rowToJson(
        RowJsonUtils.newObjectMapperWith(RowJson.RowJsonSerializer.forSchema(EVENT)), row);
  }

  /** Values of committed records of {@code topic}, until {@code n} or the deadline and 2 s more. */
  private static List<String> readCommitted(String bootstrap, String topic, int n, long millis) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.GROUP_ID_CONFIG,
            "check-" + topic);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + millis;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(java.time.Duration.ofMillis(500))) {
          values.add(r.value());
        }
        if (values.size() >= n) {
          deadline = Math.min(deadline, System.currentTimeMillis() + 2000);
        }
      }
    }
    return values;
  }

  private static void produce(String bootstrap, String topic, List<String> values) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, 0, START, null, value));
      }
      producer.flush();
    }
  }

  @Test
  void malformedRecordsGoToTheFailureOutputWithTheirOffsets() {
    String bootstrap = KafkaBroker.bootstrap();
    String topic = KafkaBroker.newTopic("malformed", 1);
    produce(
        bootstrap,
        topic,
        List.of(
            "{\"time\": 1, \"price\": 2.5, \"site\": \"s1\", \"click\": 1}",
            "not json",
            "{\"time\": 2, \"price\": \"cheap\", \"site\": \"s1\", \"click\": 0}"));
    Pipeline p = TestRunner.DIRECT.create();
    ReadResult result =
        p.apply(ReadKafkaRows.from(bootstrap, topic, EVENT).withMaxRecords(3).withFailuresOutput());
    PAssert.that(result.getRows())
        .containsInAnyOrder(Row.withSchema(EVENT).addValues(1L, 2.5, "s1", 1).build());
    PAssert.that(result.getFailures())
        .satisfies(
            failures -> {
              List<String> seen = new ArrayList<>();
              for (Row f : failures) {
                assertEquals("kafka:" + topic + "/0", f.getString("file"));
                assertTrue(f.getString("error").startsWith("not a JSON object of"), f.toString());
                seen.add(f.getInt64("line") + " " + f.getString("text"));
              }
              seen.sort(null);
              assertEquals(
                  List.of(
                      "1 not json",
                      "2 {\"time\": 2, \"price\": \"cheap\", \"site\": \"s1\", \"click\": 0}"),
                  seen);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void aMalformedRecordFailsTheJobNamingTopicPartitionAndOffset() {
    String bootstrap = KafkaBroker.bootstrap();
    String topic = KafkaBroker.newTopic("fails", 1);
    produce(bootstrap, topic, List.of("{\"time\": 1, \"price\": 2.5, \"site\": \"s\"}"));
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(ReadKafkaRows.from(bootstrap, topic, EVENT).withMaxRecords(1));
    PipelineExecutionException e =
        assertThrows(PipelineExecutionException.class, () -> TestRunner.DIRECT.run(p));
    String message = e.getCause().getMessage();
    assertTrue(
        message.contains("Kafka topic " + topic + ", partition 0, offset 0")
            && message.contains("click"),
        message);
  }

  @Test
  void aMissingTopicFailsWhenThePipelineIsBuilt() {
    String bootstrap = KafkaBroker.bootstrap();
    Pipeline p = TestRunner.DIRECT.create();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.apply(ReadKafkaRows.from(bootstrap, "no-such-topic", EVENT)));
    assertTrue(e.getMessage().contains("'no-such-topic' does not exist"), e.getMessage());
    Pipeline w = TestRunner.DIRECT.create();
    PCollection<Row> rows = w.apply(Create.of(event(0)).withRowSchema(EVENT));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(WriteKafkaRows.to(bootstrap, "no-such-topic")));
    assertTrue(e.getMessage().contains("'no-such-topic' does not exist"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(WriteKafkaRows.to(bootstrap, "t").withKeyCol("nope")));
    assertTrue(e.getMessage().contains("No key column 'nope'"), e.getMessage());
  }

  @Test
  void anUnreachableBrokerFailsWithinSecondsNamingTheAddress() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String nowhere = "localhost:" + port;
    Pipeline p = TestRunner.DIRECT.create();
    long start = System.nanoTime();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.apply(ReadKafkaRows.from(nowhere, "events", EVENT)));
    assertTrue(e.getMessage().startsWith("No Kafka broker answered at " + nowhere), e.getMessage());
    assertTrue((System.nanoTime() - start) / 1e9 < 60, "took too long");
    assertThrows(
        IllegalArgumentException.class, () -> ReadKafkaRows.from("localhost", "events", EVENT));
  }
}
