package org.beamlink.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.examples.run.SingletonResult;
import org.beamlink.iteration.Execution;
import org.beamlink.models.Provenance;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.optim.OptimMethod;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.classification.LogisticRegression;
import org.beamlink.transforms.io.ReadCsvBlocks;
import org.beamlink.transforms.io.ReadLibSvm;
import org.beamlink.transforms.io.ReadParquetBlocks;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.pipeline.MlPipeline;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code beamlink train}: trains a model and prints its summary; with {@code --pipeline}, fits a
 * pipeline of feature stages and optionally a model (see {@link PipelineSpec}; without a model, a
 * feature pipeline) and writes it to a model file that {@code beamlink predict} and {@code
 * LocalPredictor} load. Missing values in the label and, unless the pipeline starts with {@code
 * impute} or {@code hash}, in the features are errors naming their file and line ({@link
 * ValueRules}); so is a {@code --model} that is a directory, before anything is trained.
 *
 * <pre>{@code
 * bin/beamlink train logreg --input data.csv --label clicked --l2 0.001
 * bin/beamlink train logreg --input a9a.txt --format libsvm --label label --l1 0.01 --json
 * bin/beamlink train --pipeline impute,standard-scaler,logreg --input data.csv --label clicked --model churn.blm
 * bin/beamlink train --pipeline als=8 --input ratings.csv --user-col s --item-col d --rating-col y --model als.blm
 * }</pre>
 */
