package org.beamlink.transforms.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The reference numbers of {@code evaluation/evaluation_reference.json}, written by {@code
 * evaluation_reference.py} beside it (Debian's scikit-learn 1.2.1): fixed cross-validated
 * predictions on breast_cancer and digits with the metrics scikit-learn computes for them.
 */
final class EvaluationReference {
  private static JsonNode root;

  private EvaluationReference() {}

  /** The case {@code name} ({@code breastCancer}, {@code breastCancerTies}, {@code digits}...). */
  static synchronized JsonNode get(String name) {
    if (root == null) {
      try (InputStream in =
          EvaluationReference.class.getResourceAsStream("/evaluation/evaluation_reference.json")) {
        root = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    JsonNode node = root.get(name);
    if (node == null) {
      throw new IllegalArgumentException("No reference case " + name);
    }
    return node;
  }

  /** A JSON array of numbers. */
  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  /** A JSON array of integers. */
  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  /** A JSON matrix of integers. */
  static long[][] matrix(JsonNode rows) {
    long[][] out = new long[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new long[rows.get(i).size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = rows.get(i).get(j).asLong();
      }
    }
    return out;
  }

  /** The innermost message of {@code e}'s causes. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
