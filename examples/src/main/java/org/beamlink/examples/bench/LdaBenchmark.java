package org.beamlink.examples.bench;

import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.beamlink.iteration.Execution;
import org.beamlink.models.clustering.LdaModel;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.clustering.Lda;

/**
 * {@code beamlink bench lda}: {@code Lda} (batch variational Bayes) on a generated corpus ({@link
 * TopicCorpus}), one JSON line per run: documents, vocabulary, topics, passes, seconds end to end
 * (generation, packing and training), supersteps, the in-worker loop's seconds, seconds per
 * superstep and the training perplexity (from the model's final bound and the corpus's words). The
 * standard configuration is the issue's: a 20,000-term vocabulary, 20 topics, 10 passes, here on
 * 20,000 documents of 100 words.
 *
 * <pre>{@code
 * bin/beamlink bench lda
 * bin/beamlink bench lda --documents 5000 --execution DISTRIBUTED
 * }</pre>
 */
public final class LdaBenchmark {
  private LdaBenchmark() {}

  /** One benchmark configuration. */
  public record Config(
      long documents,
      int vocabulary,
      int topics,
      int words,
      int passes,
      long seed,
      Execution execution) {
    /** The corpus of this configuration. */
    public TopicCorpus corpus() {
      return new TopicCorpus(documents, vocabulary, topics, words, seed);
    }
  }

  /** The standard configuration. */
  public static final Config STANDARD = new Config(20_000, 20_000, 20, 100, 10, 7, Execution.AUTO);

  /** Runs {@code config} after a small warm-up run; returns its JSON line. */
  public static String run(Config config, String... beamArgs) {
    runPipeline(
        new Config(1_000, config.vocabulary(), config.topics(), 50, 2, 1, config.execution()),
        beamArgs);
    return runPipeline(config, beamArgs);
  }

  private static String runPipeline(Config config, String... beamArgs) {
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    Pipeline p = Pipeline.create(options);
    p.apply("Generate", config.corpus().rows())
        .apply(
            Lda.fit()
                .withVectorCol("counts")
                .withK(config.topics())
                .withMaxIter(config.passes())
                .withSeed(config.seed())
                .withExecution(config.execution()))
        .apply(ParDo.of(new Keep()));
    Keep.last = null;
    long start = System.nanoTime();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;
    LdaModel model = Keep.last;
    long supersteps = ShimMetrics.counter(result, "Lda.supersteps");
    long loopMillis = ShimMetrics.counter(result, "Lda.loopMillis");
    double perSuperstep =
        (loopMillis > 0 ? loopMillis / 1000.0 : seconds) / Math.max(supersteps, 1);
    double words = (double) config.documents() * config.words();
    return String.format(
        Locale.ROOT,
        "{\"algorithm\":\"lda\",\"runner\":\"%s\",\"execution\":\"%s\",\"documents\":%d,"
            + "\"vocabulary\":%d,\"topics\":%d,\"words\":%d,\"passes\":%d,\"seconds\":%.3f,"
            + "\"supersteps\":%d,\"loopSeconds\":%.3f,\"secondsPerSuperstep\":%.4f,"
            + "\"perplexity\":%s}",
        options.getRunner().getSimpleName(),
        config.execution(),
        config.documents(),
        config.vocabulary(),
        config.topics(),
        config.words(),
        config.passes(),
        seconds,
        supersteps,
        loopMillis / 1000.0,
        perSuperstep,
        // The model reaches this JVM only from an embedded runner.
        model == null
            ? "null"
            : String.format(Locale.ROOT, "%.3f", Math.exp(model.provenance().finalLoss() / words)));
  }

  /** Keeps the model in this JVM, where the embedded runners run. */
  private static final class Keep extends DoFn<LdaModel, Void> {
    static volatile LdaModel last;

    @ProcessElement
    public void process(@Element LdaModel model) {
      last = model;
    }
  }

  /** Runs the standard configuration; Beam options pass through. */
  public static void main(String[] args) {
    System.out.println(run(STANDARD, args));
  }
}
