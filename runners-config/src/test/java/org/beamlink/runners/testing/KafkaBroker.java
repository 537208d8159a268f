package org.beamlink.runners.testing;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.beamlink.runners.LocalKafkaBroker;

/**
 * One Kafka broker per test JVM, started on first use by {@code
 * runners-config/kafka/kafka-broker.sh} ({@link LocalKafkaBroker}: KRaft, free ports, a working
 * directory under the module's {@code target}) and stopped when the JVM exits. Tests make their own
 * topics, with names no other test uses.
 *
 * <pre>{@code
 * String bootstrap = KafkaBroker.bootstrap();
 * String topic = KafkaBroker.newTopic("events", 2); // e.g. "events-3"
 * }</pre>
 */
public final class KafkaBroker {
  /** The repository root (the build may pass it; the module's parent otherwise). */
  static final Path ROOT =
      Path.of(System.getProperty("beamlink.root", Path.of("..").toAbsolutePath().toString()))
          .normalize();

  static final Path SCRIPT = ROOT.resolve("runners-config/kafka/kafka-broker.sh");

  private static final AtomicInteger TOPICS = new AtomicInteger();
  private static LocalKafkaBroker broker;

  private KafkaBroker() {}

  /** The broker's host:port, starting it on first use. */
  public static synchronized String bootstrap() {
    if (broker == null) {
      Path dir = Path.of("target", "kafka-broker-" + ProcessHandle.current().pid());
      broker = LocalKafkaBroker.start(SCRIPT, dir);
      Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
    }
    return broker.bootstrap();
  }

  /** Creates a topic named {@code prefix} and a number unique in this JVM; returns its name. */
  public static String newTopic(String prefix, int partitions) {
    bootstrap();
    String topic = prefix + "-" + TOPICS.incrementAndGet();
    broker.createTopic(topic, partitions);
    return topic;
  }
}
