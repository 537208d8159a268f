package org.beamlink.examples.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;

/**
 * A seeded corpus of term count vectors drawn from {@code topics} known topics: topic {@code t}
 * owns the band of {@code vocabulary / topics} terms from {@code t * vocabulary / topics} and draws
 * {@code u^2} into it (a few frequent terms per band, a long tail); document {@code i} mixes two
 * topics (70/30) over {@code words} draws. Every document is a function of the seed and its index,
 * so the pipeline ({@link #rows}) and the file ({@link #write}) hold the same corpus.
 *
 * <pre>{@code
 * TopicCorpus corpus = new TopicCorpus(20_000, 20_000, 20, 100, 7);
 * PCollection<Row> docs = pipeline.apply(corpus.rows()); // one "counts" vector column
 * }</pre>
 */
public final class TopicCorpus implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The schema of generated rows: one sparse count vector column, "counts". */
  public static final Schema SCHEMA =
      Schema.builder().addField("counts", VectorLogicalType.FIELD_TYPE).build();

  final long documents;
  final int vocabulary;
  final int topics;
  final int words;
  final long seed;

  /** {@code documents} documents of {@code words} draws over {@code vocabulary} terms. */
  public TopicCorpus(long documents, int vocabulary, int topics, int words, long seed) {
    this.documents = documents;
    this.vocabulary = vocabulary;
    this.topics = topics;
    this.words = words;
    this.seed = seed;
  }

  /** Document {@code i}'s counts: term index to count, ascending. */
  TreeMap<Integer, Integer> document(long i) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    int band = vocabulary / topics;
    int first = random.nextInt(topics);
    int second = random.nextInt(topics);
    TreeMap<Integer, Integer> counts = new TreeMap<>();
    for (int w = 0; w < words; w++) {
      int topic = random.nextDouble() < 0.7 ? first : second;
      double u = random.nextDouble();
      int term = topic * band + (int) (band * u * u);
      counts.merge(term, 1, Integer::sum);
    }
    return counts;
  }

  /** Document {@code i} as a sparse vector of {@code vocabulary}. */
  Vector vector(long i) {
    TreeMap<Integer, Integer> counts = document(i);
    int[] indices = new int[counts.size()];
    double[] values = new double[counts.size()];
    int j = 0;
    for (var e : counts.entrySet()) {
      indices[j] = e.getKey();
      values[j++] = e.getValue();
    }
    return Vector.sparse(vocabulary, indices, values);
  }

  /**
   * Writes the corpus to {@code file}, one document a line as {@code term:count} pairs separated by
   * spaces (what the scikit-learn timing script reads).
   */
  public void write(Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (long i = 0; i < documents; i++) {
        StringBuilder line = new StringBuilder();
        for (var e : document(i).entrySet()) {
          line.append(line.length() == 0 ? "" : " ").append(e.getKey()).append(':');
          line.append(e.getValue());
        }
        out.write(line.append('\n').toString());
      }
    }
  }

  /** The documents as rows, generated inside the pipeline. */
  PTransform<PBegin, PCollection<Row>> rows() {
    TopicCorpus corpus = this;
    return new PTransform<>() {
      @Override
      public PCollection<Row> expand(PBegin input) {
        return input
            .apply("Indices", GenerateSequence.from(0).to(corpus.documents))
            .apply("Documents", ParDo.of(new DocumentFn(corpus)))
            .setRowSchema(SCHEMA);
      }
    };
  }

  private static final class DocumentFn extends DoFn<Long, Row> {
    private final TopicCorpus corpus;

    DocumentFn(TopicCorpus corpus) {
      this.corpus = corpus;
    }

    @ProcessElement
    public void process(@Element Long i, OutputReceiver<Row> out) {
      out.output(Row.withSchema(SCHEMA).attachValues(List.of(corpus.vector(i))));
    }
  }
}
