package org.beamlink.models.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.beamlink.models.Provenance;

/**
 * Model files: one file per model or pipeline model, self-describing and checksummed.
 *
 * <p>Layout (format 1): a readable UTF-8 header, a binary body, a checksum line.
 *
 * <pre>
 * BEAMLINK-MODEL 1
 * type: pipeline-model
 * library: 0.1.0-SNAPSHOT
 * inputSchema: x DOUBLE, label STRING
 * stage1: standard-scaler-model {inputCol=features, ...}
 * body-bytes: 5123
 *                                  (an empty line ends the header)
 * [body: the type's versioned coder bytes]
 * sha256 [64 hex digits of SHA-256 over every byte before this line]
 * </pre>
 *
 * <p>The header lists the model's parameters (columns, options, provenance, schemas) so that {@code
 * head -20 model.blm} says what a file holds; the body holds the numbers in the model's compact
 * binary coder. Every body coder starts with its own version byte, and a type name never changes
 * once released, so files of older versions keep loading. Writing is atomic: the bytes go to a
 * temporary file in the same directory, which is synced and then renamed over the target. Reading a
 * file that is not a model file, is truncated, or does not match its checksum fails with an {@link
 * IOException} saying which.
 *
 * <pre>{@code
 * ModelFile.write(pipelineModel, Path.of("churn.blm"));
 * PipelineModel model = ModelFile.read(Path.of("churn.blm"), PipelineModel.class);
 * Map<String, String> header = ModelFile.header(Path.of("churn.blm"));
 * }</pre>
 */
public final class ModelFile {
  /** The format version this library writes; it reads this and every earlier one. */
  public static final int FORMAT_VERSION = 1;

  private static final java.util.Set<String> RESERVED_KEYS =
      java.util.Set.of("type", "library", "body-bytes");

  private static final String MAGIC = "BEAMLINK-MODEL ";
  private static final String CHECKSUM_PREFIX = "\nsha256 ";
  private static final int CHECKSUM_LINE = CHECKSUM_PREFIX.length() + 64 + 1;

  private ModelFile() {}

