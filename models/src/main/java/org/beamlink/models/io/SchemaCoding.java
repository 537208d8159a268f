package org.beamlink.models.io;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.beamlink.models.linalg.VectorLogicalType;

/**
 * Writes and reads Beam schemas in model files and model coders, and prints them readably. Every
 * field type a Beamlink stage reads or writes is covered: the primitive types, strings, bytes,
 * date-times, arrays, iterables, maps, nested rows and vectors; another logical type is refused,
 * naming the column.
 *
 * <pre>{@code
 * SchemaCoding.write(schema, out);
 * Schema same = SchemaCoding.read(in);
 * String text = SchemaCoding.describe(schema); // "x DOUBLE, label STRING?, features VECTOR"
 * }</pre>
 */
public final class SchemaCoding {
  private SchemaCoding() {}

  /** Writes {@code schema}. */
  public static void write(Schema schema, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    writeSchema(schema, data);
    data.flush();
  }

  /** Reads what {@link #write} wrote. */
  public static Schema read(InputStream in) throws IOException {
    return readSchema(new DataInputStream(in));
  }

  /** The schema as readable text: {@code name TYPE} per field, {@code ?} marking nullable. */
  public static String describe(Schema schema) {
    StringBuilder s = new StringBuilder();
    for (Schema.Field f : schema.getFields()) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(f.getName()).append(' ').append(describe(f.getType()));
    }
    return s.toString();
  }

  private static String describe(FieldType type) {
    String base =
        switch (type.getTypeName()) {
          case ARRAY, ITERABLE ->
              type.getTypeName() + "<" + describe(type.getCollectionElementType()) + ">";
          case MAP ->
              "MAP<"
                  + describe(type.getMapKeyType())
                  + ", "
                  + describe(type.getMapValueType())
                  + ">";
          case ROW -> "ROW(" + describe(type.getRowSchema()) + ")";
          case LOGICAL_TYPE ->
              VectorLogicalType.isVector(type) ? "VECTOR" : type.getLogicalType().getIdentifier();
          default -> type.getTypeName().toString();
        };
    return Boolean.TRUE.equals(type.getNullable()) ? base + "?" : base;
  }

  private static void writeSchema(Schema schema, DataOutputStream out) throws IOException {
    out.writeInt(schema.getFieldCount());
    for (Schema.Field f : schema.getFields()) {
      out.writeUTF(f.getName());
      writeType(f.getName(), f.getType(), out);
    }
  }

  private static void writeType(String column, FieldType type, DataOutputStream out)
      throws IOException {
    out.writeUTF(type.getTypeName().name());
    out.writeBoolean(Boolean.TRUE.equals(type.getNullable()));
    switch (type.getTypeName()) {
      case ARRAY, ITERABLE -> writeType(column, type.getCollectionElementType(), out);
      case MAP -> {
        writeType(column, type.getMapKeyType(), out);
        writeType(column, type.getMapValueType(), out);
      }
      case ROW -> writeSchema(type.getRowSchema(), out);
      case LOGICAL_TYPE -> {
        if (!VectorLogicalType.isVector(type)) {
          throw new IllegalArgumentException(
              "Cannot save column '"
                  + column
                  + "' of logical type "
                  + type.getLogicalType().getIdentifier()
                  + "; model files support vectors and Beam's plain field types");
        }
        out.writeUTF(VectorLogicalType.IDENTIFIER);
      }
      default -> {}
    }
  }

  private static Schema readSchema(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new CoderException("Corrupt schema: " + n + " fields");
    }
    Schema.Builder b = Schema.builder();
    for (int i = 0; i < n; i++) {
      String name = in.readUTF();
      b.addField(name, readType(in));
    }
    return b.build();
  }

  private static FieldType readType(DataInputStream in) throws IOException {
    String name = in.readUTF();
    TypeName typeName;
    try {
      typeName = TypeName.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new CoderException("Corrupt schema: unknown field type " + name);
    }
    boolean nullable = in.readBoolean();
    FieldType type =
        switch (typeName) {
          case ARRAY -> FieldType.array(readType(in));
          case ITERABLE -> FieldType.iterable(readType(in));
          case MAP -> FieldType.map(readType(in), readType(in));
          case ROW -> FieldType.row(readSchema(in));
          case LOGICAL_TYPE -> {
            String id = in.readUTF();
            if (!VectorLogicalType.IDENTIFIER.equals(id)) {
              throw new CoderException("Corrupt schema: unknown logical type " + id);
            }
            yield VectorLogicalType.FIELD_TYPE;
          }
          default -> FieldType.of(typeName);
        };
    return type.withNullable(nullable);
  }
}
