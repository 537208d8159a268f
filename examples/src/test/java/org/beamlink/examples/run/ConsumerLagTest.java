package org.beamlink.examples.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.beamlink.runners.testing.KafkaBroker;
import org.junit.jupiter.api.Test;

/**
 * {@link ConsumerLag} against a broker the test starts: the lag is the end offsets minus the
 * group's committed offsets, summed over partitions, as {@code kafka-consumer-groups.sh} reports
 * it.
 */
class ConsumerLagTest {
  @Test
  void lagIsEndOffsetsMinusCommittedOffsetsOverAllPartitions() {
    String bootstrap = KafkaBroker.bootstrap();
    String topic = KafkaBroker.newTopic("lag", 2);
    Map<String, Object> producerConfig =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(topic, i < 6 ? 0 : 1, null, "e" + i));
      }
      producer.flush();
    }
    try (ConsumerLag lag = ConsumerLag.of(bootstrap, topic, "lag-group")) {
      // No offsets committed yet: every event is behind.
      assertArrayEquals(new long[] {10, 0}, lag.offsets());
      assertEquals("lag 10 events", lag.status());
      Map<String, Object> consumerConfig =
          Map.of(
              ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
              bootstrap,
              ConsumerConfig.GROUP_ID_CONFIG,
              "lag-group",
              ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
              false);
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
        consumer.commitSync(
            Map.of(
                new TopicPartition(topic, 0), new OffsetAndMetadata(4),
                new TopicPartition(topic, 1), new OffsetAndMetadata(1)));
      }
      assertArrayEquals(new long[] {10, 5}, lag.offsets());
      String status = lag.status();
      assertTrue(status.startsWith("lag 5 events"), status);
    }
  }
}