@Command(
    name = "train",
    description =
        "Train a model and print its summary; with --pipeline, fit a pipeline and write it to a"
            + " model file.",
    subcommands = {TrainCommand.Logistic.class},
    footer = PipelineArgs.FOOTER,
    sortOptions = false)
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--pipeline",
      paramLabel = "STAGES",
      description =
          "Comma-separated stages: impute, hash[=N], standard-scaler, minmax-scaler,"
              + " maxabs-scaler, normalizer, pca=K, then optionally one model: logreg, softmax,"
              + " svm, linreg, decision-tree[=DEPTH], decision-tree-regressor[=DEPTH],"
              + " random-forest[=TREES], random-forest-regressor[=TREES], gbt[=ROUNDS],"
              + " gbt-regressor[=ROUNDS], kmeans=K, gmm=K, bisecting-kmeans=K, lda=K or dbscan"
              + " (with --eps and --min-points). Without a"
              + " model it is a feature pipeline: predict"
              + " appends the features it computes. Or one recommender alone, on --user-col,"
              + " --item-col and --rating-col: als[=RANK], item-cf[=NEIGHBOURS],"
              + " user-cf[=NEIGHBOURS] or swing[=NEIGHBOURS]; recommend reads its file.")
  String pipeline;

  @ArgGroup(exclusive = false, multiplicity = "0..1", heading = InputOptions.HEADING)
  InputOptions input;

  @Option(
      names = "--label",
      paramLabel = "COL",
      description = "The label column (logreg, softmax, svm, linreg).")
  String label;

  @Mixin FeatureOptions features;

  @Option(
      names = "--user-col",
      defaultValue = "user",
      paramLabel = "COL",
      description = "The user id column of a recommender (integers; default: ${DEFAULT-VALUE}).")
  String userCol;

  @Option(
      names = "--item-col",
      defaultValue = "item",
      paramLabel = "COL",
      description = "The item id column of a recommender (integers; default: ${DEFAULT-VALUE}).")
  String itemCol;

  @Option(
      names = "--rating-col",
      paramLabel = "COL",
      description =
          "The rating column of a recommender (default: 'rating' for als; none for item-cf and"
              + " user-cf, every interaction 1; swing takes none).")
  String ratingCol;

  @Option(
      names = {"-m", "--model"},
      paramLabel = "FILE",
      description = "The model file to write (not an existing directory).")
  String modelFile;

  @Option(
      names = "--l2",
      description = "L2 penalty (default: 0; als: its regParam, scaled by the ratings, 0.1).")
  Double l2;

  @Option(names = "--max-iter", description = "Most iterations (default: 100; als: 10).")
  Integer maxIter;

  @Option(
      names = "--eps",
      defaultValue = "0.5",
      description = "The dbscan stage's neighbourhood radius (default: ${DEFAULT-VALUE}).")
  double eps;

  @Option(
      names = "--min-points",
      defaultValue = "5",
      description =
          "The dbscan stage's fewest points within --eps of a core point, itself included"
              + " (default: ${DEFAULT-VALUE}).")
  int minPoints;

  @Mixin OutputOptions output;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    if (pipeline == null) {
      throw new ParameterException(spec.commandLine(), "Missing a model (logreg) or --pipeline");
    }
    if (input == null || modelFile == null) {
      throw new ParameterException(spec.commandLine(), "--pipeline needs --input and --model");
    }
    PipelineSpec stages = PipelineSpec.parse(pipeline).withDbscan(eps, minPoints);
    if (stages.recommender() && (label != null || features.features != null)) {
      throw new ParameterException(
          spec.commandLine(),
          "The recommender '"
              + stages.model()
              + "' reads --user-col, --item-col and --rating-col, not --label or --features");
    }
    if (stages.supervised() && label == null) {
      throw new ParameterException(
          spec.commandLine(), "The model stage '" + stages.model() + "' needs --label");
    }
    Path model = modelPath(modelFile);
    PipelineOptions options = new PipelineArgs(beamArgs, spec).options();
    ProgressReporter progress =
        output.progress(
            spec.commandLine().getErr(), "train --pipeline", input.rowsRead(), "rows read");
    long start = System.nanoTime();
    Pipeline p = Pipeline.create(options);
    PCollection<Row> rows;
    MlPipeline fit;
    if (stages.recommender()) {
      PipelineSpec.Columns columns = new PipelineSpec.Columns(userCol, itemCol, ratingCol);
      fit = stages.recommender(columns, l2, maxIter == null ? 10 : maxIter);
      rows = recommenderRows(p, columns, stages.model());
    } else {
      String usedLabel = stages.supervised() ? label : null;
      PipelineInput read = PipelineInput.read(p, input, features, label, usedLabel, stages);
      rows = read.rows();
      fit =
          stages.build(
              read.columns(), usedLabel, l2 == null ? 0 : l2, maxIter == null ? 100 : maxIter);
    }
    PipelineModel fitted =
        SingletonResult.run(rows.apply("Fit pipeline", fit.fit()), options, progress);
    for (Transformer stage : fitted.stages()) {
      if (stage instanceof LinearModel linear) {
        warnIfNotConverged(spec.commandLine().getErr(), linear.provenance());
      }
    }
    ModelFile.write(fitted, model);
    double seconds = (System.nanoTime() - start) / 1e9;
    StringBuilder table = new StringBuilder();
    Map<String, String> parameters = fitted.parameters();
    for (Map.Entry<String, String> e : parameters.entrySet()) {
      table.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    table.append(
        String.format(
            Locale.ROOT,
            "wrote %s (%d stages%s) in %.1f s%n",
            modelFile,
            fitted.stages().size(),
            stages.model() == null ? "; no model stage: a feature pipeline" : "",
            seconds));
    output.print(
        spec.commandLine().getOut(),
        table.toString(),
        new JsonObject()
            .put("command", "train --pipeline")
            .put("pipeline", pipeline)
            .put("input", input.input)
            .put("model", modelFile)
            .put("runner", options.getRunner().getSimpleName())
            .put("stages", fitted.stages().size())
            .put("modelStage", stages.model() == null ? "" : stages.model())
            .put("seconds", Math.round(seconds * 1000) / 1000.0));
    return 0;
  }

  /**
   * The input's rows for the recommender {@code model}: a value required in the user, item and
   * rating columns (ALS's "rating" when none is named), named by file and line when missing.
   */
  private PCollection<Row> recommenderRows(Pipeline p, PipelineSpec.Columns columns, String model) {
    List<String> required = new ArrayList<>(List.of(columns.user(), columns.item()));
    if (columns.rating() != null || model.equals("als")) {
      required.add(columns.rating() == null ? "rating" : columns.rating());
    }
    return input
        .read(p, readable -> required)
        .apply(
            ValueRules.finite()
                .requiring(
                    required, model + " needs a user, an item and a rating (if it reads one)"));
  }

  /**
   * The model file to write, checked before anything is trained: not a directory, in a directory
   * that exists.
   */
  static Path modelPath(String file) {
    Path path = Path.of(file).toAbsolutePath();
    if (Files.isDirectory(path)) {
      throw new IllegalArgumentException(
          "--model "
              + file
              + " is a directory; name the file to write, such as "
              + path.resolve("model.blm"));
    }
    if (!Files.isDirectory(path.getParent())) {
      throw new IllegalArgumentException(
          "--model " + file + ": the directory " + path.getParent() + " does not exist");
    }
    return path;
  }

  /** The columns {@code features} and then {@code label}, when there is one. */
  static List<String> withLabel(List<String> features, String label) {
    List<String> columns = new ArrayList<>(features);
    if (label != null && !columns.contains(label)) {
      columns.add(label);
    }
    return columns;
  }

  /**
   * Prints the model's convergence warning, if any, to {@code err}: training ran out of iterations
   * or stopped far from a stationary point (see {@link Provenance#convergenceWarning()}).
   */
  static void warnIfNotConverged(PrintWriter err, Provenance provenance) {
    provenance.convergenceWarning().ifPresent(w -> err.println("warning: " + w));
  }

  /** {@code beamlink train logreg}: binary logistic regression on CSV or LibSVM files. */
  @Command(
      name = "logreg",
      description =
          "Binary logistic regression: prints the coefficients, the labels, the loss and the"
              + " iterations run.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class Logistic implements Callable<Integer> {
    @Spec CommandSpec spec;

    @ArgGroup(exclusive = false, multiplicity = "1", heading = InputOptions.HEADING)
    InputOptions input;

    @Option(
        names = "--format",
        defaultValue = "csv",
        description =
            "csv or libsvm (default: ${DEFAULT-VALUE}); LibSVM files have columns label and"
                + " features.")
    String format;

    @Option(
        names = "--label",
        required = true,
        paramLabel = "COL",
        description = "The label column, with two distinct values ('label' for LibSVM).")
    String label;

    @Mixin FeatureOptions features;

    @Option(names = "--l1", defaultValue = "0", description = "L1 penalty (default: 0).")
    double l1;

    @Option(names = "--l2", defaultValue = "0", description = "L2 penalty (default: 0).")
    double l2;

    @Option(
        names = "--no-standardization",
        description = "Penalize the coefficients of the raw features, not standardized ones.")
    boolean noStandardization;

    @Option(
        names = "--max-iter",
        defaultValue = "100",
        description = "Most iterations (default: ${DEFAULT-VALUE}).")
    int maxIter;

    @Option(
        names = "--tol",
        defaultValue = "1e-6",
        description =
            "Stop when the gradient norm, or the loss change over 10 iterations, is within this"
                + " fraction of the loss (default: ${DEFAULT-VALUE}).")
    double tol;

    @Option(
        names = "--optim",
        defaultValue = "AUTO",
        description = "AUTO, LBFGS, OWLQN, NEWTON or SGD (default: ${DEFAULT-VALUE}).")
    OptimMethod optim;

    @Option(
        names = "--execution",
        defaultValue = "AUTO",
        description = "AUTO, IN_WORKER or DISTRIBUTED (default: ${DEFAULT-VALUE}).")
    Execution execution;

    @Mixin OutputOptions output;

    @Unmatched List<String> beamArgs = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      boolean libsvm = format.equalsIgnoreCase("libsvm");
      if (!libsvm && !format.equalsIgnoreCase("csv")) {
        throw new ParameterException(
            spec.commandLine(), "Expected --format csv or libsvm, got " + format);
      }
      if (libsvm && !input.schema.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(), "--schema is for CSV input; LibSVM files have a fixed schema");
      }
      PipelineOptions options = new PipelineArgs(beamArgs, spec).options();
      ProgressReporter progress =
          output.progress(
              spec.commandLine().getErr(),
              "train logreg",
              libsvm ? ReadLibSvm.ROWS_READ : input.rowsRead(),
              "rows read");
      long start = System.nanoTime();
      Pipeline pipeline = Pipeline.create(options);
      LinearFit fit =
          LogisticRegression.fit()
              .withLabelCol(label)
              .withL1(l1)
              .withL2(l2)
              .withStandardization(!noStandardization)
              .withMaxIter(maxIter)
              .withTol(tol)
              .withOptimMethod(optim)
              .withExecution(execution);
      List<String> names;
      PCollection<LinearModel> fitted;
      String why =
          "train logreg needs a value in the label and every feature column (fill"
              + " missing ones with 'train --pipeline impute,logreg')";
      ReadCsvBlocks blocks =
          libsvm || input.format() != InputOptions.Format.CSV
              ? null
              : input.blocks(
                  withLabel(features.columns(input.readCsv().schema(), List.of(label)), label),
                  why);
      Schema parquetSchema =
          !libsvm && input.format() == InputOptions.Format.PARQUET ? input.parquetSchema() : null;
      ReadParquetBlocks parquet =
          parquetSchema == null
              ? null
              : input.parquetBlocks(
                  parquetSchema,
                  withLabel(features.columns(parquetSchema, List.of(label)), label),
                  why);
      if (libsvm) {
        PCollection<Row> rows = pipeline.apply("ReadLibSvm", ReadLibSvm.from(input.input));
        names = null;
        fitted = rows.apply("LogisticRegression", fit.withVectorCol("features"));
      } else if (blocks != null) {
        names = features.columns(blocks.schema(), List.of(label));
        fitted =
            pipeline.apply(
                "LogisticRegression",
                fit.withFeatureCols(names.toArray(new String[0])).fromCsv(blocks));
      } else if (parquet != null) {
        names = features.columns(parquetSchema, List.of(label));
        fitted =
            pipeline.apply(
                "LogisticRegression",
                fit.withFeatureCols(names.toArray(new String[0])).fromParquet(parquet));
      } else {
        PCollection<Row> located =
            input.read(
                pipeline, readable -> withLabel(features.columns(readable, List.of(label)), label));
        names = features.columns(InputOptions.valuesSchema(located), List.of(label));
        List<String> required = new ArrayList<>(names);
        required.add(label);
        PCollection<Row> rows = located.apply(ValueRules.finite().requiring(required, why));
        fitted =
            rows.apply("LogisticRegression", fit.withFeatureCols(names.toArray(new String[0])));
      }
      LinearModel model = SingletonResult.run(fitted, options, progress);
      warnIfNotConverged(spec.commandLine().getErr(), model.provenance());
      double seconds = (System.nanoTime() - start) / 1e9;
      output.print(
          spec.commandLine().getOut(),
          table(model, names),
          json(model, names, options.getRunner().getSimpleName(), seconds));
      return 0;
    }

    private static String name(List<String> names, int j) {
      return names == null ? "x" + j : names.get(j);
    }

    private static String table(LinearModel model, List<String> names) {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "labels %s (positive: %s)%n%-24s %16s%n%-24s %16.8f%n",
                  model.labelValues(),
                  model.labelValues().get(1),
                  "feature",
                  "coefficient",
                  "(intercept)",
                  model.intercepts()[0]));
      double[] coef = model.coefficients();
      int shown = 0;
      for (int j = 0; j < coef.length && shown < 50; j++) {
        if (names != null || coef[j] != 0.0) {
          s.append(String.format(Locale.ROOT, "%-24s %16.8f%n", name(names, j), coef[j]));
          shown++;
        }
      }
      if (shown == 50) {
        s.append("... (the first 50 of ").append(coef.length).append(")\n");
      }
      s.append(
          String.format(
              Locale.ROOT,
              "loss %.10f after %d iterations over %d rows (%s)%n",
              model.provenance().finalLoss(),
              model.provenance().iterations(),
              model.provenance().rows(),
              model.provenance().stopReason().description()));
      return s.toString();
    }

    private JsonObject json(LinearModel model, List<String> names, String runner, double seconds) {
      List<JsonObject> coefficients = new ArrayList<>();
      double[] coef = model.coefficients();
      for (int j = 0; j < coef.length; j++) {
        if (names != null || coef[j] != 0.0) {
          coefficients.add(new JsonObject().put("feature", name(names, j)).put("value", coef[j]));
        }
      }
      return new JsonObject()
          .put("command", "train logreg")
          .put("input", input.input)
          .put("runner", runner)
          .put("seconds", Math.round(seconds * 1000) / 1000.0)
          .put("rows", model.provenance().rows())
          .put("labels", String.join(",", model.labelValues()))
          .put("iterations", model.provenance().iterations())
          .put("stopReason", model.provenance().stopReason().name())
          .put("loss", model.provenance().finalLoss())
          .put("intercept", model.intercepts()[0])
          .put("coefficients", coefficients);
    }
  }
}
