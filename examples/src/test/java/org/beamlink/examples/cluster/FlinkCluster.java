package org.beamlink.examples.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A Flink session cluster started by {@code runners-config/cluster/flink-cluster.sh}, for the
 * integration tests: the script's commands, the REST API (JSON through Jackson), submissions of the
 * shaded jar as a user would run them (a {@code java -jar} subprocess), and waiting for conditions.
 *
 * <pre>{@code
 * FlinkCluster cluster = FlinkCluster.start(Path.of("target/cluster-it/cluster"));
 * JsonNode overview = cluster.get("/overview");
 * cluster.stop();
 * }</pre>
 */
final class FlinkCluster {
  /** The repository root (the build passes it; the module's parent otherwise). */
  static final Path ROOT =
      Path.of(System.getProperty("beamlink.root", Path.of("..").toAbsolutePath().toString()))
          .normalize();

  static final Path SCRIPT = ROOT.resolve("runners-config/cluster/flink-cluster.sh");

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Path dir;
  private final int restPort;
  private final Path savepoints;

  private FlinkCluster(Path dir, int restPort, Path savepoints) {
    this.dir = dir;
    this.restPort = restPort;
    this.savepoints = savepoints;
  }

  /** Starts a cluster in {@code dir} (free ports, 2 TaskManagers with 2 slots each). */
  static FlinkCluster start(Path dir) throws IOException {
    script("start", "--dir", dir.toString());
    Properties env = new Properties();
    try (var in = Files.newBufferedReader(dir.resolve("cluster.env"))) {
      env.load(in);
    }
    return new FlinkCluster(
        dir,
        Integer.parseInt(env.getProperty("REST_PORT")),
        Path.of(env.getProperty("SAVEPOINT_DIR")));
  }

  /** Runs the cluster script with {@code args}; returns its output, fails on a non-zero exit. */
  static String script(String... args) throws IOException {
    ProcessResult r = scriptResult(args);
    if (r.code() != 0) {
      throw new IllegalStateException(
          "flink-cluster.sh " + String.join(" ", args) + " exited " + r.code() + ": " + r.output());
    }
    return r.output();
  }

  /** Runs the cluster script with {@code args}, whatever its exit code. */
  static ProcessResult scriptResult(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("flink-cluster.sh " + command + " did not end: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return new ProcessResult(p.exitValue(), output);
  }

  /** An ended process: exit code and output. */
  record ProcessResult(int code, String output) {}

  /** The value of {@code --flinkMaster}. */
  String master() {
    return "localhost:" + restPort;
  }

  /** The web UI and REST address. */
  String url() {
    return "http://localhost:" + restPort;
  }

  /** The directory savepoints go to. */
  Path savepointDir() {
    return savepoints;
  }

  /** The working directory. */
  Path dir() {
    return dir;
  }

  /** GET {@code path} from the REST API. */
  JsonNode get(String path) throws IOException {
    return send(HttpRequest.newBuilder(URI.create(url() + path)).GET().build());
  }

  /** The raw body of GET {@code path} (the web UI's pages). */
  String getText(String path) throws IOException {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url() + path)).GET().build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** POST {@code body} (JSON) to {@code path}. */
  JsonNode post(String path, Map<String, Object> body) throws IOException {
    return send(
        HttpRequest.newBuilder(URI.create(url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build());
  }

  /** Cancels job {@code jobId} (PATCH /jobs/ID?mode=cancel). */
  void cancel(String jobId) throws IOException {
    send(
        HttpRequest.newBuilder(URI.create(url() + "/jobs/" + jobId + "?mode=cancel"))
            .method("PATCH", HttpRequest.BodyPublishers.noBody())
            .build());
  }

  private JsonNode send(HttpRequest request) throws IOException {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IOException(
            request.method()
                + " "
                + request.uri()
                + ": "
                + response.statusCode()
                + " "
                + response.body());
      }
      return JSON.readTree(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** The ids of the jobs the cluster knows, any state. */
  List<String> jobIds() throws IOException {
    List<String> ids = new ArrayList<>();
    for (JsonNode job : get("/jobs/overview").path("jobs")) {
      ids.add(job.path("jid").asText());
    }
    return ids;
  }

  /** The job's state (RUNNING, RESTARTING, FINISHED, ...). */
  String state(String jobId) throws IOException {
    return get("/jobs/" + jobId).path("state").asText();
  }

  /** The TaskManager (1, 2, ...) running the job's vertex whose name contains {@code name}. */
  int taskManagerOf(String jobId, String name) throws IOException {
    for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
      if (vertex.path("name").asText().contains(name)) {
        JsonNode tms =
            get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers");
        String id = tms.path("taskmanagers").path(0).path("taskmanager-id").asText();
        if (id.startsWith("taskmanager-")) {
          return Integer.parseInt(id.substring("taskmanager-".length()));
        }
      }
    }
    throw new IllegalStateException("No running vertex named like '" + name + "' in job " + jobId);
  }

  /** Kills TaskManager {@code n} with SIGKILL, as a crash would. */
  void killTaskManager(int n) throws IOException {
    script("kill-taskmanager", String.valueOf(n), "--dir", dir.toString());
  }

  /** Starts TaskManager {@code n} again. */
  void startTaskManager(int n) throws IOException {
    script("start-taskmanager", String.valueOf(n), "--dir", dir.toString());
  }

  /** Stops every process of the cluster and waits for them to end. */
  void stop() throws IOException {
    script("stop", "--dir", dir.toString());
  }

  /** The processes still alive whose command line names this cluster's configuration. */
  List<Long> processesLeft() throws IOException {
    String conf = "--configDir " + dir.resolve("conf");
    List<Long> left = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline =
              new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ');
          if (cmdline.contains(conf)) {
            left.add(Long.parseLong(name));
          }
        } catch (IOException gone) {
          // The process ended while the list was read.
        }
      }
    }
    return left;
  }

  /**
   * Polls {@code probe} every 100 ms until it gives a value or {@code timeout} passes. Waiting on a
   * cluster (a job's state, a checkpoint, a file) has no event to block on, so this polls.
   */
  static <T> T await(String what, Duration timeout, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for " + what, e);
      }
    }
  }
}
