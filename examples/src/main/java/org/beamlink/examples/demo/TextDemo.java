package org.beamlink.examples.demo;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.examples.run.SingletonResult;
import org.beamlink.models.classification.NaiveBayesModel;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.nlp.FeatureType;
import org.beamlink.models.nlp.Norm;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.classification.LogisticRegression;
import org.beamlink.transforms.classification.NaiveBayes;
import org.beamlink.transforms.evaluation.BinaryClassificationEvaluation;
import org.beamlink.transforms.evaluation.BinaryMetrics;
import org.beamlink.transforms.evaluation.RandomSplit;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.nlp.DocCountVectorizer;
import org.beamlink.transforms.nlp.DocHashCountVectorizer;
import org.beamlink.transforms.nlp.RegexTokenizer;
import org.beamlink.transforms.nlp.StopWordsRemover;
import org.beamlink.transforms.pipeline.MapRows;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.beamlink.transforms.pipeline.ReadModel;
import org.beamlink.transforms.pipeline.WriteModel;

/**
 * The text classification demo, after Alink's first showcase: spam or ham for the SpamAssassin
 * public mail corpus (a CSV of {@code text,label} written by {@code
 * examples/data/fetch-spam-assassin.sh}), with every vectorizer against every classifier.
 *
 * <p>Each of the 6 combinations is one pipeline fitted on the training rows and saved as a model
 * file, in its own job (so that its wall time is its training time): {@link FillMissingText}, then
 * the fitted stages {@code RegexTokenizer} (scikit-learn's token pattern, lower case), {@code
 * StopWordsRemover} (English), a vectorizer ({@link Vectorizer}) and a classifier ({@link
 * Classifier}). One more job scores the test rows with the 6 saved models and evaluates each with
 * {@code BinaryClassificationEvaluation} (spam is the positive class; accuracy and F1 at
 * probability 0.5).
 *
 * <p>The split is {@link #split}, a {@code RandomSplit}: a row is a test row when a hash of its
 * content and the seed falls below the test fraction, so it is the same on every run, runner and
 * partitioning, and identical messages land on the same side.
 *
 * <pre>{@code
 * List<TextDemo.Result> table = TextDemo.run(options, TextDemo.Config.defaults(csv), reporter);
 * System.out.print(TextDemo.table(table));
 * }</pre>
 */
public final class TextDemo {
  /** The schema of the demo's CSV: the text may be empty (read as null), the label is not. */
  static final Schema CSV_SCHEMA =
      Schema.builder().addNullableField("text", FieldType.STRING).addStringField("label").build();

  /** The positive class, and the two labels in the order the models' probabilities use. */
  static final String SPAM = "spam";

  static final String HAM = "ham";

  private TextDemo() {}

  /** How text becomes a vector. */
  enum Vectorizer {
    /** Word counts over the vocabulary of the training messages ({@code DocCountVectorizer}). */
    COUNT("count"),
    /** TF-IDF over the same vocabulary, L2-normalized (scikit-learn's TfidfVectorizer). */
    TF_IDF("tf-idf"),
    /** Word counts hashed into a fixed number of buckets ({@code DocHashCountVectorizer}). */
    HASHING("hashing");

    final String label;

    Vectorizer(String label) {
      this.label = label;
    }

    PipelineStage stage(Config config) {
      return switch (this) {
        case COUNT -> vocabulary(config);
        case TF_IDF -> vocabulary(config).withFeatureType(FeatureType.TF_IDF).withNorm(Norm.L2);
        case HASHING ->
            DocHashCountVectorizer.fit()
                .withInputCol("words")
                .withOutputCol("features")
                .withNumFeatures(config.numFeatures());
      };
    }

    private static DocCountVectorizer.Fit vocabulary(Config config) {
      return DocCountVectorizer.fit()
          .withInputCol("words")
          .withOutputCol("features")
          .withMinDF(config.minDF())
          .withVocabSize(config.vocabSize());
    }
  }

  /** The classifier on the vectors. */
  enum Classifier {
    /** Binary logistic regression (L-BFGS, L2 penalty). */
    LOGISTIC_REGRESSION("logistic regression"),
    /** Multinomial naive Bayes (smoothing 1). */
    NAIVE_BAYES("naive Bayes");

    final String label;

    Classifier(String label) {
      this.label = label;
    }

    PipelineStage stage(Config config) {
      return switch (this) {
        case LOGISTIC_REGRESSION ->
            LogisticRegression.fit()
                .withLabelCol("label")
                .withVectorCol("features")
                .withL2(config.l2())
                .withMaxIter(config.maxIter());
        case NAIVE_BAYES -> NaiveBayes.fit().withLabelCol("label").withVectorCol("features");
      };
    }
  }

