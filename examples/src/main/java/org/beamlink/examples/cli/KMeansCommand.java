package org.beamlink.examples.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.examples.run.SingletonResult;
import org.beamlink.iteration.Execution;
import org.beamlink.models.clustering.DistanceMeasure;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.linalg.Vector;
import org.beamlink.transforms.clustering.InitMode;
import org.beamlink.transforms.clustering.KMeans;
import org.beamlink.transforms.io.ReadCsvBlocks;
import org.beamlink.transforms.io.ReadParquetBlocks;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code beamlink kmeans}: fits KMeans to CSV files (by default on every numeric column) and prints
 * the centroids, the cost and the iterations run, or with {@code --json} one line of JSON.
 *
 * <pre>{@code
 * bin/beamlink kmeans --input examples/data/iris.csv --k 3
 * bin/beamlink kmeans --input data.csv --k 10 --features x,y,z --init random --json
 * }</pre>
 */
@Command(
    name = "kmeans",
    description = "Fit KMeans to CSV files with a header line and print the centroids.",
    footer = PipelineArgs.FOOTER,
    sortOptions = false)
public final class KMeansCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = false, multiplicity = "1", heading = InputOptions.HEADING)
  InputOptions input;

  @Option(names = "--k", defaultValue = "2", description = "Clusters (default: ${DEFAULT-VALUE}).")
  int k;

  @Mixin FeatureOptions features;

  @Option(
      names = "--max-iter",
      defaultValue = "20",
      description = "Most iterations (default: ${DEFAULT-VALUE}).")
  int maxIter;

  @Option(
      names = "--tol",
      defaultValue = "1e-4",
      description = "Stop when no centroid moves more (default: ${DEFAULT-VALUE}).")
  double tol;

  @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--init",
      defaultValue = "K_MEANS_PARALLEL",
      description = "RANDOM or K_MEANS_PARALLEL (default: ${DEFAULT-VALUE}).")
  InitMode init;

  @Option(
      names = "--distance",
      defaultValue = "EUCLIDEAN",
      description = "EUCLIDEAN or COSINE (default: ${DEFAULT-VALUE}).")
  DistanceMeasure distance;

  @Option(
      names = "--execution",
      defaultValue = "AUTO",
      description = "AUTO, IN_WORKER or DISTRIBUTED (default: ${DEFAULT-VALUE}).")
  Execution execution;

  @Mixin OutputOptions output;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    PipelineOptions options = new PipelineArgs(beamArgs, spec).options();
    ProgressReporter progress =
        output.progress(spec.commandLine().getErr(), "kmeans", input.rowsRead(), "rows read");
    long start = System.nanoTime();
    Pipeline pipeline = Pipeline.create(options);
    String why =
        "kmeans needs a value in every feature column (fill the missing ones, or"
            + " fit 'train --pipeline impute,kmeans=K')";
    ReadCsvBlocks blocks =
        input.format() == InputOptions.Format.CSV
            ? input.blocks(features.columns(input.readCsv().schema(), List.of()), why)
            : null;
    Schema parquetSchema =
        input.format() == InputOptions.Format.PARQUET ? input.parquetSchema() : null;
    ReadParquetBlocks parquet =
        parquetSchema == null
            ? null
            : input.parquetBlocks(parquetSchema, features.columns(parquetSchema, List.of()), why);
    List<String> columns;
    PCollection<KMeansModel> model;
    if (blocks != null) {
      columns = features.columns(blocks.schema(), List.of());
      model = pipeline.apply("KMeans", fit(columns).fromCsv(blocks));
    } else if (parquet != null) {
      columns = features.columns(parquetSchema, List.of());
      model = pipeline.apply("KMeans", fit(columns).fromParquet(parquet));
    } else {
      PCollection<Row> located =
          input.read(pipeline, readable -> features.columns(readable, List.of()));
      columns = features.columns(InputOptions.valuesSchema(located), List.of());
      PCollection<Row> rows = located.apply(ValueRules.finite().requiring(columns, why));
      model = rows.apply("KMeans", fit(columns));
    }
    KMeansModel fitted = SingletonResult.run(model, options, progress);
    double seconds = (System.nanoTime() - start) / 1e9;
    output.print(
        spec.commandLine().getOut(),
        table(fitted, columns),
        json(fitted, columns, options.getRunner().getSimpleName(), seconds));
    return 0;
  }

  private KMeans.Fit fit(List<String> columns) {
    return KMeans.fit()
        .withFeatureCols(columns.toArray(new String[0]))
        .withK(k)
        .withMaxIter(maxIter)
        .withTol(tol)
        .withSeed(seed)
        .withInitMode(init)
        .withDistance(distance)
        .withExecution(execution);
  }

  private static String table(KMeansModel model, List<String> columns) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-8s", "cluster"));
    for (String c : columns) {
      s.append(String.format(Locale.ROOT, " %14s", c));
    }
    s.append('\n');
    for (int j = 0; j < model.k(); j++) {
      s.append(String.format(Locale.ROOT, "%-8d", j));
      Vector centroid = model.centroid(j);
      for (int i = 0; i < centroid.size(); i++) {
        s.append(String.format(Locale.ROOT, " %14.6f", centroid.get(i)));
      }
      s.append('\n');
    }
    s.append(
        String.format(
            Locale.ROOT,
            "cost %.6f after %d iterations over %d rows%n",
            model.provenance().finalLoss(),
            model.provenance().iterations(),
            model.provenance().rows()));
    return s.toString();
  }

  private JsonObject json(KMeansModel model, List<String> columns, String runner, double seconds) {
    List<JsonObject> centroids = new ArrayList<>();
    for (int j = 0; j < model.k(); j++) {
      JsonObject c = new JsonObject().put("cluster", j);
      Vector centroid = model.centroid(j);
      for (int i = 0; i < columns.size(); i++) {
        c.put(columns.get(i), centroid.get(i));
      }
      centroids.add(c);
    }
    return new JsonObject()
        .put("command", "kmeans")
        .put("input", input.input)
        .put("runner", runner)
        .put("seconds", Math.round(seconds * 1000) / 1000.0)
        .put("rows", model.provenance().rows())
        .put("k", model.k())
        .put("iterations", model.provenance().iterations())
        .put("cost", model.provenance().finalLoss())
        .put("centroids", centroids);
  }
}
