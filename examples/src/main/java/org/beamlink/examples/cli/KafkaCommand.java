package org.beamlink.examples.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.demo.ClickEvents;
import org.beamlink.examples.online.ClickFtrl;
import org.beamlink.examples.run.ProgressReporter;
import org.beamlink.transforms.io.ReplayCsv;
import org.beamlink.transforms.io.WriteKafkaRows;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code beamlink kafka}: jobs that work a Kafka topic.
 *
 * <pre>{@code
 * bin/beamlink kafka produce --kafka-bootstrap localhost:9092 --topic clicks --events 100000
 * }</pre>
 */
@Command(
    name = "kafka",
    description = "Jobs that work a Kafka topic.",
    subcommands = {KafkaCommand.ProduceCommand.class})
public final class KafkaCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    CommandLine command = spec.commandLine();
    throw new CommandLine.ParameterException(
        command, "Missing a job: " + String.join(", ", command.getSubcommands().keySet()));
  }

  /**
   * {@code beamlink kafka produce}: fills a topic with click events ({@link ClickEvents#SCHEMA}) as
   * JSON records through {@link WriteKafkaRows}, each record's timestamp its event's time, at most
   * {@code --rate} a second: events {@code 0 .. N - 1} of the generator ({@link
   * ClickFtrl#generated}, the events {@code beamlink online ftrl} trains on without a topic), or
   * the rows of a CSV file of events in time order ({@code --input}, replayed by {@link
   * ReplayCsv}). The topic must exist. Then one summary line.
   *
   * <pre>{@code
   * bin/beamlink kafka produce --kafka-bootstrap localhost:9092 --topic clicks --events 100000
   * bin/beamlink kafka produce --kafka-bootstrap localhost:9092 --topic clicks --input clicks.csv
   * }</pre>
   */
  @Command(
      name = "produce",
      description =
          "Fills a Kafka topic with click events as JSON records, from the generator or a CSV"
              + " file, at a rate.",
      footer = PipelineArgs.FOOTER,
      sortOptions = false)
  static final class ProduceCommand implements Callable<Integer> {
    private static final MetricName WRITTEN = MetricName.named(WriteKafkaRows.class, "rowsWritten");

    @Spec CommandSpec spec;

    @Option(
        names = "--kafka-bootstrap",
        required = true,
        paramLabel = "HOST:PORT[,...]",
        description = "The Kafka brokers.")
    String bootstrap;

    @Option(names = "--topic", required = true, description = "The topic to fill (it must exist).")
    String topic;

    @Option(
        names = {"-i", "--input"},
        paramLabel = "FILE",
        description =
            "A CSV file of click events with a header, in time order (default: the generator).")
    String input;

    @Option(
        names = "--events",
        defaultValue = "200000",
        description = "Generated events (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(
        names = "--rate",
        defaultValue = "20000",
        description = "Events per second, at most (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(
        names = "--seed",
        defaultValue = "7",
        description = "Seed of the generated events (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--drift-at",
        description = "Generated event at which the world changes (default: halfway).")
    Long driftAt;

    @Mixin OutputOptions out;

    @Unmatched List<String> beamArgs = new ArrayList<>();

    @Override
    public Integer call() {
      if (events < 1 || rate < 1) {
        throw new IllegalArgumentException(
            "Expected --events >= 1 and --rate >= 1, got " + events + " and " + rate);
      }
      PipelineOptions options = new PipelineArgs(new ArrayList<>(beamArgs), spec).options();
      Pipeline pipeline = Pipeline.create(options);
      PCollection<Row> rows =
          input != null
              ? pipeline.apply(
                  "Replay " + input,
                  ReplayCsv.from(input)
                      .withSchema(ClickEvents.SCHEMA)
                      .withTimeCol("time")
                      .withRate(rate))
              : PBegin.in(pipeline)
                  .apply(
                      "Generated events",
                      ClickFtrl.generated(
                          events, rate, seed, driftAt != null ? driftAt : events / 2));
      rows.apply("To " + topic, WriteKafkaRows.to(bootstrap, topic));
      PrintWriter err = spec.commandLine().getErr();
      ProgressReporter.Run run =
          out.progress(err, "kafka produce", WRITTEN, "events produced").run(pipeline);
      long written = ProgressReporter.counter(run.result(), WRITTEN);
      String source = input != null ? input : "the generator (seed " + seed + ")";
      out.print(
          spec.commandLine().getOut(),
          String.format(
              Locale.ROOT,
              "%,d events from %s to Kafka topic %s at %s (%.1f s, %,.0f events/s)%n",
              written,
              source,
              topic,
              bootstrap,
              run.seconds(),
              run.seconds() > 0 ? written / run.seconds() : 0.0),
          new JsonObject()
              .put("command", "kafka produce")
              .put("bootstrap", bootstrap)
              .put("topic", topic)
              .put("source", input != null ? input : "generator")
              .put("events", written)
              .put("seconds", Math.round(run.seconds() * 1000) / 1000.0));
      return 0;
    }
  }
}
