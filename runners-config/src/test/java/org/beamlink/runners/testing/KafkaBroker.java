package org.beamlink.runners.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Kafka broker per test JVM, started on first use by {@code
 * runners-config/kafka/kafka-broker.sh} (KRaft, free ports, a working directory under the module's
 * {@code target}) and stopped when the JVM exits. Tests make their own topics, with names no other
 * test uses.
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
  private static Path dir;
  private static String bootstrap;

  private KafkaBroker() {}

  /** The broker's host:port, starting it on first use. */
  public static synchronized String bootstrap() {
    if (bootstrap == null) {
      Path started = Path.of("target", "kafka-broker-" + ProcessHandle.current().pid());
      run("start", "--dir", started.toString());
      Properties env = new Properties();
      try (Reader in = Files.newBufferedReader(started.resolve("broker.env"))) {
        env.load(in);
      } catch (IOException e) {
        throw new IllegalStateException("The broker started but wrote no broker.env", e);
      }
      dir = started;
      bootstrap = env.getProperty("BOOTSTRAP");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> run("stop", "--dir", dir.toString())));
    }
    return bootstrap;
  }

  /** Creates a topic named {@code prefix} and a number unique in this JVM; returns its name. */
  public static String newTopic(String prefix, int partitions) {
    bootstrap();
    String topic = prefix + "-" + TOPICS.incrementAndGet();
    run("create-topic", topic, "--partitions", String.valueOf(partitions), "--dir", dir.toString());
    return topic;
  }

  private static String run(String... args) {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("kafka-broker.sh " + command + " did not end: " + output);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "kafka-broker.sh "
                + String.join(" ", args)
                + " exited "
                + p.exitValue()
                + ": "
                + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run " + SCRIPT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
