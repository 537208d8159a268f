package org.beamlink.transforms.tuning;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.beamlink.transforms.pipeline.MlPipeline;

/**
 * One point of a search: the pipeline with this candidate's parameters set, its index in the search
 * (0, 1, ...) and the parameters by name, in the order they were added to the search.
 *
 * <pre>{@code
 * for (Candidate c : grid.candidates()) {
 *   System.out.println(c.index() + " " + c.params());
 * }
 * }</pre>
 *
 * @param index the candidate's position in the search
 * @param pipeline the pipeline with the candidate's parameters set
 * @param params the parameter values by name
 */
public record Candidate(int index, MlPipeline pipeline, Map<String, Object> params) {
  /** A candidate; {@code params} is copied and keeps its order. */
  public Candidate {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /** The parameters as {@code name=value} pairs, for messages and tables. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, Object> e : params.entrySet()) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(e.getKey()).append('=').append(e.getValue());
    }
    return s.toString();
  }
}
