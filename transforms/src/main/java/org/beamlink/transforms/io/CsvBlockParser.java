package org.beamlink.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.StringReader;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.Field;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.beamlink.models.linalg.DenseBlock;
import org.beamlink.models.linalg.DenseVector;
import org.beamlink.models.linalg.Vector;

/**
 * Parses the lines of one CSV file (after its header) into {@link DenseBlock}s of the numeric
 * feature, label and weight columns, from the bytes: plain decimals go from the buffer to the
 * block's arrays ({@link DecimalBytes}); other cells (empty, {@code NaN}, a typo, white space) and
 * lines with a quote are read as text by {@link ReadCsv}'s rules, so every value and every message
 * is the one {@link ReadCsv} gives. A row with a missing (empty or NaN) or infinite value in a
 * column it reads, or a negative weight, fails naming the file, the line, the column and the value.
 *
 * <pre>{@code
 * CsvBlockParser parser = new CsvBlockParser(spec, file, header);
 * parser.parse(lines, lineOfOffset, blocks::add);
 * }</pre>
 */
final class CsvBlockParser {
  /** What to read: the schema of the file's columns and the columns a block carries. */
  record Spec(
      Schema schema,
      Set<String> inferred,
      char delimiter,
      List<String> features,
      String labelCol,
      String weightCol,
      int blockSize,
      boolean unitNorm,
      String missingValueReason)
      implements java.io.Serializable {}

  private final Spec spec;
  private final String file;
  private final int cells;
  private final int dimension;

  /** Per cell of a line: the slot it fills (features, then label, then weight), or -1. */
  private final int[] slotOfCell;

  /** Per slot: its column in the schema, its cell, and whether its type was inferred. */
  private final Field[] fields;

  private final int[] cellOfSlot;
  private final boolean[] inferred;
  private final byte delimiter;
  private final int[] cellStarts;
  private final int[] cellEnds;
  private final double[] slots;

  /** Per slot: whether its cell was empty (its value is then NaN, as for a NaN cell). */
  private final boolean[] empty;

  private double[] values;
  private double[] labels;
  private double[] weights;
  private int rows;

  /**
   * A parser of the lines of {@code file}, whose header has the column names {@code header}.
   *
   * @throws IllegalArgumentException naming the file when the header lacks a column of the schema
   */
  CsvBlockParser(Spec spec, String file, List<String> header) {
    this.spec = spec;
    this.file = file;
    this.cells = header.size();
    this.dimension = spec.features().size();
    int slotCount =
        dimension + (spec.labelCol() != null ? 1 : 0) + (spec.weightCol() != null ? 1 : 0);
    String[] names = new String[slotCount];
    for (int j = 0; j < dimension; j++) {
      names[j] = spec.features().get(j);
    }
    if (spec.labelCol() != null) {
      names[dimension] = spec.labelCol();
    }
    if (spec.weightCol() != null) {
      names[slotCount - 1] = spec.weightCol();
    }
    Schema schema = spec.schema();
    int[] cellOfField = ReadCsv.cellsOfFields(schema, header);
    for (int f = 0; f < cellOfField.length; f++) {
      if (cellOfField[f] < 0) {
        throw new IllegalArgumentException(
            ReadResult.describe(file, 1, ReadCsv.noColumn(schema, header, f)));
      }
    }
    this.slotOfCell = new int[cells];
    Arrays.fill(slotOfCell, -1);
    this.fields = new Field[slotCount];
    this.cellOfSlot = new int[slotCount];
    this.inferred = new boolean[slotCount];
    for (int s = 0; s < slotCount; s++) {
      fields[s] = schema.getField(names[s]);
      cellOfSlot[s] = cellOfField[schema.indexOf(names[s])];
      slotOfCell[cellOfSlot[s]] = s;
      inferred[s] = spec.inferred().contains(names[s]);
    }
    this.delimiter = (byte) spec.delimiter();
    this.cellStarts = new int[cells];
    this.cellEnds = new int[cells];
    this.slots = new double[slotCount];
    this.empty = new boolean[slotCount];
  }

  /**
   * Parses every line of {@code lines} into blocks of up to {@code blockSize} rows, given to {@code
   * out} as they fill and the last one at the end. {@code lineOf} gives the line number of a byte
   * offset of the file, for messages.
   */
  void parse(RangeLines lines, LongUnaryOperator lineOf, Consumer<DenseBlock> out)
      throws IOException {
    startBlock();
    while (lines.next()) {
      byte[] b = lines.buffer();
      int from = lines.from();
      int to = lines.to();
      if (from == to) {
        continue;
      }
      if (hasQuote(b, from, to)) {
        parseText(new String(b, from, to - from, UTF_8), lines.offset(), lineOf);
      } else {
        parseBytes(b, from, to, lines.offset(), lineOf);
      }
      addRow(lines.offset(), lineOf);
      if (rows == spec.blockSize()) {
        out.accept(finishBlock());
        startBlock();
      }
    }
    if (rows > 0) {
      out.accept(finishBlock());
    }
  }

