package org.beamlink.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.examples.run.SingletonResult;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.beamlink.transforms.tuning.CrossValidation;
import org.beamlink.transforms.tuning.ParamGrid;
import org.beamlink.transforms.tuning.TuningMetric;
import org.beamlink.transforms.tuning.TuningResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code beamlink tune}: cross-validates a grid of parameters over a {@code --pipeline} ({@link
 * PipelineSpec}, parameters as {@link GridSpec} names them), prints every candidate's metric per
 * fold, mean, standard deviation and rank, and writes the best candidate's pipeline, refitted on
 * all the rows, to a model file that {@code beamlink predict} loads. Folds are hashed from each row
 * and {@code --seed}. Bad values in the label and features are errors naming file and line, as in
 * {@code beamlink train --pipeline}.
 *
 * <pre>{@code
 * bin/beamlink tune --pipeline standard-scaler,logreg --grid logreg.l2=0.0001,0.001,0.01 \
 *     --folds 3 --metric auc --input data.csv --label clicked --model best.blm
 * }</pre>
 */
@Command(
    name = "tune",
    description =
        "Cross-validate a grid of parameters over a pipeline, print every candidate's metric and"
            + " write the best pipeline, refitted on all rows, to a model file.",
    footer = PipelineArgs.FOOTER,
    sortOptions = false)
