package org.beamlink.transforms.io;

import static org.beamlink.transforms.io.ReadCsvTest.messages;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadParquetTest {
  /** The schema of the iris fixtures: four required doubles and a required string. */
  static final Schema IRIS =
      Schema.builder()
          .addDoubleField("sepal_length")
          .addDoubleField("sepal_width")
          .addDoubleField("petal_length")
          .addDoubleField("petal_width")
          .addStringField("species")
          .build();

  @TempDir Path dir;

  static String resource(String name) {
    return ReadParquetTest.class.getResource(name).getPath();
  }

  /** The 150 rows of clustering/iris.csv, the CSV the fixtures were written from. */
  static List<Row> irisFromCsv(Schema schema) throws IOException {
    List<String> lines = Files.readAllLines(Path.of(resource("/clustering/iris.csv")));
    List<Row> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      rows.add(
          Row.withSchema(schema)
              .addValues(
                  Double.parseDouble(c[0]),
                  Double.parseDouble(c[1]),
                  Double.parseDouble(c[2]),
                  Double.parseDouble(c[3]),
                  c[4])
              .build());
    }
    return rows;
  }

  @BoundedRunnerTest
  void readsIrisWithTheValuesOfItsCsv(TestRunner runner) throws IOException {
    ReadParquet read = ReadParquet.from(resource("/io/iris.parquet"));
    assertEquals(IRIS, read.schema());
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(read);
    PAssert.that(rows).containsInAnyOrder(irisFromCsv(IRIS));
    runner.run(p);
  }

  /** A file with a column of each readable type, one nullable, and a timestamp and bytes. */
  private String writeMixed(String name) throws IOException {
    org.apache.avro.Schema timestamp =
        LogicalTypes.timestampMillis()
            .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG));
    org.apache.avro.Schema schema =
        SchemaBuilder.record("mixed")
            .fields()
            .requiredBoolean("b")
            .requiredInt("i")
            .requiredLong("l")
            .requiredFloat("f")
            .requiredDouble("d")
            .requiredString("s")
            .optionalDouble("maybe")
            .name("at")
            .type(timestamp)
            .noDefault()
            .requiredBytes("blob")
            .endRecord();
    List<GenericRecord> records = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      GenericRecord record = new GenericData.Record(schema);
      record.put("b", r % 2 == 0);
      record.put("i", r);
      record.put("l", 10_000_000_000L + r);
      record.put("f", r + 0.5f);
      record.put("d", r * 1.25);
      record.put("s", "row " + r);
      record.put("maybe", r == 1 ? null : r * 2.0);
      record.put("at", 1_700_000_000_000L + r);
      record.put("blob", ByteBuffer.wrap(new byte[] {(byte) r}));
      records.add(record);
    }
    Path file = dir.resolve(name);
    if (name.endsWith(".parquet")) {
      ColumnarFiles.writeParquet(file, schema, records);
    } else {
      ColumnarFiles.writeAvro(file, schema, records);
    }
    return file.toString();
  }

  static final Schema READABLE =
      Schema.builder()
          .addBooleanField("b")
          .addInt32Field("i")
          .addInt64Field("l")
          .addFloatField("f")
          .addDoubleField("d")
          .addStringField("s")
          .addNullableField("maybe", FieldType.DOUBLE)
          .build();

  static List<Row> readableRows() {
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      rows.add(
          Row.withSchema(READABLE)
              .addValues(
                  r % 2 == 0,
                  r,
                  10_000_000_000L + r,
                  r + 0.5f,
                  r * 1.25,
                  "row " + r,
                  r == 1 ? null : r * 2.0)
              .build());
    }
    return rows;
  }

  @Test
  void mapsTypesAsAvroUtilsAndReadsOnlyTheColumnsAskedFor() throws IOException {
    String file = writeMixed("mixed.parquet");
    ReadParquet read = ReadParquet.from(file).withColumns(READABLE.getFieldNames());
    assertEquals(READABLE, read.schema());
    // The timestamp and the bytes are not read: no error although beamlink cannot read them.
    Pipeline p = TestRunner.DIRECT.create();
    PAssert.that(p.apply(read)).containsInAnyOrder(readableRows());
    TestRunner.DIRECT.run(p);
  }

  @Test
  void readsColumnsInTheOrderNamed() throws IOException {
    String file = writeMixed("mixed.parquet");
    Schema schema = Schema.builder().addStringField("s").addInt32Field("i").build();
    Pipeline p = TestRunner.DIRECT.create();
    PAssert.that(p.apply(ReadParquet.from(file).withColumns("s", "i")))
        .containsInAnyOrder(
            Row.withSchema(schema).addValues("row 0", 0).build(),
            Row.withSchema(schema).addValues("row 1", 1).build(),
            Row.withSchema(schema).addValues("row 2", 2).build());
    TestRunner.DIRECT.run(p);
  }

  @Test
  void refusesAColumnOfATypeItCannotReadNamingFileColumnAndType() throws IOException {
    String file = writeMixed("mixed.parquet");
    IllegalArgumentException all =
        assertThrows(IllegalArgumentException.class, () -> ReadParquet.from(file).schema());
    assertThat(
        all.getMessage(),
        containsString(
            "In "
                + file
                + ": column 'at' has type long with logical type timestamp-millis, which beamlink"
                + " cannot read; it reads boolean, int, long, float, double and string columns,"
                + " nullable or not (name the columns to read to leave it out: withColumns)"));
    IllegalArgumentException named =
        assertThrows(
            IllegalArgumentException.class,
            () -> Pipeline.create().apply(ReadParquet.from(file).withColumns("d", "blob")));
    assertThat(named.getMessage(), containsString("column 'blob' has type bytes"));
  }

  @Test
  void refusesAMissingColumnNamingTheFileAndItsColumns() throws IOException {
    String file = writeMixed("mixed.parquet");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ReadParquet.from(file).withColumns("d", "nope").schema());
    assertEquals(
        "In "
            + file
            + ": there is no column 'nope'; the file has [b, i, l, f, d, s, maybe, at, blob]",
        e.getMessage());
  }

  @Test
  void refusesAFileThatIsNotParquet() throws IOException {
    Path file = dir.resolve("data.parquet");
    Files.writeString(file, "x,y\n1,2\n", StandardCharsets.UTF_8);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ReadParquet.from(file.toString()).schema());
    assertThat(e.getMessage(), containsString("Cannot read " + file + " as Parquet: "));
  }

  @Test
  void refusesAPatternThatMatchesNothing() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ReadParquet.from(dir.resolve("none-*.parquet").toString()).schema());
    assertThat(e.getMessage(), containsString("No file matches " + dir.resolve("none-*.parquet")));
  }

  @Test
  void filesOfOnePatternMustAgreeAndANullableColumnInOneIsNullable() throws IOException {
    org.apache.avro.Schema required =
        SchemaBuilder.record("r").fields().requiredDouble("x").requiredLong("n").endRecord();
    org.apache.avro.Schema optional =
        SchemaBuilder.record("r").fields().optionalDouble("x").requiredLong("n").endRecord();
    org.apache.avro.Schema otherType =
        SchemaBuilder.record("r").fields().requiredDouble("x").requiredString("n").endRecord();
    GenericRecord one = new GenericData.Record(required);
    one.put("x", 1.5);
    one.put("n", 7L);
    GenericRecord two = new GenericData.Record(optional);
    two.put("x", null);
    two.put("n", 8L);
    GenericRecord three = new GenericData.Record(otherType);
    three.put("x", 2.0);
    three.put("n", "nine");
    Path agree = Files.createDirectory(dir.resolve("agree"));
    ColumnarFiles.writeParquet(agree.resolve("a.parquet"), required, List.of(one));
    ColumnarFiles.writeParquet(agree.resolve("b.parquet"), optional, List.of(two));
    Schema schema =
        Schema.builder().addNullableField("x", FieldType.DOUBLE).addInt64Field("n").build();
    ReadParquet read = ReadParquet.from(agree.resolve("*.parquet").toString());
    assertEquals(schema, read.schema());
    Pipeline p = TestRunner.DIRECT.create();
    PAssert.that(p.apply(read))
        .containsInAnyOrder(
            Row.withSchema(schema).addValues(1.5, 7L).build(),
            Row.withSchema(schema).addValues(null, 8L).build());
    TestRunner.DIRECT.run(p);

    ColumnarFiles.writeParquet(agree.resolve("c.parquet"), otherType, List.of(three));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, read::schema);
    assertEquals(
        "Files of one input must agree on their columns: "
            + agree.resolve("c.parquet")
            + " has [x DOUBLE, n STRING], "
            + agree.resolve("a.parquet")
            + " has [x DOUBLE (nullable), n INT64]",
        e.getMessage());
  }

  @BoundedRunnerTest
  void locatedRowsCarryTheirFileAndRowNumber(TestRunner runner) throws IOException {
    String file = resource("/io/iris.parquet");
    Pipeline p = runner.create();
    PCollection<Row> located =
        p.apply(ReadParquet.from(file).withColumns("petal_width").withLocations());
    Schema values = Schema.builder().addDoubleField("petal_width").build();
    assertEquals(ReadCsv.locatedSchema(values), located.getSchema());
    List<Row> expected = new ArrayList<>();
    List<Row> iris = irisFromCsv(IRIS);
    for (int i = 0; i < iris.size(); i++) {
      Row row = Row.withSchema(values).addValue(iris.get(i).getDouble("petal_width")).build();
      expected.add(
          Row.withSchema(ReadCsv.locatedSchema(values)).addValues(file, i + 1L, "", row).build());
    }
    PAssert.that(located).containsInAnyOrder(expected);
    runner.run(p);
  }

  @Test
  void aFileChangedAfterThePipelineWasBuiltFailsNamingIt() throws IOException {
    org.apache.avro.Schema before =
        SchemaBuilder.record("r").fields().requiredDouble("x").endRecord();
    org.apache.avro.Schema after =
        SchemaBuilder.record("r").fields().requiredString("x").endRecord();
    Path file = dir.resolve("moving.parquet");
    GenericRecord one = new GenericData.Record(before);
    one.put("x", 1.0);
    ColumnarFiles.writeParquet(file, before, List.of(one));
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(ReadParquet.from(file.toString()));
    GenericRecord two = new GenericData.Record(after);
    two.put("x", "one");
    ColumnarFiles.writeParquet(file, after, List.of(two));
    Throwable e = assertThrows(Throwable.class, () -> TestRunner.DIRECT.run(p));
    assertThat(
        messages(e),
        containsString(
            "In "
                + file
                + ": the columns are [x STRING], not [x DOUBLE] as when the pipeline was"
                + " built"));
  }
}
