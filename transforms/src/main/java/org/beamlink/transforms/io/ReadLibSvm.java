package org.beamlink.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.auto.value.AutoValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads files in LibSVM format into rows of {@link #SCHEMA}: a {@code label} and a sparse {@code
 * features} vector.
 *
 * <p>A line is {@code label index:value index:value ...}, separated by white space, with indices
 * starting at 1 and increasing; index {@code i} becomes coordinate {@code i - 1}. Empty lines and
 * lines starting with {@code #} are skipped, and a {@code #} token ends a line's data (a trailing
 * comment). Numbers are read as in {@link ReadCsv}. Every vector has size {@code numFeatures}:
 * given by {@link #withNumFeatures}, or inferred as the largest index in all files, which takes a
 * global combine before the rows come out.
 *
 * <p>Each file is parsed by one worker from start to end. A malformed line (a label or value that
 * is not a number, an item that is not {@code index:value}, an index that is not an integer, below
 * 1, not greater than the one before, or greater than {@code numFeatures}; a label or value that is
 * NaN or infinite: the format has no missing values) fails the pipeline with a message naming the
 * file, the line and the item; {@link #withFailuresOutput()} keeps it instead, as a row of {@link
 * ReadResult#FAILURE_SCHEMA}.
 *
 * <p>Metrics: counters {@link #ROWS_READ} and {@link #RECORDS_FAILED}.
 *
 * <pre>{@code
 * PCollection<Row> rows = p.apply(ReadLibSvm.from("data/a9a.txt").withNumFeatures(123));
 * // in a DoFn: Vector x = row.getLogicalTypeValue("features", Vector.class);
 *
 * ReadResult result = p.apply(ReadLibSvm.from("data/*.svm").withFailuresOutput());
 * }</pre>
 */
@AutoValue
public abstract class ReadLibSvm extends PTransform<PBegin, PCollection<Row>> {
  /** The schema of the rows: {@code label} (DOUBLE) and {@code features} (a sparse vector). */
  public static final Schema SCHEMA =
      Schema.builder()
          .addDoubleField("label")
          .addField("features", VectorLogicalType.FIELD_TYPE)
          .build();

  /** Counter of rows read. */
  public static final MetricName ROWS_READ = MetricName.named(ReadLibSvm.class, "rowsRead");

  /** Counter of malformed lines kept in the failure output. */
  public static final MetricName RECORDS_FAILED =
      MetricName.named(ReadLibSvm.class, "recordsFailed");

  private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");

  abstract String filepattern();

  abstract @Nullable Integer numFeatures();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setFilepattern(String filepattern);

    abstract Builder setNumFeatures(@Nullable Integer numFeatures);

    abstract ReadLibSvm build();
  }

  /** Reads the files matching {@code filepattern}, with {@code numFeatures} inferred. */
  public static ReadLibSvm from(String filepattern) {
    if (filepattern == null || filepattern.isEmpty()) {
      throw new IllegalArgumentException("Expected a file pattern, got " + filepattern);
    }
    return new AutoValue_ReadLibSvm.Builder().setFilepattern(filepattern).build();
  }

  /**
   * The size of every feature vector, at least 1; a larger index is malformed. Default: the largest
   * index in all files.
   */
  public ReadLibSvm withNumFeatures(int numFeatures) {
    if (numFeatures < 1) {
      throw new IllegalArgumentException("Expected numFeatures >= 1, got " + numFeatures);
    }
    return toBuilder().setNumFeatures(numFeatures).build();
  }

  /**
   * Keeps malformed lines in a failure output instead of failing the pipeline. Call it last: it
   * returns a transform whose output is a {@link ReadResult}.
   */
  public WithFailures withFailuresOutput() {
    return new WithFailures(this);
  }

  @Override
  public PCollection<Row> expand(PBegin input) {
    return read(input, false).getRows();
  }

  private ReadResult read(PBegin input, boolean keepFailures) {
    int given = numFeatures() == null ? -1 : numFeatures();
    PCollectionTuple parsed =
        input
            .apply("Match", FileIO.match().filepattern(filepattern()))
            .apply("ReadMatches", FileIO.readMatches())
            .apply(
                "Parse",
                ParDo.of(new ParseFn(given, keepFailures))
                    .withOutputTags(ReadResult.ROWS, TupleTagList.of(ReadResult.FAILURES)));
    PCollection<Row> rows = parsed.get(ReadResult.ROWS).setRowSchema(SCHEMA);
    PCollection<Row> failures =
        parsed.get(ReadResult.FAILURES).setRowSchema(ReadResult.FAILURE_SCHEMA);
    if (given < 0) {
      // Each vector was sized to its own largest index; the largest of those sizes fits all.
      PCollectionView<Integer> size =
          rows.apply(
                  "VectorSize",
                  MapElements.into(TypeDescriptors.integers())
                      .via(row -> row.getLogicalTypeValue("features", Vector.class).size()))
              .apply("LargestSize", Max.integersGlobally())
              .apply("AsSingleton", View.asSingleton());
      rows =
          rows.apply("Resize", ParDo.of(new ResizeFn(size)).withSideInputs(size))
              .setRowSchema(SCHEMA);
    }
    return ReadResult.of(input.getPipeline(), rows, failures);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("filepattern", filepattern()))
        .addIfNotNull(DisplayData.item("numFeatures", numFeatures()));
  }

  /**
   * Reads LibSVM like {@link ReadLibSvm} and keeps malformed lines: the output is a {@link
   * ReadResult}.
   *
   * <pre>{@code
   * ReadResult result = p.apply(ReadLibSvm.from("data/*.svm").withFailuresOutput());
   * }</pre>
   */
  public static final class WithFailures extends PTransform<PBegin, ReadResult> {
    private final ReadLibSvm read;

    private WithFailures(ReadLibSvm read) {
      this.read = read;
    }

    @Override
    public ReadResult expand(PBegin input) {
      return read.read(input, true);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      read.populateDisplayData(builder);
    }
  }

  /** Parses whole files line by line. */
  private static final class ParseFn extends DoFn<FileIO.ReadableFile, Row> {
    private final int numFeatures;
    private final boolean keepFailures;
    private final Counter rowsRead = Metrics.counter(ROWS_READ.getNamespace(), ROWS_READ.getName());
    private final Counter recordsFailed =
        Metrics.counter(RECORDS_FAILED.getNamespace(), RECORDS_FAILED.getName());

    /** {@code numFeatures} < 0: size each vector to its own largest index. */
    ParseFn(int numFeatures, boolean keepFailures) {
      this.numFeatures = numFeatures;
      this.keepFailures = keepFailures;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out)
        throws IOException {
      String name = file.getMetadata().resourceId().toString();
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(Channels.newInputStream(file.open()), UTF_8))) {
        long lineNumber = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          lineNumber++;
          String trimmed = line.strip();
          if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            continue;
          }
          Row row;
          try {
            row = parse(trimmed);
          } catch (IllegalArgumentException e) {
            if (!keepFailures) {
              // No cause: the message says all, and tools that print the innermost cause of a
              // failure would print the one without the file and the line.
              throw new IllegalArgumentException(
                  ReadResult.describe(name, lineNumber, e.getMessage()));
            }
            out.get(ReadResult.FAILURES)
                .output(ReadResult.failure(name, lineNumber, line, e.getMessage()));
            recordsFailed.inc();
            continue;
          }
          out.get(ReadResult.ROWS).output(row);
          rowsRead.inc();
        }
      }
    }

    private Row parse(String line) {
      String[] tokens = WHITE_SPACE.split(line);
      double label;
      try {
        label = NumberText.parseDouble(tokens[0]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "label '" + tokens[0] + "' is not a number; expected 'label index:value ...'");
      }
      if (!Double.isFinite(label)) {
        throw new IllegalArgumentException(
            "label '" + tokens[0] + "' is not a finite number; LibSVM has no missing values");
      }
      int[] indices = new int[tokens.length - 1];
      double[] values = new double[tokens.length - 1];
      int n = 0;
      for (int t = 1; t < tokens.length && !tokens[t].startsWith("#"); t++) {
        String item = tokens[t];
        int colon = item.indexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException("item '" + item + "' is not index:value");
        }
        int index;
        try {
          index = Integer.parseInt(item.substring(0, colon));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "item '"
                  + item
                  + "' has index '"
                  + item.substring(0, colon)
                  + "'; expected an integer");
        }
        if (index < 1) {
          throw new IllegalArgumentException(
              "item '" + item + "' has index " + index + "; LibSVM indices start at 1");
        }
        if (n > 0 && index <= indices[n - 1] + 1) {
          throw new IllegalArgumentException(
              "item '"
                  + item
                  + "' has index "
                  + index
                  + " after index "
                  + (indices[n - 1] + 1)
                  + "; expected increasing indices");
        }
        if (numFeatures >= 0 && index > numFeatures) {
          throw new IllegalArgumentException(
              "item '" + item + "' has index " + index + " > numFeatures " + numFeatures);
        }
        String text = item.substring(colon + 1);
        double value;
        try {
          value = NumberText.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "item '" + item + "' has value '" + text + "'; expected a number");
        }
        if (!Double.isFinite(value)) {
          throw new IllegalArgumentException(
              "item '"
                  + item
                  + "' has value '"
                  + text
                  + "'; expected a finite number (LibSVM has no missing values)");
        }
        values[n] = value;
        indices[n++] = index - 1;
      }
      int size = numFeatures >= 0 ? numFeatures : (n == 0 ? 0 : indices[n - 1] + 1);
      Vector features = Vector.sparse(size, Arrays.copyOf(indices, n), Arrays.copyOf(values, n));
      return Row.withSchema(SCHEMA).addValues(label, features).build();
    }
  }

  /** Gives every vector the size of the largest. */
  private static final class ResizeFn extends DoFn<Row, Row> {
    private final PCollectionView<Integer> size;

    ResizeFn(PCollectionView<Integer> size) {
      this.size = size;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Row row = c.element();
      SparseVector features = row.getLogicalTypeValue("features", SparseVector.class);
      int n = c.sideInput(size);
      if (features.size() == n) {
        c.output(row);
        return;
      }
      c.output(
          Row.withSchema(SCHEMA)
              .addValues(
                  row.getDouble("label"), Vector.sparse(n, features.indices(), features.values()))
              .build());
    }
  }
}
