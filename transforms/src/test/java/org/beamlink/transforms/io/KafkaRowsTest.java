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
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.beamlink.runners.testing.KafkaBroker;
import org.beamlink.runners.testing.TestRunner;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
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
