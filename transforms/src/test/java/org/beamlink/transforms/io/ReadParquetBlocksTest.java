package org.beamlink.transforms.io;

import static org.beamlink.transforms.linear.LinearTestSupport.rootMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.beamlink.iteration.PackBlocks;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReadParquetBlocks} gives the blocks {@link PackBlocks} packs from {@link ReadParquet}'s
 * rows: the same values bit for bit, over files of many row groups, plain and dictionary pages, and
 * every numeric type; and the messages of a missing or infinite value, with the row in the file.
 */
class ReadParquetBlocksTest {
  @TempDir Path dir;

  /**
   * Columns of every numeric type (the long one nullable, without nulls), a repeating one (written
   * with a dictionary), a label, a weight, and a string the blocks do not read.
   */
  private static final Schema MIXED =
      SchemaBuilder.record("row")
          .fields()
          .requiredDouble("x")
          .requiredFloat("f")
          .requiredInt("i")
          .optionalLong("l")
          .requiredDouble("d")
          .requiredInt("label")
          .requiredDouble("w")
          .requiredString("s")
          .endRecord();

  /** Writes {@code records} to {@code name} in row groups of about {@code rowGroupBytes}. */
  private String write(String name, Schema schema, List<GenericRecord> records, long rowGroupBytes)
      throws IOException {
    Path file = dir.resolve(name);
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
            .withSchema(schema)
            .withConf(new Configuration(false))
            .withRowGroupSize(rowGroupBytes)
            .withPageSize(1024)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build()) {
      for (GenericRecord record : records) {
        writer.write(record);
      }
    }
    return file.toString();
  }

  private static List<GenericRecord> mixed(int rows, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<GenericRecord> records = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      GenericRecord record = new GenericData.Record(MIXED);
      record.put("x", Double.longBitsToDouble(random.nextLong() >>> 2));
      record.put("f", (float) random.nextGaussian());
      record.put("i", random.nextInt());
      record.put("l", random.nextLong(-1L << 52, 1L << 52));
      record.put("d", (double) random.nextInt(5) / 4);
      record.put("label", r % 2);
      record.put("w", 1.0 + random.nextInt(3));
      record.put("s", "row " + r);
      records.add(record);
    }
    return records;
  }

  /** The values of a record as the blocks should hold them, as text of bits. */
  private static String expected(GenericRecord r) {
    return bits(
        new double[] {
          (double) r.get("x"),
          (float) r.get("f"),
          (int) r.get("i"),
          (long) r.get("l"),
          (double) r.get("d")
        },
        (int) r.get("label"),
        (double) r.get("w"));
  }

  private static String bits(double[] features, double label, double weight) {
    StringBuilder s = new StringBuilder();
    for (double f : features) {
      s.append(Long.toHexString(Double.doubleToRawLongBits(f))).append(' ');
    }
    return s.append(Long.toHexString(Double.doubleToRawLongBits(label)))
        .append(' ')
        .append(Long.toHexString(Double.doubleToRawLongBits(weight)))
        .toString();
  }

  private static List<String> rowsOf(Block b) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < b.numRows(); i++) {
      rows.add(bits(b.row(i).toArray(), b.label(i), b.weight(i)));
    }
    return rows;
  }

  private static PackBlocks packing(int blockSize) {
    return PackBlocks.of(FeatureColumns.of(List.of("x", "f", "i", "l", "d")))
        .withLabelCol("label")
        .withWeightCol("w")
        .withBlockSize(blockSize);
  }

  private static int rowGroups(String file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(Path.of(file)))) {
      return reader.getRowGroups().size();
    }
  }

  /**
   * On both runners, two files of many row groups (blocks of 64 rows, which row groups cut short):
   * the rows of the blocks are the records' values bit for bit, as are those of ReadParquet's rows
   * packed by PackBlocks.
   */
  @BoundedRunnerTest
  void blocksHoldTheValuesOfPackedReadParquetRowsBitForBit(TestRunner runner) throws IOException {
    List<GenericRecord> first = mixed(1500, 3);
    List<GenericRecord> second = mixed(700, 4);
    String a = write("part-a.parquet", MIXED, first, 8 << 10);
    write("part-b.parquet", MIXED, second, 8 << 10);
    assertTrue(rowGroups(a) > 3, "row groups of the first file: " + rowGroups(a));
    List<String> expected = new ArrayList<>();
    first.forEach(r -> expected.add(expected(r)));
    second.forEach(r -> expected.add(expected(r)));
    String pattern = dir.resolve("part-*.parquet").toString();
    Pipeline p = runner.create();
    PCollection<Block> blocks =
        p.apply("Blocks", ReadParquetBlocks.from(pattern).withPacking(packing(64)));
    PCollection<Block> packed =
        p.apply("Rows", ReadParquet.from(pattern)).apply("Pack", packing(64));
    for (PCollection<Block> read : List.of(blocks, packed)) {
      PAssert.that(
              read.apply(
                  "Rows of " + read.getName(),
                  FlatMapElements.into(TypeDescriptors.strings())
                      .via(ReadParquetBlocksTest::rowsOf)))
          .containsInAnyOrder(expected);
    }
    runner.run(p);
  }

  private static final Schema XY =
      SchemaBuilder.record("row").fields().optionalDouble("x").requiredDouble("y").endRecord();

  private String writeXy(Double badX, int badRow) throws IOException {
    List<GenericRecord> records = new ArrayList<>();
    for (int r = 1; r <= 300; r++) {
      GenericRecord record = new GenericData.Record(XY);
      record.put("x", r == badRow ? badX : (Double) (r * 0.5));
      record.put("y", (double) r);
      records.add(record);
    }
    return write("xy.parquet", XY, records, 1 << 10);
  }

  private static String blocksMessage(String file) {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(
        ReadParquetBlocks.from(file)
            .withPacking(PackBlocks.of(FeatureColumns.of(List.of("x", "y")))));
    return rootMessage(assertThrows(RuntimeException.class, () -> TestRunner.DIRECT.run(p)));
  }

  /** A null, in a later row group: the file, its row in the file, the column and the reason. */
  @Test
  void aNullNamesTheFileRowAndColumn() throws IOException {
    String file = writeXy(null, 250);
    assertTrue(rowGroups(file) > 1, "row groups: " + rowGroups(file));
    assertEquals(
        "In "
            + file
            + ", row 250: column 'x' is empty; "
            + ReadCsvBlocks.DEFAULT_MISSING_VALUE_REASON,
        blocksMessage(file));
  }

  @Test
  void aNanIsAMissingValue() throws IOException {
    String file = writeXy(Double.NaN, 7);
    assertEquals(
        "In "
            + file
            + ", row 7: column 'x' has value NaN, a missing value; "
            + ReadCsvBlocks.DEFAULT_MISSING_VALUE_REASON,
        blocksMessage(file));
  }

  @Test
  void anInfinityIsRefused() throws IOException {
    String file = writeXy(Double.NEGATIVE_INFINITY, 300);
    assertEquals(
        "In "
            + file
            + ", row 300: column 'x' has value -Infinity; beamlink reads finite numbers only",
        blocksMessage(file));
  }

  @Test
  void aTextFeatureColumnIsRefusedWhenThePipelineIsBuilt() throws IOException {
    String file = write("mixed.parquet", MIXED, mixed(10, 1), 1 << 20);
    Pipeline p = TestRunner.DIRECT.create();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                p.apply(
                    ReadParquetBlocks.from(file)
                        .withPacking(PackBlocks.of(FeatureColumns.of(List.of("x", "s"))))));
    assertTrue(e.getMessage().contains("cannot be read from columns"), e.getMessage());
    assertTrue(ReadParquetBlocks.canRead(ReadParquet.from(file).schema(), packing(10)));
  }
}
