package org.beamlink.examples.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.LogicalTypes;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on Parquet and Avro input: the same results as on CSV, and errors by file. */
class InputOptionsTest {
  private static final String IRIS_CSV = Path.of("data/iris.csv").toAbsolutePath().toString();
  private static final String IRIS_PARQUET =
      Path.of("data/iris.parquet").toAbsolutePath().toString();
  private static final String IRIS_AVRO = Path.of("data/iris.avro").toAbsolutePath().toString();
  private static final String BREAST_CANCER =
      Path.of("../transforms/src/test/resources/linear/breast_cancer.csv")
          .toAbsolutePath()
          .normalize()
          .toString();

  @TempDir Path dir;

  @Test
  void formatIsTheExtensionOfTheFileOrPattern() {
    assertEquals(InputOptions.Format.PARQUET, InputOptions.Format.of("data/*.parquet"));
    assertEquals(InputOptions.Format.PARQUET, InputOptions.Format.of("/d/PART-1.Parquet"));
    assertEquals(InputOptions.Format.AVRO, InputOptions.Format.of("gs://b/x-*.avro"));
    assertEquals(InputOptions.Format.CSV, InputOptions.Format.of("data.csv.gz"));
    assertEquals(InputOptions.Format.CSV, InputOptions.Format.of("data/part-*"));
  }

  @Test
  void statsOnParquetAndAvroPrintsTheNumbersOfStatsOnCsv() {
    CommandLineRun csv = CommandLineRun.of("stats", "-i", IRIS_CSV, "--runner=DirectRunner");
    assertEquals(0, csv.code(), csv.err());
    for (String file : new String[] {IRIS_PARQUET, IRIS_AVRO}) {
      CommandLineRun run = CommandLineRun.of("stats", "-i", file, "--runner=DirectRunner");
      assertEquals(0, run.code(), run.err());
      assertEquals(csv.out(), run.out());
      assertThat(run.err(), containsString("stats: 150 rows read in "));
    }
  }

  @Test
  void kmeansOnParquetFindsTheClustersOfCsvOnFlink() {
    CommandLineRun csv = kmeans(IRIS_CSV);
    assertEquals(0, csv.code(), csv.err());
    CommandLineRun parquet = kmeans(IRIS_PARQUET);
    assertEquals(0, parquet.code(), parquet.err());
    assertEquals(csv.out(), parquet.out());
    assertThat(parquet.out(), containsString("over 150 rows"));
  }

  private static CommandLineRun kmeans(String input) {
    return CommandLineRun.of(
        "kmeans",
        "--input",
        input,
        "--k",
        "2",
        "--features",
        "petal_length,petal_width",
        "--quiet",
        "--flinkMaster=[auto]",
        "--parallelism=1");
  }

  /** The objective at scikit-learn's optimum, as in TrainCommandTest (linear_reference.json). */
  @Test
  void trainLogregOnParquetReachesScikitLearnsOptimum() throws IOException {
    Path parquet = dir.resolve("breast_cancer.parquet");
    writeParquetOf(Path.of(BREAST_CANCER), parquet);
    CommandLineRun run =
        CommandLineRun.of(
            "train",
            "logreg",
            "--input",
            parquet.toString(),
            "--label",
            "label",
            "--l2",
            "0.01",
            "--tol",
            "1e-12",
            "--max-iter",
            "500",
            "--json",
            "--quiet",
            "--runner=DirectRunner");
    assertEquals(0, run.code(), run.err());
    assertThat(run.out(), containsString("\"rows\":569"));
    Matcher loss = Pattern.compile("\"loss\":([0-9.eE-]+)").matcher(run.out());
    assertEquals(true, loss.find(), run.out());
    assertEquals(0.09963845979804115, Double.parseDouble(loss.group(1)), 1e-9);
  }

  @Test
  void trainPipelineAndPredictOnParquetWriteWhatTheyWriteOnCsv() throws IOException {
    Path model = dir.resolve("m.blm");
    CommandLineRun train =
        CommandLineRun.of(
            "train",
            "--pipeline",
            "standard-scaler,kmeans=3",
            "--input",
            IRIS_PARQUET,
            "--model",
            model.toString(),
            "--quiet",
            "--runner=DirectRunner");
    assertEquals(0, train.code(), train.err());
    Path fromCsv = dir.resolve("csv.csv");
    Path fromParquet = dir.resolve("parquet.csv");
    for (String[] io :
        new String[][] {{IRIS_CSV, fromCsv.toString()}, {IRIS_PARQUET, fromParquet.toString()}}) {
      CommandLineRun predict =
          CommandLineRun.of(
              "predict",
              "--model",
              model.toString(),
              "--input",
              io[0],
              "--output",
              io[1],
              "--quiet",
              "--runner=DirectRunner");
      assertEquals(0, predict.code(), predict.err());
    }
    List<String> csvLines = Files.readAllLines(fromCsv);
    List<String> parquetLines = Files.readAllLines(fromParquet);
    assertEquals(151, parquetLines.size());
    assertEquals(csvLines.get(0), parquetLines.get(0));
    assertEquals(sorted(csvLines), sorted(parquetLines));
  }

  private static List<String> sorted(List<String> lines) {
    List<String> copy = new ArrayList<>(lines);
    copy.sort(null);
    return copy;
  }

  @Test
  void aMissingFileIsNamed() {
    String missing = dir.resolve("nope.parquet").toString();
    CommandLineRun run = CommandLineRun.of("stats", "-i", missing, "--runner=DirectRunner");
    assertEquals(1, run.code());
    assertThat(run.err(), containsString("No file matches --input " + missing));
  }

