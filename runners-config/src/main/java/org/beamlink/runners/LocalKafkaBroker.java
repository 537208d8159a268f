package org.beamlink.runners;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka broker on loopback started by {@code runners-config/kafka/kafka-broker.sh} (KRaft, free
 * ports, everything in one working directory) and stopped by {@link #close}: the broker of the
 * tests and of the benchmarks that start their own.
 *
 * <pre>{@code
 * try (LocalKafkaBroker broker = LocalKafkaBroker.start(Path.of("target/broker"))) {
 *   broker.createTopic("events", 1);
 *   String bootstrap = broker.bootstrap(); // e.g. "localhost:40123"
 * }
 * }</pre>
 */
public final class LocalKafkaBroker implements AutoCloseable {
  private static final String SCRIPT = "runners-config/kafka/kafka-broker.sh";

  private final Path script;
  private final Path dir;
  private final String bootstrap;

  private LocalKafkaBroker(Path script, Path dir, String bootstrap) {
    this.script = script;
    this.dir = dir;
    this.bootstrap = bootstrap;
  }

  /** Starts a broker in {@code dir} with the script of the checkout this code runs from. */
  public static LocalKafkaBroker start(Path dir) {
    return start(script(), dir);
  }

  /** Starts a broker in {@code dir} with {@code script} ({@code kafka-broker.sh}). */
  public static LocalKafkaBroker start(Path script, Path dir) {
    run(script, "start", "--dir", dir.toString());
    Properties env = new Properties();
    try (Reader in = Files.newBufferedReader(dir.resolve("broker.env"))) {
      env.load(in);
    } catch (IOException e) {
      throw new IllegalStateException("The broker started but wrote no broker.env in " + dir, e);
    }
    return new LocalKafkaBroker(script, dir, env.getProperty("BOOTSTRAP"));
  }

  /** The broker's host:port. */
  public String bootstrap() {
    return bootstrap;
  }

  /** Creates topic {@code topic} with {@code partitions} partitions. */
  public void createTopic(String topic, int partitions) {
    run(
        script,
        "create-topic",
        topic,
        "--partitions",
        String.valueOf(partitions),
        "--dir",
        dir.toString());
  }

  /** Stops the broker (its working directory stays). */
  @Override
  public void close() {
    run(script, "stop", "--dir", dir.toString());
  }

  /**
   * The script of the checkout this code runs from: under the system property {@code beamlink.root}
   * when set, else the first directory above this class's jar or classes directory (a checkout's
   * {@code examples/target/...}) that has it.
   */
  static Path script() {
    String root = System.getProperty("beamlink.root");
    if (root != null) {
      return Path.of(root).resolve(SCRIPT);
    }
    try {
      Path here =
          Path.of(
                  LocalKafkaBroker.class
                      .getProtectionDomain()
                      .getCodeSource()
                      .getLocation()
                      .toURI())
              .toAbsolutePath();
      for (Path p = here; p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve(SCRIPT))) {
          return p.resolve(SCRIPT);
        }
      }
      throw new IllegalStateException(
          "No "
              + SCRIPT
              + " in a directory above "
              + here
              + ": run from a Beamlink checkout, set -Dbeamlink.root=CHECKOUT, or give a broker");
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot locate the code of " + LocalKafkaBroker.class, e);
    }
  }

  private static void run(Path script, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
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
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