  /**
   * What to run on.
   *
   * @param input the CSV file (or pattern) of {@code text,label} rows
   * @param seed the seed of the train/test split
   * @param testFraction the fraction of rows held out for the test, in (0, 1)
   * @param minDF the count and TF-IDF vocabularies keep words in at least this many messages
   * @param vocabSize the count and TF-IDF vocabularies keep at most this many words
   * @param numFeatures the hashing vectorizer's number of buckets
   * @param l2 logistic regression's L2 penalty
   * @param maxIter logistic regression's most iterations
   * @param modelDir where the fitted models are written (kept after the run)
   */
  public record Config(
      String input,
      long seed,
      double testFraction,
      int minDF,
      int vocabSize,
      int numFeatures,
      double l2,
      int maxIter,
      Path modelDir) {
    public Config {
      if (!(testFraction > 0 && testFraction < 1)) {
        throw new IllegalArgumentException("Expected testFraction in (0, 1), got " + testFraction);
      }
    }
  }

  /**
   * One line of the comparison table.
   *
   * @param features the classifier's number of features (vocabulary size or hash buckets)
   * @param trainRows the rows the classifier was fitted on
   * @param testRows the rows evaluated
   * @param trainSeconds the wall time of the training job
   */
  public record Result(
      String vectorizer,
      String classifier,
      int features,
      long trainRows,
      long testRows,
      double accuracy,
      double auc,
      double f1,
      double trainSeconds) {}

  /**
   * Runs the 6 training jobs and the evaluation job on {@code options}' runner, each reported by
   * the reporter {@code progress} makes for a stage name; returns one result per vectorizer and
   * classifier, in table order.
   */
  public static List<Result> run(
      PipelineOptions options, Config config, Function<String, ProgressReporter> progress)
      throws IOException {
    Files.createDirectories(config.modelDir());
    List<Double> seconds = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (Vectorizer v : Vectorizer.values()) {
      for (Classifier c : Classifier.values()) {
        Path file =
            config
                .modelDir()
                .resolve(
                    v.name().toLowerCase(Locale.ROOT)
                        + "-"
                        + c.name().toLowerCase(Locale.ROOT)
                        + ".blm");
        Files.deleteIfExists(file);
        Pipeline p = Pipeline.create(options);
        readRows(p, config)
            .apply("Split", split(config.seed(), config.testFraction()))
            .get(TRAIN)
            .apply(
                "Fit",
                MlPipeline.of(
                        RegexTokenizer.of("text")
                            .withOutputCol("tokens")
                            .withPattern(RegexTokenizer.SKLEARN_TOKEN_PATTERN)
                            .withGaps(false),
                        StopWordsRemover.of("tokens").withOutputCol("words"),
                        v.stage(config),
                        c.stage(config))
                    .fit())
            .apply("Save", WriteModel.to(file.toString()));
        ProgressReporter.Run run = progress.apply("train " + v.label + " + " + c.label).run(p);
        seconds.add(run.seconds());
        files.add(file);
      }
    }
    List<BinaryMetrics> metrics = evaluate(options, config, files, progress.apply("evaluate"));
    List<Result> results = new ArrayList<>();
    int i = 0;
    for (Vectorizer v : Vectorizer.values()) {
      for (Classifier c : Classifier.values()) {
        PipelineModel model = ModelFile.read(files.get(i), PipelineModel.class);
        Transformer classifier = model.stages().get(model.stages().size() - 1);
        int features;
        long trainRows;
        if (classifier instanceof NaiveBayesModel nb) {
          features = nb.numFeatures();
          trainRows = nb.provenance().rows();
        } else {
          LinearModel lr = (LinearModel) classifier;
          features = lr.numFeatures();
          trainRows = lr.provenance().rows();
        }
        BinaryMetrics m = metrics.get(i);
        results.add(
            new Result(
                v.label,
                c.label,
                features,
                trainRows,
                m.count(),
                m.accuracy(),
                m.auc(),
                m.f1(),
                seconds.get(i)));
        i++;
      }
    }
    return results;
  }

