package org.beamlink.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.examples.run.SingletonResult;
import org.beamlink.transforms.evaluation.BinaryClassificationEvaluation;
import org.beamlink.transforms.evaluation.BinaryMetrics;
import org.beamlink.transforms.evaluation.ClusteringEvaluation;
import org.beamlink.transforms.evaluation.ClusteringMetrics;
import org.beamlink.transforms.evaluation.EvaluationMetrics;
import org.beamlink.transforms.evaluation.MultiClassEvaluation;
import org.beamlink.transforms.evaluation.MultiClassMetrics;
import org.beamlink.transforms.evaluation.RegressionEvaluation;
import org.beamlink.transforms.io.ReadCsv;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code beamlink eval}: evaluates predictions in CSV files (read with {@link ReadCsv}, schema
 * inferred, every compared column required to have a value: {@link ValueRules}) and prints the
 * metrics report, or with {@code --json} one line of JSON with every metric; {@code --report DIR}
 * also writes the charts as PNG files and an {@code index.html} that shows them beside the metrics
 * (see {@link EvalReport}).
 *
 * <ul>
 *   <li>{@code --type binary} (default): {@code --label} against {@code --score}, the positive
 *       class's probability ({@link BinaryClassificationEvaluation}); charts: ROC,
 *       precision-recall, KS and lift curves.
 *   <li>{@code --type multiclass}: {@code --label} against {@code --prediction} ({@link
 *       MultiClassEvaluation}); chart: precision, recall and F1 per class.
 * </ul>
 *
 * <p>A new type (regression, clustering) is one constant of {@link Type}: its evaluation of the
 * rows (options it needs as fields here) and its charts.
 *
 * <pre>{@code
 * bin/beamlink eval --input predictions.csv --label label --score probability
 * bin/beamlink eval --input predictions.csv --label label --score p --report out/
 * bin/beamlink eval --input digits.csv --type multiclass --label y --prediction p --json
 * }</pre>
 */
@Command(
    name = "eval",
    description =
        "Evaluate predictions in CSV files: binary or multi-class classification metrics.",
    footer = PipelineArgs.FOOTER,
    sortOptions = false)
