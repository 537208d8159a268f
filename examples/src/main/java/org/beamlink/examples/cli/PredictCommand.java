package org.beamlink.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.RowText;
import org.beamlink.transforms.io.ReadResult;
import org.beamlink.transforms.pipeline.ReadModel;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code beamlink predict}: scores CSV files with a saved model file (a pipeline model from {@code
 * beamlink train --pipeline}, or any fitted stage) and writes the input columns plus the columns
 * the model adds as CSV; a feature pipeline (no model stage) adds the features it computes. Vector
 * columns are written as {@code "[v1, v2, ...]"} when dense and {@code "(size,[indices],[values])"}
 * when sparse.
 *
 * <p>A record that cannot be read (a wrong number of cells, a value that is not a number in a
 * numeric column, an infinity: {@link ValueRules}) or scored (a null or NaN the model cannot take,
 * an unseen category) fails the job with one line naming the file, the line, the column and the
 * value; with {@code --failures FILE} it goes to that file instead and the rest is scored. The
 * failures file is CSV with the header {@code file,line,error,text}: where the record starts, what
 * is wrong, and the record as CSV.
 *
 * <p>Output files are written through a temporary directory beside {@code --output}, removed at the
 * end whether the job succeeds or fails. {@code --output} and {@code --failures} may not be a
 * directory or one of the input files.
 *
 * <pre>{@code
 * bin/beamlink predict --model churn.blm --input new.csv --output scored.csv
 * bin/beamlink predict --model churn.blm --input 'day-*.csv' --output scored.csv --failures bad.csv --json
 * }</pre>
 */
@Command(
    name = "predict",
    description =
        "Score CSV files with a saved model file (or transform them with a feature pipeline) and"
            + " write the input columns and the columns the model adds as CSV.",
    footer = PipelineArgs.FOOTER,
    sortOptions = false)
public final class PredictCommand implements Callable<Integer> {
  static final MetricName ROWS_SCORED = MetricName.named(PredictCommand.class, "rowsScored");
  static final MetricName ROWS_FAILED = MetricName.named(PredictCommand.class, "rowsFailed");

  /** The header of the failures file. */
  static final String FAILURES_HEADER = "file,line,error,text";

  @Spec CommandSpec spec;

  @Option(
      names = {"-m", "--model"},
      required = true,
      paramLabel = "FILE",
      description = "A model file written by 'beamlink train --pipeline' or WriteModel.")
  String model;

