package org.beamlink.transforms.io;

import static org.beamlink.transforms.io.ReadParquetTest.IRIS;
import static org.beamlink.transforms.io.ReadParquetTest.READABLE;
import static org.beamlink.transforms.io.ReadParquetTest.irisFromCsv;
import static org.beamlink.transforms.io.ReadParquetTest.readableRows;
import static org.beamlink.transforms.io.ReadParquetTest.resource;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadAvroTest {
  @TempDir Path dir;

  @BoundedRunnerTest
  void readsIrisWithTheValuesOfItsCsv(TestRunner runner) throws IOException {
    ReadAvro read = ReadAvro.from(resource("/io/iris.avro"));
    assertEquals(IRIS, read.schema());
    Pipeline p = runner.create();
    PAssert.that(p.apply(read)).containsInAnyOrder(irisFromCsv(IRIS));
    runner.run(p);
  }

  /** Records with a column of each readable type, one nullable, and an enum and an array. */
  private String writeMixed() throws IOException {
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
            .name("color")
            .type()
            .enumeration("Color")
            .symbols("RED", "GREEN")
            .noDefault()
            .name("list")
            .type()
            .array()
            .items()
            .doubleType()
            .noDefault()
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
      record.put("color", new GenericData.EnumSymbol(schema.getField("color").schema(), "RED"));
      record.put("list", List.of(1.0, 2.0));
      records.add(record);
    }
    Path file = dir.resolve("mixed.avro");
    ColumnarFiles.writeAvro(file, schema, records);
    return file.toString();
  }

  @Test
  void mapsTypesAsAvroUtilsAndDecodesOnlyTheColumnsAskedFor() throws IOException {
    String file = writeMixed();
    ReadAvro read = ReadAvro.from(file).withColumns(READABLE.getFieldNames());
    assertEquals(READABLE, read.schema());
    Pipeline p = TestRunner.DIRECT.create();
    PAssert.that(p.apply(read)).containsInAnyOrder(readableRows());
    TestRunner.DIRECT.run(p);
  }

  @Test
  void refusesAColumnOfATypeItCannotReadNamingFileColumnAndType() throws IOException {
    String file = writeMixed();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReadAvro.from(file).schema());
    assertThat(
        e.getMessage(),
        containsString(
            "In " + file + ": column 'color' has type enum Color, which beamlink cannot read"));
  }

  @Test
  void refusesAFileThatIsNotAvro() throws IOException {
    Path file = dir.resolve("data.avro");
    Files.writeString(file, "x,y\n1,2\n", StandardCharsets.UTF_8);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReadAvro.from(file.toString()).schema());
    assertThat(e.getMessage(), containsString("Cannot read " + file + " as Avro: "));
  }

  @BoundedRunnerTest
  void locatedRowsCarryTheirFileAndRecordNumber(TestRunner runner) throws IOException {
    String file = resource("/io/iris.avro");
    Pipeline p = runner.create();
    PCollection<Row> located = p.apply(ReadAvro.from(file).withColumns("species").withLocations());
    Schema values = Schema.builder().addStringField("species").build();
    List<Row> expected = new ArrayList<>();
    List<Row> iris = irisFromCsv(IRIS);
    for (int i = 0; i < iris.size(); i++) {
      Row row = Row.withSchema(values).addValue(iris.get(i).getString("species")).build();
      expected.add(
          Row.withSchema(ReadCsv.locatedSchema(values)).addValues(file, i + 1L, "", row).build());
    }
    PAssert.that(located).containsInAnyOrder(expected);
    runner.run(p);
  }
}
