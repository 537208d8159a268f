package org.beamlink.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.beamlink.examples.demo.ClickEvents;
import org.beamlink.examples.demo.ClickEventsFile;
import org.beamlink.examples.demo.CtrDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code beamlink demo ctr}: online learning on a click stream ({@link CtrDemo}): a feature
 * pipeline and a logistic regression fitted in batch on a prefix, FTRL on the rest as a stream,
 * live prediction with the newest model and live AUC and log loss per window, beside the frozen
 * batch model.
 *
 * <pre>{@code
 * bin/beamlink demo ctr
 * bin/beamlink demo ctr --events 100000 --prefix 20000 --rate 50000 --runner=DirectRunner
 * bin/beamlink demo ctr --write-events /tmp/clicks.csv && bin/beamlink demo ctr --events-file /tmp/clicks.csv
 * }</pre>
 */
@Command(
    name = "ctr",
    description =
        "Online learning: FTRL on a generated click stream with a drift, live prediction and"
            + " live evaluation per window, beside the frozen batch model.",
    footer = PipelineArgs.FOOTER,
    sortOptions = false)
public final class DemoCtrCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      defaultValue = "300000",
      description = "Events in all, prefix included (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(
      names = "--prefix",
      defaultValue = "60000",
      description = "Events of the batch prefix (default: ${DEFAULT-VALUE}).")
  long prefix;

  @Option(
      names = "--drift-at",
      description = "Event at which the world changes (default: halfway).")
  Long driftAt;

  @Option(
      names = "--rate",
      defaultValue = "10000",
      description =
          "Events per second of the stream, at most; 0 for as fast as the pipeline goes"
              + " (default: ${DEFAULT-VALUE}; what 2 cores sustain, see the README).")
  long rate;

  @Option(
      names = "--events-file",
      description =
          "Replay events from this CSV file (the generator's columns, rows in time order, plain"
              + " or .gz) instead of generating them; --events is then the file's row count.")
  Path eventsFile;

  @Option(
      names = "--write-events",
      description =
          "Only write the generated events (--events, --drift-at, --seed) to this CSV file, for"
              + " --events-file.")
  Path writeEvents;

  @Option(
      names = "--window-events",
      defaultValue = "20000",
      description = "Events per evaluation window, 10 ms apart (default: ${DEFAULT-VALUE}).")
  long windowEvents;

  @Option(
      names = "--emit-every",
      defaultValue = "2000",
      description = "FTRL emits a model version every N examples (default: ${DEFAULT-VALUE}).")
  long emitEvery;

  @Option(
      names = "--num-features",
      defaultValue = "65536",
      description = "Hashed features of the categorical fields (default: ${DEFAULT-VALUE}).")
  int numFeatures;

  @Option(
      names = "--seed",
      defaultValue = "7",
      description = "Data seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--arrival-order",
      description =
          "Score each event with the newest version that has arrived, not the newest stamped"
              + " before it: lower latency, results that depend on timing.")
  boolean arrivalOrder;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    long drift = driftAt != null ? driftAt : events / 2;
    PrintWriter out = spec.commandLine().getOut();
    if (writeEvents != null) {
      ClickEventsFile.write(new ClickEvents(seed, drift), events, writeEvents);
      out.printf(
          "Wrote %d events (drift at %d, seed %d) to %s%n", events, drift, seed, writeEvents);
      out.flush();
      return 0;
    }
    CtrDemo.Config config =
        new CtrDemo.Config(
            events,
            prefix,
            drift,
            rate,
            windowEvents,
            emitEvery,
            numFeatures,
            seed,
            arrivalOrder,
            eventsFile);
    // Checked here for the command line's messages; the demo makes its own options from them.
    new PipelineArgs(beamArgs, spec).options();
    CtrDemo.run(config, beamArgs.toArray(new String[0]), out);
    return 0;
  }
}
