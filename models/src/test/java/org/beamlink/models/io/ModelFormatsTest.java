package org.beamlink.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.clustering.KMeansModelCoder;
import org.beamlink.models.linear.LinearModelCoder;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.pipeline.TestModels;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.junit.jupiter.api.Test;

/**
 * The discovered model formats ({@link ModelFormats}) against the committed fixtures: one file per
 * format and format version under {@code formats/}, written by the code before discovery ({@link
 * FormatSamples}), and {@code pipeline-model-format1.blm}.
 */
class ModelFormatsTest {
  /** Every type name Beamlink has released; a name never changes or goes away. */
  private static final Set<String> RELEASED =
      Set.of(
          "pipeline-model",
          "linear-model",
          "linear-model-stage",
          "kmeans-model",
          "kmeans-model-stage",
          "pca-model",
          "chi-sq-selector-model",
          "standard-scaler-model",
          "min-max-scaler-model",
          "max-abs-scaler-model",
          "normalizer",
          "imputer-model",
          "binarizer",
          "bucketizer",
          "string-indexer-model",
          "index-to-string",
          "one-hot-encoder-model",
          "vector-assembler",
          "vector-slicer",
          "feature-hasher",
          "polynomial-expansion",
          "tokenizer",
          "regex-tokenizer",
          "stop-words-remover",
          "ngram",
          "segment",
          "doc-count-vectorizer-model",
          "doc-hash-count-vectorizer-model",
          "naive-bayes-model",
          "decision-tree-model",
          "gbt-model",
          "random-forest-model",
          "als-model",
          "neighbourhood-model",
          "gaussian-mixture-model",
          "bisecting-kmeans-model",
          "lda-model",
          "dbscan-model");

  /** The columns each sample appends to {@link FormatSamples#INPUT} rows, with their types. */
  private static final Map<String, String> APPENDED =
      Map.ofEntries(
          Map.entry(
              "pipeline-model",
              "cluster INT32, distance DOUBLE, prediction STRING, probability VECTOR"),
          Map.entry("kmeans-model", "prediction INT32, distance DOUBLE"),
          Map.entry("kmeans-model-stage", "cluster INT32, distance DOUBLE"),
          Map.entry("linear-model", "prediction STRING, predictionDetail VECTOR"),
          Map.entry("linear-model-stage", "prediction STRING, probability VECTOR"),
          Map.entry("linear-model-stage-v2", "prediction STRING, probability VECTOR, pYes DOUBLE"),
          Map.entry("naive-bayes-model", "prediction STRING, predictionDetail VECTOR"),
          Map.entry(
              "naive-bayes-model-v2", "prediction STRING, predictionDetail VECTOR, pYes DOUBLE"),
          Map.entry("naive-bayes-model-gaussian", "prediction STRING, predictionDetail VECTOR"),
          Map.entry("decision-tree-model", "prediction STRING, predictionDetail VECTOR"),
          Map.entry("gbt-model", "prediction DOUBLE"),
          Map.entry("random-forest-model", "prediction STRING, predictionDetail VECTOR"),
          Map.entry("als-model", "rating DOUBLE"),
          Map.entry("neighbourhood-model", "rating DOUBLE"),
          Map.entry("gaussian-mixture-model", "component INT32, membership VECTOR"),
          Map.entry("bisecting-kmeans-model", "cluster INT32"),
          Map.entry("lda-model", "topics VECTOR"),
          Map.entry("dbscan-model", "cluster INT32"),
          Map.entry("pca-model", "pc VECTOR"),
          Map.entry("chi-sq-selector-model", "selected VECTOR"),
          Map.entry("standard-scaler-model", "scaled VECTOR"),
          Map.entry("min-max-scaler-model", "unit VECTOR"),
          Map.entry("max-abs-scaler-model", "maxAbs VECTOR"),
          Map.entry("normalizer", "normal VECTOR"),
          Map.entry("imputer-model", "x_i DOUBLE, y_i DOUBLE"),
          Map.entry("binarizer", "x_b DOUBLE, v_b VECTOR"),
          Map.entry("bucketizer", "x_bucket DOUBLE"),
          Map.entry("string-indexer-model", "color_index DOUBLE, label_index DOUBLE"),
          Map.entry("index-to-string", "label_again STRING"),
          Map.entry("one-hot-encoder-model", "color_vec VECTOR"),
          Map.entry("vector-assembler", "assembled VECTOR"),
          Map.entry("vector-slicer", "sliced VECTOR"),
          Map.entry("feature-hasher", "hashed VECTOR"),
          Map.entry("polynomial-expansion", "poly VECTOR"),
          Map.entry("tokenizer", "words ARRAY<STRING>"),
          Map.entry("regex-tokenizer", "words ARRAY<STRING>"),
          Map.entry("stop-words-remover", "kept ARRAY<STRING>"),
          Map.entry("ngram", "bigrams ARRAY<STRING>"),
          Map.entry("segment", "segmented ARRAY<STRING>"),
          Map.entry("doc-count-vectorizer-model", "tf VECTOR"),
          Map.entry("doc-hash-count-vectorizer-model", "hashedTf VECTOR"));

