package org.beamlink.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.examples.run.SingletonResult;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.stats.ChiSquareTest;
import org.beamlink.transforms.stats.ChiSquareTestResult;
import org.beamlink.transforms.stats.ColumnQuantiles;
import org.beamlink.transforms.stats.ColumnSummary;
import org.beamlink.transforms.stats.Correlation;
import org.beamlink.transforms.stats.CorrelationMatrix;
import org.beamlink.transforms.stats.FeatureChiSquare;
import org.beamlink.transforms.stats.QuantileTable;
import org.beamlink.transforms.stats.Quantiles;
import org.beamlink.transforms.stats.Summarizer;
import org.beamlink.transforms.stats.Summary;
import org.beamlink.transforms.stats.SummaryCoder;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code beamlink stats}: summary statistics of the numeric columns of CSV files, computed by a
 * pipeline ({@link ReadCsv} with an inferred schema, {@link ValueRules}, then {@link Summarizer})
 * and printed as a table (column, count, missing, mean, stddev, min, max) or, with {@code --json},
 * as one line of JSON with every statistic. In the same pipeline, on request: the Pearson or
 * Spearman correlation matrix of the numeric columns ({@code --correlation}, {@link Correlation}),
 * the chi-square test of the string and integer columns against a label ({@code --chi2 --label
 * COL}, {@link ChiSquareTest}) and quantiles of the numeric columns ({@code --quantiles
 * 0.25,0.5,0.75}, {@link Quantiles}, relative rank error 0.001), each printed as a table after the
 * summary.
 *
 * <pre>{@code
 * bin/beamlink stats --input examples/data/iris.csv
 * bin/beamlink stats --input examples/data/iris.csv --correlation spearman --quantiles 0.5
 * bin/beamlink stats --input data.csv --chi2 --label label --json --runner=DirectRunner
 * }</pre>
 */
@Command(
    name = "stats",
    description =
        "Summary statistics of the numeric columns of CSV files with a header line; on request"
            + " also correlations, chi-square tests and quantiles.",
    footer = PipelineArgs.FOOTER,
    sortOptions = false)
