package org.beamlink.examples.demo;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Click events ({@link ClickEvents#SCHEMA}) in a CSV file with a header, in time order: written
 * from the generator, and scanned before a demo replays one, for the times at which its prefix ends
 * and its drift starts. A file written here and replayed gives the same events, value for value, as
 * the generator (doubles are written in Java's shortest round-trip form).
 *
 * <pre>{@code
 * ClickEventsFile.write(new ClickEvents(7, 150_000), 300_000, Path.of("clicks.csv"));
 * ClickEventsFile.Scan scan = ClickEventsFile.scan(Path.of("clicks.csv"), 60_000, 150_000);
 * }</pre>
 */
public final class ClickEventsFile {
  private ClickEventsFile() {}

  /**
   * What a demo needs to know of a file: its rows, the time of row {@code prefix} (the first one
   * after the batch prefix), the time of row {@code driftAt}, and the mean milliseconds between
   * rows.
   */
  public record Scan(long rows, long prefixEndMillis, long driftMillis, double spacingMillis) {}

  /** Writes events {@code 0 .. events - 1} of {@code clicks} to {@code file}. */
  public static void write(ClickEvents clicks, long events, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, UTF_8)) {
      out.write(String.join(",", ClickEvents.SCHEMA.getFieldNames()));
      out.newLine();
      StringBuilder line = new StringBuilder();
      for (long i = 0; i < events; i++) {
        Row event = clicks.event(i);
        line.setLength(0);
        for (int f = 0; f < event.getFieldCount(); f++) {
          if (f > 0) {
            line.append(',');
          }
          line.append(event.getValue(f).toString());
        }
        out.write(line.toString());
        out.newLine();
      }
    }
  }

  /**
   * Reads the {@code time} column of {@code file} (plain or {@code .gz}).
   *
   * @throws IllegalArgumentException when the file has no time column, a time that does not parse
   *     or decreases, or not more than {@code prefix} rows
   */
  public static Scan scan(Path file, long prefix, long driftAt) throws IOException {
    try (Reader reader = new InputStreamReader(open(file), UTF_8);
        CSVParser parser =
            CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .build()
                .parse(reader)) {
      if (!parser.getHeaderMap().containsKey("time")) {
        throw new IllegalArgumentException(
            file + " has no 'time' column; its header is " + parser.getHeaderNames());
      }
      long rows = 0;
      long first = 0;
      long previous = Long.MIN_VALUE;
      long prefixEnd = Long.MIN_VALUE;
      long drift = Long.MAX_VALUE;
      for (CSVRecord record : parser) {
        long time;
        try {
          time = Long.parseLong(record.get("time").strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              file
                  + ", line "
                  + parser.getCurrentLineNumber()
                  + ": time '"
                  + record.get("time")
                  + "' is not milliseconds since the epoch",
              e);
        }
        if (time < previous) {
          throw new IllegalArgumentException(
              file
                  + ", line "
                  + parser.getCurrentLineNumber()
                  + ": time "
                  + time
                  + " is before the previous row's "
                  + previous
                  + "; a replay needs rows in time order");
        }
        if (rows == 0) {
          first = time;
        }
        if (rows == prefix) {
          prefixEnd = time;
        }
        if (rows == driftAt) {
          drift = time;
        }
        previous = time;
        rows++;
      }
      if (rows <= prefix) {
        throw new IllegalArgumentException(
            file + " has " + rows + " rows; expected more than the prefix of " + prefix);
      }
      return new Scan(rows, prefixEnd, drift, rows > 1 ? (previous - first) / (rows - 1.0) : 1);
    }
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    return file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
  }
}
