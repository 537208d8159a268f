package org.beamlink.iteration;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.util.VarInt;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.BlockCoder;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorCoder;

/**
 * Encodes a partition's named objects between distributed supersteps. Objects under the names of
 * partitioned or broadcast data use those collections' coders; others are encoded by kind (arrays
 * in bulk), Java serialization being the last resort. Names are written in sorted order, so the
 * encoding is deterministic.
 */
final class ComObjectsCoder extends CustomCoder<Map<String, Object>> {
  private static final long serialVersionUID = 1L;

  private static final int NULL = 0;
  private static final int DOUBLES = 1;
  private static final int INTS = 2;
  private static final int DOUBLE = 3;
  private static final int INTEGER = 4;
  private static final int LONG = 5;
  private static final int BOOLEAN = 6;
  private static final int STRING = 7;
  private static final int DOUBLES_2D = 8;
  private static final int VECTOR = 9;
  private static final int BLOCK = 10;
  private static final int LIST = 11;
  private static final int DATA = 12;
  private static final int SERIALIZED = 13;

  private final Map<String, Coder<?>> dataCoders;

  ComObjectsCoder(Map<String, Coder<?>> dataCoders) {
    this.dataCoders = new TreeMap<>(dataCoders);
  }

  @Override
  public void encode(Map<String, Object> value, OutputStream out) throws IOException {
    TreeMap<String, Object> sorted = new TreeMap<>(value);
    VarInt.encode(sorted.size(), out);
    DataOutputStream data = new DataOutputStream(out);
    for (Map.Entry<String, Object> e : sorted.entrySet()) {
      data.writeUTF(e.getKey());
      data.flush();
      Coder<?> dataCoder = dataCoders.get(e.getKey());
      if (dataCoder != null && e.getValue() instanceof List<?> list) {
        out.write(DATA);
        encodeData(dataCoder, list, out);
      } else {
        encodeObject(e.getValue(), out);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void encodeData(Coder<T> coder, List<?> list, OutputStream out)
      throws IOException {
    ListCoder.of(coder).encode((List<T>) list, out);
  }

  @Override
  public Map<String, Object> decode(InputStream in) throws IOException {
    int size = VarInt.decodeInt(in);
    Map<String, Object> objects = new java.util.HashMap<>();
    DataInputStream data = new DataInputStream(in);
    for (int i = 0; i < size; i++) {
      String name = data.readUTF();
      int kind = in.read();
      if (kind == DATA) {
        Coder<?> coder = dataCoders.get(name);
        if (coder == null) {
          throw new CoderException("No coder for data object '" + name + "'");
        }
        objects.put(name, new ArrayList<>(ListCoder.of(coder).decode(in)));
      } else {
        objects.put(name, decodeObject(kind, in));
      }
    }
    return objects;
  }

  private static void encodeObject(Object obj, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    if (obj == null) {
      out.write(NULL);
    } else if (obj instanceof double[] d) {
      out.write(DOUBLES);
      ArrayEncoding.writeDoubles(d, out);
    } else if (obj instanceof int[] a) {
      out.write(INTS);
      ArrayEncoding.writeInts(a, out);
    } else if (obj instanceof Double d) {
      out.write(DOUBLE);
      data.writeDouble(d);
    } else if (obj instanceof Integer n) {
      out.write(INTEGER);
      data.writeInt(n);
    } else if (obj instanceof Long n) {
      out.write(LONG);
      data.writeLong(n);
    } else if (obj instanceof Boolean b) {
      out.write(BOOLEAN);
      data.writeBoolean(b);
    } else if (obj instanceof String s) {
      out.write(STRING);
      data.writeUTF(s);
    } else if (obj instanceof double[][] rows) {
      out.write(DOUBLES_2D);
      VarInt.encode(rows.length, out);
      for (double[] row : rows) {
        ArrayEncoding.writeDoubles(row, out);
      }
    } else if (obj instanceof Vector v) {
      out.write(VECTOR);
      VectorCoder.of().encode(v, out);
    } else if (obj instanceof Block b) {
      out.write(BLOCK);
      BlockCoder.of().encode(b, out);
    } else if (obj instanceof List<?> list) {
      out.write(LIST);
      VarInt.encode(list.size(), out);
      for (Object o : list) {
        encodeObject(o, out);
      }
    } else if (obj instanceof Serializable) {
      out.write(SERIALIZED);
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (ObjectOutputStream oos = new ObjectOutputStream(bytes)) {
        oos.writeObject(obj);
      }
      VarInt.encode(bytes.size(), out);
      bytes.writeTo(out);
    } else {
      throw new CoderException(
          "Cannot carry a "
              + obj.getClass().getName()
              + " between supersteps: use double[], int[], numbers, strings, vectors, blocks,"
              + " lists of them, or a Serializable object");
    }
    data.flush();
  }

  private static Object decodeObject(int kind, InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    switch (kind) {
      case NULL:
        return null;
      case DOUBLES:
        return ArrayEncoding.readDoubles(in);
      case INTS:
        return ArrayEncoding.readInts(in);
      case DOUBLE:
        return data.readDouble();
      case INTEGER:
        return data.readInt();
      case LONG:
        return data.readLong();
      case BOOLEAN:
        return data.readBoolean();
      case STRING:
        return data.readUTF();
      case DOUBLES_2D:
        {
          double[][] rows = new double[VarInt.decodeInt(in)][];
          for (int i = 0; i < rows.length; i++) {
            rows[i] = ArrayEncoding.readDoubles(in);
          }
          return rows;
        }
      case VECTOR:
        return VectorCoder.of().decode(in);
      case BLOCK:
        return BlockCoder.of().decode(in);
      case LIST:
        {
          int n = VarInt.decodeInt(in);
          List<Object> list = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            list.add(decodeObject(in.read(), in));
          }
          return list;
        }
      case SERIALIZED:
        {
          byte[] bytes = new byte[VarInt.decodeInt(in)];
          data.readFully(bytes);
          try (ObjectInputStream ois =
              new ObjectInputStream(new java.io.ByteArrayInputStream(bytes)) {
                @Override
                protected Class<?> resolveClass(java.io.ObjectStreamClass desc)
                    throws IOException, ClassNotFoundException {
                  return Class.forName(
                      desc.getName(), false, Thread.currentThread().getContextClassLoader());
                }
              }) {
            return ois.readObject();
          } catch (ClassNotFoundException e) {
            throw new CoderException("Cannot decode a serialized object between supersteps", e);
          }
        }
      default:
        throw new CoderException("Unknown object kind " + kind + " between supersteps");
    }
  }

  @Override
  public void verifyDeterministic() {}
}
