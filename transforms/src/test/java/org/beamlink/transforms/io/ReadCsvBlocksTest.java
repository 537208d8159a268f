package org.beamlink.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.beamlink.transforms.linear.LinearTestSupport.rootMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamlink.iteration.PackBlocks;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DenseBlock;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReadCsvBlocks} gives the blocks {@link PackBlocks} packs from {@link ReadCsv}'s rows: the
 * same values bit for bit (the reference is {@link Double#parseDouble} of each cell's text), on
 * every split of a file into ranges; and {@link ReadCsv}'s messages for malformed records.
 */
class ReadCsvBlocksTest {
  @TempDir Path dir;

  private String write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, UTF_8);
    return file.toString();
  }

  /**
   * A file with what a numeric CSV may hold: full-precision doubles, integers, exponents, signs,
   * CRLF line ends, empty lines, a quoted number, a line without a final line break.
   */
  private static String mixedCsv(int rows, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder("x,y,label,w\r\n");
    for (int i = 0; i < rows; i++) {
      String x =
          switch (i % 5) {
            case 0 -> Double.toString(random.nextDouble());
            case 1 -> String.format(Locale.ROOT, "%.4f", random.nextGaussian() * 100);
            case 2 -> String.format(Locale.ROOT, "%e", random.nextGaussian() * 1e-5);
            case 3 -> Long.toString(random.nextLong(-1_000_000, 1_000_000));
            default -> "\"" + Double.toString(-random.nextDouble() * 1e12) + "\"";
          };
      String y = Double.toString(Double.longBitsToDouble(random.nextLong() >>> 2));
      text.append(x).append(',').append(y).append(',').append(i % 2).append(',');
      text.append(random.nextInt(1, 4));
      text.append(i % 7 == 0 ? "\r\n" : "\n");
      if (i % 11 == 0) {
        text.append(i % 2 == 0 ? "\n" : "\r\n");
      }
    }
    return text.substring(0, text.length() - 1);
  }

  /** Every data row of a CSV file as text of bits: x, y, label, weight by Double.parseDouble. */
  private static List<String> expectedRows(String text) {
    List<String> rows = new ArrayList<>();
    String[] lines = text.split("\r?\n");
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      String[] cells = lines[i].replace("\"", "").split(",");
      double[] v = new double[cells.length];
      for (int c = 0; c < cells.length; c++) {
        v[c] = Double.parseDouble(cells[c]);
      }
      rows.add(bits(new double[] {v[0], v[1]}, v[2], v[3]));
    }
    return rows;
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
    return PackBlocks.of(FeatureColumns.of(List.of("x", "y")))
        .withLabelCol("label")
        .withWeightCol("w")
        .withBlockSize(blockSize);
  }

  /**
   * On both runners, the file cut into ranges of 97 bytes (most split points mid-line) and whole:
   * the rows of the blocks equal Double.parseDouble's values bit for bit, as do those of ReadCsv's
   * rows packed by PackBlocks.
   */
  @BoundedRunnerTest
  void blocksHoldTheValuesOfPackedReadCsvRowsBitForBit(TestRunner runner) throws IOException {
    String text = mixedCsv(400, 3);
    String file = write("mixed.csv", text);
    List<String> expected = expectedRows(text);
    assertEquals(400, expected.size());
    Pipeline p = runner.create();
    ReadCsv csv = ReadCsv.from(file);
    PCollection<Block> split =
        p.apply("Split", ReadCsvBlocks.from(csv).withPacking(packing(64)).withRangeBytes(97));
    PCollection<Block> whole = p.apply("Whole", ReadCsvBlocks.from(csv).withPacking(packing(64)));
    PCollection<Block> packed = p.apply("Rows", csv).apply("Pack", packing(64));
    for (PCollection<Block> blocks : List.of(split, whole, packed)) {
      PAssert.that(
              blocks.apply(
                  "Rows of " + blocks.getName(),
                  FlatMapElements.into(TypeDescriptors.strings()).via(ReadCsvBlocksTest::rowsOf)))
          .containsInAnyOrder(expected);
    }
    runner.run(p);
  }

  /** One range and one block: the block equals PackBlocks' block of the same rows, as a whole. */
  @Test
  void oneRangeGivesThePackedBlock() throws IOException {
    String text = "a,b,c\n1.5,2,-3e2\n\n4,5.25,6\n";
    String file = write("small.csv", text);
    CsvBlockParser.Spec spec = spec(ReadCsv.from(file).withInferredSchema(), List.of("a", "b"));
    List<DenseBlock> blocks = parse(spec, file, text, 0, text.length());
    assertEquals(1, blocks.size());
    DenseBlock expected =
        DenseBlock.of(2, 2, new double[] {1.5, 2, 4, 5.25}, new double[] {-300, 6}, null);
    assertEquals(expected.contentHash(), blocks.get(0).contentHash());
  }

  private static CsvBlockParser.Spec spec(ReadCsv csv, List<String> features) {
    List<String> names = csv.schema().getFieldNames();
    return new CsvBlockParser.Spec(
        csv.schema(),
        csv.inferredColumns(),
        ',',
        features,
        names.get(features.size()),
        null,
        4096,
        false,
        ReadCsvBlocks.DEFAULT_MISSING_VALUE_REASON);
  }

  /**
   * Parses the lines beginning in {@code [start, end)} of {@code text} (header ends at the first
   * \n).
   */
  private static List<DenseBlock> parse(
      CsvBlockParser.Spec spec, String file, String text, long start, long end) throws IOException {
    byte[] bytes = text.getBytes(UTF_8);
    int headerEnd = text.indexOf('\n') + 1;
    List<String> header = List.of(text.substring(0, headerEnd).strip().split(","));
    long from = Math.max(start, headerEnd);
    long inOffset = from == headerEnd ? from : from - 1;
    List<DenseBlock> blocks = new ArrayList<>();
    if (from >= end) {
      return blocks;
    }
    ByteArrayInputStream in =
        new ByteArrayInputStream(bytes, (int) inOffset, bytes.length - (int) inOffset);
    new CsvBlockParser(spec, file, header)
        .parse(
            RangeLines.open(in, inOffset, from, end),
            offset -> 1 + text.substring(0, (int) offset).chars().filter(c -> c == '\n').count(),
            blocks::add);
    return blocks;
  }

  /** Every split point of a file into two ranges reads every line once. */
  @Test
  void everySplitPointReadsEachLineOnce() throws IOException {
    String text = "a,b,c\n1,2,3\r\n\n44,55,66\n7.5,8.5,9.5";
    String file = write("lines.csv", text);
    CsvBlockParser.Spec spec = spec(ReadCsv.from(file).withInferredSchema(), List.of("a", "b"));
    for (int cut = 0; cut <= text.length(); cut++) {
      List<String> rows = new ArrayList<>();
      for (DenseBlock b : parse(spec, file, text, 0, cut)) {
        rows.addAll(rowsOf(b));
      }
      for (DenseBlock b : parse(spec, file, text, cut, text.length())) {
        rows.addAll(rowsOf(b));
      }
      assertEquals(3, rows.size(), "cut at " + cut + ": " + rows);
      assertEquals(
          List.of(
              bits(new double[] {1, 2}, 3, 1),
              bits(new double[] {44, 55}, 66, 1),
              bits(new double[] {7.5, 8.5}, 9.5, 1)),
          rows,
          "cut at " + cut);
    }
  }

  /** The message ReadCsv gives for {@code text}, run on the DirectRunner. */
  private String readCsvMessage(String file) {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(ReadCsv.from(file));
    return rootMessage(assertThrows(RuntimeException.class, () -> TestRunner.DIRECT.run(p)));
  }

  private String blocksMessage(String file, long rangeBytes) {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(
        ReadCsvBlocks.from(ReadCsv.from(file))
            .withPacking(PackBlocks.of(FeatureColumns.of(List.of("x", "y"))))
            .withRangeBytes(rangeBytes));
    return rootMessage(assertThrows(RuntimeException.class, () -> TestRunner.DIRECT.run(p)));
  }

  /** A typo in a numeric column, in the second range of the file: ReadCsv's message exactly. */
  @Test
  void aValueThatIsNotANumberGivesReadCsvsMessage() throws IOException {
    StringBuilder text = new StringBuilder("x,y\n");
    for (int i = 0; i < 60; i++) {
      text.append(i).append(".5,").append(i).append('\n');
    }
    text.append("1.5,2..5\n");
    String file = write("typo.csv", text.toString());
    String expected =
        "Malformed record in "
            + file
            + ", line 62: column 'y' has value '2..5'; expected an integer (INT64), as most values"
            + " of the column are; if the column is text, declare it so (ReadCsv.withColumnType,"
            + " or --schema y:string in the beamlink command line)";
    assertEquals(expected, readCsvMessage(file));
    assertEquals(expected, blocksMessage(file, 100));
  }

  @Test
  void aLineWithTooFewCellsGivesReadCsvsMessage() throws IOException {
    String file = write("short.csv", "x,y\n1,2\r\n3\r\n");
    String expected =
        "Malformed record in " + file + ", line 3: expected 2 cells as in the header, got 1";
    assertEquals(expected, readCsvMessage(file));
    assertEquals(expected, blocksMessage(file, 1 << 20));
  }

  @Test
  void missingAndInfiniteValuesNameFileLineAndColumn() throws IOException {
    String empty = write("empty-cell.csv", "x,y\n1,2\n3,\n");
    assertEquals(
        "In "
            + empty
            + ", line 3: column 'y' is empty; training needs a value in every feature, label and"
            + " weight column",
        blocksMessage(empty, 5));
    String nan = write("nan.csv", "x,y\n1,2\nNaN,4\n");
    assertEquals(
        "In "
            + nan
            + ", line 3: column 'x' has value NaN, a missing value; training needs a value in every"
            + " feature, label and weight column",
        blocksMessage(nan, 1 << 20));
    String inf = write("inf.csv", "x,y\n1,2\n\n3,-inf\n");
    assertEquals(
        "In "
            + inf
            + ", line 4: column 'y' has value -Infinity; beamlink reads finite numbers only",
        blocksMessage(inf, 1 << 20));
  }

  /** As ReadCsv when the pipeline is built: no header to take the columns from. */
  @Test
  void anEmptyFileFailsAsReadCsvDoes() throws IOException {
    String file = write("empty.csv", "");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TestRunner.DIRECT
                    .create()
                    .apply(
                        ReadCsvBlocks.from(ReadCsv.from(file))
                            .withPacking(PackBlocks.of(FeatureColumns.of(List.of("x"))))));
    assertEquals(
        "Every file matching "
            + file
            + " is empty: there is no header to infer the schema from (pass withSchema)",
        e.getMessage());
  }

  @Test
  void canReadNumericColumnsOnly() throws IOException {
    String file = write("iris-like.csv", "a,b,species\n1,2,setosa\n");
    var schema = ReadCsv.from(file).withInferredSchema().schema();
    assertTrue(ReadCsvBlocks.canRead(schema, PackBlocks.of(FeatureColumns.of(List.of("a", "b")))));
    assertFalse(
        ReadCsvBlocks.canRead(
            schema, PackBlocks.of(FeatureColumns.of(List.of("a"))).withLabelCol("species")));
    assertFalse(ReadCsvBlocks.canRead(schema, PackBlocks.of(FeatureColumns.ofVector("a"))));
  }

  /**
   * Plain decimals parse to Double.parseDouble's double, bit for bit: every number of the test data
   * sets under src/test/resources and a million generated values of every form.
   */
  @Test
  void decimalBytesEqualDoubleParseDouble() throws IOException, URISyntaxException {
    List<String> texts = new ArrayList<>();
    for (String resource :
        List.of(
            "/clustering/iris.csv",
            "/linear/breast_cancer.csv",
            "/linear/diabetes.csv",
            "/linear/digits.csv")) {
      Path path = Path.of(ReadCsvBlocksTest.class.getResource(resource).toURI());
      for (String line : Files.readAllLines(path)) {
        for (String cell : line.split(",")) {
          if (NumberText.kind(cell) != NumberText.Kind.NOT_A_NUMBER) {
            texts.add(cell);
          }
        }
      }
    }
    assertTrue(texts.size() > 100_000, "numbers in the data sets: " + texts.size());
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 1_000_000; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      texts.add(
          switch (i % 4) {
            case 0 -> Double.toString(Double.isFinite(d) ? d : 0.0);
            case 1 -> Double.toString(random.nextDouble());
            case 2 -> String.format(Locale.ROOT, "%.17g", random.nextGaussian());
            default -> String.format(Locale.ROOT, "%.6f", random.nextGaussian() * 1e6);
          });
    }
    texts.addAll(List.of("1.", ".5", "-0", "+7", "1e308", "1e309", "4.9e-324", "2e-324", "0e0"));
    for (String text : texts) {
      byte[] bytes = ("x" + text + "y").getBytes(UTF_8);
      double parsed = DecimalBytes.parseDouble(bytes, 1, bytes.length - 1);
      assertEquals(
          Double.doubleToRawLongBits(Double.parseDouble(text)),
          Double.doubleToRawLongBits(parsed),
          text);
    }
  }

  @Test
  void notPlainDecimalsAreLeftToTheTextRules() {
    for (String text :
        List.of("", " 1", "1 ", "NaN", "inf", "1d", "0x1p3", "1e", ".", "-", "1..2")) {
      byte[] bytes = text.getBytes(UTF_8);
      assertTrue(Double.isNaN(DecimalBytes.parseDouble(bytes, 0, bytes.length)), text);
    }
  }
}
