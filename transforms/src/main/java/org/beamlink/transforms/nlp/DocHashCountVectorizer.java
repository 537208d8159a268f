package org.beamlink.transforms.nlp;

import com.google.auto.value.AutoValue;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.nlp.DocHashCountVectorizerModel;
import org.beamlink.models.nlp.FeatureType;
import org.beamlink.models.nlp.IdfFormula;
import org.beamlink.models.nlp.Norm;
import org.beamlink.models.nlp.TermWeighting;
import org.beamlink.transforms.pipeline.ApplyModel;

/**
 * Turns a token column into hashed term vectors, as Alink's {@code DocHashCountVectorizer}: each
 * token goes to coordinate {@code murmur3(token) mod numFeatures} (Spark 3's {@code HashingTF}
 * index: MurmurHash3 x86_32, seed 42, UTF-8 bytes), so there is no vocabulary; {@link #fit()}
 * counts, per coordinate ("bucket"), the documents holding one of its tokens, so that IDF weights
 * exist, and keeps the buckets in at least {@code minDF} documents ({@link
 * DocHashCountVectorizerModel}). {@link #transform} appends a sparse vector of {@code numFeatures}
 * with the kept buckets only (a token whose bucket the fit did not keep is ignored, as Alink).
 *
 * <p>Feature types, IDF formulas, {@code minTF} and norms are those of {@link DocCountVectorizer}
 * (defaults WORD_COUNT, SKLEARN_SMOOTH, 1, NONE). {@code minDF} is a count when {@code >= 1}, else
 * a fraction of the documents (default 1: every bucket seen in the fit).
 *
 * <p>Nulls: a null token array (or a null token) fails the fit or the transform naming column and
 * row; fill missing text before tokenizing. An empty input fails the fit ("no rows to fit on").
 *
 * <p>The fit needs bounded input; per-bucket document counts are summed with {@code
 * Combine.perKey}, and only the kept buckets (at most {@code numFeatures}) are gathered into the
 * model.
 *
 * <p>Parameters: {@code inputCol} (a token column, required), {@code outputCol} (default {@code
 * "features"}), {@code numFeatures} (>= 1, default 2^18), {@code minDF}, {@code featureType},
 * {@code idf}, {@code norm}, {@code minTF}.
 *
 * <pre>{@code
 * PCollection<DocHashCountVectorizerModel> model = tokens.apply(
 *     DocHashCountVectorizer.fit().withInputCol("words").withNumFeatures(1 << 20)
 *         .withFeatureType(FeatureType.TF_IDF));
 * PCollection<Row> vectors = tokens.apply(DocHashCountVectorizer.transform(model));
 * }</pre>
 */
public final class DocHashCountVectorizer {
  private static final String NAME = "DocHashCountVectorizer";

  private DocHashCountVectorizer() {}

  /**
   * The estimator, with every default set: outputCol "features", numFeatures 2^18, minDF 1,
   * WORD_COUNT, SKLEARN_SMOOTH IDF, no norm, minTF 1.
   */
  public static Fit fit() {
    return new AutoValue_DocHashCountVectorizer_Fit.Builder()
        .setNumFeatures(1 << 18)
        .setOutputCol("features")
        .setMinDF(1.0)
        .setFeatureType(FeatureType.WORD_COUNT)
        .setIdf(IdfFormula.SKLEARN_SMOOTH)
        .setNorm(Norm.NONE)
        .setMinTF(1.0)
        .build();
  }

  /**
   * Vectorizes rows with the one model in {@code model}, bounded or unbounded input.
   *
   * <pre>{@code
   * PCollection<Row> vectors = stream.apply(DocHashCountVectorizer.transform(model));
   * }</pre>
   */
  public static ApplyModel<DocHashCountVectorizerModel> transform(
      PCollection<DocHashCountVectorizerModel> model) {
    return ApplyModel.of(model);
  }

