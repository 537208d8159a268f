package org.beamlink.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.auto.value.AutoValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.iteration.ComQueueOptions;
import org.beamlink.iteration.PackBlocks;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.BlockCoder;
import org.beamlink.models.rows.FeatureColumns;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads numeric columns of CSV files straight into training {@link Block}s: the blocks {@link
 * PackBlocks} would make of the rows {@link ReadCsv} reads, without a row, a text or a boxed number
 * per value. Each file is cut into byte ranges ({@link #withRangeBytes}, 16 MB by default; a
 * compressed file is one range), each read from the first line that begins in it; the ranges are
 * dealt into one group per worker ({@code workerParallelism}, else the processors), and a worker
 * parses the ranges of its group on all its cores at once; plain decimals are parsed from the bytes
 * into the blocks' arrays, correctly rounded. Values, types (inferred or declared by the {@link
 * ReadCsv}), and the messages of malformed records are {@link ReadCsv}'s, with the file and the
 * line; a missing (empty or NaN) or infinite value in a column it reads, or a negative weight,
 * fails naming the file, the line, the column and the value. Line breaks are {@code \n} or {@code
 * \r\n}; a line with a quote is split by commons-csv as {@link ReadCsv} splits it, within that
 * line.
 *
 * <p>What it packs is a {@link PackBlocks}'s configuration ({@link #withPacking}): feature columns
 * (not a vector column), an optional label and weight column, all numeric, the block size and the
 * unit-norm scaling; not class label values ({@link PackBlocks#withLabelValues}). {@link #canRead}
 * says whether a schema and a packing qualify. The blocks hold the same values as {@link
 * PackBlocks} blocks; which rows share a block differs. Estimators read CSV through it with their
 * {@code fromCsv} transforms, such as {@code KMeans.fit().fromCsv(..)}.
 *
 * <p>Metrics: counter {@link ReadCsv#ROWS_READ}.
 *
 * <pre>{@code
 * PCollection<Block> blocks =
 *     p.apply(ReadCsvBlocks.from(ReadCsv.from("data/*.csv"))
 *         .withPacking(PackBlocks.of(FeatureColumns.of(List.of("x", "y"))).withLabelCol("label")));
 * }</pre>
 */
@AutoValue
public abstract class ReadCsvBlocks extends PTransform<PBegin, PCollection<Block>> {
  /** The default bytes per range a file is cut into. */
  public static final long DEFAULT_RANGE_BYTES = 16L << 20;

  /** The default reason a missing value cannot be trained on, ending its message. */
  public static final String DEFAULT_MISSING_VALUE_REASON =
      "training needs a value in every feature, label and weight column";

  /** The CSV files, delimiter and schema read. */
  public abstract ReadCsv csv();

  abstract @Nullable PackBlocks packing();

  abstract String missingValueReason();

  abstract long rangeBytes();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setCsv(ReadCsv csv);

    abstract Builder setPacking(@Nullable PackBlocks packing);

    abstract Builder setMissingValueReason(String reason);

    abstract Builder setRangeBytes(long rangeBytes);

    abstract ReadCsvBlocks build();
  }

  /** Reads the files, delimiter and schema (given, declared or inferred) of {@code csv}. */
  public static ReadCsvBlocks from(ReadCsv csv) {
    if (csv == null) {
      throw new IllegalArgumentException("Expected a ReadCsv, got null");
    }
    return new AutoValue_ReadCsvBlocks.Builder()
        .setCsv(csv)
        .setMissingValueReason(DEFAULT_MISSING_VALUE_REASON)
        .setRangeBytes(DEFAULT_RANGE_BYTES)
        .build();
  }

  /**
   * This read with the schema of its CSV inferred now ({@link ReadCsv#withInferredSchema}), for a
   * program that chooses what to read by the columns' types.
   */
  public ReadCsvBlocks withInferredSchema() {
    return toBuilder().setCsv(csv().withInferredSchema()).build();
  }

  /** The schema of the CSV's rows; null until inferred ({@link #withInferredSchema}). */
  public @Nullable Schema schema() {
    return csv().schema();
  }

  /** The columns and blocks to make, as {@code packing} packs rows; required. */
  public ReadCsvBlocks withPacking(PackBlocks packing) {
    if (packing == null) {
      throw new IllegalArgumentException("Expected a PackBlocks, got null");
    }
    return toBuilder().setPacking(packing).build();
  }

  /**
   * What the message of a missing value ends with, after {@code "In FILE, line N: column 'x' is
   * empty; "}; default {@value #DEFAULT_MISSING_VALUE_REASON}.
   */
  public ReadCsvBlocks withMissingValueReason(String reason) {
    if (reason == null || reason.isEmpty()) {
      throw new IllegalArgumentException("Expected a reason, got " + reason);
    }
    return toBuilder().setMissingValueReason(reason).build();
  }

  /** Bytes per range of a file read by one worker, at least 1; default 16 MB. */
  public ReadCsvBlocks withRangeBytes(long rangeBytes) {
    if (rangeBytes < 1) {
      throw new IllegalArgumentException("Expected rangeBytes >= 1, got " + rangeBytes);
    }
    return toBuilder().setRangeBytes(rangeBytes).build();
  }

  /**
   * True when rows of {@code schema} packed by {@code packing} can be read straight into blocks:
   * feature columns, label and weight (if any) are numeric columns of the schema, and the labels
   * are not mapped to class indices.
   */
  public static boolean canRead(Schema schema, PackBlocks packing) {
    FeatureColumns features = packing.features();
    if (features.vectorCol() != null || packing.labelValues() != null) {
      return false;
    }
    List<String> columns = new ArrayList<>(features.featureCols());
    if (packing.labelCol() != null) {
      columns.add(packing.labelCol());
    }
    if (packing.weightCol() != null) {
      columns.add(packing.weightCol());
    }
    for (String column : columns) {
      if (!schema.hasField(column)
          || !FeatureColumns.isNumeric(schema.getField(column).getType())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public PCollection<Block> expand(PBegin input) {
    PackBlocks packing = packing();
    if (packing == null) {
      throw new IllegalArgumentException("ReadCsvBlocks needs withPacking(..)");
    }
    ReadCsv csv = csv().withInferredSchema();
    Schema schema = csv.schema();
    if (!canRead(schema, packing)) {
      throw new IllegalArgumentException(
          "ReadCsvBlocks reads numeric feature, label and weight columns; "
              + packing.features()
              + (packing.labelCol() == null ? "" : ", label '" + packing.labelCol() + "'")
              + (packing.weightCol() == null ? "" : ", weight '" + packing.weightCol() + "'")
              + (packing.labelValues() == null ? "" : " with class label values")
              + " cannot be read from columns "
              + schema);
    }
    CsvBlockParser.Spec spec =
        new CsvBlockParser.Spec(
            schema,
            csv.inferredColumns(),
            csv.delimiter(),
            packing.features().featureCols(),
            packing.labelCol(),
            packing.weightCol(),
            packing.blockSize(),
            packing.unitNorm(),
            missingValueReason());
    Integer parallelism =
        input.getPipeline().getOptions().as(ComQueueOptions.class).getWorkerParallelism();
    int groups =
        parallelism != null && parallelism > 0
            ? parallelism
            : Runtime.getRuntime().availableProcessors();
    return input
        .apply("Match", FileIO.match().filepattern(csv.filepattern()))
        .apply("Ranges", ParDo.of(new RangesFn(rangeBytes(), groups)))
        .setCoder(
            KvCoder.of(VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), OffsetRange.Coder.of())))
        .apply("Group ranges", GroupByKey.create())
        .apply("Parse", ParDo.of(new ParseRangesFn(spec)))
        .setCoder(BlockCoder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.include("csv", csv());
    builder
        .addIfNotNull(
            DisplayData.item("packing", packing() == null ? null : packing().features().toString()))
        .add(DisplayData.item("rangeBytes", rangeBytes()));
  }

  /**
   * Cuts each file into ranges (a compressed file is one range to its end), dealt round-robin into
   * {@code groups} groups, one per worker of the pipeline's parallelism.
   */
  private static final class RangesFn
      extends DoFn<MatchResult.Metadata, KV<Integer, KV<String, OffsetRange>>> {
    private final long rangeBytes;
    private final int groups;
    private transient int next;

    RangesFn(long rangeBytes, int groups) {
      this.rangeBytes = rangeBytes;
      this.groups = groups;
    }

    @ProcessElement
    public void process(
        @Element MatchResult.Metadata file,
        OutputReceiver<KV<Integer, KV<String, OffsetRange>>> out) {
      String name = file.resourceId().toString();
      if (compression(file.resourceId()) != Compression.UNCOMPRESSED) {
        out.output(KV.of(next++ % groups, KV.of(name, new OffsetRange(0, Long.MAX_VALUE))));
        return;
      }
      long size = file.sizeBytes();
      for (long start = 0; start < size; start += rangeBytes) {
        OffsetRange range = new OffsetRange(start, Math.min(size, start + rangeBytes));
        out.output(KV.of(next++ % groups, KV.of(name, range)));
      }
    }
  }

  private static Compression compression(ResourceId file) {
    String name = file.getFilename();
    return Compression.detect(name == null ? "" : name);
  }

  /** The decompressed bytes of {@code file} from its start. */
  private static InputStream open(ResourceId file) throws IOException {
    return Channels.newInputStream(compression(file).readDecompressed(FileSystems.open(file)));
  }

  /** Parses a group of ranges into blocks, on every core of the worker. */
  private static final class ParseRangesFn extends ReadSplitsFn {
    private final CsvBlockParser.Spec spec;

    ParseRangesFn(CsvBlockParser.Spec spec) {
      super(ReadCsv.ROWS_READ);
      this.spec = spec;
    }

    @Override
    void read(KV<String, OffsetRange> range, Consumer<Block> out) throws IOException {
      parse(range, out);
    }

    /** Parses the lines that begin in {@code range} into blocks. */
    private void parse(KV<String, OffsetRange> range, Consumer<Block> out) throws IOException {
      String name = range.getKey();
      ResourceId file = FileSystems.matchNewResource(name, false);
      long headerEnd;
      List<String> header;
      try (InputStream in = open(file)) {
        RangeLines lines = RangeLines.open(in, 0, 0, Long.MAX_VALUE);
        String text = null;
        while (text == null && lines.next()) {
          if (lines.to() > lines.from()) {
            text = new String(lines.buffer(), lines.from(), lines.to() - lines.from(), UTF_8);
          }
        }
        if (text == null) {
          return;
        }
        headerEnd = lines.nextOffset();
        try (CsvRecords records = new CsvRecords(new StringReader(text), spec.delimiter(), name)) {
          header = records.header();
        } catch (CsvRecords.SyntaxException e) {
          throw new IllegalArgumentException(
              ReadResult.describe(
                  name,
                  lineOf(file, lines.offset()),
                  "the header does not parse as CSV: " + e.getMessage()));
        }
      }
      CsvBlockParser parser = new CsvBlockParser(spec, name, header);
      long start = Math.max(range.getValue().getFrom(), headerEnd);
      long end = range.getValue().getTo();
      if (start >= end) {
        return;
      }
      boolean compressed = compression(file) != Compression.UNCOMPRESSED;
      long inOffset = compressed || start == headerEnd ? headerEnd : start - 1;
      InputStream in;
      if (compressed) {
        in = open(file);
        in.skipNBytes(headerEnd);
      } else {
        ReadableByteChannel channel = FileSystems.open(file);
        in = Channels.newInputStream(channel);
        if (channel instanceof SeekableByteChannel seekable) {
          seekable.position(inOffset);
        } else {
          in.skipNBytes(inOffset);
        }
      }
      try (in) {
        parser.parse(
            RangeLines.open(in, inOffset, start, end), offset -> lineOf(file, offset), out::accept);
      }
    }

    /** The line (1-based) that the byte at {@code offset} of {@code file} is on. */
    private static long lineOf(ResourceId file, long offset) {
      try (InputStream in = open(file)) {
        byte[] buffer = new byte[1 << 16];
        long line = 1;
        long left = offset;
        while (left > 0) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
          if (n < 0) {
            break;
          }
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              line++;
            }
          }
          left -= n;
        }
        return line;
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file + " to number its lines", e);
      }
    }
  }
}
