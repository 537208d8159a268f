package org.beamlink.iteration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.common.ReflectHelpers;

/**
 * What the shim needs to know of the runner, read from the options' JSON form so that library code
 * names no runner class: the parallelism, and whether the pipeline runs in this one JVM.
 */
final class RunnerFacts {
  private final String runner;
  private final JsonNode values;

  private RunnerFacts(String runner, JsonNode values) {
    this.runner = runner;
    this.values = values;
  }

  static RunnerFacts of(PipelineOptions options) {
    JsonNode values;
    try {
      ObjectMapper mapper =
          new ObjectMapper()
              .registerModules(ObjectMapper.findModules(ReflectHelpers.findClassLoader()));
      values = mapper.readTree(mapper.writeValueAsString(options)).path("options");
    } catch (Exception e) {
      throw new IllegalStateException("Cannot read the pipeline options", e);
    }
    return new RunnerFacts(options.getRunner().getSimpleName(), values);
  }

  /** The runner's parallelism setting, or the number of cores when none is set. */
  int parallelism() {
    for (String name : new String[] {"parallelism", "targetParallelism"}) {
      int value = values.path(name).asInt(-1);
      if (value > 0) {
        return value;
      }
    }
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * True for the DirectRunner and for Flink with an embedded master ({@code [auto]}, {@code
   * [local]}).
   */
  boolean runsInOneJvm() {
    if (runner.contains("Direct")) {
      return true;
    }
    if (runner.contains("Flink")) {
      String master = values.path("flinkMaster").asText("[auto]");
      return master.startsWith("[");
    }
    return false;
  }

  String runner() {
    return runner;
  }
}