  @Test
  void aFileThatIsNotParquetIsNamed() throws IOException {
    Path file = dir.resolve("data.parquet");
    Files.copy(Path.of(IRIS_CSV), file);
    CommandLineRun run = CommandLineRun.of("stats", "-i", file.toString(), "--runner=DirectRunner");
    assertEquals(1, run.code());
    assertThat(run.err(), containsString("Cannot read " + file + " as Parquet: "));
  }

  @Test
  void anInfinityIsNamedByFileAndRowAndAnUnreadableColumnOnlyWhenAskedFor() throws IOException {
    Path file = writeWithTimestamp(Double.POSITIVE_INFINITY);
    CommandLineRun stats =
        CommandLineRun.of("stats", "-i", file.toString(), "--runner=DirectRunner");
    // stats summarizes the numeric columns it can read; 'at' is a timestamp.
    assertEquals(1, stats.code(), stats.out());
    assertThat(
        stats.err(),
        containsString(
            "In "
                + file
                + ", row 3: column 'x' has value Infinity; beamlink reads finite numbers"));
    CommandLineRun asked =
        CommandLineRun.of(
            "kmeans",
            "-i",
            file.toString(),
            "--k",
            "2",
            "--features",
            "x,at",
            "--runner=DirectRunner");
    assertEquals(1, asked.code());
    assertThat(
        asked.err(),
        containsString(
            "In "
                + file
                + ": column 'at' has type long with logical type timestamp-millis, which beamlink"
                + " cannot read"));
  }

  /** kmeans reads the numeric feature of Parquet straight into blocks, with the same message. */
  @Test
  void kmeansNamesAnInfiniteFeatureByFileAndRow() throws IOException {
    Path file = writeWithTimestamp(Double.NEGATIVE_INFINITY);
    CommandLineRun run =
        CommandLineRun.of(
            "kmeans",
            "-i",
            file.toString(),
            "--k",
            "2",
            "--features",
            "x",
            "--runner=DirectRunner");
    assertEquals(1, run.code(), run.out());
    assertThat(
        run.err(),
        containsString(
            "In "
                + file
                + ", row 3: column 'x' has value -Infinity; beamlink reads finite numbers only"));
  }

  @Test
  void aFeatureColumnTheFileLacksIsNamedWithTheFile() throws IOException {
    Path file = writeWithTimestamp(1.0);
    CommandLineRun stats =
        CommandLineRun.of("stats", "-i", file.toString(), "--runner=DirectRunner");
    assertEquals(0, stats.code(), stats.err());
    assertThat(stats.out(), containsString("x  "));
    CommandLineRun run =
        CommandLineRun.of(
            "kmeans",
            "-i",
            file.toString(),
            "--k",
            "2",
            "--features",
            "x,nope",
            "--runner=DirectRunner");
    assertEquals(1, run.code());
    assertThat(
        run.err(),
        containsString("In " + file + ": there is no column 'nope'; the file has [x, at]"));
  }

  @Test
  void schemaIsRefusedForParquet() {
    CommandLineRun run =
        CommandLineRun.of("stats", "-i", IRIS_PARQUET, "--schema", "species:string");
    assertEquals(1, run.code());
    assertThat(run.err(), containsString("--schema declares the types of CSV columns; PARQUET"));
  }

  /** A Parquet file of 4 rows: a double x (the third {@code third}) and a timestamp at. */
  private Path writeWithTimestamp(double third) throws IOException {
    org.apache.avro.Schema timestamp =
        LogicalTypes.timestampMillis()
            .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG));
    org.apache.avro.Schema schema =
        SchemaBuilder.record("r")
            .fields()
            .requiredDouble("x")
            .name("at")
            .type(timestamp)
            .noDefault()
            .endRecord();
    List<GenericRecord> records = new ArrayList<>();
    double[] xs = {1.0, 2.0, third, 4.0};
    for (int i = 0; i < xs.length; i++) {
      GenericRecord r = new GenericData.Record(schema);
      r.put("x", xs[i]);
      r.put("at", 1_700_000_000_000L + i);
      records.add(r);
    }
    Path file = dir.resolve("stamped.parquet");
    write(file, schema, records);
    return file;
  }

  /**
   * Writes the CSV {@code csv} (a header, numbers only) as Parquet: a column of integers as long,
   * any other as double, as ReadCsv types them.
   */
  private static void writeParquetOf(Path csv, Path parquet) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    String[] header = lines.get(0).split(",");
    boolean[] integral = new boolean[header.length];
    java.util.Arrays.fill(integral, true);
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      for (int c = 0; c < header.length; c++) {
        integral[c] &= cells[c].matches("-?[0-9]+");
      }
    }
    SchemaBuilder.FieldAssembler<org.apache.avro.Schema> fields =
        SchemaBuilder.record("r").fields();
    for (int c = 0; c < header.length; c++) {
      fields = integral[c] ? fields.requiredLong(header[c]) : fields.requiredDouble(header[c]);
    }
    org.apache.avro.Schema schema = fields.endRecord();
    List<GenericRecord> records = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      GenericRecord r = new GenericData.Record(schema);
      for (int c = 0; c < header.length; c++) {
        r.put(c, integral[c] ? (Object) Long.parseLong(cells[c]) : Double.parseDouble(cells[c]));
      }
      records.add(r);
    }
    write(parquet, schema, records);
  }

  private static void write(Path file, org.apache.avro.Schema schema, List<GenericRecord> records)
      throws IOException {
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
            .withSchema(schema)
            .withConf(new Configuration(false))
            .build()) {
      for (GenericRecord r : records) {
        writer.write(r);
      }
    }
  }
}
