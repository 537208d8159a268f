package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;

/**
 * Strings and lists of strings in the feature coders: a length and UTF-8 bytes, so that a label of
 * any length (unlike {@code writeUTF}'s 64 KB) round-trips.
 */
final class StringListCoding {
  private StringListCoding() {}

  static void writeString(String s, DataOutputStream out) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new CoderException("Corrupt string length " + n);
    }
    byte[] bytes = new byte[n];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static void writeStrings(List<String> list, DataOutputStream out) throws IOException {
    out.writeInt(list.size());
    for (String s : list) {
      writeString(s, out);
    }
  }

  static List<String> readStrings(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new CoderException("Corrupt list length " + n);
    }
    List<String> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(readString(in));
    }
    return List.copyOf(list);
  }

  static void writeStringLists(List<List<String>> lists, DataOutputStream out) throws IOException {
    out.writeInt(lists.size());
    for (List<String> l : lists) {
      writeStrings(l, out);
    }
  }

  static List<List<String>> readStringLists(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new CoderException("Corrupt list length " + n);
    }
    List<List<String>> lists = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      lists.add(readStrings(in));
    }
    return List.copyOf(lists);
  }
}
