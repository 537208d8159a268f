package org.beamlink.transforms.nlp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.nlp.TokenColumns;

/**
 * The distributed part of the vectorizer fits: per key (a term, or a hash bucket), its number of
 * occurrences in the corpus and its document frequency, summed by {@code Combine.perKey} (partial
 * sums per worker, no worker sees the corpus), then kept when the document frequency is within
 * {@code [minDF, maxDF]}; and the number of documents, as a singleton side input.
 */
final class DocumentFrequencies {
  private DocumentFrequencies() {}

  /** The coder of a key's (occurrences, documents). */
  static final Coder<KV<Long, Long>> COUNTS = KvCoder.of(VarLongCoder.of(), VarLongCoder.of());

  /** The number of rows of {@code input}, 0 when empty. */
  static PCollectionView<Long> countDocuments(PCollection<Row> input) {
    return input.apply(
        "Count documents", Combine.globally(Count.<Row>combineFn()).asSingletonView());
  }

  /**
   * Per key of the tokens in {@code column}: (occurrences, documents), for the keys whose document
   * frequency is within the bounds; {@code key} maps a token to its key.
   */
  static <K> PCollection<KV<K, KV<Long, Long>>> perKey(
      PCollection<Row> input,
      int column,
      String name,
      String stage,
      SerializableFunction<String, K> key,
      Coder<K> keyCoder,
      double minDF,
      double maxDF,
      PCollectionView<Long> numDocs) {
    KvCoder<K, KV<Long, Long>> coder = KvCoder.of(keyCoder, COUNTS);
    return input
        .apply("Count per document", ParDo.of(new PerDocumentFn<>(column, name, stage, key)))
        .setCoder(coder)
        .apply("Sum per key", Combine.perKey(new SumFn()))
        .setCoder(coder)
        .apply(
            "Keep by document frequency",
            ParDo.of(new FilterFn<K>(minDF, maxDF, numDocs)).withSideInputs(numDocs))
        .setCoder(coder);
  }

  /** A document-frequency bound as a number of documents: a count, or a fraction of them. */
  static double documents(double bound, long numDocs) {
    return bound >= 1.0 ? bound : bound * numDocs;
  }

  /**
   * Fails when the bounds, as numbers of documents of {@code numDocs}, leave no room
   * (scikit-learn's "max_df corresponds to < documents than min_df").
   */
  static void checkBounds(double minDF, double maxDF, long numDocs, String stage) {
    double min = documents(minDF, numDocs);
    double max = documents(maxDF, numDocs);
    if (max < min) {
      throw new IllegalArgumentException(
          stage
              + ": maxDF "
              + maxDF
              + " is "
              + max
              + " documents, fewer than minDF "
              + minDF
              + " ("
              + min
              + " documents) of "
              + numDocs);
    }
  }

  /** Fails for an empty corpus. */
  static void checkDocuments(long numDocs, String stage) {
    if (numDocs == 0) {
      throw new IllegalArgumentException(stage + ": no rows to fit on");
    }
  }

  /** Fails when no key passed the document-frequency bounds. */
  static void checkKept(
      List<?> kept, double minDF, double maxDF, long numDocs, String what, String stage) {
    if (kept.isEmpty()) {
      throw new IllegalArgumentException(
          stage
              + ": no "
              + what
              + " remain: none is in at least minDF = "
              + minDF
              + " and at most maxDF = "
              + maxDF
              + " of the "
              + numDocs
              + " documents (counts if >= 1, fractions if < 1); lower minDF or raise maxDF");
    }
  }

  private static final class PerDocumentFn<K> extends DoFn<Row, KV<K, KV<Long, Long>>> {
    private final int column;
    private final String name;
    private final String stage;
    private final SerializableFunction<String, K> key;

    PerDocumentFn(int column, String name, String stage, SerializableFunction<String, K> key) {
      this.column = column;
      this.name = name;
      this.stage = stage;
      this.key = key;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<K, KV<Long, Long>>> out) {
      Map<K, Long> counts = new HashMap<>();
      for (String token : TokenColumns.tokens(row, column, name, stage)) {
        counts.merge(key.apply(token), 1L, Long::sum);
      }
      counts.forEach((k, c) -> out.output(KV.of(k, KV.of(c, 1L))));
    }
  }

  private static final class SumFn extends Combine.BinaryCombineFn<KV<Long, Long>> {
    @Override
    public KV<Long, Long> apply(KV<Long, Long> a, KV<Long, Long> b) {
      return KV.of(a.getKey() + b.getKey(), a.getValue() + b.getValue());
    }
  }

  private static final class FilterFn<K>
      extends DoFn<KV<K, KV<Long, Long>>, KV<K, KV<Long, Long>>> {
    private final double minDF;
    private final double maxDF;
    private final PCollectionView<Long> numDocs;

    FilterFn(double minDF, double maxDF, PCollectionView<Long> numDocs) {
      this.minDF = minDF;
      this.maxDF = maxDF;
      this.numDocs = numDocs;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      long n = c.sideInput(numDocs);
      long df = c.element().getValue().getValue();
      if (df >= documents(minDF, n) && df <= documents(maxDF, n)) {
        c.output(c.element());
      }
    }
  }
}
