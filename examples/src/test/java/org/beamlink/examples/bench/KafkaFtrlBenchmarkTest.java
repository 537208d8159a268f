package org.beamlink.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.beamlink.models.online.FtrlParams;
import org.beamlink.runners.testing.KafkaBroker;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link KafkaFtrlBenchmark}'s whole path on tiny sizes against the test broker, on Flink, with
 * topics of 2 partitions: it produces, trains, scores and reports. Not timed; the figures are only
 * checked for consistency.
 */
class KafkaFtrlBenchmarkTest {
  @Test
  void runsBothRunsAndReportsOneJsonLine() throws IOException {
    KafkaFtrlBenchmark.Config config =
        new KafkaFtrlBenchmark.Config(
            4000,
            1024,
            FtrlParams.defaults().withMiniBatchSize(10),
            500,
            2000,
            Duration.standardSeconds(2),
            3,
            2,
            KafkaBroker.bootstrap());
    String line = KafkaFtrlBenchmark.run(config, "--flinkMaster=[auto]");
    JsonNode json = new ObjectMapper().readTree(line);
    assertEquals("kafka", json.get("source").asText(), line);
    assertEquals(2, json.get("partitions").asInt(), line);
    assertEquals(4000, json.get("events").asLong(), line);
    // The initial version, one every 500 examples, and the end-of-input one (at 4000 again).
    assertTrue(json.get("versions").asInt() >= 9, line);
    assertTrue(json.get("sustainedExamplesPerSecond").asDouble() > 0, line);
    assertEquals(4000, json.get("latencyEvents").asLong(), line);
    long measured = json.get("latencyMeasured").asLong();
    // Events sent from the middle of the producer's run on: 2,000 of the 4,000.
    assertEquals(2000, measured, line);
    double median = json.get("latencyMedianSeconds").asDouble();
    assertTrue(median >= 0 && median <= json.get("latencyP99Seconds").asDouble(), line);
  }
}
