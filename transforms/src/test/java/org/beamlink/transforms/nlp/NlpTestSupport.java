package org.beamlink.transforms.nlp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.io.ModelFormats;
import org.beamlink.models.nlp.TokenColumns;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;

/**
 * Rows, reference data and checks shared by the text tests. The reference in {@code
 * src/test/resources/nlp/vectorizer_reference.json} was written by {@code vectorizer_reference.py}
 * there (Debian's scikit-learn 1.2.1, numpy 1.24.2): the corpus, scikit-learn's tokens of each
 * document, its English stop words, and CountVectorizer / TfidfVectorizer matrices.
 */
final class NlpTestSupport {
  /** One nullable text column, "text". */
  static final Schema TEXT =
      Schema.builder().addNullableField("text", Schema.FieldType.STRING).build();

  /** One nullable token column, "tokens". */
  static final Schema TOKENS =
      Schema.builder().addNullableField("tokens", TokenColumns.FIELD_TYPE).build();

  private static JsonNode reference;

  private NlpTestSupport() {}

  static Row text(String text) {
    return Row.withSchema(TEXT).addValue(text).build();
  }

  static Row tokens(String... tokens) {
    return Row.withSchema(TOKENS).addValue(tokens == null ? null : List.of(tokens)).build();
  }

  /** The whole reference file. */
  static synchronized JsonNode reference() {
    if (reference == null) {
      try (InputStream in =
          NlpTestSupport.class.getResourceAsStream("/nlp/vectorizer_reference.json")) {
        reference = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return reference;
  }

  /** The reference corpus, one text per document. */
  static List<String> corpus() {
    return strings(reference().get("corpus"));
  }

  /** The reference corpus as rows of {@link #TEXT}. */
  static List<Row> corpusRows() {
    List<Row> rows = new ArrayList<>();
    for (String doc : corpus()) {
      rows.add(text(doc));
    }
    return rows;
  }

  /** The case {@code name} of the reference: params, vocabulary, matrix (and idf). */
  static JsonNode referenceCase(String name) {
    JsonNode c = reference().get("cases").get(name);
    if (c == null) {
      throw new AssertionError("No reference case " + name);
    }
    return c;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  static double[][] matrix(JsonNode rows) {
    double[][] m = new double[rows.size()][];
    for (int i = 0; i < m.length; i++) {
      JsonNode row = rows.get(i);
      m[i] = new double[row.size()];
      for (int j = 0; j < m[i].length; j++) {
        m[i][j] = row.get(j).asDouble();
      }
    }
    return m;
  }

  /**
   * Checks that {@code stage} survives its own coder and {@code TransformerCoder} (the registered
   * format, as in model files) unchanged, and that the format is registered under {@code type}.
   */
  static <T extends Transformer> void assertRoundTrips(T stage, Coder<T> coder, String type) {
    try {
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
