package org.beamlink.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.options.PipelineOptions;
import org.beamlink.examples.demo.TextDemo;
import org.beamlink.transforms.io.ReadCsv;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code beamlink demo text}: spam filtering on the SpamAssassin public mail corpus, every
 * vectorizer (word counts, TF-IDF, hashing) against every classifier (logistic regression, naive
 * Bayes), printed as one table with accuracy, AUC, F1 and training time ({@link TextDemo}).
 *
 * <pre>{@code
 * examples/data/fetch-spam-assassin.sh              # once: the corpus as a CSV in ~/.cache/beamlink
 * bin/beamlink demo text                            # embedded Flink
 * bin/beamlink demo text --input examples/data/spam-assassin-sample.csv --runner=DirectRunner
 * }</pre>
 */
@Command(
    name = "text",
    description =
        "Text classification: spam or ham on the SpamAssassin corpus, 3 vectorizers x 2 models.",
    footer = PipelineArgs.FOOTER,
    sortOptions = false)
public final class DemoTextCommand implements Callable<Integer> {
  /** Where {@code fetch-spam-assassin.sh} writes the corpus by default. */
  static final Path DEFAULT_INPUT =
      Path.of(
          System.getenv()
              .getOrDefault("BEAMLINK_CACHE", System.getProperty("user.home") + "/.cache/beamlink"),
          "spam-assassin",
          "spam-assassin.csv");

  @Spec CommandSpec spec;

  @Option(
      names = {"-i", "--input"},
      paramLabel = "FILE",
      description =
          "CSV of text,label rows (default: the corpus examples/data/fetch-spam-assassin.sh"
              + " writes, ${BEAMLINK_CACHE:-~/.cache/beamlink}/spam-assassin/spam-assassin.csv).")
  Path input;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the train/test split (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--test-fraction",
      defaultValue = "0.2",
      description = "Fraction of the messages held out for the test (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(
      names = "--min-df",
      defaultValue = "2",
      description =
          "Vocabulary: words in at least this many training messages (default: ${DEFAULT-VALUE}).")
  int minDF;

  @Option(
      names = "--vocab-size",
      defaultValue = "20000",
      description = "Vocabulary: the most frequent words kept (default: ${DEFAULT-VALUE}).")
  int vocabSize;

  @Option(
      names = "--num-features",
      defaultValue = "65536",
      description = "Hashing: number of buckets (default: ${DEFAULT-VALUE}).")
  int numFeatures;

  @Option(
      names = "--l2",
      defaultValue = "1e-4",
      description = "Logistic regression's L2 penalty (default: ${DEFAULT-VALUE}).")
  double l2;

  @Option(
      names = "--max-iter",
      defaultValue = "100",
      description = "Logistic regression's most iterations (default: ${DEFAULT-VALUE}).")
  int maxIter;

  @Option(
      names = "--model-dir",
      paramLabel = "DIR",
      description =
          "Keep the 6 fitted pipeline models here (default: a temporary directory, deleted).")
  Path modelDir;

  @Mixin OutputOptions output;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    Path csv = input != null ? input : DEFAULT_INPUT;
    if (!Files.exists(csv)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "No corpus at "
              + csv
              + ": run examples/data/fetch-spam-assassin.sh first, or pass --input"
              + " examples/data/spam-assassin-sample.csv (a 10% sample)");
    }
    PipelineOptions options = new PipelineArgs(beamArgs, spec).options();
    Path dir = modelDir != null ? modelDir : Files.createTempDirectory("beamlink-demo-text");
    TextDemo.Config config =
        new TextDemo.Config(
            csv.toString(), seed, testFraction, minDF, vocabSize, numFeatures, l2, maxIter, dir);
    List<TextDemo.Result> results;
    try {
      results =
          TextDemo.run(
              options,
              config,
              stage ->
                  output.progress(spec.commandLine().getErr(), stage, ReadCsv.ROWS_READ, "rows"));
    } finally {
      if (modelDir == null) {
        TextDemo.deleteModels(dir);
      }
    }
    String runner = options.getRunner().getSimpleName();
    TextDemo.Result first = results.get(0);
    String header =
        String.format(
            java.util.Locale.ROOT,
            "SpamAssassin spam vs ham: %d training and %d test messages (seed %d), %s%n",
            first.trainRows(),
            first.testRows(),
            seed,
            runner);
    output.print(
        spec.commandLine().getOut(), header + TextDemo.table(results), toJson(results, runner));
    return 0;
  }

  private JsonObject toJson(List<TextDemo.Result> results, String runner) {
    List<JsonObject> rows =
        results.stream()
            .map(
                r ->
                    new JsonObject()
                        .put("vectorizer", r.vectorizer())
                        .put("model", r.classifier())
                        .put("features", r.features())
                        .put("trainRows", r.trainRows())
                        .put("testRows", r.testRows())
                        .put("accuracy", r.accuracy())
                        .put("auc", r.auc())
                        .put("f1", r.f1())
                        .put("trainSeconds", Math.round(r.trainSeconds() * 1000) / 1000.0))
            .toList();
    return new JsonObject()
        .put("command", "demo text")
        .put("runner", runner)
        .put("seed", seed)
        .put("results", rows);
  }
}