public final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = false, multiplicity = "1", heading = InputOptions.HEADING)
  InputOptions input;

  @Option(
      names = "--type",
      defaultValue = "binary",
      paramLabel = "TYPE",
      description = "What to evaluate: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      converter = TypeConverter.class,
      completionCandidates = TypeNames.class)
  Type type;

  @Option(
      names = "--label",
      paramLabel = "COL",
      description = "binary, multiclass, regression: the true label (or value) column.")
  String label;

  @Option(
      names = "--score",
      paramLabel = "COL",
      description = "binary: the positive class's probability (or score) column.")
  String score;

  @Option(
      names = "--prediction",
      paramLabel = "COL",
      description =
          "multiclass, regression: the predicted column; clustering: the cluster id column.")
  String prediction;

  @Option(
      names = "--features",
      split = ",",
      paramLabel = "COL",
      description =
          "clustering: the feature columns (default: every numeric column but --prediction).")
  List<String> features;

  @Option(
      names = "--positive-label",
      paramLabel = "VALUE",
      description = "binary: the positive label (default: 1).")
  String positiveLabel;

  @Option(
      names = "--threshold",
      defaultValue = "0.5",
      paramLabel = "T",
      description = "binary: a score >= T predicts positive (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description = "Also write the charts (PNG) and index.html into DIR.")
  Path report;

  @Mixin OutputOptions output;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  /**
   * The kinds of evaluation: each reads the command's options, builds its evaluation transform, and
   * draws its charts.
   */
  enum Type {
    BINARY("binary") {
      @Override
      PCollection<? extends EvaluationMetrics> evaluate(PCollection<Row> rows, EvalCommand c) {
        c.require(c.label, "--label");
        c.require(c.score, "--score");
        BinaryClassificationEvaluation eval =
            BinaryClassificationEvaluation.of(c.label, c.score).withThreshold(c.threshold);
        if (c.positiveLabel != null) {
          eval = eval.withPositiveLabel(c.positiveLabel);
        }
        return rows.apply("Evaluate", eval);
      }

      @Override
      List<EvalReport.Chart> charts(EvaluationMetrics metrics) {
        return EvalReport.binaryCharts((BinaryMetrics) metrics);
      }
    },
    MULTICLASS("multiclass") {
      @Override
      PCollection<? extends EvaluationMetrics> evaluate(PCollection<Row> rows, EvalCommand c) {
        c.require(c.label, "--label");
        c.require(c.prediction, "--prediction");
        return rows.apply("Evaluate", MultiClassEvaluation.of(c.label, c.prediction));
      }

      @Override
      List<EvalReport.Chart> charts(EvaluationMetrics metrics) {
        return EvalReport.multiClassCharts((MultiClassMetrics) metrics);
      }
    },
    REGRESSION("regression") {
      @Override
      PCollection<? extends EvaluationMetrics> evaluate(PCollection<Row> rows, EvalCommand c) {
        c.require(c.label, "--label");
        c.require(c.prediction, "--prediction");
        return rows.apply("Evaluate", RegressionEvaluation.of(c.label, c.prediction));
      }

      @Override
      List<EvalReport.Chart> charts(EvaluationMetrics metrics) {
        return List.of();
      }
    },
    CLUSTERING("clustering") {
      @Override
      PCollection<? extends EvaluationMetrics> evaluate(PCollection<Row> rows, EvalCommand c) {
        c.require(c.prediction, "--prediction");
        ClusteringEvaluation eval = ClusteringEvaluation.of(c.prediction);
        if (c.features != null) {
          eval = eval.withFeatureCols(c.features.toArray(new String[0]));
        }
        return rows.apply("Evaluate", eval);
      }

      @Override
      List<EvalReport.Chart> charts(EvaluationMetrics metrics) {
        return EvalReport.clusterSizeCharts((ClusteringMetrics) metrics);
      }
    };

    private final String option;

    Type(String option) {
      this.option = option;
    }

    /** The evaluation of {@code rows} with {@code command}'s options. */
    abstract PCollection<? extends EvaluationMetrics> evaluate(
        PCollection<Row> rows, EvalCommand command);

    /** The charts of the report. */
    abstract List<EvalReport.Chart> charts(EvaluationMetrics metrics);

    @Override
    public String toString() {
      return option;
    }
  }

  /** Reads {@code --type} values by their lower-case names. */
  static final class TypeConverter implements picocli.CommandLine.ITypeConverter<Type> {
    @Override
    public Type convert(String value) {
      for (Type t : Type.values()) {
        if (t.option.equals(value)) {
          return t;
        }
      }
      throw new picocli.CommandLine.TypeConversionException(
          "Expected one of " + List.of(Type.values()) + ", got '" + value + "'");
    }
  }

  /** The {@code --type} values, for the help text. */
  static final class TypeNames extends ArrayList<String> {
    TypeNames() {
      for (Type t : Type.values()) {
        add(t.option);
      }
    }
  }

  private void require(String value, String option) {
    if (value == null) {
      throw new ParameterException(spec.commandLine(), "Missing " + option + " for --type " + type);
    }
  }

  @Override
  public Integer call() throws IOException {
    PipelineOptions options = new PipelineArgs(beamArgs, spec).options();
    ProgressReporter progress =
        output.progress(spec.commandLine().getErr(), "eval", input.rowsRead(), "rows read");
    long start = System.nanoTime();
    EvaluationMetrics metrics = evaluate(options, progress);
    double seconds = (System.nanoTime() - start) / 1e9;
    String note = logLossNote(metrics);
    JsonObject json = toJson(metrics, options.getRunner().getSimpleName(), seconds);
    if (note != null) {
      json.put("logLossNote", note);
    }
    output.print(
        spec.commandLine().getOut(),
        metrics.report() + (note == null ? "" : "\nNote: " + note + "\n"),
        json);
    if (report != null) {
      Path index = EvalReport.write(report, metrics, type.charts(metrics), input.input);
      if (!output.quiet) {
        spec.commandLine().getErr().println("eval: report written to " + index);
        spec.commandLine().getErr().flush();
      }
    }
    return 0;
  }

  /**
   * Why a binary evaluation has no log loss, or null: the library leaves it NaN when a score is
   * outside [0, 1] (not a probability), while the ranking metrics stay valid.
   */
  private static String logLossNote(EvaluationMetrics metrics) {
    if (metrics instanceof BinaryMetrics binary
        && binary.count() > 0
        && Double.isNaN(binary.logLoss())) {
      return "logLoss is NaN: some scores are outside [0, 1], so they are not probabilities."
          + " AUC, KS and the precision-recall areas depend only on the order of the scores and"
          + " are valid; the threshold metrics compare the scores with --threshold.";
    }
    return null;
  }

  /** The columns every row must have a value in: those the evaluation compares. */
  private List<String> comparedColumns() {
    List<String> columns = new ArrayList<>();
    for (String column : new String[] {label, score, prediction}) {
      if (column != null) {
        columns.add(column);
      }
    }
    if (features != null) {
      columns.addAll(features);
    }
    return columns;
  }

  /** Runs the evaluation pipeline on {@code options}' runner and returns its metrics. */
  EvaluationMetrics evaluate(PipelineOptions options, ProgressReporter progress)
      throws IOException {
    Pipeline pipeline = Pipeline.create(options);
    PCollection<Row> rows =
        input
            .read(pipeline)
            .apply(
                ValueRules.finite()
                    .requiring(
                        comparedColumns(),
                        "eval --type " + type + " needs a value in every column it compares"));
    return SingletonResult.run(type.evaluate(rows, this), options, progress);
  }

  private JsonObject toJson(EvaluationMetrics metrics, String runner, double seconds) {
    JsonObject json =
        new JsonObject()
            .put("command", "eval")
            .put("type", type.toString())
            .put("input", input.input)
            .put("runner", runner)
            .put("seconds", Math.round(seconds * 1000) / 1000.0);
    Row row = metrics.toRow();
    for (Schema.Field field : row.getSchema().getFields()) {
      Object value = row.getValue(field.getName());
      if (value instanceof Double d) {
        json.put(field.getName(), d);
      } else if (value instanceof Number n) {
        json.put(field.getName(), n.longValue());
      } else if (value instanceof String s) {
        json.put(field.getName(), s);
      }
    }
    return json;
  }
}
