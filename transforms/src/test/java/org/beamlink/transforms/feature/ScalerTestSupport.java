package org.beamlink.transforms.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.transforms.clustering.TestData;

/**
 * Data, reference numbers and result capture for the scaler, imputer and bucketing tests. The
 * numbers in {@code src/test/resources/feature/scalers_reference.json} were written by {@code
 * scalers_reference.py} there (Debian's scikit-learn 1.2.1, numpy 1.24.2).
 */
final class ScalerTestSupport {
  /** Iris as one vector column of the four measurements, plus the species. */
  static final Schema IRIS_VECTORS =
      Schema.builder()
          .addField("features", VectorLogicalType.FIELD_TYPE)
          .addStringField("species")
          .build();

  private static final Map<String, Object> KEPT = new ConcurrentHashMap<>();
  private static JsonNode reference;

  private ScalerTestSupport() {}

  /** The 150 Iris rows as dense vectors. */
  static List<Row> irisVectors() {
    List<Row> rows = new ArrayList<>();
    for (Row r : TestData.iris()) {
      rows.add(
          Row.withSchema(IRIS_VECTORS)
              .addValues(
                  Vector.dense(
                      r.getDouble("sepal_length"),
                      r.getDouble("sepal_width"),
                      r.getDouble("petal_length"),
                      r.getDouble("petal_width")),
                  r.getString("species"))
              .build());
    }
    return rows;
  }

  /** Iris as the four DOUBLE columns, with (i, j) set to null when (7 i + 13 j) % 10 == 0. */
  static List<Row> irisBlanked() {
    Schema schema = TestData.IRIS;
    Schema nullable =
        Schema.builder()
            .addNullableField("sepal_length", Schema.FieldType.DOUBLE)
            .addNullableField("sepal_width", Schema.FieldType.DOUBLE)
            .addNullableField("petal_length", Schema.FieldType.DOUBLE)
            .addNullableField("petal_width", Schema.FieldType.DOUBLE)
            .addStringField("species")
            .build();
    List<Row> rows = new ArrayList<>();
    List<Row> iris = TestData.iris();
    for (int i = 0; i < iris.size(); i++) {
      Object[] values = new Object[5];
      for (int j = 0; j < 4; j++) {
        values[j] = (7 * i + 13 * j) % 10 == 0 ? null : iris.get(i).getDouble(j);
      }
      values[4] = iris.get(i).getString(schema.getFieldCount() - 1);
      rows.add(Row.withSchema(nullable).addValues(values).build());
    }
    return rows;
  }

  /** The section {@code name} of scalers_reference.json. */
  static JsonNode reference(String name) {
    synchronized (ScalerTestSupport.class) {
      if (reference == null) {
        try (InputStream in =
            ScalerTestSupport.class.getResourceAsStream("/feature/scalers_reference.json")) {
          reference = new ObjectMapper().readTree(in);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return reference.get(name);
  }

  /** A JSON array of numbers. */
  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  /** Keeps the one element of {@code values} under {@code key} once the pipeline has run. */
  static <T> void keep(PCollection<T> values, String key) {
    values.apply("Keep " + key, ParDo.of(new KeepFn<T>(key)));
  }

  /** The element kept under {@code key}. */
  @SuppressWarnings("unchecked")
  static <T> T kept(String key) {
    Object value = KEPT.get(key);
    if (value == null) {
      throw new AssertionError("Nothing was kept under " + key);
    }
    return (T) value;
  }

  /** {@code value} encoded and decoded by {@code coder}. */
  static <T> T roundTrip(Coder<T> coder, T value) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      coder.encode(value, out);
      return coder.decode(new ByteArrayInputStream(out.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts that the coder's bytes decode to an equal value. */
  static <T> void assertRoundTrips(Coder<T> coder, T value) {
    assertEquals(value, roundTrip(coder, value));
  }

  /** The message of the innermost cause. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  private static final class KeepFn<T> extends DoFn<T, Void> {
    private final String key;

    KeepFn(String key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element T value) {
      KEPT.put(key, value);
    }
  }
}
