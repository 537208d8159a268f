package org.beamlink.transforms.feature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.transforms.clustering.TestData;
import org.beamlink.transforms.linear.LinearTestSupport;

/**
 * Data and scikit-learn reference numbers for {@link PcaTest} and {@link ChiSqSelectorTest}. The
 * numbers in {@code src/test/resources/feature/pca_chisq_reference.json} were written by {@code
 * pca_chisq_reference.py} there (Debian's scikit-learn 1.2.1, scipy 1.10.1, numpy 1.24.2) from the
 * same CSV files the rows below are read from.
 */
final class PcaChiSqReference {
  private static final Map<String, Object> KEPT = new ConcurrentHashMap<>();
  private static JsonNode reference;

  private PcaChiSqReference() {}

  /** The rows of data set {@code name} as a dense "features" vector and a "label". */
  static List<Row> vectorRows(String name) {
    List<double[]> x = features(name);
    List<Object> y = labels(name);
    Schema schema = schema(name);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      rows.add(Row.withSchema(schema).addValues(Vector.dense(x.get(i)), y.get(i)).build());
    }
    return rows;
  }

  /** The same rows with sparse vectors (zeros not stored). */
  static List<Row> sparseVectorRows(String name) {
    List<Row> rows = new ArrayList<>();
    for (Row r : vectorRows(name)) {
      Vector v = r.getLogicalTypeValue("features", Vector.class);
      rows.add(Row.withSchema(r.getSchema()).addValues(v.toSparse(), r.getValue("label")).build());
    }
    return rows;
  }

  /** The schema of {@link #vectorRows}: STRING labels for iris, INT32 otherwise. */
  static Schema schema(String name) {
    return Schema.builder()
        .addField("features", VectorLogicalType.FIELD_TYPE)
        .addField("label", name.equals("iris") ? Schema.FieldType.STRING : Schema.FieldType.INT32)
        .build();
  }

  /** The feature values of data set {@code name}, one array per row. */
  static List<double[]> features(String name) {
    List<double[]> out = new ArrayList<>();
    if (name.equals("iris")) {
      for (Row r : TestData.iris()) {
        out.add(
            new double[] {
              r.getDouble("sepal_length"),
              r.getDouble("sepal_width"),
              r.getDouble("petal_length"),
              r.getDouble("petal_width")
            });
      }
      return out;
    }
    for (Row r : LinearTestSupport.csv(name + ".csv", Schema.FieldType.INT32)) {
      double[] x = new double[r.getFieldCount() - 1];
      for (int j = 0; j < x.length; j++) {
        x[j] = r.getDouble(j);
      }
      out.add(x);
    }
    return out;
  }

  private static List<Object> labels(String name) {
    List<Object> out = new ArrayList<>();
    if (name.equals("iris")) {
      for (Row r : TestData.iris()) {
        out.add(r.getString("species"));
      }
      return out;
    }
    for (Row r : LinearTestSupport.csv(name + ".csv", Schema.FieldType.INT32)) {
      out.add(r.getInt32("label"));
    }
    return out;
  }

  /** The reference case {@code section.name}, e.g. {@code ("pca", "iris")}. */
  static JsonNode reference(String section, String name) {
    synchronized (PcaChiSqReference.class) {
      if (reference == null) {
        try (InputStream in =
            PcaChiSqReference.class.getResourceAsStream("/feature/pca_chisq_reference.json")) {
          reference = new ObjectMapper().readTree(in);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    JsonNode node = reference.path(section).get(name);
    if (node == null) {
      throw new IllegalArgumentException("No reference case " + section + "." + name);
    }
    return node;
  }

  /** A JSON array of numbers (null read as NaN) as a {@code double[]}. */
  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).isNull() ? Double.NaN : array.get(i).asDouble();
    }
    return out;
  }

  /** A JSON array of integers as an {@code int[]}. */
  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  /** Keeps the one element of {@code values} under {@code key} once the pipeline has run. */
  static <T> void keep(PCollection<T> values, String key) {
    values.apply("Keep " + key, ParDo.of(new Keep<T>(key)));
  }

  /** The element kept under {@code key}. */
  @SuppressWarnings("unchecked")
  static <T> T kept(String key) {
    Object v = KEPT.get(key);
    if (v == null) {
      throw new AssertionError("Nothing was kept under " + key);
    }
    return (T) v;
  }

  private static final class Keep<T> extends DoFn<T, Void> {
    private final String key;

    Keep(String key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element T value) {
      KEPT.put(key, value);
    }
  }
}
