package org.beamlink.models.nlp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.VarInt;

/**
 * Strings, string lists, enums and counts in the text coders: a string is a length and UTF-8 bytes
 * (so a term or a pattern of any length round-trips, unlike {@code writeUTF}'s 64 KB); an enum is
 * its name, so that reordering constants never changes what a saved model means.
 */
final class TextCoding {
  private TextCoding() {}

  static void writeString(String s, DataOutputStream out) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    VarInt.encode(bytes.length, out);
    out.write(bytes);
  }

  static String readString(DataInputStream in) throws IOException {
    int n = VarInt.decodeInt(in);
    if (n < 0) {
      throw new CoderException("Corrupt string length " + n);
    }
    byte[] bytes = new byte[n];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static void writeStrings(List<String> list, DataOutputStream out) throws IOException {
    VarInt.encode(list.size(), out);
    for (String s : list) {
      writeString(s, out);
    }
  }

  static List<String> readStrings(DataInputStream in) throws IOException {
    int n = VarInt.decodeInt(in);
    if (n < 0) {
      throw new CoderException("Corrupt list length " + n);
    }
    List<String> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(readString(in));
    }
    return List.copyOf(list);
  }

  static void writeLongs(long[] values, DataOutputStream out) throws IOException {
    VarInt.encode(values.length, out);
    for (long v : values) {
      VarInt.encode(v, out);
    }
  }

  static long[] readLongs(DataInputStream in) throws IOException {
    int n = VarInt.decodeInt(in);
    if (n < 0) {
      throw new CoderException("Corrupt array length " + n);
    }
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] = VarInt.decodeLong(in);
    }
    return values;
  }

  static <E extends Enum<E>> E readEnum(DataInputStream in, Class<E> type) throws IOException {
    String name = readString(in);
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw new CoderException("Unknown " + type.getSimpleName() + " '" + name + "'");
    }
  }
}
