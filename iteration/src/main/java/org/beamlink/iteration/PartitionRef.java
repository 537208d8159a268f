package org.beamlink.iteration;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/**
 * Where one partition's data objects are, as the token of a distributed loop carries it between
 * stages instead of the data: the key of the {@link ResidentStore} entry that holds them, and their
 * durable copies. Each data object is the elements of its chunks in hash order (the chunks are
 * listed in the partition's manifest file, so that the token's size does not grow with their
 * number), or, once the program has put another object under its name, that object's own file.
 *
 * <p>The key changes with every replaced object, so that a worker holding an older version misses
 * instead of using it.
 */
final class PartitionRef {
  /** The manifest's contents: the chunk files of each data object. */
  static final Coder<Map<String, List<String>>> MANIFEST_CODER =
      MapCoder.of(StringUtf8Coder.of(), ListCoder.of(StringUtf8Coder.of()));

  final String base;
  final int version;
  final String manifest;
  final Map<String, String> replaced;

  PartitionRef(String base, int version, String manifest, Map<String, String> replaced) {
    this.base = base;
    this.version = version;
    this.manifest = manifest;
    this.replaced = Collections.unmodifiableMap(new TreeMap<>(replaced));
  }

  /** The store key of this version. */
  String key() {
    return base + "#" + version;
  }

  /** The same partition with the object under {@code name} replaced by the one in {@code path}. */
  PartitionRef withReplaced(String name, String path) {
    Map<String, String> now = new TreeMap<>(replaced);
    now.put(name, path);
    return new PartitionRef(base, version + 1, manifest, now);
  }

  /** The files this partition owns: its manifest and its replaced objects. */
  List<String> files() {
    TreeSet<String> all = new TreeSet<>(replaced.values());
    all.add(manifest);
    all.remove("");
    return new ArrayList<>(all);
  }

  void encode(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeUTF(base);
    data.writeUTF(manifest);
    VarInt.encode(version, out);
    VarInt.encode(replaced.size(), out);
    for (Map.Entry<String, String> e : replaced.entrySet()) {
      data.writeUTF(e.getKey());
      data.writeUTF(e.getValue());
    }
  }

  static PartitionRef decode(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    String base = data.readUTF();
    String manifest = data.readUTF();
    int version = VarInt.decodeInt(in);
    Map<String, String> replaced = new TreeMap<>();
    int n = VarInt.decodeInt(in);
    for (int i = 0; i < n; i++) {
      replaced.put(data.readUTF(), data.readUTF());
    }
    return new PartitionRef(base, version, manifest, replaced);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PartitionRef r
        && base.equals(r.base)
        && version == r.version
        && manifest.equals(r.manifest)
        && replaced.equals(r.replaced);
  }

  @Override
  public int hashCode() {
    return key().hashCode();
  }

  @Override
  public String toString() {
    return "PartitionRef(" + key() + ", " + manifest + ")";
  }
}
