package org.beamlink.examples;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.stats.ColumnSummary;
import org.beamlink.transforms.stats.Summarizer;
import org.beamlink.transforms.stats.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code beamlink stats}: summary statistics of the numeric columns of CSV files, computed by a
 * pipeline ({@link ReadCsv} with an inferred schema, then {@link Summarizer}) and printed as a
 * table (column, count, missing, mean, stddev, min, max) or, with {@code --json}, as one line of
 * JSON with every statistic.
 *
 * <pre>{@code
 * bin/beamlink stats --input examples/data/iris.csv
 * bin/beamlink stats --input 'data/*.csv' --json --runner=DirectRunner
 * }</pre>
 */
@Command(
    name = "stats",
    description = "Summary statistics of the numeric columns of CSV files with a header line.",
    footer = PipelineArgs.FOOTER,
    sortOptions = false)
public final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "FILE",
      description = "CSV file, or a pattern like 'data/*.csv', each with a header line.")
  String input;

  @Option(
      names = "--delimiter",
      defaultValue = ",",
      paramLabel = "CHAR",
      description = "Cell delimiter (default: ${DEFAULT-VALUE}).")
  char delimiter;

  @Mixin OutputOptions output;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    PipelineOptions options = new PipelineArgs(beamArgs).options();
    ProgressReporter progress =
        output.progress(spec.commandLine().getErr(), "stats", ReadCsv.ROWS_READ, "rows read");
    long start = System.nanoTime();
    Summary summary = summarize(options, input, delimiter, progress);
    double seconds = (System.nanoTime() - start) / 1e9;
    output.print(
        spec.commandLine().getOut(),
        summary.toTable(),
        toJson(summary, options.getRunner().getSimpleName(), seconds));
    return 0;
  }

  /**
   * Runs the stats pipeline on {@code options}' runner and returns the summary of the numeric
   * columns of {@code input}.
   */
  static Summary summarize(
      PipelineOptions options, String input, char delimiter, ProgressReporter progress)
      throws IOException {
    Pipeline pipeline = Pipeline.create(options);
    PCollection<Summary> summary =
        pipeline
            .apply("ReadCsv", ReadCsv.from(input).withDelimiter(delimiter))
            .apply("Summarize", Summarizer.globally());
    return SingletonResult.run(summary, options, progress);
  }

  private JsonObject toJson(Summary summary, String runner, double seconds) {
    List<JsonObject> columns = summary.columns().stream().map(StatsCommand::toJson).toList();
    return new JsonObject()
        .put("command", "stats")
        .put("input", input)
        .put("runner", runner)
        .put("seconds", Math.round(seconds * 1000) / 1000.0)
        .put("rows", summary.rows())
        .put("columns", columns);
  }

  private static JsonObject toJson(ColumnSummary c) {
    return new JsonObject()
        .put("column", c.column())
        .put("count", c.count())
        .put("missing", c.missing())
        .put("mean", c.mean())
        .put("stddev", c.stddev())
        .put("variance", c.variance())
        .put("min", c.min())
        .put("max", c.max())
        .put("sum", c.sum())
        .put("normL1", c.normL1())
        .put("normL2", c.normL2())
        .put("numNonzeros", c.numNonzeros());
  }
}