  /**
   * The transform {@link #fit()} returns: rows in, one {@link DocHashCountVectorizerModel} out.
   *
   * <pre>{@code
   * rows.apply(DocHashCountVectorizer.fit().withInputCol("tokens").withNumFeatures(1024));
   * }</pre>
   */
  @AutoValue
  public abstract static class Fit extends TermCountFit<DocHashCountVectorizerModel, Fit> {
    abstract int numFeatures();

    @Override
    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder implements ParamsBuilder<Fit> {
      abstract Builder setNumFeatures(int numFeatures);
    }

    /** The size of the output vectors (number of buckets), >= 1; default 2^18 = 262144. */
    public Fit withNumFeatures(int numFeatures) {
      if (numFeatures < 1) {
        throw new IllegalArgumentException("Expected numFeatures >= 1, got " + numFeatures);
      }
      return toBuilder().setNumFeatures(numFeatures).build();
    }

    @Override
    String stageName() {
      return NAME;
    }

    @Override
    Class<DocHashCountVectorizerModel> modelType() {
      return DocHashCountVectorizerModel.class;
    }

    @Override
    DocHashCountVectorizerModel placeholder(String in, String out, TermWeighting weighting) {
      return DocHashCountVectorizerModel.of(
          in, out, numFeatures(), new int[0], new long[0], 1, weighting);
    }

    @Override
    PCollection<DocHashCountVectorizerModel> fitModel(
        PCollection<Row> input, PCollectionView<Long> numDocs) {
      int numFeatures = numFeatures();
      PCollection<KV<Integer, KV<Long, Long>>> buckets =
          DocumentFrequencies.perKey(
              input,
              input.getSchema().indexOf(inputCol()),
              inputCol(),
              NAME,
              token -> DocHashCountVectorizerModel.indexOf(token, numFeatures),
              VarIntCoder.of(),
              minDF(),
              Double.POSITIVE_INFINITY,
              numDocs);
      // All kept buckets (at most numFeatures of them): Top of numFeatures keeps every one.
      return buckets
          .apply("Gather buckets", Top.of(numFeatures, new ByBucket()))
          .apply(
              "Bucket table",
              ParDo.of(
                      new BucketsFn(
                          inputCol(), outputCol(), numFeatures, minDF(), weighting(), numDocs))
                  .withSideInputs(numDocs));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.add(DisplayData.item("numFeatures", numFeatures()));
    }
  }

  /** Orders buckets by index. */
  private static final class ByBucket
      implements Comparator<KV<Integer, KV<Long, Long>>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(KV<Integer, KV<Long, Long>> a, KV<Integer, KV<Long, Long>> b) {
      return Integer.compare(a.getKey(), b.getKey());
    }
  }

  /** The model from the kept buckets and the number of documents. */
  private static final class BucketsFn
      extends DoFn<List<KV<Integer, KV<Long, Long>>>, DocHashCountVectorizerModel> {
    private final String inputCol;
    private final String outputCol;
    private final int numFeatures;
    private final double minDF;
    private final TermWeighting weighting;
    private final PCollectionView<Long> numDocs;

    BucketsFn(
        String inputCol,
        String outputCol,
        int numFeatures,
        double minDF,
        TermWeighting weighting,
        PCollectionView<Long> numDocs) {
      this.inputCol = inputCol;
      this.outputCol = outputCol;
      this.numFeatures = numFeatures;
      this.minDF = minDF;
      this.weighting = weighting;
      this.numDocs = numDocs;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      long n = c.sideInput(numDocs);
      DocumentFrequencies.checkDocuments(n, NAME);
      List<KV<Integer, KV<Long, Long>>> kept = new ArrayList<>(c.element());
      DocumentFrequencies.checkKept(kept, minDF, Double.POSITIVE_INFINITY, n, "buckets", NAME);
      kept.sort(new ByBucket());
      int[] buckets = new int[kept.size()];
      long[] docFreqs = new long[kept.size()];
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = kept.get(i).getKey();
        docFreqs[i] = kept.get(i).getValue().getValue();
      }
      c.output(
          DocHashCountVectorizerModel.of(
              inputCol, outputCol, numFeatures, buckets, docFreqs, n, weighting));
    }
  }
}
