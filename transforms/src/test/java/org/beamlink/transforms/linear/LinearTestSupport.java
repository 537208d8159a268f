package org.beamlink.transforms.linear;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linear.LinearModel;

/**
 * Data sets, scikit-learn's reference numbers and model capture for the linear-model tests. The CSV
 * files and {@code linear_reference.json} under {@code src/test/resources/linear} were written by
 * {@code linear_reference.py} there (Debian's scikit-learn 1.2.1).
 */
public final class LinearTestSupport {
  private static final Map<String, LinearModel> MODELS = new ConcurrentHashMap<>();
  private static final Map<String, JsonNode> REFERENCES = new ConcurrentHashMap<>();

  private LinearTestSupport() {}

  /** A CSV of numeric columns {@code f0..f(d-1)} and {@code label}, as rows of DOUBLE columns. */
  public static List<Row> csv(String name, Schema.FieldType labelType) {
    List<Row> rows = new ArrayList<>();
    try (BufferedReader in = reader("/linear/" + name)) {
      String[] header = in.readLine().split(",");
      Schema.Builder builder = Schema.builder();
      for (int j = 0; j < header.length - 1; j++) {
        builder.addDoubleField(header[j]);
      }
      Schema schema = builder.addField("label", labelType).build();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(",");
        Row.Builder row = Row.withSchema(schema);
        for (int j = 0; j < f.length - 1; j++) {
          row.addValue(Double.parseDouble(f[j]));
        }
        String label = f[f.length - 1];
        row.addValue(
            switch (labelType.getTypeName()) {
              case INT32 -> (int) Double.parseDouble(label);
              case STRING -> label;
              default -> Double.parseDouble(label);
            });
        rows.add(row.build());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** The names {@code f0 .. f(d-1)}. */
  public static String[] featureNames(int d) {
    String[] names = new String[d];
    for (int j = 0; j < d; j++) {
      names[j] = "f" + j;
    }
    return names;
  }

  /** The case {@code name} of linear_reference.json. */
  public static JsonNode reference(String name) {
    return reference("linear_reference.json", name);
  }

  /** The case {@code name} of collinear_reference.json ({@link CollinearData}). */
  public static JsonNode collinearReference(String name) {
    return reference("collinear_reference.json", name);
  }

  private static JsonNode reference(String file, String name) {
    JsonNode root =
        REFERENCES.computeIfAbsent(
            file,
            f -> {
              try (InputStream in = LinearTestSupport.class.getResourceAsStream("/linear/" + f)) {
                return new ObjectMapper().readTree(in);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    JsonNode node = root.path("cases").has(name) ? root.path("cases").get(name) : root.get(name);
    if (node == null) {
      throw new IllegalArgumentException("No reference case " + name + " in " + file);
    }
    return node;
  }

  /** A JSON array of numbers as a {@code double[]}. */
  public static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  /** Keeps the model of {@code model} under {@code key} once the pipeline has run. */
  public static void keep(PCollection<LinearModel> model, String key) {
    model.apply("Keep " + key, ParDo.of(new KeepModel(key)));
  }

  /** The model kept under {@code key}. */
  public static LinearModel model(String key) {
    LinearModel m = MODELS.get(key);
    if (m == null) {
      throw new AssertionError("No model was kept under " + key);
    }
    return m;
  }

  /**
   * The largest relative difference ({@link #maxRelativeError}) of the model's coefficients from
   * the case's. For a standardized case it compares {@code beta_j * s_j}, the coefficients the
   * penalty acts on: there the L2 term bounds the conditioning, so a loss within rounding of the
   * optimum pins them, while on the original scale a column of tiny spread magnifies the same
   * rounding by {@code 1 / s_j}. Softmax coefficients (a list per class) are compared flat.
   */
  public static double coefficientError(LinearModel m, JsonNode ref, double floor) {
    boolean standardized = ref.has("coefficients_standardized_space");
    double[] expected =
        flat(ref.get(standardized ? "coefficients_standardized_space" : "coefficients"));
    double[] ours = m.coefficients();
    if (standardized) {
      double[] scale = doubles(ref.get("std_ddof1"));
      for (int i = 0; i < ours.length; i++) {
        ours[i] *= scale[i % scale.length];
      }
    }
    return maxRelativeError(ours, expected, floor);
  }

  private static double[] flat(JsonNode node) {
    if (!node.get(0).isArray()) {
      return doubles(node);
    }
    int width = node.get(0).size();
    double[] out = new double[node.size() * width];
    for (int c = 0; c < node.size(); c++) {
      System.arraycopy(doubles(node.get(c)), 0, out, c * width, width);
    }
    return out;
  }

  /** The message of the innermost cause: what a runner's wrapping exceptions say in the end. */
  public static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  /** Largest {@code |a - b| / max(|b|, floor)}. */
  public static double maxRelativeError(double[] a, double[] b, double floor) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
    }
    return worst;
  }

  private static BufferedReader reader(String resource) {
    InputStream in = LinearTestSupport.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalArgumentException("Missing test resource " + resource);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static final class KeepModel extends DoFn<LinearModel, Void> {
    private final String key;

    KeepModel(String key) {
      this.key = key;
    }

    @ProcessElement
    public void process(@Element LinearModel model) {
      MODELS.put(key, model);
    }
  }
}
