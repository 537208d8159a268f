package org.beamlink.transforms.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Writes Parquet and Avro files for the readers' tests, and the committed fixtures: {@code main}
 * turns a CSV file with a header line (every column numeric but those named as text) into a Parquet
 * and an Avro file with the same columns and values ({@code double} and {@code string} columns).
 * The fixtures {@code src/test/resources/io/iris.parquet} and {@code iris.avro} (and their copies
 * in {@code examples/data}) were written from {@code clustering/iris.csv} by
 *
 * <pre>
 * java -cp ... org.beamlink.transforms.io.ColumnarFiles src/test/resources/clustering/iris.csv \
 *     src/test/resources/io/iris species
 * </pre>
 */
public final class ColumnarFiles {
  private ColumnarFiles() {}

  /** {@code csv text-column...}: writes {@code prefix.parquet} and {@code prefix.avro}. */
  public static void main(String[] args) throws IOException {
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    List<String> text = List.of(args).subList(2, args.length);
    String[] header = lines.get(0).split(",");
    SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("row").fields();
    for (String column : header) {
      fields =
          text.contains(column)
              ? fields.requiredString(column)
              : fields.name(column).type().doubleType().noDefault();
    }
    Schema schema = fields.endRecord();
    List<GenericRecord> records = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      GenericRecord record = new GenericData.Record(schema);
      for (int i = 0; i < header.length; i++) {
        record.put(i, text.contains(header[i]) ? cells[i] : Double.parseDouble(cells[i]));
      }
      records.add(record);
    }
    writeParquet(Path.of(args[1] + ".parquet"), schema, records);
    writeAvro(Path.of(args[1] + ".avro"), schema, records);
  }

  /** Writes {@code records} of {@code schema} to a new Parquet file, uncompressed. */
  public static void writeParquet(Path file, Schema schema, List<GenericRecord> records)
      throws IOException {
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
            .withSchema(schema)
            .withConf(new Configuration(false))
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .build()) {
      for (GenericRecord record : records) {
        writer.write(record);
      }
    }
  }

  /** Writes {@code records} of {@code schema} to a new Avro data file. */
  public static void writeAvro(Path file, Schema schema, List<GenericRecord> records)
      throws IOException {
    try (DataFileWriter<GenericRecord> writer =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
      writer.create(schema, file.toFile());
      for (GenericRecord record : records) {
        writer.append(record);
      }
    }
  }
}