public final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = false, multiplicity = "1", heading = InputOptions.HEADING)
  InputOptions input;

  @Option(
      names = "--correlation",
      paramLabel = "METHOD",
      description =
          "Also print the correlation matrix of the numeric columns: pearson or spearman.")
  String correlation;

  @Option(
      names = "--chi2",
      description =
          "Also print the chi-square test of independence of every string and integer column"
              + " against --label.")
  boolean chi2;

  @Option(names = "--label", paramLabel = "COL", description = "The label column of --chi2.")
  String label;

  @Option(
      names = "--quantiles",
      split = ",",
      paramLabel = "P",
      description =
          "Also print these quantiles of the numeric columns, for example 0.25,0.5,0.75"
              + " (approximate, rank error below 0.001 x count).")
  double[] quantiles;

  @Mixin OutputOptions output;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    Request request = request();
    PipelineOptions options = new PipelineArgs(beamArgs, spec).options();
    ProgressReporter progress =
        output.progress(spec.commandLine().getErr(), "stats", input.rowsRead(), "rows read");
    long start = System.nanoTime();
    Results results = compute(options, input, request, progress);
    double seconds = (System.nanoTime() - start) / 1e9;
    output.print(
        spec.commandLine().getOut(),
        results.table(),
        toJson(results, options.getRunner().getSimpleName(), seconds));
    return 0;
  }

  /**
   * What to compute besides the summary: a correlation method, a chi-square label and quantile
   * probabilities, each null when not asked for.
   */
  record Request(
      Correlation.@Nullable Method correlation,
      @Nullable String chi2Label,
      double @Nullable [] quantiles) {
    /** The summary only. */
    static final Request SUMMARY = new Request(null, null, null);
  }

  /** The statistics a run computed; those not asked for are null. */
  record Results(
      Summary summary,
      @Nullable CorrelationMatrix correlation,
      @Nullable ChiSquareTestResult chi2,
      @Nullable QuantileTable quantiles) {
    /** The summary table, then each other result's table after a blank line. */
    String table() {
      StringBuilder out = new StringBuilder(summary.toTable());
      if (correlation != null) {
        out.append('\n').append(correlation.report());
      }
      if (chi2 != null) {
        out.append('\n').append(chi2.report());
      }
      if (quantiles != null) {
        out.append('\n').append(quantiles.report());
      }
      return out.toString();
    }
  }

  private Request request() {
    Correlation.Method method = null;
    if (correlation != null) {
      try {
        method = Correlation.Method.valueOf(correlation.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(),
            "--correlation takes pearson or spearman, got '" + correlation + "'");
      }
    }
    if (chi2 && label == null) {
      throw new ParameterException(spec.commandLine(), "--chi2 needs --label COL");
    }
    if (!chi2 && label != null) {
      throw new ParameterException(
          spec.commandLine(), "--label is the label of --chi2; add --chi2");
    }
    if (quantiles != null) {
      try {
        Quantiles.of(quantiles);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--quantiles: " + e.getMessage());
      }
    }
    return new Request(method, chi2 ? label : null, quantiles);
  }

  /**
   * Runs the stats pipeline on {@code options}' runner and returns the summary of the numeric
   * columns of {@code input}.
   */
  static Summary summarize(
      PipelineOptions options, String input, char delimiter, ProgressReporter progress)
      throws IOException {
    return compute(options, InputOptions.of(input, delimiter), Request.SUMMARY, progress).summary();
  }

  /**
   * Runs one pipeline on {@code options}' runner computing the summary of {@code input} and what
   * {@code request} asks for besides. Missing values are counted; an infinity fails the run ({@link
   * ValueRules}).
   */
  static Results compute(
      PipelineOptions options, InputOptions input, Request request, ProgressReporter progress)
      throws IOException {
    Pipeline pipeline = Pipeline.create(options);
    ValueRules rules = ValueRules.finite();
    if (request.chi2Label() != null) {
      rules =
          rules.requiring(
              List.of(request.chi2Label()), "stats --chi2 needs a label in every record");
    }
    PCollection<Row> rows = input.read(pipeline).apply(rules);
    PCollection<Summary> summary = rows.apply("Summarize", Summarizer.globally());
    List<PCollectionView<?>> views = new ArrayList<>();
    PCollectionView<CorrelationMatrix> correlation =
        request.correlation() == null
            ? null
            : view(views, rows.apply("Correlation", Correlation.of(request.correlation())));
    PCollectionView<ChiSquareTestResult> chi2 =
        request.chi2Label() == null
            ? null
            : view(views, rows.apply("ChiSquareTest", ChiSquareTest.of(request.chi2Label())));
    PCollectionView<QuantileTable> quantiles =
        request.quantiles() == null
            ? null
            : view(views, rows.apply("Quantiles", Quantiles.of(request.quantiles())));
    PCollection<Results> results =
        summary
            .apply(
                "Results",
                ParDo.of(new ResultsFn(correlation, chi2, quantiles)).withSideInputs(views))
            .setCoder(new ResultsCoder());
    return SingletonResult.run(results, options, progress);
  }

  private static <T> PCollectionView<T> view(
      List<PCollectionView<?>> views, PCollection<T> singleton) {
    PCollectionView<T> view = singleton.apply(View.asSingleton());
    views.add(view);
    return view;
  }

  /** The summary with the other results, read from their side inputs. */
  private static final class ResultsFn extends DoFn<Summary, Results> {
    private final @Nullable PCollectionView<CorrelationMatrix> correlation;
    private final @Nullable PCollectionView<ChiSquareTestResult> chi2;
    private final @Nullable PCollectionView<QuantileTable> quantiles;

    ResultsFn(
        @Nullable PCollectionView<CorrelationMatrix> correlation,
        @Nullable PCollectionView<ChiSquareTestResult> chi2,
        @Nullable PCollectionView<QuantileTable> quantiles) {
      this.correlation = correlation;
      this.chi2 = chi2;
      this.quantiles = quantiles;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(
          new Results(
              c.element(),
              correlation == null ? null : c.sideInput(correlation),
              chi2 == null ? null : c.sideInput(chi2),
              quantiles == null ? null : c.sideInput(quantiles)));
    }
  }

  /** Coder of {@link Results}: each part in its own coder, the optional ones nullable. */
  private static final class ResultsCoder extends CustomCoder<Results> {
    private static final Coder<CorrelationMatrix> CORRELATION =
        NullableCoder.of(CorrelationMatrix.Coder.of());
    private static final Coder<ChiSquareTestResult> CHI2 =
        NullableCoder.of(ChiSquareTestResult.Coder.of());
    private static final Coder<QuantileTable> QUANTILES =
        NullableCoder.of(QuantileTable.Coder.of());

    @Override
    public void encode(Results value, OutputStream out) throws IOException {
      SummaryCoder.of().encode(value.summary(), out);
      CORRELATION.encode(value.correlation(), out);
      CHI2.encode(value.chi2(), out);
      QUANTILES.encode(value.quantiles(), out);
    }

    @Override
    public Results decode(InputStream in) throws IOException {
      return new Results(
          SummaryCoder.of().decode(in),
          CORRELATION.decode(in),
          CHI2.decode(in),
          QUANTILES.decode(in));
    }
  }

  private JsonObject toJson(Results results, String runner, double seconds) {
    Summary summary = results.summary();
    List<JsonObject> columns = summary.columns().stream().map(StatsCommand::toJson).toList();
    JsonObject json =
        new JsonObject()
            .put("command", "stats")
            .put("input", input.input)
            .put("runner", runner)
            .put("seconds", Math.round(seconds * 1000) / 1000.0)
            .put("rows", summary.rows())
            .put("columns", columns);
    CorrelationMatrix m = results.correlation();
    if (m != null) {
      // One object per matrix row: its column name, then the coefficient with every column.
      List<JsonObject> matrix = new ArrayList<>();
      for (int i = 0; i < m.columns().size(); i++) {
        JsonObject row = new JsonObject().put("column", m.columns().get(i));
        for (int j = 0; j < m.columns().size(); j++) {
          row.put(m.columns().get(j), m.get(i, j));
        }
        matrix.add(row);
      }
      json.put("correlationMethod", m.method()).put("correlation", matrix);
    }
    ChiSquareTestResult t = results.chi2();
    if (t != null) {
      List<JsonObject> tests = new ArrayList<>();
      for (FeatureChiSquare f : t.features()) {
        tests.add(
            new JsonObject()
                .put("feature", f.column())
                .put("statistic", f.statistic())
                .put("pValue", f.pValue())
                .put("degreesOfFreedom", f.degreesOfFreedom())
                .put("values", f.values()));
      }
      json.put("chi2Label", t.labelCol()).put("chi2", tests);
    }
    QuantileTable q = results.quantiles();
    if (q != null) {
      List<JsonObject> byColumn = new ArrayList<>();
      for (ColumnQuantiles c : q.columns()) {
        JsonObject row = new JsonObject().put("column", c.column()).put("count", c.count());
        for (int i = 0; i < q.probabilities().size(); i++) {
          row.put("q" + q.probabilities().get(i), c.values().get(i));
        }
        byColumn.add(row);
      }
      json.put("quantilesRelativeError", q.relativeError()).put("quantiles", byColumn);
    }
    return json;
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