  @ArgGroup(exclusive = false, multiplicity = "1", heading = InputOptions.HEADING)
  InputOptions input;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE",
      description = "The CSV file to write: the input columns, then the model's.")
  String outputFile;

  @Option(
      names = "--failures",
      paramLabel = "FILE",
      description =
          "Write records that cannot be read or scored here (CSV: file,line,error,text) and"
              + " score the rest, instead of failing.")
  String failures;

  @Mixin OutputOptions output;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    PipelineOptions options = new PipelineArgs(beamArgs, spec).options();
    FileSystems.setDefaultPipelineOptions(options);
    checkOutput("--output", outputFile);
    if (failures != null) {
      checkOutput("--failures", failures);
      if (Path.of(failures).toAbsolutePath().equals(Path.of(outputFile).toAbsolutePath())) {
        throw new IllegalArgumentException("--failures and --output name the same file");
      }
    }
    Transformer fitted = ReadModel.read(model);
    ProgressReporter progress =
        output.progress(spec.commandLine().getErr(), "predict", input.rowsRead(), "rows read");
    Pipeline pipeline = Pipeline.create(options);
    PCollection<Row> located;
    PCollectionList<Row> allFailures;
    if (input.format() == InputOptions.Format.CSV) {
      ReadResult read =
          pipeline.apply("ReadCsv", input.readCsv().withLocations().withFailuresOutput());
      located = read.getRows();
      allFailures = PCollectionList.of(read.getFailures());
    } else {
      // Parquet and Avro values are typed: every record reads, so failures come from scoring.
      located = input.read(pipeline);
      allFailures = PCollectionList.empty(pipeline);
    }
    Schema values = InputOptions.valuesSchema(located);
    Schema scoredSchema = fitted.outputSchema(values);
    PCollectionTuple scored =
        located.apply(
            "Score",
            ParDo.of(
                    new ScoreFn(
                        fitted, values, ValueRules.finite().checker(values), failures != null))
                .withOutputTags(SCORED, TupleTagList.of(FAILED)));
    scored.get(SCORED).setRowSchema(scoredSchema);
    scored.get(FAILED).setRowSchema(ReadResult.FAILURE_SCHEMA);
    ResourceId temp = temporaryDirectory(outputFile);
    ProgressReporter.Run run;
    try {
      write(
          scored.get(SCORED).apply("Format predictions", ParDo.of(new CsvLineFn(ROWS_SCORED))),
          outputFile,
          String.join(",", quoteAll(scoredSchema.getFieldNames())),
          temp);
      if (failures != null) {
        PCollection<Row> all =
            allFailures.and(scored.get(FAILED)).apply("All failures", Flatten.pCollections());
        write(
            all.apply("Format failures", ParDo.of(new FailureLineFn())),
            failures,
            FAILURES_HEADER,
            temp);
      }
      run = progress.run(pipeline);
    } finally {
      deleteRecursively(temp);
    }
    long scoredRows = ProgressReporter.counter(run.result(), ROWS_SCORED);
    long failedRows = ProgressReporter.counter(run.result(), ROWS_FAILED);
    List<String> added = new ArrayList<>(scoredSchema.getFieldNames());
    added.removeAll(values.getFieldNames());
    String runner = options.getRunner().getSimpleName();
    output.print(
        spec.commandLine().getOut(),
        String.format(
            Locale.ROOT,
            "%,d rows written to %s with the model's columns %s%s in %.1f s on %s%n",
            scoredRows,
            outputFile,
            String.join(", ", added),
            failures == null
                ? ""
                : String.format(Locale.ROOT, "; %,d failed, written to %s", failedRows, failures),
            run.seconds(),
            runner),
        new JsonObject()
            .put("command", "predict")
            .put("model", model)
            .put("input", input.input)
            .put("output", outputFile)
            .put("runner", runner)
            .put("columnsAdded", String.join(",", added))
            .put("rowsScored", scoredRows)
            .put("rowsFailed", failedRows)
            .put("seconds", Math.round(run.seconds() * 1000) / 1000.0));
    return 0;
  }

  private static final TupleTag<Row> SCORED = new TupleTag<Row>("scored") {};
  private static final TupleTag<Row> FAILED = new TupleTag<Row>("failed") {};

  /** Refuses an output that is a directory or one of the input files, before anything runs. */
  private void checkOutput(String option, String file) throws IOException {
    Path path = Path.of(file).toAbsolutePath().normalize();
    if (Files.isDirectory(path)) {
      throw new IllegalArgumentException(
          option
              + " "
              + file
              + " is a directory; name the file to write, such as "
              + path.resolve("scored.csv"));
    }
    for (MatchResult.Metadata m :
        FileSystems.match(input.input, EmptyMatchTreatment.ALLOW).metadata()) {
      if (Path.of(m.resourceId().toString()).toAbsolutePath().normalize().equals(path)) {
        throw new IllegalArgumentException(
            option + " " + file + " is one of the input files (--input " + input.input + ")");
      }
    }
  }

  /**
   * A new directory beside {@code file} for the writes' temporary files: on the same file system,
   * so that the final rename is cheap, and known, so that it can be removed whatever happens.
   */
  private static ResourceId temporaryDirectory(String file) {
    return FileSystems.matchNewResource(file, false)
        .getCurrentDirectory()
        .resolve(".beamlink-temp-" + UUID.randomUUID(), StandardResolveOptions.RESOLVE_DIRECTORY);
  }

  private static void write(
      PCollection<String> lines, String file, String header, ResourceId temp) {
    lines.apply(
        "Write " + file,
        TextIO.write().to(file).withoutSharding().withHeader(header).withTempDirectory(temp));
  }

  /** Deletes {@code dir} and what is in it; a local path is walked, others matched. */
  private static void deleteRecursively(ResourceId dir) throws IOException {
    if ("file".equals(dir.getScheme())) {
      Path root = Path.of(dir.toString());
      if (!Files.exists(root)) {
        return;
      }
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
      return;
    }
    MatchResult match =
        FileSystems.match(
            dir.resolve("**", StandardResolveOptions.RESOLVE_FILE).toString(),
            EmptyMatchTreatment.ALLOW);
    List<ResourceId> files = new ArrayList<>();
    for (MatchResult.Metadata m : match.metadata()) {
      files.add(m.resourceId());
    }
    FileSystems.delete(files, StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  /**
   * Scores located rows: the values of each, checked by the command line's value rules, then mapped
   * by the model; a record that breaks a rule or that the model cannot map becomes a failure row
   * (file, line, text, error), or with no failures file fails the job naming its file and line.
   */
  private static final class ScoreFn extends DoFn<Row, Row> {
    private final Transformer transformer;
    private final Schema values;
    private final ValueRules.Checker rules;
    private final boolean keepFailures;
    private transient Transformer.Bound bound;

    ScoreFn(
        Transformer transformer, Schema values, ValueRules.Checker rules, boolean keepFailures) {
      this.transformer = transformer;
      this.values = values;
      this.rules = rules;
      this.keepFailures = keepFailures;
    }

    @Setup
    public void setup() {
      bound = transformer.bind(values);
    }

    @ProcessElement
    public void process(@Element Row located, MultiOutputReceiver out) {
      Row row = located.getRow("row");
      String error = rules.violation(row);
      if (error == null) {
        try {
          out.get(SCORED).output(bound.apply(row));
          return;
        } catch (IllegalArgumentException e) {
          error = e.getMessage();
        }
      }
      if (!keepFailures) {
        throw new IllegalArgumentException(ValueRules.where(located) + error);
      }
      out.get(FAILED)
          .output(
              Row.withSchema(ReadResult.FAILURE_SCHEMA)
                  .addValues(
                      located.getString("file"), located.getInt64("line"), text(located), error)
                  .build());
    }
  }

  /** The text of a located record: CSV's own text, else (Parquet, Avro) its values on one line. */
  private static String text(Row located) {
    String text = located.getString("text");
    return text.isEmpty() ? RowText.of(located.getRow("row")) : text;
  }

  /** A failure row as a line of the failures file: file, line, error, text; counts them. */
  static final class FailureLineFn extends DoFn<Row, String> {
    private final Counter rows = Metrics.counter(ROWS_FAILED.getNamespace(), ROWS_FAILED.getName());

    @ProcessElement
    public void process(@Element Row failure, OutputReceiver<String> out) {
      rows.inc();
      out.output(
          csvField(failure.getString("file"))
              + ","
              + failure.getInt64("line")
              + ","
              + csvField(failure.getString("error"))
              + ","
              + csvField(failure.getString("text")));
    }
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
