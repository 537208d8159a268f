package org.beamlink.transforms.evaluation;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;

/**
 * A 64-bit hash of a row's values (FNV-1a over a canonical byte form of each value), the same in
 * every JVM, runner and partitioning, and independent of Beam's row encoding: what {@link
 * RandomSplit} decides membership by.
 *
 * <p>The bytes hashed: the fields in schema order, a {@code 0x00} byte between two fields, and each
 * value as
 *
 * <ul>
 *   <li>null: the byte {@code 0xFF} (which UTF-8 never uses);
 *   <li>STRING: its UTF-8 bytes; DECIMAL: the UTF-8 bytes of {@code BigDecimal.toString()};
 *   <li>BOOLEAN: one byte, 0 or 1;
 *   <li>BYTE, INT16, INT32, INT64: the value as 8 bytes, big-endian; DATETIME: its epoch
 *       milliseconds the same way;
 *   <li>FLOAT, DOUBLE: the bits of the value as a double, 8 bytes big-endian ({@code -0.0} as
 *       {@code 0.0}, every NaN as Java's one NaN);
 *   <li>BYTES: the bytes; a logical type (a vector column): its base value;
 *   <li>ARRAY, ITERABLE: the element count as 8 bytes, then each element after a {@code 0x00};
 *   <li>MAP: the entry count, then the sum of the entries' own hashes (key, {@code 0x00}, value),
 *       so that the map's iteration order does not matter;
 *   <li>ROW: its fields as above.
 * </ul>
 *
 * So a row of two strings {@code (a, b)} hashes to FNV-1a of the UTF-8 bytes of {@code a + "\0" +
 * b}.
 *
 * <pre>{@code
 * long h = RowContentHash.of(row);
 * }</pre>
 */
public final class RowContentHash {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final int NULL = 0xff;

  private long h = FNV_OFFSET;

  private RowContentHash() {}

  /** The hash of {@code row}'s values. */
  public static long of(Row row) {
    RowContentHash hash = new RowContentHash();
    hash.fields(row);
    return hash.h;
  }

  private void fields(Row row) {
    Schema schema = row.getSchema();
    for (int i = 0; i < schema.getFieldCount(); i++) {
      if (i > 0) {
        update(0);
      }
      value(schema.getField(i).getType(), row.getValue(i));
    }
  }

  @SuppressWarnings("unchecked")
  private void value(FieldType type, Object v) {
    if (v == null) {
      update(NULL);
      return;
    }
    switch (type.getTypeName()) {
      case STRING -> bytes(((String) v).getBytes(StandardCharsets.UTF_8));
      case DECIMAL -> bytes(v.toString().getBytes(StandardCharsets.UTF_8));
      case BOOLEAN -> update((Boolean) v ? 1 : 0);
      case BYTE, INT16, INT32, INT64 -> longBytes(((Number) v).longValue());
      case FLOAT, DOUBLE -> longBytes(Double.doubleToLongBits(((Number) v).doubleValue() + 0.0));
      case DATETIME -> longBytes(((ReadableInstant) v).getMillis());
      case BYTES -> bytes((byte[]) v);
      case LOGICAL_TYPE -> {
        Schema.LogicalType<Object, Object> logical =
            (Schema.LogicalType<Object, Object>) type.getLogicalType();
        value(logical.getBaseType(), logical.toBaseType(v));
      }
      case ARRAY, ITERABLE -> {
        Iterable<?> values = (Iterable<?>) v;
        long count = 0;
        for (Object ignored : values) {
          count++;
        }
        longBytes(count);
        for (Object element : values) {
          update(0);
          value(type.getCollectionElementType(), element);
        }
      }
      case MAP -> {
        Map<?, ?> map = (Map<?, ?>) v;
        long sum = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          RowContentHash entry = new RowContentHash();
          entry.value(type.getMapKeyType(), e.getKey());
          entry.update(0);
          entry.value(type.getMapValueType(), e.getValue());
          sum += entry.h;
        }
        longBytes(map.size());
        longBytes(sum);
      }
      case ROW -> fields((Row) v);
      default ->
          throw new IllegalArgumentException("Cannot hash a value of type " + type.getTypeName());
    }
  }

  private void bytes(byte[] bytes) {
    for (byte b : bytes) {
      update(b & 0xff);
    }
  }

  private void longBytes(long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      update((int) (v >>> shift) & 0xff);
    }
  }

  private void update(int b) {
    h = (h ^ b) * FNV_PRIME;
  }
}
