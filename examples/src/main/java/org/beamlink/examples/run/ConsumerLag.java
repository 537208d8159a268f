package org.beamlink.examples.run;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a job reading a Kafka topic is behind, as Kafka's own {@code kafka-consumer-groups.sh}
 * tells it: the topic's end offsets minus the offsets the job's consumer group has committed (which
 * Beam's KafkaIO commits as checkpoints are finalized, so the figure moves by checkpoint), and the
 * events per second the committed offsets advanced over the last 10 s. Asked from the process that
 * launched the job, it works on every runner, also while FlinkRunner's {@code run()} blocks and
 * Beam's metrics are out of reach.
 *
 * <pre>{@code
 * try (ConsumerLag lag = ConsumerLag.of("localhost:9092", "clicks", "ftrl-1")) {
 *   progress.withStatus(lag::status).run(pipeline); // "lag 12,345 events, 41,000 events/s"
 * }
 * }</pre>
 */
public final class ConsumerLag implements AutoCloseable {
  /** How long the broker has to answer one question; the progress line goes on without it. */
  private static final long TIMEOUT_MILLIS = 2_000;

  /** The span the rate is taken over. */
  private static final long RATE_SPAN_MILLIS = 10_000;

  private final Admin admin;
  private final String topic;
  private final String group;
  private final ArrayDeque<long[]> committedAt = new ArrayDeque<>();

  private ConsumerLag(Admin admin, String topic, String group) {
    this.admin = admin;
    this.topic = topic;
    this.group = group;
  }

  /**
   * The lag of consumer group {@code group} on topic {@code topic} of brokers {@code bootstrap}.
   */
  public static ConsumerLag of(String bootstrap, String topic, String group) {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MILLIS);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MILLIS);
    return new ConsumerLag(Admin.create(config), topic, group);
  }

  /**
   * The end offsets of the topic and the committed offsets of the group, each summed over the
   * topic's partitions (a partition without a committed offset counts 0).
   *
   * @throws IllegalStateException when the broker does not answer within 2 s
   */
  public long[] offsets() {
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
          .get(topic)
          .partitions()
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      long end = 0;
      long done = 0;
      for (TopicPartition p : partitions) {
        end += ends.get(p).offset();
        OffsetAndMetadata c = committed.get(p);
        done += c == null ? 0 : c.offset();
      }
      return new long[] {end, done};
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalStateException(
          "The Kafka broker did not tell the offsets of topic " + topic + " and group " + group, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The progress line's words: {@code "lag 12,345 events, 41,000 events/s"} (the rate once two
   * answers are at least a second apart), or why there is no figure.
   */
  public String status() {
    long[] offsets;
    try {
      offsets = offsets();
    } catch (IllegalStateException e) {
      return "lag unknown (the broker did not answer)";
    }
    long now = System.currentTimeMillis();
    committedAt.addLast(new long[] {now, offsets[1]});
    while (committedAt.size() > 2 && now - committedAt.peekFirst()[0] > RATE_SPAN_MILLIS) {
      committedAt.removeFirst();
    }
    StringBuilder line =
        new StringBuilder(
            String.format(Locale.ROOT, "lag %,d events", Math.max(0, offsets[0] - offsets[1])));
    long[] first = committedAt.peekFirst();
    if (now - first[0] >= 1000) {
      double rate = (offsets[1] - first[1]) * 1000.0 / (now - first[0]);
      line.append(String.format(Locale.ROOT, ", %,.0f events/s", rate));
    }
    return line.toString();
  }

  @Override
  public void close() {
    admin.close();
  }
}