  /** The file's bytes for {@code model} (any type registered in {@link ModelFormats}). */
  public static byte[] toBytes(Object model) {
    ModelFormat<?> format = ModelFormats.forModel(model);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      encode(format, model, body);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot encode " + format.type(), e);
    }
    StringBuilder header = new StringBuilder(MAGIC).append(FORMAT_VERSION).append('\n');
    line(header, "type", format.type());
    line(header, "library", Provenance.LIBRARY_VERSION);
    for (Map.Entry<String, String> e : format.parameters(model).entrySet()) {
      // A parameter named like a header key ("type" of a linear model) must not replace it.
      String key = RESERVED_KEYS.contains(e.getKey()) ? "parameter." + e.getKey() : e.getKey();
      line(header, key, e.getValue());
    }
    line(header, "body-bytes", Integer.toString(body.size()));
    header.append('\n');
    ByteArrayOutputStream file = new ByteArrayOutputStream(header.length() + body.size() + 80);
    file.writeBytes(header.toString().getBytes(StandardCharsets.UTF_8));
    file.writeBytes(body.toByteArray());
    byte[] digest = sha256(file.toByteArray(), file.size());
    file.writeBytes(
        (CHECKSUM_PREFIX + HexFormat.of().formatHex(digest) + "\n")
            .getBytes(StandardCharsets.US_ASCII));
    return file.toByteArray();
  }

  @SuppressWarnings("unchecked")
  private static <M> void encode(ModelFormat<M> format, Object model, OutputStream out)
      throws IOException {
    format.coder().encode((M) model, out);
  }

  private static void line(StringBuilder header, String key, String value) {
    header
        .append(key)
        .append(": ")
        .append(value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r"))
        .append('\n');
  }

  /**
   * Writes {@code model} to {@code path} atomically: a failure leaves either the old file or none,
   * never a partial one.
   */
  public static void write(Object model, Path path) throws IOException {
    byte[] bytes = toBytes(model);
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp =
        dir.resolve(
            "."
                + path.getFileName()
                + "."
                + ProcessHandle.current().pid()
                + "-"
                + Thread.currentThread().getId()
                + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads the model in {@code path}; see {@link #fromBytes}. */
  public static Object read(Path path) throws IOException {
    return fromBytes(Files.readAllBytes(path), path.toString());
  }

  /**
   * Reads the model in {@code path}, which must be a {@code type}.
   *
   * @throws IOException as {@link #fromBytes}, or when the file holds another model type
   */
  public static <T> T read(Path path, Class<T> type) throws IOException {
    Object model = read(path);
    if (!type.isInstance(model)) {
      throw new IOException(
          path
              + " holds a "
              + ModelFormats.forModel(model).type()
              + ", not a "
              + type.getSimpleName());
    }
    return type.cast(model);
  }

  /** The header of the file in {@code path}, after checking the file whole. */
  public static Map<String, String> header(Path path) throws IOException {
    return parse(Files.readAllBytes(path), path.toString()).header;
  }

  /**
   * The model in the bytes of a model file.
   *
   * @param source where the bytes came from, for messages
   * @throws IOException when the bytes are not a model file, are truncated, fail the checksum, or
   *     hold a type or format version this library does not know
   */
  public static Object fromBytes(byte[] bytes, String source) throws IOException {
    Parsed parsed = parse(bytes, source);
    ModelFormat<?> format;
    try {
      format = ModelFormats.forType(parsed.header.get("type"));
    } catch (IllegalArgumentException e) {
      throw new IOException(source + ": " + e.getMessage(), e);
    }
    InputStream body = new ByteArrayInputStream(bytes, parsed.bodyStart, parsed.bodyLength);
    Object model;
    try {
      model = format.coder().decode(body);
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          source + ": cannot decode the " + format.type() + " body: " + e.getMessage(), e);
    }
    if (body.available() != 0) {
      throw new IOException(
          source
              + ": the "
              + format.type()
              + " body has "
              + body.available()
              + " bytes left over after decoding");
    }
    return model;
  }

  private record Parsed(Map<String, String> header, int bodyStart, int bodyLength) {}

  private static Parsed parse(byte[] bytes, String source) throws IOException {
    byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length < magic.length
        || !Arrays.equals(bytes, 0, magic.length, magic, 0, magic.length)) {
      String start =
          new String(bytes, 0, Math.min(bytes.length, 16), StandardCharsets.ISO_8859_1)
              .replaceAll("\\p{Cntrl}", "?");
      throw new IOException(
          source + " is not a Beamlink model file: it starts with \"" + start + "\"");
    }
    int firstLineEnd = indexOf(bytes, (byte) '\n', 0, Math.min(bytes.length, 64));
    if (firstLineEnd < 0) {
      throw new IOException(source + " is truncated: its first line does not end");
    }
    checkVersion(new String(bytes, 0, firstLineEnd, StandardCharsets.UTF_8), source);
    int end = bytes.length - CHECKSUM_LINE;
    String trailer =
        end < 0 ? "" : new String(bytes, end, CHECKSUM_LINE, StandardCharsets.ISO_8859_1);
    if (!trailer.startsWith(CHECKSUM_PREFIX) || !trailer.endsWith("\n")) {
      throw new IOException(
          source
              + " is truncated: it does not end with its checksum line ("
              + bytes.length
              + " bytes)");
    }
    String expected = trailer.substring(CHECKSUM_PREFIX.length(), CHECKSUM_LINE - 1);
    String actual = HexFormat.of().formatHex(sha256(bytes, end));
    if (!actual.equals(expected)) {
      throw new IOException(
          source + " is corrupt: its SHA-256 is " + actual + " but the file records " + expected);
    }
    Map<String, String> header = new LinkedHashMap<>();
    int pos = firstLineEnd + 1;
    int headerEnd = -1;
    while (pos < end) {
      int nl = indexOf(bytes, (byte) '\n', pos, end);
      if (nl < 0) {
        break;
      }
      String line = new String(bytes, pos, nl - pos, StandardCharsets.UTF_8);
      pos = nl + 1;
      if (line.isEmpty()) {
        headerEnd = pos;
        break;
      } else {
        int colon = line.indexOf(": ");
        if (colon < 0) {
          throw new IOException(source + " has a malformed header line: " + line);
        }
        header.put(line.substring(0, colon), unescape(line.substring(colon + 2)));
      }
    }
    if (headerEnd < 0 || !header.containsKey("type") || !header.containsKey("body-bytes")) {
      throw new IOException(source + " has no complete header (type and body-bytes)");
    }
    int bodyLength = end - headerEnd;
    if (!Integer.toString(bodyLength).equals(header.get("body-bytes"))) {
      throw new IOException(
          source
              + " has a body of "
              + bodyLength
              + " bytes but its header says "
              + header.get("body-bytes"));
    }
    return new Parsed(header, headerEnd, bodyLength);
  }

  private static void checkVersion(String line, String source) throws IOException {
    int version;
    try {
      version = Integer.parseInt(line.substring(MAGIC.length()).trim());
    } catch (NumberFormatException e) {
      throw new IOException(source + " has a malformed first line: " + line);
    }
    if (version < 1 || version > FORMAT_VERSION) {
      throw new IOException(
          source
              + " has model file format "
              + version
              + "; this library reads formats 1 to "
              + FORMAT_VERSION
              + (version > FORMAT_VERSION ? " (it was written by a newer Beamlink)" : ""));
    }
  }

  private static String unescape(String value) {
    StringBuilder s = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        char n = value.charAt(++i);
        s.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }

  private static int indexOf(byte[] bytes, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(bytes, 0, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