public final class TuneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--pipeline",
      required = true,
      paramLabel = "STAGES",
      description = "Comma-separated stages, as for 'train --pipeline', ending with a model.")
  String pipeline;

  @Option(
      names = "--grid",
      required = true,
      paramLabel = "STAGE.PARAM=V1,V2,...",
      description =
          "A parameter and its values (repeatable): logreg|softmax|svm|linreg.{l1,l2,max-iter,"
              + "standardization}, standard-scaler.with-mean,"
              + " decision-tree|decision-tree-regressor.max-depth.")
  List<String> grids;

  @Option(
      names = "--folds",
      defaultValue = "3",
      description = "Folds, at least 2 (default: ${DEFAULT-VALUE}).")
  int folds;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed of the fold assignment (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--stratified",
      description =
          "Spread every class of the label evenly over the folds, as scikit-learn's"
              + " StratifiedKFold (default: folds by a hash of each row).")
  boolean stratified;

  @Option(
      names = "--metric",
      required = true,
      description =
          "auc or logloss (logreg; labels 0 and 1), accuracy (classifiers), mse or r2"
              + " (regression).")
  String metric;

  @ArgGroup(exclusive = false, multiplicity = "1", heading = InputOptions.HEADING)
  InputOptions input;

  @Option(names = "--label", required = true, paramLabel = "COL", description = "The label.")
  String label;

  @Mixin FeatureOptions features;

  @Option(
      names = {"-m", "--model"},
      required = true,
      paramLabel = "FILE",
      description = "The model file to write the best pipeline to (not a directory).")
  String modelFile;

  @Option(
      names = "--max-iter",
      defaultValue = "100",
      description = "Most iterations of the model (default: ${DEFAULT-VALUE}).")
  int maxIter;

  @Mixin OutputOptions output;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    PipelineSpec stages = PipelineSpec.parse(pipeline);
    if (!stages.supervised()) {
      throw new ParameterException(
          spec.commandLine(),
          "tune needs a pipeline ending with a supervised model (logreg, softmax, svm, linreg,"
              + " decision-tree, decision-tree-regressor); got "
              + pipeline);
    }
    Path model = TrainCommand.modelPath(modelFile);
    PipelineOptions options = new PipelineArgs(beamArgs, spec).options();
    ProgressReporter progress =
        output.progress(spec.commandLine().getErr(), "tune", input.rowsRead(), "rows read");
    long start = System.nanoTime();
    Pipeline p = Pipeline.create(options);
    PipelineInput read = PipelineInput.read(p, input, features, label, label, stages);
    List<String> columns = read.columns();
    PCollection<Row> rows = read.rows();
    TuningMetric<?> tuningMetric = metric(stages.model());
    MlPipeline built = withProbability(stages.build(columns, label, 0.0, maxIter), tuningMetric);
    ParamGrid grid = GridSpec.build(built, stages.model(), grids);
    CrossValidation search =
        CrossValidation.of(grid, tuningMetric).withFolds(checkFolds()).withSeed(seed);
    TuningResult result = rows.apply("Tune", stratified ? search.withStratifyCol(label) : search);
    PCollection<Iterable<Row>> table =
        result
            .table()
            .apply("Table key", WithKeys.of(0))
            .apply("Table", GroupByKey.create())
            .apply("Table rows", Values.create())
            .setCoder(IterableCoder.of(result.table().getCoder()));
    org.beamlink.transforms.pipeline.SingletonResult<Iterable<Row>> tableResult =
        org.beamlink.transforms.pipeline.SingletonResult.of(table);
    PipelineModel best = SingletonResult.run(result.bestModel(), options, progress);
    List<Row> candidates = new ArrayList<>();
    tableResult.get().forEach(candidates::add);
    candidates.sort(Comparator.comparingInt(r -> r.getInt32("candidate")));
    ModelFile.write(best, model);
    double seconds = (System.nanoTime() - start) / 1e9;
    Row winner = winner(candidates);
    StringBuilder text = new StringBuilder(format(candidates));
    text.append(
        String.format(
            Locale.ROOT,
            "best: candidate %d (%s %.6g); wrote %s in %.1f s%n",
            winner.getInt32("candidate"),
            tuningMetric.name(),
            winner.getDouble("mean"),
            modelFile,
            seconds));
    output.print(
        spec.commandLine().getOut(),
        text.toString(),
        new JsonObject()
            .put("command", "tune")
            .put("pipeline", pipeline)
            .put("input", input.input)
            .put("model", modelFile)
            .put("runner", options.getRunner().getSimpleName())
            .put("metric", tuningMetric.name())
            .put("folds", folds)
            .put("candidates", candidates.size())
            .put("best", winner.getInt32("candidate"))
            .put("bestMean", winner.getDouble("mean"))
            .put("seconds", Math.round(seconds * 1000) / 1000.0));
    return 0;
  }

  private int checkFolds() {
    if (folds < 2) {
      throw new ParameterException(spec.commandLine(), "--folds must be at least 2, got " + folds);
    }
    return folds;
  }

  private TuningMetric<?> metric(String model) {
    boolean logreg = model.equals("logreg");
    boolean classifier = !model.equals("linreg") && !model.equals("decision-tree-regressor");
    return switch (metric) {
      case "auc", "logloss" -> {
        if (!logreg) {
          throw new ParameterException(
              spec.commandLine(), "--metric " + metric + " needs the logreg model; got " + model);
        }
        yield metric.equals("auc")
            ? TuningMetric.auc(label, "probability")
            : TuningMetric.logLoss(label, "probability");
      }
      case "accuracy" -> {
        if (!classifier) {
          throw new ParameterException(
              spec.commandLine(), "--metric accuracy needs a classifier; got " + model);
        }
        yield TuningMetric.accuracy(label, "prediction");
      }
      case "mse", "r2" -> {
        if (classifier) {
          throw new ParameterException(
              spec.commandLine(), "--metric " + metric + " needs a regression model; got " + model);
        }
        yield metric.equals("mse")
            ? TuningMetric.mse(label, "prediction")
            : TuningMetric.r2(label, "prediction");
      }
      default ->
          throw new ParameterException(
              spec.commandLine(),
              "Unknown --metric " + metric + "; expected auc, logloss, accuracy, mse or r2");
    };
  }

  /** For auc and log loss, logistic regression writes the positive class's probability. */
  private static MlPipeline withProbability(MlPipeline pipeline, TuningMetric<?> metric) {
    if (metric.bothClassesCol() == null) {
      return pipeline;
    }
    List<PipelineStage> stages = new ArrayList<>(pipeline.stages());
    int last = stages.size() - 1;
    stages.set(last, ((LinearFit) stages.get(last)).withProbabilityCol("probability"));
    return MlPipeline.of(stages);
  }

  private static Row winner(List<Row> candidates) {
    for (Row r : candidates) {
      if (r.getInt32("rank") == 1) {
        return r;
      }
    }
    throw new IllegalStateException("No candidate ranked first in " + candidates);
  }

  /** The table as aligned text: the table's columns in order, numbers to 6 significant digits. */
  private static String format(List<Row> rows) {
    Schema schema = rows.get(0).getSchema();
    List<List<String>> cells = new ArrayList<>();
    cells.add(schema.getFieldNames());
    for (Row r : rows) {
      List<String> line = new ArrayList<>();
      for (int i = 0; i < schema.getFieldCount(); i++) {
        Object v = r.getValue(i);
        line.add(v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : String.valueOf(v));
      }
      cells.add(line);
    }
    int[] width = new int[schema.getFieldCount()];
    for (List<String> line : cells) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], line.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> line : cells) {
      for (int i = 0; i < width.length; i++) {
        out.append(
            String.format(
                Locale.ROOT, i == 0 ? "%-" + width[i] + "s" : "  %" + width[i] + "s", line.get(i)));
      }
      out.append('\n');
    }
    return out.toString();
  }
}
