package org.beamlink.transforms.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.online.ModelVersion;

/**
 * Keeps the elements of a PCollection in this JVM once a pipeline has run (Direct or embedded
 * Flink), for tests that compare them with values computed outside the pipeline.
 *
 * <pre>{@code
 * Kept.keep(scored, "scored-direct");
 * runner.run(p);
 * List<Row> rows = Kept.get("scored-direct");
 * }</pre>
 */
public final class Kept {
  private static final Map<String, List<Object>> KEPT = new ConcurrentHashMap<>();

  private Kept() {}

  /** Keeps the elements of {@code values} under {@code key}, replacing what was kept before. */
  public static <T> void keep(PCollection<T> values, String key) {
    KEPT.put(key, java.util.Collections.synchronizedList(new ArrayList<>()));
    values.apply("Keep " + key, ParDo.of(new KeepFn<T>(key)));
  }

  /** What was kept under {@code key}. */
  @SuppressWarnings("unchecked")
  public static <T> List<T> get(String key) {
    List<Object> values = KEPT.get(key);
    if (values == null) {
      throw new AssertionError("Nothing was kept under " + key);
    }
    return (List<T>) new ArrayList<>(values);
  }

  /** The model versions kept under {@code key}, in version order. */
  public static <M> List<ModelVersion<M>> versions(String key) {
    List<ModelVersion<M>> versions = get(key);
    versions.sort(Comparator.comparingLong(ModelVersion::version));
    return versions;
  }

  private static final class KeepFn<T> extends DoFn<T, Void> {
    private final String key;

    KeepFn(String key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element T value) {
      KEPT.get(key).add(value);
    }
  }
}
