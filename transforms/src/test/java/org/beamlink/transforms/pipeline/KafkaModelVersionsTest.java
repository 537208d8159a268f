package org.beamlink.transforms.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.beamlink.models.feature.BinarizerMapper;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.runners.testing.KafkaBroker;
import org.beamlink.runners.testing.TestRunner;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Model versions handed from a writing job to a scoring job through a Kafka topic ({@link
 * KafkaModelVersions}), against a broker started by the test.
 */
class KafkaModelVersionsTest {
  private static final Schema ROW = Schema.builder().addDoubleField("x").build();
  private static final long START = 1_767_225_600_000L;

  private static BinarizerMapper binarizer(double threshold) {
    return BinarizerMapper.of(List.of("x"), List.of("high"), threshold);
  }

  private static ModelVersion<BinarizerMapper> version(long v) {
    return ModelVersion.of(
        v, binarizer(v), 1000 * v, new Instant(START), new Instant(START + v), "ftrl-test");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = TestRunner.class,
      names = {"DIRECT", "FLINK_STREAMING"})
  void versionsGoThroughATopicWithTheirMetadataAndScoreRows(TestRunner runner) {
    String bootstrap = KafkaBroker.bootstrap();
    String topic = KafkaBroker.newTopic("models", 1);
    List<TimestampedValue<ModelVersion<BinarizerMapper>>> versions = new ArrayList<>();
    // Version 0, an initial model, is stamped at the start of time: Kafka takes no negative
    // timestamps, so its record is stamped 0.
    versions.add(TimestampedValue.of(version(0), BoundedWindow.TIMESTAMP_MIN_VALUE));
    for (long v = 1; v <= 3; v++) {
      versions.add(TimestampedValue.of(version(v), new Instant(START + v)));
    }
    Pipeline write = runner.create();
    write
        .apply(
            Create.timestamped(versions)
                .withCoder(
                    ModelVersion.Coder.of(
                        TransformerCoder.of(BinarizerMapper.class, binarizer(0)))))
        .apply(KafkaModelVersions.write(bootstrap, topic));
    runner.run(write);

    KafkaModelVersions.Read read = KafkaModelVersions.read(bootstrap, topic).withMaxVersions(4);
    assertEquals(binarizer(3), read.newest());
    Pipeline p = runner.create();
    PCollection<ModelVersion<Transformer>> models = p.apply(read);
    Kept.keep(models, "kafka-versions-" + runner);
    PCollection<Row> rows =
        p.apply("Rows", Create.of(Row.withSchema(ROW).addValues(2.5).build()).withRowSchema(ROW));
    Kept.keep(rows.apply(ApplyModel.ofVersions(models)), "kafka-scored-" + runner);
    runner.run(p);

    Map<Long, ModelVersion<Transformer>> byVersion = new TreeMap<>();
    for (ModelVersion<Transformer> v :
        Kept.<ModelVersion<Transformer>>get("kafka-versions-" + runner)) {
      byVersion.put(v.version(), v);
    }
    assertEquals(List.of(0L, 1L, 2L, 3L), new ArrayList<>(byVersion.keySet()));
    for (long v = 0; v <= 3; v++) {
      ModelVersion<Transformer> got = byVersion.get(v);
      assertEquals(binarizer(v), got.model());
      assertEquals(1000 * v, got.examples());
      assertEquals(new Instant(START), got.firstEventTime());
      assertEquals(new Instant(START + v), got.lastEventTime());
      assertEquals("ftrl-test", got.source());
    }
    List<Row> scored = Kept.get("kafka-scored-" + runner);
    assertEquals(1, scored.size());
    long used = scored.get(0).getInt64("modelVersion");
    assertEquals(used < 2.5 ? 1.0 : 0.0, scored.get(0).getDouble("high"), "version " + used);
  }

  @Test
  void aRecordValueHoldsTheVersionAndABadOneIsNamed() {
    byte[] value = KafkaModelVersions.encode(version(2));
    ModelVersion<Transformer> back = KafkaModelVersions.decode(value, "offset 7");
    assertEquals(2, back.version());
    assertEquals(binarizer(2), back.model());
    assertEquals(2000, back.examples());
    assertEquals(new Instant(START), back.firstEventTime());
    assertEquals(new Instant(START + 2), back.lastEventTime());
    assertEquals("ftrl-test", back.source());

    byte[] cut = Arrays.copyOf(value, 20);
    assertEquals(
        "Cannot read the version metadata in offset 7: the record is cut short",
        assertThrows(
                IllegalArgumentException.class, () -> KafkaModelVersions.decode(cut, "offset 7"))
            .getMessage());
    byte[] later = value.clone();
    later[4] = 9;
    assertEquals(
        "offset 7 is a model version of envelope format 9; this Beamlink reads format 1",
        assertThrows(
                IllegalArgumentException.class, () -> KafkaModelVersions.decode(later, "offset 7"))
            .getMessage());
  }

  @Test
  void readingNeedsAVersionInTheTopicAndRecordsItWrote() {
    String bootstrap = KafkaBroker.bootstrap();
    String empty = KafkaBroker.newTopic("no-models", 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> KafkaModelVersions.read(bootstrap, empty));
    assertTrue(
        e.getMessage().startsWith("No model version in Kafka topic " + empty), e.getMessage());

    String foreign = KafkaBroker.newTopic("foreign", 1);
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      producer.send(new ProducerRecord<>(foreign, "1", "not a model"));
    }
    e =
        assertThrows(
            IllegalArgumentException.class, () -> KafkaModelVersions.read(bootstrap, foreign));
    assertTrue(
        e.getMessage().contains("Kafka topic " + foreign + ", partition 0, offset 0"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("it does not start with BLMV"), e.getMessage());
  }
}
