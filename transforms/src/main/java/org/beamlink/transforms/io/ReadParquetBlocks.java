package org.beamlink.transforms.io;

import com.google.auto.value.AutoValue;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
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
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.DummyRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.beamlink.iteration.ComQueueOptions;
import org.beamlink.iteration.PackBlocks;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.BlockCoder;
import org.beamlink.models.linalg.DenseBlock;
import org.beamlink.models.linalg.DenseVector;
import org.beamlink.models.linalg.Vector;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads numeric columns of Parquet files straight into training {@link Block}s: the blocks {@link
 * PackBlocks} would make of the rows {@link ReadParquet} reads, without a record or a row per row
 * of the file. Only the columns the packing names are read (their column chunks; the others' bytes
 * are never fetched), value by value from Parquet's column readers into the blocks' arrays. The
 * unit of work is the row group: every row group of every matching file is a split, the splits are
 * dealt into one group per worker ({@code workerParallelism}, else the processors), and a worker
 * reads the row groups of its group on all its cores at once. A block never spans row groups.
 *
 * <p>Columns and types are {@link ReadParquet}'s: the schema is read from the files' footers when
 * the pipeline is built ({@code int}, {@code long}, {@code float} and {@code double} columns,
 * nullable or not; {@link #canRead} says whether a packing qualifies). A missing value (null or
 * NaN) or an infinite one in a column it reads, or a negative weight, fails naming the file, the
 * row (from 1, in the file), the column and the value: {@code In data.parquet, row 3: column 'x'
 * has value Infinity; beamlink reads finite numbers only}.
 *
 * <p>What it packs is a {@link PackBlocks}'s configuration ({@link #withPacking}), as for {@link
 * ReadCsvBlocks}: feature columns (not a vector column), an optional label and weight column, the
 * block size and the unit-norm scaling; not class label values. The blocks hold the same values as
 * {@link PackBlocks} blocks of {@link ReadParquet}'s rows; which rows share a block differs.
 *
 * <p>Metrics: counter {@link ReadParquet#ROWS_READ}.
 *
 * <pre>{@code
 * PCollection<Block> blocks =
 *     p.apply(ReadParquetBlocks.from("data/*.parquet")
 *         .withPacking(PackBlocks.of(FeatureColumns.of(List.of("x", "y"))).withLabelCol("label")));
 * }</pre>
 */
@AutoValue
public abstract class ReadParquetBlocks extends PTransform<PBegin, PCollection<Block>> {
  /** The files read: a path, a glob, or any path Beam's {@code FileSystems} know. */
  public abstract String filepattern();

  abstract @Nullable PackBlocks packing();

  abstract String missingValueReason();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setFilepattern(String filepattern);

    abstract Builder setPacking(@Nullable PackBlocks packing);

    abstract Builder setMissingValueReason(String reason);

    abstract ReadParquetBlocks build();
  }

  /** Reads the Parquet files matching {@code filepattern}. */
  public static ReadParquetBlocks from(String filepattern) {
    if (filepattern == null || filepattern.isEmpty()) {
      throw new IllegalArgumentException("Expected a file pattern, got " + filepattern);
    }
    return new AutoValue_ReadParquetBlocks.Builder()
        .setFilepattern(filepattern)
        .setMissingValueReason(ReadCsvBlocks.DEFAULT_MISSING_VALUE_REASON)
        .build();
  }

  /** The columns and blocks to make, as {@code packing} packs rows; required. */
  public ReadParquetBlocks withPacking(PackBlocks packing) {
    if (packing == null) {
      throw new IllegalArgumentException("Expected a PackBlocks, got null");
    }
    return toBuilder().setPacking(packing).build();
  }

  /**
   * What the message of a missing value ends with, after {@code "In FILE, row N: column 'x' is
   * empty; "}; default {@value ReadCsvBlocks#DEFAULT_MISSING_VALUE_REASON}.
   */
  public ReadParquetBlocks withMissingValueReason(String reason) {
    if (reason == null || reason.isEmpty()) {
      throw new IllegalArgumentException("Expected a reason, got " + reason);
    }
    return toBuilder().setMissingValueReason(reason).build();
  }

  /**
   * True when rows of {@code schema} (as {@link ReadParquet#schema} gives it) packed by {@code
   * packing} can be read straight into blocks: as {@link ReadCsvBlocks#canRead}.
   */
  public static boolean canRead(Schema schema, PackBlocks packing) {
    return ReadCsvBlocks.canRead(schema, packing);
  }

  /**
   * The rows of the columns {@code packing} packs (the features or the vector column, the label,
   * the weight), read by {@link ReadParquet}: what a fit reads when {@link #canRead} says no.
   */
  public ReadParquet rows(PackBlocks packing) {
    List<String> columns = new ArrayList<>();
    if (packing.features().vectorCol() != null) {
      columns.add(packing.features().vectorCol());
    } else {
      columns.addAll(packing.features().featureCols());
    }
    if (packing.labelCol() != null) {
      columns.add(packing.labelCol());
    }
    if (packing.weightCol() != null) {
      columns.add(packing.weightCol());
    }
    return ReadParquet.from(filepattern())
        .withColumns(new ArrayList<>(new LinkedHashSet<>(columns)));
  }

  @Override
  public PCollection<Block> expand(PBegin input) {
    PackBlocks packing = packing();
    if (packing == null) {
      throw new IllegalArgumentException("ReadParquetBlocks needs withPacking(..)");
    }
    Schema schema = rows(packing).schema();
    if (!canRead(schema, packing)) {
      throw new IllegalArgumentException(
          "ReadParquetBlocks reads numeric feature, label and weight columns; "
              + packing.features()
              + (packing.labelCol() == null ? "" : ", label '" + packing.labelCol() + "'")
              + (packing.weightCol() == null ? "" : ", weight '" + packing.weightCol() + "'")
              + (packing.labelValues() == null ? "" : " with class label values")
              + " cannot be read from columns "
              + RecordFiles.describe(schema));
    }
    Spec spec =
        new Spec(
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
        .apply("Match", FileIO.match().filepattern(filepattern()))
        .apply("Row groups", ParDo.of(new RowGroupsFn(groups)))
        .setCoder(
            KvCoder.of(VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), OffsetRange.Coder.of())))
        .apply("Group row groups", GroupByKey.create())
        .apply("Read", ParDo.of(new ReadRowGroupsFn(spec)))
        .setCoder(BlockCoder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("filepattern", filepattern()))
        .addIfNotNull(
            DisplayData.item(
                "packing", packing() == null ? null : packing().features().toString()));
  }

  /** The columns a block carries. */
  record Spec(
      List<String> features,
      @Nullable String labelCol,
      @Nullable String weightCol,
      int blockSize,
      boolean unitNorm,
      String missingValueReason)
      implements java.io.Serializable {}

  /** A channel of {@code name} that can seek, which Parquet needs. */
  private static SeekableByteChannel channel(String name) throws IOException {
    ReadableByteChannel opened = FileSystems.open(FileSystems.matchNewResource(name, false));
    if (!(opened instanceof SeekableByteChannel seekable)) {
      opened.close();
      throw new IOException(
          "Cannot read " + name + " as Parquet: its file system cannot seek in it");
    }
    return seekable;
  }

  /** The Parquet reader of {@code name} over {@code channel}, which it leaves open. */
  private static ParquetFileReader reader(String name, SeekableByteChannel channel)
      throws IOException {
    try {
      return ParquetFileReader.open(new ReadParquet.ChannelInputFile(channel));
    } catch (IOException | RuntimeException e) {
      throw new IOException("Cannot read " + name + " as Parquet: " + e.getMessage(), e);
    }
  }

  /**
   * Emits each row group of each file as the range {@code [i, i + 1)} of its row group indices,
   * dealt round-robin into {@code groups} groups, one per worker of the pipeline's parallelism.
   */
  private static final class RowGroupsFn
      extends DoFn<MatchResult.Metadata, KV<Integer, KV<String, OffsetRange>>> {
    private final int groups;
    private transient int next;

    RowGroupsFn(int groups) {
      this.groups = groups;
    }

    @ProcessElement
    public void process(
        @Element MatchResult.Metadata file,
        OutputReceiver<KV<Integer, KV<String, OffsetRange>>> out)
        throws IOException {
      String name = file.resourceId().toString();
      int rowGroups;
      try (SeekableByteChannel channel = channel(name);
          ParquetFileReader reader = reader(name, channel)) {
        rowGroups = reader.getRowGroups().size();
      }
      for (int g = 0; g < rowGroups; g++) {
        out.output(KV.of(next++ % groups, KV.of(name, new OffsetRange(g, g + 1))));
      }
    }
  }

  /** Reads a group of row groups into blocks, on every core of the worker. */
  private static final class ReadRowGroupsFn extends ReadSplitsFn {
    private final Spec spec;

    ReadRowGroupsFn(Spec spec) {
      super(ReadParquet.ROWS_READ);
      this.spec = spec;
    }

    @Override
    void read(KV<String, OffsetRange> split, Consumer<Block> out) throws IOException {
      new RowGroupReader(spec, split.getKey()).read(split.getValue(), out::accept);
    }
  }

  /**
   * Reads row groups of one file into {@link DenseBlock}s, value by value from Parquet's column
   * readers (dictionary and plain pages alike), only the columns of the blocks.
   */
  static final class RowGroupReader {
    private final Spec spec;
    private final String file;
    private final int dimension;
    private final String[] names;
    private final double[] slots;

    /** The distinct columns of the slots, in slot order, and per slot its column. */
    private final List<String> columns;

    private final int[] columnOfSlot;
    private final double[] cells;
    private double[] values;
    private double[] labels;
    private double[] weights;
    private int rows;

    RowGroupReader(Spec spec, String file) {
      this.spec = spec;
      this.file = file;
      this.dimension = spec.features().size();
      List<String> slotNames = new ArrayList<>(spec.features());
      if (spec.labelCol() != null) {
        slotNames.add(spec.labelCol());
      }
      if (spec.weightCol() != null) {
        slotNames.add(spec.weightCol());
      }
      this.names = slotNames.toArray(new String[0]);
      this.slots = new double[names.length];
      // A column in two slots (a label that is also a feature) is read once: a row group's pages
      // of a column can be read by one reader only.
      this.columns = List.copyOf(new LinkedHashSet<>(slotNames));
      this.columnOfSlot = new int[names.length];
      for (int s = 0; s < names.length; s++) {
        columnOfSlot[s] = columns.indexOf(names[s]);
      }
      this.cells = new double[columns.size()];
    }

    /** Reads the row groups {@code [from, to)} of the file into blocks given to {@code out}. */
    void read(OffsetRange rowGroups, Consumer<DenseBlock> out) throws IOException {
      try (SeekableByteChannel channel = channel(file);
          ParquetFileReader reader = reader(file, channel)) {
        MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
        List<Type> fields = new ArrayList<>();
        for (String name : columns) {
          fields.add(column(fileSchema, name));
        }
        MessageType requested = new MessageType(fileSchema.getName(), fields);
        reader.setRequestedSchema(requested);
        String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
        List<BlockMetaData> groups = reader.getRowGroups();
        long firstRow = 0;
        for (int g = 0; g < rowGroups.getFrom(); g++) {
          firstRow += groups.get(g).getRowCount();
        }
        for (int g = (int) rowGroups.getFrom(); g < rowGroups.getTo(); g++) {
          PageReadStore pages = reader.readRowGroup(g);
          ColumnReadStoreImpl store =
              new ColumnReadStoreImpl(
                  pages,
                  new DummyRecordConverter(requested).getRootConverter(),
                  requested,
                  createdBy);
          int n = columns.size();
          ColumnReader[] readers = new ColumnReader[n];
          PrimitiveTypeName[] types = new PrimitiveTypeName[n];
          int[] maxDefinition = new int[n];
          for (int c = 0; c < n; c++) {
            ColumnDescriptor descriptor =
                requested.getColumnDescription(new String[] {columns.get(c)});
            readers[c] = store.getColumnReader(descriptor);
            types[c] = descriptor.getPrimitiveType().getPrimitiveTypeName();
            maxDefinition[c] = descriptor.getMaxDefinitionLevel();
          }
          long count = pages.getRowCount();
          startBlock();
          for (long r = 0; r < count; r++) {
            long row = firstRow + r + 1;
            for (int c = 0; c < n; c++) {
              ColumnReader column = readers[c];
              if (column.getCurrentDefinitionLevel() < maxDefinition[c]) {
                throw missing(row, columns.get(c), "is empty");
              }
              cells[c] =
                  switch (types[c]) {
                    case DOUBLE -> column.getDouble();
                    case FLOAT -> column.getFloat();
                    case INT32 -> column.getInteger();
                    case INT64 -> column.getLong();
                    default -> throw new IllegalStateException("Unexpected type " + types[c]);
                  };
              column.consume();
            }
            for (int s = 0; s < slots.length; s++) {
              slots[s] = cells[columnOfSlot[s]];
            }
            addRow(row);
            if (rows == spec.blockSize()) {
              out.accept(finishBlock());
              startBlock();
            }
          }
          if (rows > 0) {
            out.accept(finishBlock());
          }
          firstRow += count;
        }
      }
    }

    /** The top-level numeric column {@code name} of {@code schema}. */
    private Type column(MessageType schema, String name) {
      if (!schema.containsField(name)) {
        throw new IllegalArgumentException(
            "In " + file + ": there is no column '" + name + "' (the files changed?)");
      }
      Type type = schema.getType(name);
      boolean numeric =
          type.isPrimitive()
              && !type.isRepetition(Type.Repetition.REPEATED)
              && switch (type.asPrimitiveType().getPrimitiveTypeName()) {
                case DOUBLE, FLOAT, INT32, INT64 -> true;
                default -> false;
              };
      if (!numeric) {
        throw new IllegalArgumentException(
            "In " + file + ": column '" + name + "' has type " + type + ", not a number");
      }
      return type;
    }

    /** Checks the slots of a row and copies them into the block. */
    private void addRow(long row) {
      for (int s = 0; s < slots.length; s++) {
        if (Double.isNaN(slots[s])) {
          throw missing(row, names[s], "has value NaN, a missing value");
        }
        if (Double.isInfinite(slots[s])) {
          throw new IllegalArgumentException(
              where(row)
                  + "column '"
                  + names[s]
                  + "' has value "
                  + slots[s]
                  + "; beamlink reads finite numbers only");
        }
      }
      int base = rows * dimension;
      if (spec.unitNorm()) {
        DenseVector v = Vector.dense(Arrays.copyOf(slots, dimension));
        double norm = v.norm2();
        if (norm == 0.0) {
          throw new IllegalArgumentException(
              where(row)
                  + "the features "
                  + spec.features()
                  + " are a zero vector; cosine distance needs non-zero vectors");
        }
        v.scale(1.0 / norm).copyTo(values, base);
      } else {
        System.arraycopy(slots, 0, values, base, dimension);
      }
      if (labels != null) {
        labels[rows] = slots[dimension];
      }
      if (weights != null) {
        double w = slots[slots.length - 1];
        if (w < 0) {
          throw new IllegalArgumentException(
              where(row) + "weight column '" + spec.weightCol() + "' has negative value " + w);
        }
        weights[rows] = w;
      }
      rows++;
    }

    private void startBlock() {
      int n = spec.blockSize();
      values = new double[n * dimension];
      labels = spec.labelCol() != null ? new double[n] : null;
      weights = spec.weightCol() != null ? new double[n] : null;
      rows = 0;
    }

    private DenseBlock finishBlock() {
      if (rows == spec.blockSize()) {
        return DenseBlock.of(rows, dimension, values, labels, weights);
      }
      return DenseBlock.of(
          rows,
          dimension,
          Arrays.copyOf(values, rows * dimension),
          labels == null ? null : Arrays.copyOf(labels, rows),
          weights == null ? null : Arrays.copyOf(weights, rows));
    }

    private IllegalArgumentException missing(long row, String column, String what) {
      return new IllegalArgumentException(
          where(row) + "column '" + column + "' " + what + "; " + spec.missingValueReason());
    }

    private String where(long row) {
      return "In " + file + ", row " + row + ": ";
    }
  }
}
