package org.beamlink.transforms.io;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.LogicalType;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils.TypeWithNullability;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.Field;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The columns a reader of Avro records (Avro files, and Parquet files through parquet-avro) takes
 * from one file: the projection to ask the file for, the Beam schema of its rows, and the
 * conversion of a record into a row.
 *
 * <p>Types are mapped as Beam's {@link AvroUtils#toBeamSchema(org.apache.avro.Schema)} maps them;
 * Beamlink reads the columns whose Avro type is {@code boolean}, {@code int}, {@code long}, {@code
 * float}, {@code double} or {@code string} ({@code BOOLEAN}, {@code INT32}, {@code INT64}, {@code
 * FLOAT}, {@code DOUBLE}, {@code STRING}), nullable as a union with {@code null}. Values are those
 * of {@link AvroUtils#toBeamRowStrict}: the boxed number or boolean, a string for Avro's {@code
 * Utf8}.
 */
final class RecordColumns implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final Set<org.apache.avro.Schema.Type> READABLE =
      EnumSet.of(
          org.apache.avro.Schema.Type.BOOLEAN,
          org.apache.avro.Schema.Type.INT,
          org.apache.avro.Schema.Type.LONG,
          org.apache.avro.Schema.Type.FLOAT,
          org.apache.avro.Schema.Type.DOUBLE,
          org.apache.avro.Schema.Type.STRING);

  /** The types Beamlink reads, in words, for messages. */
  static final String READABLE_TYPES =
      "boolean, int, long, float, double and string columns, nullable or not";

  private final String projectionJson;
  private final Schema schema;
  private transient org.apache.avro.@Nullable Schema projection;

  private RecordColumns(org.apache.avro.Schema projection, Schema schema) {
    this.projection = projection;
    this.projectionJson = projection.toString();
    this.schema = schema;
  }

  /**
   * The columns {@code requested} (all, when null) of the records of {@code file}, whose record
   * schema is {@code recordSchema}.
   *
   * @throws IllegalArgumentException naming the file and the column when a requested column is not
   *     in the file or has a type Beamlink cannot read
   */
  static RecordColumns of(
      String file, org.apache.avro.Schema recordSchema, @Nullable List<String> requested) {
    if (recordSchema.getType() != org.apache.avro.Schema.Type.RECORD) {
      throw new IllegalArgumentException(
          "In " + file + ": the records are of type " + recordSchema.getType() + ", not records");
    }
    List<String> names = new ArrayList<>();
    for (org.apache.avro.Schema.Field f : recordSchema.getFields()) {
      names.add(f.name());
    }
    List<String> columns = requested == null ? names : requested;
    List<org.apache.avro.Schema.Field> fields = new ArrayList<>();
    Schema.Builder beam = Schema.builder();
    for (String column : columns) {
      org.apache.avro.Schema.Field field = recordSchema.getField(column);
      if (field == null) {
        throw new IllegalArgumentException(
            "In " + file + ": there is no column '" + column + "'; the file has " + names);
      }
      String unreadable = unreadable(field.schema());
      if (unreadable != null) {
        throw new IllegalArgumentException(
            "In "
                + file
                + ": column '"
                + column
                + "' has type "
                + unreadable
                + ", which beamlink cannot read; it reads "
                + READABLE_TYPES
                + (requested == null
                    ? " (name the columns to read to leave it out: withColumns)"
                    : ""));
      }
      fields.add(
          new org.apache.avro.Schema.Field(
              field.name(), field.schema(), field.doc(), field.defaultVal()));
      Field converted = AvroUtils.toBeamField(field);
      beam.addField(converted.getName(), converted.getType());
    }
    org.apache.avro.Schema projection =
        org.apache.avro.Schema.createRecord(
            recordSchema.getName(),
            recordSchema.getDoc(),
            recordSchema.getNamespace(),
            recordSchema.isError(),
            fields);
    return new RecordColumns(projection, beam.build());
  }

  /** The columns of records of {@code recordSchema} whose types Beamlink reads, in order. */
  static List<String> readable(org.apache.avro.Schema recordSchema) {
    List<String> columns = new ArrayList<>();
    if (recordSchema.getType() == org.apache.avro.Schema.Type.RECORD) {
      for (org.apache.avro.Schema.Field f : recordSchema.getFields()) {
        if (unreadable(f.schema()) == null) {
          columns.add(f.name());
        }
      }
    }
    return columns;
  }

  /** The type of {@code type} in words when Beamlink cannot read it, or null. */
  private static @Nullable String unreadable(org.apache.avro.Schema type) {
    org.apache.avro.Schema base;
    try {
      base = TypeWithNullability.create(type).getType();
    } catch (RuntimeException e) {
      return type.toString();
    }
    LogicalType logical = base.getLogicalType();
    if (logical != null) {
      return base.getType().getName() + " with logical type " + logical.getName();
    }
    switch (base.getType()) {
      case UNION:
        return "union " + base;
      case ENUM:
      case FIXED:
      case RECORD:
        return base.getType().getName() + " " + base.getName();
      default:
        return READABLE.contains(base.getType()) ? null : base.getType().getName();
    }
  }

  /** The Avro schema of the records with only these columns, to read no others. */
  org.apache.avro.Schema projection() {
    if (projection == null) {
      projection = new org.apache.avro.Schema.Parser().parse(projectionJson);
    }
    return projection;
  }

  /** The schema of the rows, from the file's types. */
  Schema schema() {
    return schema;
  }

  /** The values of {@code record} (read with {@link #projection()}) as a row of {@code output}. */
  static Row toRow(GenericRecord record, Schema output) {
    int n = output.getFieldCount();
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      Object value = record.get(i);
      values[i] = value instanceof CharSequence ? value.toString() : value;
    }
    return Row.withSchema(output).attachValues(values);
  }
}
