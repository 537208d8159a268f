package org.beamlink.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.pipeline.MapRows;
import org.beamlink.transforms.pipeline.ReadModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code beamlink predict}: scores CSV files with a saved model file (a pipeline model from {@code
 * beamlink train --pipeline}, or any fitted stage) and writes the input columns plus the
 * predictions as CSV. Vector columns are written as {@code "[v1, v2, ...]"} when dense and {@code
 * "(size,[indices],[values])"} when sparse. Rows the model cannot score fail the job with the
 * column and value named, or with {@code --failures FILE} go to that file beside their error.
 *
 * <pre>{@code
 * bin/beamlink predict --model churn.blm --input new.csv --output scored.csv
 * bin/beamlink predict --model churn.blm --input 'day-*.csv' --output scored.csv --failures bad.csv --json
 * }</pre>
 */
@Command(
    name = "predict",
    description = "Score CSV files with a saved model file and write the predictions as CSV.",
    footer = PipelineArgs.FOOTER,
    sortOptions = false)
public final class PredictCommand implements Callable<Integer> {
  static final MetricName ROWS_SCORED = MetricName.named(PredictCommand.class, "rowsScored");
  static final MetricName ROWS_FAILED = MetricName.named(PredictCommand.class, "rowsFailed");

  @Spec CommandSpec spec;

  @Option(
      names = {"-m", "--model"},
      required = true,
      paramLabel = "FILE",
      description = "A model file written by 'beamlink train --pipeline' or WriteModel.")
  String model;

  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "FILE",
      description = "CSV file, or a pattern like 'data/*.csv', each with a header line.")
  String input;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE",
      description = "The CSV file to write: the input columns, then the predictions.")
  String outputFile;

  @Option(
      names = "--failures",
      paramLabel = "FILE",
      description = "Write rows that cannot be scored here, with the error, instead of failing.")
  String failures;

  @Mixin OutputOptions output;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() {
    PipelineOptions options = new PipelineArgs(beamArgs).options();
    Transformer fitted = ReadModel.read(model);
    ProgressReporter progress =
        output.progress(spec.commandLine().getErr(), "predict", ReadCsv.ROWS_READ, "rows read");
    Pipeline pipeline = Pipeline.create(options);
    PCollection<Row> rows = pipeline.apply("ReadCsv", ReadCsv.from(input));
    PCollection<Row> scored;
    if (failures == null) {
      scored = rows.apply("Score", MapRows.using(fitted));
    } else {
      WithFailures.Result<PCollection<Row>, Row> result =
          rows.apply("Score", MapRows.using(fitted).withFailures());
      scored = result.output();
      write(result.failures(), failures, "failures", ROWS_FAILED);
    }
    write(scored, outputFile, "predictions", ROWS_SCORED);
    ProgressReporter.Run run = progress.run(pipeline);
    long scoredRows = ProgressReporter.counter(run.result(), ROWS_SCORED);
    long failedRows = ProgressReporter.counter(run.result(), ROWS_FAILED);
    String runner = options.getRunner().getSimpleName();
    output.print(
        spec.commandLine().getOut(),
        String.format(
            Locale.ROOT,
            "%,d rows scored into %s%s in %.1f s on %s%n",
            scoredRows,
            outputFile,
            failures == null
                ? ""
                : String.format(Locale.ROOT, ", %,d failed into %s", failedRows, failures),
            run.seconds(),
            runner),
        new JsonObject()
            .put("command", "predict")
            .put("model", model)
            .put("input", input)
            .put("output", outputFile)
            .put("runner", runner)
            .put("rowsScored", scoredRows)
            .put("rowsFailed", failedRows)
            .put("seconds", Math.round(run.seconds() * 1000) / 1000.0));
    return 0;
  }

  private static void write(PCollection<Row> rows, String file, String what, MetricName counter) {
    rows.apply("Format " + what, ParDo.of(new CsvLineFn(counter)))
        .apply(
            "Write " + what,
            TextIO.write()
                .to(file)
                .withoutSharding()
                .withHeader(String.join(",", quoteAll(rows.getSchema().getFieldNames()))));
  }

  private static List<String> quoteAll(List<String> names) {
    List<String> quoted = new ArrayList<>();
    for (String n : names) {
      quoted.add(csvField(n));
    }
    return quoted;
  }

  /** A CSV field: quoted when it holds a comma, a quote or a line break. */
  static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  /** One CSV line per row; counts the rows. */
  static final class CsvLineFn extends DoFn<Row, String> {
    private final Counter rows;

    CsvLineFn(MetricName counter) {
      this.rows = Metrics.counter(counter.getNamespace(), counter.getName());
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<String> out) {
      StringBuilder line = new StringBuilder();
      Schema schema = row.getSchema();
      for (int i = 0; i < schema.getFieldCount(); i++) {
        if (i > 0) {
          line.append(',');
        }
        Object value = row.getValue(i);
        line.append(value == null ? "" : csvField(text(value)));
      }
      rows.inc();
      out.output(line.toString());
    }

    private static String text(Object value) {
      if (value instanceof Row nested) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < nested.getFieldCount(); i++) {
          Object v = nested.getValue(i);
          parts.add(v == null ? "" : text(v));
        }
        return String.join("|", parts);
      }
      if (value instanceof Vector v) {
        return v.toString();
      }
      return value.toString();
    }
  }
}
