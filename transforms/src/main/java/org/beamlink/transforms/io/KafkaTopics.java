package org.beamlink.transforms.io;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Checks, when a pipeline is built, that a Kafka broker answers and a topic exists, so that a job
 * pointed at a wrong address or topic fails at once with a message saying which, instead of waiting
 * for a broker or a topic that never comes (a Kafka consumer retries both for as long as it runs).
 * The readers and writers of Kafka topics call it from {@code expand}.
 *
 * <pre>{@code
 * KafkaTopics.requireTopic("localhost:9092", "events"); // throws naming the topics there
 * }</pre>
 */
public final class KafkaTopics {
  /** How long the broker has to answer. */
  static final long TIMEOUT_MILLIS = 10_000;

  private KafkaTopics() {}

  /**
   * Throws {@link IllegalArgumentException} when no broker answers at {@code bootstrap} within 10
   * s, or when it has no topic {@code topic} (the message lists the topics it has).
   */
  public static void requireTopic(String bootstrap, String topic) {
    requireTopics(bootstrap, List.of(topic));
  }

  /** {@link #requireTopic} for each of {@code topics}. */
  public static void requireTopics(String bootstrap, List<String> topics) {
    Set<String> present = topics(bootstrap);
    for (String topic : topics) {
      if (!present.contains(topic)) {
        throw new IllegalArgumentException(
            "Kafka topic '"
                + topic
                + "' does not exist on the broker at "
                + bootstrap
                + " (topics there: "
                + present
                + "); create it first, e.g. runners-config/kafka/kafka-broker.sh create-topic "
                + topic);
      }
    }
  }

  /** The topics of the broker at {@code bootstrap}, internal ones left out, sorted. */
  public static Set<String> topics(String bootstrap) {
    checkBootstrap(bootstrap);
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MILLIS,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MILLIS);
    try (Admin admin = Admin.create(config)) {
      return new TreeSet<>(admin.listTopics().names().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalArgumentException(
          "No Kafka broker answered at "
              + bootstrap
              + " within "
              + TIMEOUT_MILLIS / 1000
              + " s ("
              + (e.getCause() == null ? e : e.getCause())
              + "); is it running? (runners-config/kafka/kafka-broker.sh status)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while asking " + bootstrap + " for topics", e);
    }
  }

  /**
   * Throws unless {@code bootstrap} is a list of host:port and {@code topic} a name: the check
   * every reader and writer of a topic makes when it is made, before {@link #requireTopic} asks the
   * broker.
   */
  public static void checkAddress(String bootstrap, String topic) {
    checkBootstrap(bootstrap);
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException("Expected a Kafka topic name, got '" + topic + "'");
    }
  }

  /**
   * The consumer settings of every Beamlink reader of a topic: from the earliest offset when the
   * group has none, and never creating a missing topic.
   */
  public static Map<String, Object> fromEarliest() {
    return Map.of(
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
        "earliest",
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
        false);
  }

  /**
   * The producer settings of every Beamlink exactly-once writer: a retry backoff of 1 ms instead of
   * Kafka's 100 ms. KafkaIO's exactly-once sink (Beam 2.70) commits one Kafka transaction per
   * record on Flink (its grouping fires for every element), and a transaction right after another
   * waits for the producer's retries of its first requests while the broker completes the previous
   * one: the time per transaction follows the backoff. Measured on the script's broker, one record
   * per transaction as the sink writes them: 8 transactions a second with the default, 41 with 10
   * ms, 153 with 1 ms (2026-12-08); the default made an exactly-once job of 2,000 events a second
   * fall behind by minutes.
   */
  public static Map<String, Object> exactlyOnceProducer() {
    return Map.of(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 1);
  }

  /** Throws unless {@code bootstrap} is a list of host:port. */
  static void checkBootstrap(String bootstrap) {
    if (bootstrap == null || !bootstrap.matches("[^,:\\s]+:\\d+(,[^,:\\s]+:\\d+)*")) {
      throw new IllegalArgumentException(
          "Expected the Kafka bootstrap servers as host:port[,host:port...], got '"
              + bootstrap
              + "'");
    }
  }
}