  /** One job: the test rows scored by every saved model and evaluated, in file order. */
  private static List<BinaryMetrics> evaluate(
      PipelineOptions options, Config config, List<Path> files, ProgressReporter progress)
      throws IOException {
    Pipeline p = Pipeline.create(options);
    PCollection<Row> test =
        readRows(p, config).apply("Split", split(config.seed(), config.testFraction())).get(TEST);
    PCollectionList<KV<Integer, BinaryMetrics>> all = PCollectionList.empty(p);
    for (int i = 0; i < files.size(); i++) {
      String name = files.get(i).getFileName().toString();
      all =
          all.and(
              test.apply("Score " + name, MapRows.using(ReadModel.read(files.get(i).toString())))
                  .apply(
                      "Evaluate " + name,
                      BinaryClassificationEvaluation.ofDetail("label", "predictionDetail")
                          .withDetailLabels(HAM, SPAM)
                          .withPositiveLabel(SPAM))
                  .apply("Number " + name, WithKeys.of(i))
                  .setCoder(KvCoder.of(VarIntCoder.of(), BinaryMetrics.Coder.of())));
    }
    // Top gathers the few results into one list (largest index first), for one SingletonResult.
    PCollection<List<KV<Integer, BinaryMetrics>>> gathered =
        all.apply("Flatten", Flatten.pCollections())
            .apply("Gather", Top.of(files.size(), new ByIndex()));
    List<KV<Integer, BinaryMetrics>> metrics = SingletonResult.run(gathered, options, progress);
    List<BinaryMetrics> inOrder = new ArrayList<>();
    for (int i = metrics.size() - 1; i >= 0; i--) {
      inOrder.add(metrics.get(i).getValue());
    }
    return inOrder;
  }

  /** Orders the numbered results by their number. */
  private static final class ByIndex
      implements Comparator<KV<Integer, BinaryMetrics>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(KV<Integer, BinaryMetrics> a, KV<Integer, BinaryMetrics> b) {
      return Integer.compare(a.getKey(), b.getKey());
    }
  }

  private static PCollection<Row> readRows(Pipeline p, Config config) {
    return p.apply("ReadCsv", ReadCsv.from(config.input()).withSchema(CSV_SCHEMA))
        .apply("FillMissingText", new FillMissingText());
  }

  /** The comparison table: one line per vectorizer and classifier. */
  public static String table(List<Result> results) {
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-10s %-20s %9s %9s %7s %7s %8s%n",
                "vectorizer",
                "model",
                "features",
                "accuracy",
                "AUC",
                "F1",
                "train s"));
    for (Result r : results) {
      s.append(
          String.format(
              Locale.ROOT,
              "%-10s %-20s %9d %9.4f %7.4f %7.4f %8.1f%n",
              r.vectorizer(),
              r.classifier(),
              r.features(),
              r.accuracy(),
              r.auc(),
              r.f1(),
              r.trainSeconds()));
    }
    return s.toString();
  }

  /**
   * Fills a missing (null) {@code text} with the empty string, the message with no words: the "fill
   * missing values" step of the pipeline. The library's {@code Imputer} fills numeric columns only,
   * and the tokenizers pass a null text on as null tokens, which the vectorizers reject.
   */
  static final class FillMissingText extends PTransform<PCollection<Row>, PCollection<Row>> {
    @Override
    public PCollection<Row> expand(PCollection<Row> input) {
      return input
          .apply(ParDo.of(new FillFn(input.getSchema().indexOf("text"))))
          .setRowSchema(input.getSchema());
    }

    private static final class FillFn extends DoFn<Row, Row> {
      private final int index;

      FillFn(int index) {
        this.index = index;
      }

      @ProcessElement
      public void process(@Element Row row, OutputReceiver<Row> out) {
        if (row.getValue(index) != null) {
          out.output(row);
          return;
        }
        List<Object> values = new ArrayList<>(row.getValues());
        values.set(index, "");
        out.output(Row.withSchema(row.getSchema()).attachValues(values));
      }
    }
  }

  /** The parts of {@link #split}: the held-out rows, and the rows the models are fitted on. */
  static final int TEST = 0;

  static final int TRAIN = 1;

  /**
   * The seeded train/test split: part {@link #TEST} holds a row when {@code
   * uniform(mix(fnv1a64(text + "\0" + label) ^ seed)) < testFraction} (RandomSplit's row hash of
   * the demo's two string columns), so the split depends on each row's content and the seed only,
   * never on the clock, the runner or the order of the rows.
   */
  static RandomSplit split(long seed, double testFraction) {
    return RandomSplit.of(testFraction, 1 - testFraction).withSeed(seed);
  }

  /** Deletes the model files of a run whose model directory was a temporary one. */
  public static void deleteModels(Path dir) {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
      Files.delete(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