  private static Path formatsDir() throws URISyntaxException {
    return Path.of(ModelFormatsTest.class.getResource("formats").toURI());
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = ModelFormatsTest.class.getResourceAsStream("formats/" + name + ".blm")) {
      return in.readAllBytes();
    }
  }

  /** The file's type and, for a pipeline model, its stages' types, from the readable header. */
  private static List<String> typesIn(byte[] file, String name) throws IOException {
    Path tmp = Files.createTempFile("fixture", ".blm");
    try {
      Files.write(tmp, file);
      Map<String, String> header = ModelFile.header(tmp);
      List<String> types = new ArrayList<>(List.of(header.get("type")));
      for (Map.Entry<String, String> e : header.entrySet()) {
        if (e.getKey().matches("stage\\d+")) {
          types.add(e.getValue().substring(0, e.getValue().indexOf(' ')));
        }
      }
      return types;
    } finally {
      Files.delete(tmp);
    }
  }

  @Test
  void discoveredFormatsAreExactlyThoseTheFixturesUse() throws Exception {
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Files.list(formatsDir())) {
      for (Path f : files.toList()) {
        used.addAll(typesIn(Files.readAllBytes(f), f.toString()));
      }
    }
    try (InputStream in = getClass().getResourceAsStream("pipeline-model-format1.blm")) {
      used.addAll(typesIn(in.readAllBytes(), "pipeline-model-format1.blm"));
    }
    assertEquals(new TreeSet<>(RELEASED), used);
    assertEquals(new TreeSet<>(RELEASED), new TreeSet<>(ModelFormats.types()));
  }

  @Test
  void everyFixtureHasASample() throws Exception {
    Set<String> files = new TreeSet<>();
    try (Stream<Path> list = Files.list(formatsDir())) {
      list.forEach(f -> files.add(f.getFileName().toString().replace(".blm", "")));
    }
    assertEquals(new TreeSet<>(FormatSamples.all().keySet()), files);
    assertEquals(new TreeSet<>(APPENDED.keySet()), files);
  }

  /** What the code before discovery wrote, this code reads as the same model and writes again. */
  @Test
  void everyFixtureLoadsAndWritesBackTheSameBytes() throws IOException {
    for (Map.Entry<String, Object> e : FormatSamples.all().entrySet()) {
      byte[] bytes = fixture(e.getKey());
      Object model = ModelFile.fromBytes(bytes, e.getKey());
      assertEquals(e.getValue(), model, e.getKey());
      assertArrayEquals(bytes, ModelFile.toBytes(model), e.getKey());
      assertEquals(
          e.getKey().replaceFirst("-(v2|gaussian)$", ""),
          ModelFormats.forModel(model).type(),
          e.getKey());
    }
  }

  /** Through a file and through {@link TransformerCoder}, each sample comes back equal. */
  @Test
  void everySampleRoundTripsThroughItsDiscoveredFormat() throws IOException {
    TransformerCoder<Transformer> coder = TransformerCoder.of();
    for (Map.Entry<String, Object> e : FormatSamples.all().entrySet()) {
      Object back = ModelFile.fromBytes(ModelFile.toBytes(e.getValue()), e.getKey());
      assertEquals(e.getValue(), back, e.getKey());
      Transformer stage = (Transformer) e.getValue();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      coder.encode(stage, out);
      assertEquals(stage, coder.decode(new ByteArrayInputStream(out.toByteArray())), e.getKey());
    }
  }

  /**
   * Each model type's output schema is its input plus its own columns, known from its parameters;
   * the model loaded from its fixture scores rows as the sample does.
   */
  @Test
  void everyModelTypeAppendsItsOutputColumns() throws IOException {
    Map<String, String> appended = new TreeMap<>();
    for (Map.Entry<String, Object> e : FormatSamples.all().entrySet()) {
      String name = e.getKey();
      Transformer sample = (Transformer) e.getValue();
      Schema input = FormatSamples.input(name);
      Schema output = sample.outputSchema(input);
      appended.put(name, FormatSamples.appended(input, output));
      Transformer.Bound bound = sample.bind(input);
      Transformer.Bound loaded =
          ((Transformer) ModelFile.fromBytes(fixture(name), name)).bind(input);
      assertEquals(output, bound.outputSchema(), name);
      for (Row row : FormatSamples.rows(input)) {
        Row scored = bound.apply(row);
        assertEquals(output, scored.getSchema(), name);
        assertEquals(scored, loaded.apply(row), name);
      }
    }
    assertEquals(new TreeMap<>(APPENDED), appended);
  }

  @Test
  void anUnknownTypeInAFileNamesTheTypeAndTheKnownOnes() throws Exception {
    byte[] bytes = ModelFile.toBytes(TestModels.kmeansStage().withoutOutputCols());
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("\ntype: kmeans-model\n"), text);
    byte[] renamed =
        text.replace("\ntype: kmeans-model\n", "\ntype: kmeans-modex\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    int end = renamed.length - ("\nsha256 ".length() + 64 + 1);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(renamed, 0, end);
    byte[] hex = HexFormat.of().formatHex(sha.digest()).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(hex, 0, renamed, end + "\nsha256 ".length(), 64);
    IOException e = assertThrows(IOException.class, () -> ModelFile.fromBytes(renamed, "old.blm"));
    assertTrue(
        e.getMessage()
            .startsWith("old.blm: Unknown model type 'kmeans-modex'; this library knows ["),
        e.getMessage());
    for (String type : RELEASED) {
      assertTrue(e.getMessage().contains(type), type + " in " + e.getMessage());
    }
  }

  @Test
  void anUnknownTypeInCoderBytesNamesTheTypeAndTheKnownOnes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new DataOutputStream(out).writeUTF("isolation-forest-model");
    CoderException e =
        assertThrows(
            CoderException.class,
            () -> TransformerCoder.of().decode(new ByteArrayInputStream(out.toByteArray())));
    assertTrue(
        e.getMessage()
            .startsWith(
                "Unknown model type 'isolation-forest-model'; this library knows [pipeline-model"),
        e.getMessage());
  }

  @Test
  void aClassWithoutFormatSaysHowToDeclareOne() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelFile.toBytes("not a model"));
    assertEquals(
        "No model format for java.lang.String; declare one in a ModelFormatProvider listed in"
            + " META-INF/services/org.beamlink.models.io.ModelFormatProvider to save or encode it",
        e.getMessage());
  }

  /** The coders of models without output columns refuse one with them rather than drop them. */
  @Test
  void plainModelCodersRefuseAModelWithOutputColumns() {
    CoderException kmeans =
        assertThrows(
            CoderException.class,
            () ->
                KMeansModelCoder.of()
                    .encode(TestModels.kmeansStage(), new ByteArrayOutputStream()));
    assertTrue(kmeans.getMessage().contains("[cluster, distance]"), kmeans.getMessage());
    CoderException linear =
        assertThrows(
            CoderException.class,
            () ->
                LinearModelCoder.of(null)
                    .encode(TestModels.logisticStage(), new ByteArrayOutputStream()));
    assertTrue(linear.getMessage().contains("[prediction, probability]"), linear.getMessage());
  }

  @Test
  void aPipelineOfBareModelsSavesThemInTheirOwnFormats() throws IOException {
    PipelineModel pipeline =
        PipelineModel.of(
            TestModels.INPUT,
            List.of(TestModels.kmeansStage().withoutOutputCols(), TestModels.logisticStage()));
    byte[] bytes = ModelFile.toBytes(pipeline);
    assertEquals(pipeline, ModelFile.fromBytes(bytes, "bare.blm"));
    assertTrue(
        new String(bytes, StandardCharsets.ISO_8859_1).contains("\nstage1: kmeans-model {"),
        "the header names the bare format");
  }
}
