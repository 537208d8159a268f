package org.beamlink.examples.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.beamlink.examples.bench.AlsBenchmark;
import org.beamlink.examples.bench.ColumnarBenchmark;
import org.beamlink.examples.bench.CsvBenchmark;
import org.beamlink.examples.bench.DbscanBenchmark;
import org.beamlink.examples.bench.FtrlBenchmark;
import org.beamlink.examples.bench.GbtBenchmark;
import org.beamlink.examples.bench.GmmBenchmark;
import org.beamlink.examples.bench.IngestBenchmark;
import org.beamlink.examples.bench.ItemCfBenchmark;
import org.beamlink.examples.bench.KMeansBenchmark;
import org.beamlink.examples.bench.KafkaFtrlBenchmark;
import org.beamlink.examples.bench.LdaBenchmark;
import org.beamlink.examples.bench.LogisticBenchmark;
import org.beamlink.examples.bench.PredictBenchmark;
import org.beamlink.examples.bench.TreeBenchmark;
import org.beamlink.examples.bench.TuneBenchmark;
import org.beamlink.iteration.Execution;
import org.beamlink.models.online.FtrlParams;
import org.joda.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code beamlink bench}: benchmarks, each printing one JSON line per run. Each subcommand declares
 * its options and runs its benchmark ({@link Run#run}); the Beam options, their checks and the
 * printing are {@link Run}'s.
 *
 * <pre>{@code
 * bin/beamlink bench kmeans                                  # the two standard configurations
 * bin/beamlink bench kmeans --rows 200000 --dims 10 --k 10 --iterations 10
 * bin/beamlink bench csv                                     # ReadCsv on 3M rows x 6 columns
 * bin/beamlink bench columnar                                # 1M x 50 from CSV, Parquet, Avro
 * bin/beamlink bench ingest                                  # 1M x 50 into training blocks
 * bin/beamlink bench als                                     # 10M ratings, rank 10
 * bin/beamlink bench lda                                     # 20k terms, 20 topics, 10 passes
 * bin/beamlink bench dbscan                                  # 1M 2-D points, eps 0.02
 * bin/beamlink bench gmm                                     # 1M x 20, k=10, 20 EM iterations
 * }</pre>
 */
@Command(
    name = "bench",
    description = "Benchmarks; each prints one JSON line per run.",
    subcommands = {
      BenchCommand.KMeansBench.class,
      BenchCommand.LogisticBench.class,
      BenchCommand.TreeBench.class,
      BenchCommand.AlsBench.class,
      BenchCommand.TuneBench.class,
      BenchCommand.GbtBench.class,
      BenchCommand.LdaBench.class,
      BenchCommand.DbscanBench.class,
      BenchCommand.GmmBench.class,
      BenchCommand.PredictBench.class,
      BenchCommand.FtrlBench.class,
      BenchCommand.CsvBench.class,
      BenchCommand.ColumnarBench.class,
      BenchCommand.IngestBench.class
    })
public final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    CommandLine command = spec.commandLine();
    throw new ParameterException(
        command, "Missing a benchmark: " + String.join(", ", command.getSubcommands().keySet()));
  }

  /**
   * A benchmark subcommand: checks the Beam options it passes through ({@link PipelineArgs}), then
   * prints the JSON lines of {@link #lines}.
   */
  abstract static class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Unmatched List<String> beamArgs = new ArrayList<>();

    /**
     * Runs the benchmark with {@code beamArgs}, giving each JSON line to {@code out} as it comes.
     */
    abstract void run(String[] beamArgs, Consumer<String> out) throws IOException;

    @Override
    public Integer call() throws IOException {
      new PipelineArgs(beamArgs, spec).options();
      run(beamArgs.toArray(new String[0]), System.out::println);
      return 0;
    }
  }

  /** {@code beamlink bench kmeans}: see {@link KMeansBenchmark}. */
  @Command(
      name = "kmeans",
      description =
          "KMeans on seeded Gaussian-mixture data generated in the pipeline, on both execution"
              + " paths, beside a single-threaded Java loop. Without --rows: 1M x 100, k=10, 10"
              + " iterations and 1M x 20, k=10, 20 iterations.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class KMeansBench extends Run {
    @Option(names = "--rows", description = "Rows (default: the two standard configurations).")
    long rows;

    @Option(names = "--dims", defaultValue = "20", description = "Dimensions.")
    int dims;

    @Option(names = "--k", defaultValue = "10", description = "Clusters.")
    int k;

    @Option(names = "--iterations", defaultValue = "20", description = "Lloyd iterations.")
    int iterations;

    @Option(names = "--seed", defaultValue = "42", description = "Data seed.")
    long seed;

    @Option(
        names = "--execution",
        description = "IN_WORKER or DISTRIBUTED to run one path (default: both).")
    Execution execution;

    @Override
    void run(String[] beamArgs, Consumer<String> out) {
      List<Execution> paths =
          execution == null
              ? List.of(Execution.IN_WORKER, Execution.DISTRIBUTED)
              : List.of(execution);
      List<KMeansBenchmark.Config> configs =
          rows > 0
              ? List.of(new KMeansBenchmark.Config(rows, dims, k, iterations, seed))
              : KMeansBenchmark.STANDARD.stream()
                  .map(
                      c ->
                          new KMeansBenchmark.Config(
                              c.rows(), c.dims(), c.k(), c.iterations(), seed))
                  .toList();
      for (KMeansBenchmark.Config c : configs) {
        KMeansBenchmark.run(c, paths, beamArgs).forEach(out);
      }
    }
  }

  /** {@code beamlink bench logreg}: see {@link LogisticBenchmark}. */
  @Command(
      name = "logreg",
      description =
          "Logistic regression on seeded data generated in the pipeline, 10% held out for the AUC."
              + " Without --rows: dense 1M x 50 with L2 = 1e-3, and sparse 1M x 100k with 20"
              + " non-zeros per row.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class LogisticBench extends Run {
    @Option(names = "--rows", description = "Rows (default: the two standard configurations).")
    long rows;

    @Option(names = "--dims", defaultValue = "50", description = "Features.")
    int dims;

    @Option(
        names = "--non-zeros",
        defaultValue = "0",
        description = "Non-zero hashed features per row; 0 for dense data.")
    int nonZeros;

    @Option(names = "--l2", defaultValue = "1e-3", description = "L2 penalty.")
    double l2;

    @Option(names = "--max-iter", defaultValue = "100", description = "Most iterations.")
    int maxIter;

    @Option(names = "--seed", defaultValue = "7", description = "Data seed.")
    long seed;

    @Option(
        names = "--execution",
        defaultValue = "AUTO",
        description = "AUTO, IN_WORKER or DISTRIBUTED.")
    Execution execution;

    @Override
    void run(String[] beamArgs, Consumer<String> out) {
      List<LogisticBenchmark.Config> configs =
          rows > 0
              ? List.of(
                  new LogisticBenchmark.Config(rows, dims, nonZeros, l2, maxIter, seed, execution))
              : LogisticBenchmark.STANDARD.stream()
                  .map(
                      c ->
                          new LogisticBenchmark.Config(
                              c.rows(),
                              c.dims(),
                              c.nonZeros(),
                              c.l2(),
                              c.maxIter(),
                              seed,
                              execution))
                  .toList();
      for (LogisticBenchmark.Config c : configs) {
        out.accept(LogisticBenchmark.run(c, beamArgs));
      }
    }
  }

  /** {@code beamlink bench tune}: see {@link TuneBenchmark}. */
  @Command(
      name = "tune",
      description =
          "A 12-candidate grid (regParam x elasticNetParam) of logistic regression cross-validated"
              + " as one job, against one fit and the separate fold fits, on bench logreg's data.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class TuneBench extends Run {
    @Option(names = "--rows", defaultValue = "1000000", description = "Rows (default: 1M).")
    long rows;

    @Option(names = "--dims", defaultValue = "50", description = "Features.")
    int dims;

    @Option(names = "--folds", defaultValue = "3", description = "Folds.")
    int folds;

    @Option(names = "--max-iter", defaultValue = "100", description = "Most iterations.")
    int maxIter;

    @Option(names = "--seed", defaultValue = "7", description = "Data and fold seed.")
    long seed;

    @Option(
        names = "--no-separate",
        description = "Skip the candidate x fold fits as separate jobs.")
    boolean noSeparate;

    @Option(
        names = "--branches",
        description = "Also run the search with every fit a branch of the job (no shared loop).")
    boolean branches;

    @Override
    void run(String[] beamArgs, Consumer<String> out) {
      out.accept(
          TuneBenchmark.run(
              new TuneBenchmark.Config(rows, dims, folds, maxIter, seed, !noSeparate, branches),
              beamArgs));
    }
  }

  /** {@code beamlink bench tree}: see {@link TreeBenchmark}. */
  @Command(
      name = "tree",
      description =
          "One classification tree on the logistic data of bench logreg, 10% held out for the"
              + " accuracy. Default: 1M x 50, depth 5, 255 bins.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class TreeBench extends Run {
    @Option(names = "--rows", defaultValue = "1000000", description = "Rows.")
    long rows;

    @Option(names = "--dims", defaultValue = "50", description = "Features.")
    int dims;

    @Option(names = "--max-depth", defaultValue = "5", description = "Deepest leaf.")
    int maxDepth;

    @Option(names = "--max-bins", defaultValue = "255", description = "Most bins per feature.")
    int maxBins;

    @Option(names = "--seed", defaultValue = "7", description = "Data seed.")
    long seed;

    @Option(
        names = "--execution",
        defaultValue = "AUTO",
        description = "AUTO, IN_WORKER or DISTRIBUTED.")
    Execution execution;

    @Override
    void run(String[] beamArgs, Consumer<String> out) {
      out.accept(
          TreeBenchmark.run(
              new TreeBenchmark.Config(rows, dims, maxDepth, maxBins, seed, execution), beamArgs));
    }
  }

  /** {@code beamlink bench als}: see {@link AlsBenchmark}. */
  @Command(
      name = "als",
      description =
          "Explicit ALS on generated ratings, run with 1 iteration and with --iterations. Default:"
              + " 10M ratings, 100k users x 20k items, rank 10, 10 iterations.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class AlsBench extends Run {
    @Option(names = "--ratings", defaultValue = "10000000", description = "Ratings.")
    long ratings;

    @Option(names = "--users", defaultValue = "100000", description = "Users.")
    long users;

    @Option(names = "--items", defaultValue = "20000", description = "Items.")
    long items;

    @Option(names = "--rank", defaultValue = "10", description = "Factors per user and item.")
    int rank;

    @Option(names = "--iterations", defaultValue = "10", description = "ALS iterations.")
    int iterations;

    @Option(names = "--blocks", defaultValue = "10", description = "User and item blocks.")
    int blocks;

    @Option(names = "--seed", defaultValue = "7", description = "Data and model seed.")
    long seed;

    @Option(
        names = "--item-cf",
        description =
            "Run ItemCF (cosine, 20 neighbours) and every user's top 20 on the same data instead.")
    boolean itemCf;

    @Override
    void run(String[] beamArgs, Consumer<String> out) {
      AlsBenchmark.Config config =
          new AlsBenchmark.Config(ratings, users, items, rank, iterations, blocks, seed);
      out.accept(
          itemCf ? ItemCfBenchmark.run(config, beamArgs) : AlsBenchmark.run(config, beamArgs));
    }
  }

  /** {@code beamlink bench gbt}: see {@link GbtBenchmark}. */
  @Command(
      name = "gbt",
      description =
          "Binary gradient-boosted trees on the logistic data of bench logreg, 10% held out for"
              + " the accuracy; with --floor, also a plain single-threaded Java loop. Default: 1M x"
              + " 50, 20 rounds of depth 5, learning rate 0.1, 255 bins.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class GbtBench extends Run {
    @Option(names = "--rows", defaultValue = "1000000", description = "Rows.")
    long rows;

    @Option(names = "--dims", defaultValue = "50", description = "Features.")
    int dims;

    @Option(names = "--rounds", defaultValue = "20", description = "Trees.")
    int rounds;

    @Option(names = "--max-depth", defaultValue = "5", description = "Deepest leaf.")
    int maxDepth;

    @Option(names = "--learning-rate", defaultValue = "0.1", description = "Shrinkage.")
    double learningRate;

    @Option(names = "--max-bins", defaultValue = "255", description = "Most bins per feature.")
    int maxBins;

    @Option(names = "--seed", defaultValue = "7", description = "Data seed.")
    long seed;

    @Option(
        names = "--execution",
        defaultValue = "AUTO",
        description = "AUTO, IN_WORKER or DISTRIBUTED.")
    Execution execution;

    @Option(
        names = "--floor",
        description = "Also run the plain single-threaded Java boosting on the same data.")
    boolean floor;

    @Override
    void run(String[] beamArgs, Consumer<String> out) {
      GbtBenchmark.Config config =
          new GbtBenchmark.Config(
              rows, dims, rounds, maxDepth, learningRate, maxBins, seed, execution);
      out.accept(GbtBenchmark.run(config, beamArgs));
      if (floor) {
        out.accept(GbtBenchmark.floor(config));
      }
    }
  }

  /** {@code beamlink bench lda}: see {@link LdaBenchmark}. */
  @Command(
      name = "lda",
      description =
          "Batch variational Bayes LDA on a generated corpus of known topics; --corpus-out also"
              + " writes it for scikit-learn. Default: 20,000 documents of 100 words, a 20,000-term"
              + " vocabulary, 20 topics, 10 passes.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class LdaBench extends Run {
    @Option(names = "--documents", defaultValue = "20000", description = "Documents.")
    long documents;

    @Option(names = "--vocabulary", defaultValue = "20000", description = "Terms.")
    int vocabulary;

    @Option(names = "--topics", defaultValue = "20", description = "Topics, generated and fitted.")
    int topics;

    @Option(names = "--words", defaultValue = "100", description = "Words per document.")
    int words;

    @Option(names = "--passes", defaultValue = "10", description = "Passes over the corpus.")
    int passes;

    @Option(names = "--seed", defaultValue = "7", description = "Corpus and model seed.")
    long seed;

    @Option(
        names = "--execution",
        defaultValue = "AUTO",
        description = "AUTO, IN_WORKER or DISTRIBUTED.")
    Execution execution;

    @Option(
        names = "--corpus-out",
        paramLabel = "FILE",
        description = "Also write the corpus, one document a line of term:count pairs.")
    Path corpusOut;

    @Override
    void run(String[] beamArgs, Consumer<String> out) {
      LdaBenchmark.Config config =
          new LdaBenchmark.Config(documents, vocabulary, topics, words, passes, seed, execution);
      if (corpusOut != null) {
        try {
          config.corpus().write(corpusOut);
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot write " + corpusOut, e);
        }
      }
      out.accept(LdaBenchmark.run(config, beamArgs));
    }
  }

  /** {@code beamlink bench dbscan}: see {@link DbscanBenchmark}. */
  @Command(
      name = "dbscan",
      description =
          "DBSCAN labelling every row of seeded 2-D blobs with noise; --data-out also writes the"
              + " points for scikit-learn. Default: 1M points, eps 0.02, minPoints 10.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class DbscanBench extends Run {
    @Option(names = "--rows", defaultValue = "1000000", description = "Points.")
    long rows;

    @Option(names = "--eps", defaultValue = "0.02", description = "Neighbourhood radius.")
    double eps;

    @Option(
        names = "--min-points",
        defaultValue = "10",
        description = "Fewest points within eps of a core point, itself included.")
    int minPoints;

    @Option(
        names = "--cell-size",
        defaultValue = "10",
        description = "Partition cells' side in multiples of eps.")
    double cellSize;

    @Option(names = "--seed", defaultValue = "7", description = "Data seed.")
    long seed;

    @Option(
        names = "--data-out",
        paramLabel = "FILE",
        description = "Also write the points, little-endian doubles x, y row after row.")
    Path dataOut;

    @Override
    void run(String[] beamArgs, Consumer<String> out) throws IOException {
      DbscanBenchmark.Config config =
          new DbscanBenchmark.Config(rows, eps, minPoints, cellSize, seed);
      if (dataOut != null) {
        config.data().write(dataOut);
      }
      out.accept(DbscanBenchmark.run(config, beamArgs));
    }
  }

  /** {@code beamlink bench gmm}: see {@link GmmBenchmark}. */
  @Command(
      name = "gmm",
      description =
          "A Gaussian mixture with full covariances on seeded mixture data, the means starting at"
              + " the first k points, tol 0; --data-out also writes the points for scikit-learn."
              + " Default: 1M x 20, k=10, 20 EM iterations.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class GmmBench extends Run {
    @Option(names = "--rows", defaultValue = "1000000", description = "Rows.")
    long rows;

    @Option(names = "--dims", defaultValue = "20", description = "Dimensions.")
    int dims;

    @Option(names = "--k", defaultValue = "10", description = "Components, generated and fitted.")
    int k;

    @Option(names = "--iterations", defaultValue = "20", description = "EM iterations.")
    int iterations;

    @Option(names = "--seed", defaultValue = "42", description = "Data seed.")
    long seed;

    @Option(
        names = "--execution",
        defaultValue = "AUTO",
        description = "AUTO, IN_WORKER or DISTRIBUTED.")
    Execution execution;

    @Option(
        names = "--data-out",
        paramLabel = "FILE",
        description = "Also write the rows, little-endian doubles row after row.")
    Path dataOut;

    @Override
    void run(String[] beamArgs, Consumer<String> out) throws IOException {
      GmmBenchmark.Config config =
          new GmmBenchmark.Config(rows, dims, k, iterations, seed, execution);
      if (dataOut != null) {
        GmmBenchmark.write(config, dataOut);
      }
      out.accept(GmmBenchmark.run(config, beamArgs));
    }
  }

  /** {@code beamlink bench predict}: see {@link PredictBenchmark}. */
  @Command(
      name = "predict",
      description =
          "FeatureHasher + StandardScaler + LogisticRegression fitted on embedded Flink, then"
              + " scored single-threaded in a LocalPredictor and in a Flink pipeline.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class PredictBench extends Run {
    @Option(names = "--dims", defaultValue = "50", description = "Numeric feature columns.")
    int dims;

    @Option(names = "--train-rows", defaultValue = "100000", description = "Rows to fit on.")
    long trainRows;

    @Option(
        names = "--local-rows",
        defaultValue = "5000000",
        description = "Rows the LocalPredictor scores.")
    long localRows;

    @Option(
        names = "--pipeline-rows",
        defaultValue = "2000000",
        description = "Rows the Flink pipeline scores.")
    long pipelineRows;

    @Option(names = "--seed", defaultValue = "7", description = "Data seed.")
    long seed;

    @Override
    void run(String[] beamArgs, Consumer<String> out) {
      PredictBenchmark.run(
              new PredictBenchmark.Config(dims, trainRows, localRows, pipelineRows, 1 << 18, seed),
              beamArgs)
          .forEach(out);
    }
  }

  /**
   * {@code beamlink bench ftrl}: see {@link FtrlBenchmark}; with {@code --kafka}, {@link
   * KafkaFtrlBenchmark}.
   */
  @Command(
      name = "ftrl",
      description =
          "FTRL-Proximal on a stream of seeded click-like examples (streaming mode): sustained"
              + " examples per second, then model freshness at a paced rate, beside a"
              + " single-threaded in-memory FTRL loop. Default: 4M rows, 2^20 hashed dimensions,"
              + " 20 non-zeros per row. With --kafka: click events from a Kafka topic, sustained"
              + " examples per second and event-to-prediction latency.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class FtrlBench extends Run {
    @Option(
        names = "--rows",
        defaultValue = "4000000",
        description =
            "Rows (90% trained on); with --kafka, the events of the topic, every one trained on.")
    long rows;

    @Option(names = "--dims", defaultValue = "1048576", description = "Hashed dimensions.")
    int dims;

    @Option(names = "--non-zeros", defaultValue = "20", description = "Non-zeros per row.")
    int nonZeros;

    @Option(names = "--mini-batch", defaultValue = "1", description = "Examples per update.")
    int miniBatchSize;

    @Option(names = "--threads", defaultValue = "1", description = "Gradient threads.")
    int threads;

    @Option(
        names = "--emit-every",
        defaultValue = "100000",
        description = "Examples between model versions in the throughput run.")
    long emitEvery;

    @Option(
        names = "--freshness-every-ms",
        defaultValue = "250",
        description = "Milliseconds between model versions in the freshness run.")
    long freshnessEveryMillis;

    @Option(
        names = "--rate",
        defaultValue = "0",
        description = "Examples per second in the freshness run (0: 80% of the sustained rate).")
    double rate;

    @Option(
        names = "--source-block",
        defaultValue = "100",
        description = "Rows generated per element the source reads (1: one row per element).")
    int sourceBlock;

    @Option(names = "--seed", defaultValue = "7", description = "Data seed.")
    long seed;

    @Option(
        names = "--kafka",
        description =
            "Read click events from a one-partition Kafka topic filled beforehand (throughput), then"
                + " from one filled at --rate while the job runs (event-to-prediction latency).")
    boolean kafka;

    @Option(
        names = "--kafka-bootstrap",
        paramLabel = "HOST:PORT",
        description = "With --kafka: the broker to use (default: start one for the run).")
    String bootstrap;

    @Option(
        names = "--partitions",
        defaultValue = "1",
        description =
            "With --kafka: partitions of the topics, each read by a source task up to the"
                + " parallelism (the events then reach FTRL in no fixed order).")
    int partitions;

    @Option(
        names = "--latency-seconds",
        defaultValue = "20",
        description = "With --kafka: seconds the latency run's producer sends.")
    long latencySeconds;

    @Override
    void run(String[] beamArgs, Consumer<String> out) {
      if (kafka) {
        out.accept(
            KafkaFtrlBenchmark.run(
                new KafkaFtrlBenchmark.Config(
                    rows,
                    dims,
                    FtrlParams.defaults().withMiniBatchSize(miniBatchSize).withThreads(threads),
                    emitEvery,
                    rate,
                    Duration.standardSeconds(latencySeconds),
                    seed,
                    partitions,
                    bootstrap),
                beamArgs));
        return;
      }
      if (bootstrap != null) {
        throw new ParameterException(spec.commandLine(), "--kafka-bootstrap needs --kafka");
      }
      FtrlBenchmark.Config config =
          new FtrlBenchmark.Config(
              rows,
              dims,
              nonZeros,
              miniBatchSize,
              threads,
              emitEvery,
              Duration.millis(freshnessEveryMillis),
              rate,
              sourceBlock,
              seed);
      out.accept(FtrlBenchmark.run(config, beamArgs));
    }
  }

  /** {@code beamlink bench csv}: see {@link CsvBenchmark}. */
  @Command(
      name = "csv",
      description =
          "Reads a seeded CSV file of 6 columns (2 integer, 3 double, 1 text) with ReadCsv, the"
              + " schema inferred and declared. Default: 3M rows.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class CsvBench extends Run {
    @Option(names = "--rows", defaultValue = "3000000", description = "Rows of the file.")
    long rows;

    @Option(names = "--runs", defaultValue = "3", description = "Timed runs of each schema mode.")
    int runs;

    @Option(
        names = "--file",
        description =
            "The file to read, written first when missing (default:"
                + " beamlink-bench-csv-ROWS-SEED.csv in the temporary directory).")
    Path file;

    @Option(names = "--seed", defaultValue = "7", description = "Data seed.")
    long seed;

    @Override
    void run(String[] beamArgs, Consumer<String> out) throws IOException {
      CsvBenchmark.run(new CsvBenchmark.Config(rows, runs, seed, file), beamArgs).forEach(out);
    }
  }

  /** {@code beamlink bench columnar}: see {@link ColumnarBenchmark}. */
  @Command(
      name = "columnar",
      description =
          "Reads a seeded table of double columns from CSV (ReadCsv, schema declared), Parquet"
              + " (ReadParquet) and Avro (ReadAvro): rows a second and CSV-equivalent MB a"
              + " second. Default: 1M rows x 50 columns.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class ColumnarBench extends Run {
    @Mixin TableBenchOptions table;

    @Option(
        names = "--read-columns",
        description = "Columns the Parquet and Avro readers read, from the first (default: all).")
    Integer readColumns;

    @Option(
        names = "--formats",
        split = ",",
        defaultValue = "CSV,PARQUET,AVRO",
        description = "Formats to read, in this order (default: ${DEFAULT-VALUE}).")
    List<ColumnarBenchmark.Format> formats;

    @Override
    void run(String[] beamArgs, Consumer<String> out) throws IOException {
      ColumnarBenchmark.Config config =
          new ColumnarBenchmark.Config(
              table.rows,
              table.columns,
              readColumns == null ? table.columns : readColumns,
              formats,
              table.runs,
              table.seed,
              table.dir);
      ColumnarBenchmark.run(config, beamArgs).forEach(out);
    }
  }

  /** {@code beamlink bench ingest}: see {@link IngestBenchmark}. */
  @Command(
      name = "ingest",
      description =
          "Reads a seeded table of double columns from CSV, Parquet and LibSVM into training"
              + " blocks (and CSV into rows): MB of CSV a second, per core. Default: 1M rows x 50"
              + " columns.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class IngestBench extends Run {
    @Mixin TableBenchOptions table;

    @Option(
        names = "--modes",
        split = ",",
        defaultValue =
            "CSV_ROWS,CSV_ROWS_PACKED,CSV_BLOCKS,PARQUET_ROWS_PACKED,PARQUET_BLOCKS,LIBSVM_ROWS_PACKED",
        description = "Modes to run, in this order (default: ${DEFAULT-VALUE}).")
    List<IngestBenchmark.Mode> modes;

    @Override
    void run(String[] beamArgs, Consumer<String> out) throws IOException {
      IngestBenchmark.run(
              new IngestBenchmark.Config(
                  table.rows, table.columns, modes, table.runs, table.seed, table.dir),
              beamArgs)
          .forEach(out);
    }
  }
}
