package org.beamlink.models.linalg;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;

/**
 * The schema logical type of a vector column: a {@link Vector} stored as the bytes of {@link
 * VectorCoder}.
 *
 * <pre>{@code
 * Schema schema = Schema.builder()
 *     .addField("features", VectorLogicalType.FIELD_TYPE)
 *     .addDoubleField("label")
 *     .build();
 * Row row = Row.withSchema(schema).addValues(Vector.dense(1, 2), 1.0).build();
 * Vector v = row.getLogicalTypeValue("features", Vector.class);
 * }</pre>
 */
public final class VectorLogicalType implements Schema.LogicalType<Vector, byte[]> {
  /** The identifier under which schemas record this type. */
  public static final String IDENTIFIER = "beamlink:vector:v1";

  /** The one instance. */
  public static final VectorLogicalType INSTANCE = new VectorLogicalType();

  /** A field type for a vector column. */
  public static final FieldType FIELD_TYPE = FieldType.logicalType(INSTANCE);

  private VectorLogicalType() {}

  /** True when {@code type} is a vector column's type. */
  public static boolean isVector(FieldType type) {
    return type.getTypeName() == Schema.TypeName.LOGICAL_TYPE
        && IDENTIFIER.equals(type.getLogicalType().getIdentifier());
  }

  @Override
  public String getIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public FieldType getArgumentType() {
    return null;
  }

  @Override
  public FieldType getBaseType() {
    return FieldType.BYTES;
  }

  @Override
  public byte[] toBaseType(Vector input) {
    // Sized by the stored values: a sparse vector of 2^18 coordinates and 50 non-zeros is a few
    // hundred bytes, and a buffer for all its coordinates would be 2 MB per row.
    int stored = input instanceof SparseVector ? input.numNonzeros() * 12 : input.size() * 8;
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + stored);
    try {
      VectorCoder.of().encode(input, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public Vector toInputType(byte[] base) {
    try {
      return VectorCoder.of().decode(new ByteArrayInputStream(base));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
