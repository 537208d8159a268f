package org.beamlink.transforms.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.beamlink.models.io.ModelFormats;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;

/**
 * Reference numbers and checks for the categorical and hashing feature tests. The numbers in {@code
 * src/test/resources/feature/categorical_reference.json} were written by {@code
 * categorical_reference.py} there (Debian's scikit-learn 1.2.1, numpy 1.24.2).
 */
final class CategoricalTestSupport {
  private static JsonNode reference;

  private CategoricalTestSupport() {}

  /** The case {@code name} of categorical_reference.json. */
  static synchronized JsonNode reference(String name) {
    if (reference == null) {
      try (InputStream in =
          CategoricalTestSupport.class.getResourceAsStream("/feature/categorical_reference.json")) {
        reference = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return reference.get(name);
  }

  /** A JSON array of strings. */
  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
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

  /**
   * Checks that {@code stage} survives its own coder and {@code TransformerCoder} (the registered
   * format, as in model files) unchanged, and that the format is registered under {@code type}.
   */
  static <T extends Transformer> void assertRoundTrips(T stage, Coder<T> coder, String type) {
    try {
      // decodeFromByteArray also checks that decoding consumes exactly the encoded bytes.
      assertEquals(
          stage, CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, stage)));
      TransformerCoder<Transformer> any = TransformerCoder.of();
      assertEquals(
          stage, CoderUtils.decodeFromByteArray(any, CoderUtils.encodeToByteArray(any, stage)));
      assertEquals(type, ModelFormats.forModel(stage).type());
      coder.verifyDeterministic();
    } catch (IOException | Coder.NonDeterministicException e) {
      throw new AssertionError(e);
    }
  }
}