  private static boolean hasQuote(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '"') {
        return true;
      }
    }
    return false;
  }

  private void parseBytes(byte[] b, int from, int to, long offset, LongUnaryOperator lineOf) {
    int count = 0;
    int start = from;
    for (int i = from; i <= to; i++) {
      if (i == to || b[i] == delimiter) {
        if (count < cells) {
          cellStarts[count] = start;
          cellEnds[count] = i;
        }
        count++;
        start = i + 1;
      }
    }
    if (count != cells) {
      throw malformed(
          offset, lineOf, "expected " + cells + " cells as in the header, got " + count);
    }
    for (int s = 0; s < slots.length; s++) {
      int c = cellOfSlot[s];
      slots[s] = value(b, cellStarts[c], cellEnds[c], s, offset, lineOf);
    }
  }

  /** A line with a quote: split by commons-csv as {@link ReadCsv} splits it. */
  private void parseText(String line, long offset, LongUnaryOperator lineOf) throws IOException {
    List<String> cellTexts;
    try (CsvRecords records = new CsvRecords(new StringReader(line), spec.delimiter(), file)) {
      CsvRecords.Record record = records.next();
      cellTexts = record.cells();
    } catch (CsvRecords.SyntaxException e) {
      throw malformed(
          offset,
          lineOf,
          "the text does not parse as CSV, so the rest of the file is not read: " + e.getMessage());
    }
    if (cellTexts.size() != cells) {
      throw malformed(
          offset, lineOf, "expected " + cells + " cells as in the header, got " + cellTexts.size());
    }
    for (int s = 0; s < slots.length; s++) {
      slots[s] = textValue(cellTexts.get(cellOfSlot[s]), s, offset, lineOf);
    }
  }

  /** The value of slot {@code s} in {@code b[from, to)}: NaN for an empty cell. */
  private double value(byte[] b, int from, int to, int s, long offset, LongUnaryOperator lineOf) {
    TypeName type = fields[s].getType().getTypeName();
    if (type == TypeName.DOUBLE) {
      double v = DecimalBytes.parseDouble(b, from, to);
      if (!Double.isNaN(v)) {
        return v;
      }
    } else if (type == TypeName.INT64 && DecimalBytes.isPlainLong(b, from, to)) {
      return DecimalBytes.parseLong(b, from, to);
    } else if (type == TypeName.FLOAT) {
      double v = DecimalBytes.parseDouble(b, from, to);
      if (!Double.isNaN(v)) {
        return (float) v;
      }
    }
    return textValue(new String(b, from, to - from, UTF_8), s, offset, lineOf);
  }

  /**
   * The value of slot {@code s} in {@code cell} by {@link ReadCsv}'s rules; an empty cell is NaN
   * and marked {@link #empty}: {@link #addRow} names the first missing value of the row.
   */
  private double textValue(String cell, int s, long offset, LongUnaryOperator lineOf) {
    Object value;
    try {
      value = ReadCsv.value(cell, fields[s], inferred[s]);
    } catch (IllegalArgumentException e) {
      throw malformed(offset, lineOf, e.getMessage());
    }
    empty[s] = value == null;
    return value == null ? Double.NaN : ((Number) value).doubleValue();
  }

  /** Checks the slots of the row and copies them into the block. */
  private void addRow(long offset, LongUnaryOperator lineOf) {
    for (int s = 0; s < slots.length; s++) {
      if (Double.isNaN(slots[s])) {
        throw missing(offset, lineOf, s, empty[s] ? "is empty" : "has value NaN, a missing value");
      }
    }
    for (int c = 0; c < cells; c++) {
      int s = slotOfCell[c];
      if (s >= 0 && Double.isInfinite(slots[s])) {
        throw new IllegalArgumentException(
            where(offset, lineOf)
                + "column '"
                + fields[s].getName()
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
            where(offset, lineOf)
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
            where(offset, lineOf)
                + "weight column '"
                + spec.weightCol()
                + "' has negative value "
                + w);
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

  private IllegalArgumentException malformed(long offset, LongUnaryOperator lineOf, String error) {
    return new IllegalArgumentException(
        ReadResult.describe(file, lineOf.applyAsLong(offset), error));
  }

  private IllegalArgumentException missing(
      long offset, LongUnaryOperator lineOf, int s, String what) {
    return new IllegalArgumentException(
        where(offset, lineOf)
            + "column '"
            + fields[s].getName()
            + "' "
            + what
            + "; "
            + spec.missingValueReason());
  }

  private String where(long offset, LongUnaryOperator lineOf) {
    return "In " + file + ", line " + lineOf.applyAsLong(offset) + ": ";
  }
}
