package org.beamlink.transforms.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Infers the column types of CSV files from every value in them, so that a column's type does not
 * depend on where a value sits: a column is numeric when more than half of its non-empty values are
 * numbers ({@link NumberText}), {@code INT64} when every one of those is an integer and {@code
 * DOUBLE} otherwise; any other column is {@code STRING}, as is a column without a value. The values
 * of a numeric column that are not numbers are then malformed records of {@link ReadCsv}, reported
 * with their line.
 *
 * <p>The files are read once, fast: a scanner splits the UTF-8 bytes into cells exactly as {@link
 * CsvRecords} (RFC 4180, commons-csv's default format) and classifies each cell without making a
 * string of it. Records with a number of cells other than the header's are left out, as is the rest
 * of a file from a record that does not parse (reading reports both).
 *
 * <pre>{@code
 * CsvTypeInference types = new CsvTypeInference(Map.of("zip", FieldType.STRING));
 * try (InputStream in = ...) {
 *   types.scan(in, ',', "data.csv");
 * }
 * Schema schema = types.schema();
 * }</pre>
 */
final class CsvTypeInference {
  private static final int BUFFER = 1 << 16;

  private final Map<String, FieldType> declared;
  private final Map<String, Column> columns = new LinkedHashMap<>();
  private final byte[] buffer = new byte[BUFFER];
  private final Cell cell = new Cell();

  /** What a column's values were: how many numbers, how many not, and whether all were integers. */
  private static final class Column {
    long numbers;
    long others;
    boolean integers = true;

    FieldType type() {
      if (numbers <= others) {
        return FieldType.STRING;
      }
      return integers ? FieldType.INT64 : FieldType.DOUBLE;
    }
  }

  /** Infers the columns not in {@code declared}, which keep the type given there. */
  CsvTypeInference(Map<String, FieldType> declared) {
    this.declared = declared;
  }

  /** True once a file with a header has been scanned. */
  boolean hasHeader() {
    return !columns.isEmpty();
  }

  /**
   * The schema: the columns of the first header scanned, in its order, each nullable (a declared
   * type is kept as given).
   */
  Schema schema() {
    Schema.Builder schema = Schema.builder();
    for (Map.Entry<String, Column> c : columns.entrySet()) {
      FieldType given = declared.get(c.getKey());
      schema.addField(c.getKey(), given != null ? given : c.getValue().type().withNullable(true));
    }
    return schema.build();
  }

  /**
   * Scans the records of one file, adding its values to the columns of the same names. The first
   * file with a header decides the columns.
   *
   * @throws IllegalArgumentException for an empty or repeated column name in the header, or a
   *     header that does not parse
   * @throws IOException when the text cannot be read
   */
  void scan(InputStream in, char delimiter, String file) throws IOException {
    if (delimiter >= 0x80) {
      throw new IllegalArgumentException(
          "Cannot infer the schema of "
              + file
              + " with the delimiter '"
              + delimiter
              + "', which is not ASCII: declare the schema (withSchema)");
    }
    Scanner scanner = new Scanner(in, delimiter);
    List<String> header = scanner.header(file);
    if (header == null) {
      return;
    }
    List<String> names = CsvRecords.headerNames(header, file);
    if (columns.isEmpty()) {
      for (String name : names) {
        columns.put(name, new Column());
      }
    }
    Column[] byCell = new Column[names.size()];
    for (int i = 0; i < byCell.length; i++) {
      byCell[i] = declared.containsKey(names.get(i)) ? null : columns.get(names.get(i));
    }
    scanner.records(byCell);
  }

  /**
   * A cell's UTF-8 bytes: a view of the read buffer when the cell lies in it, else a copy in a
   * buffer reused from cell to cell. As a {@code CharSequence} each byte is a character, which is
   * the cell's text when the bytes are ASCII ({@link #kind} decodes the others).
   */
  private static final class Cell implements CharSequence {
    private byte[] copy = new byte[64];
    private byte[] bytes;
    private int from;
    private int length;

    void clear() {
      bytes = copy;
      from = 0;
      length = 0;
    }

    /** Appends {@code data[start, end)}, without copying while the cell is only that. */
    void add(byte[] data, int start, int end) {
      if (length == 0) {
        bytes = data;
        from = start;
        length = end - start;
        return;
      }
      detach();
      reserve(end - start);
      System.arraycopy(data, start, copy, length, end - start);
      length += end - start;
    }

    /** Appends one byte. */
    void add(int b) {
      detach();
      reserve(1);
      copy[length++] = (byte) b;
    }

    /** Copies a view into the cell's own buffer: the data it views is about to change. */
    void detach() {
      if (bytes != copy) {
        reserve(0);
        System.arraycopy(bytes, from, copy, 0, length);
        bytes = copy;
        from = 0;
      }
    }

    private void reserve(int more) {
      if (length + more > copy.length) {
        boolean copied = bytes == copy;
        copy = Arrays.copyOf(copy, Math.max(copy.length * 2, length + more));
        if (copied) {
          bytes = copy;
        }
      }
    }

    /** The cell as a number; null when it is empty. */
    NumberText.@Nullable Kind kind() {
      if (length == 0) {
        return null;
      }
      NumberText.Kind kind = NumberText.kind(this);
      if (kind == NumberText.Kind.NOT_A_NUMBER) {
        for (int i = from; i < from + length; i++) {
          if (bytes[i] < 0) {
            // Not ASCII: white space around a number may be any Unicode white space.
            return NumberText.kind(toString());
          }
        }
      }
      return kind;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public char charAt(int index) {
      return (char) (bytes[from + index] & 0xFF);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new String(bytes, from + start, end - start, UTF_8);
    }

    @Override
    public String toString() {
      return new String(bytes, from, length, UTF_8);
    }
  }

  /**
   * Splits UTF-8 text into records and cells as commons-csv's default format does (an ASCII
   * delimiter, a quote or a line break is never part of a multi-byte character, so bytes can be
   * split without decoding them): a cell that starts with a quote is quoted (it may hold the
   * delimiter, line breaks and quotes written twice; only white space may follow its closing
   * quote); a quote elsewhere is text; a record ends at {@code \n}, {@code \r} or {@code \r\n};
   * empty lines are skipped.
   */
  private final class Scanner {
    private final InputStream in;
    private final int delimiter;
    private int position;
    private int limit;

    Scanner(InputStream in, char delimiter) {
      this.in = in;
      this.delimiter = delimiter;
    }

    /** Reads more bytes into the buffer; false at the end of the text. */
    private boolean fill() throws IOException {
      cell.detach();
      int n = in.read(buffer, 0, buffer.length);
      position = 0;
      limit = Math.max(n, 0);
      return n > 0;
    }

    /** The next byte, or -1 at the end of the text. */
    private int next() throws IOException {
      if (position == limit && !fill()) {
        return -1;
      }
      return buffer[position++] & 0xFF;
    }

    /**
     * The cells of the first record, or null for a text without any.
     *
     * @throws IllegalArgumentException when the first record does not parse
     */
    List<String> header(String file) throws IOException {
      while (true) {
        List<String> cells = new ArrayList<>();
        Ending ending;
        do {
          ending = cell(cells.isEmpty());
          if (ending == Ending.EMPTY_LINE) {
            break;
          }
          if (ending == Ending.BROKEN) {
            throw new IllegalArgumentException(
                "Cannot infer the schema of "
                    + file
                    + ": its header does not parse as CSV (a quote not closed, or text after a"
                    + " closing quote)");
          }
          if (ending == Ending.END_OF_TEXT && cells.isEmpty() && cell.length() == 0) {
            return null;
          }
          cells.add(cell.toString());
        } while (ending == Ending.DELIMITER);
        if (!cells.isEmpty()) {
          return cells;
        }
      }
    }

    /** Adds the cells of every further record to {@code byCell} (null: not classified). */
    void records(Column[] byCell) throws IOException {
      NumberText.Kind[] kinds = new NumberText.Kind[byCell.length];
      while (true) {
        int cells = 0;
        Ending ending;
        do {
          ending = cell(cells == 0);
          if (ending == Ending.EMPTY_LINE) {
            break;
          }
          if (ending == Ending.BROKEN) {
            return;
          }
          if (ending == Ending.END_OF_TEXT && cells == 0 && cell.length() == 0) {
            return;
          }
          if (cells < kinds.length && byCell[cells] != null) {
            kinds[cells] = cell.kind();
          }
          cells++;
        } while (ending == Ending.DELIMITER);
        if (cells == kinds.length) {
          add(byCell, kinds);
        }
        if (ending == Ending.END_OF_TEXT) {
          return;
        }
      }
    }

    private void add(Column[] byCell, NumberText.Kind[] kinds) {
      for (int i = 0; i < kinds.length; i++) {
        Column column = byCell[i];
        NumberText.Kind kind = kinds[i];
        if (column == null || kind == null) {
          continue;
        }
        if (kind == NumberText.Kind.NOT_A_NUMBER) {
          column.others++;
        } else {
          column.numbers++;
          column.integers &= kind == NumberText.Kind.INTEGER;
        }
      }
    }

    /**
     * Reads one cell into {@link #cell} and says what ended it. {@code first}: the cell starts a
     * record, so a line break right away is an empty line.
     */
    private Ending cell(boolean first) throws IOException {
      cell.clear();
      if (position == limit && !fill()) {
        return Ending.END_OF_TEXT;
      }
      int c = buffer[position];
      if (c == '"') {
        position++;
        return quoted();
      }
      if (first && (c == '\n' || c == '\r')) {
        position++;
        skipNewlineAfter(c);
        return Ending.EMPTY_LINE;
      }
      while (true) {
        // The hot loop: find the end of the cell in the buffer (non-ASCII bytes are negative).
        byte[] b = buffer;
        int end = limit;
        int i = position;
        while (i < end && b[i] != delimiter && b[i] != '\n' && b[i] != '\r') {
          i++;
        }
        if (i > position) {
          cell.add(b, position, i);
        }
        if (i < end) {
          position = i + 1;
          if (b[i] == delimiter) {
            return Ending.DELIMITER;
          }
          skipNewlineAfter(b[i]);
          return Ending.END_OF_LINE;
        }
        position = end;
        if (!fill()) {
          return Ending.END_OF_TEXT;
        }
      }
    }

    private Ending quoted() throws IOException {
      while (true) {
        int c = next();
        if (c == -1) {
          return Ending.BROKEN;
        }
        if (c == '"') {
          c = next();
          if (c != '"') {
            return afterQuote(c);
          }
        }
        cell.add(c);
      }
    }

    /** After a closing quote: white space, then the delimiter, a line break or the end. */
    private Ending afterQuote(int c) throws IOException {
      while (true) {
        if (c == delimiter) {
          return Ending.DELIMITER;
        }
        if (c == -1) {
          return Ending.END_OF_TEXT;
        }
        if (c == '\n' || c == '\r') {
          skipNewlineAfter(c);
          return Ending.END_OF_LINE;
        }
        if (!Character.isWhitespace(c < 0x80 ? c : codePoint(c))) {
          return Ending.BROKEN;
        }
        c = next();
      }
    }

    /** The character whose UTF-8 encoding starts with {@code lead}; -1 for bytes that are not. */
    private int codePoint(int lead) throws IOException {
      int more = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : -1;
      int c = lead & (0x3F >> more);
      for (int i = 0; i < more; i++) {
        int b = next();
        if (b < 0x80 || b >= 0xC0) {
          return -1;
        }
        c = (c << 6) | (b & 0x3F);
      }
      return more < 0 ? -1 : c;
    }

    /** After {@code \r}, a {@code \n} belongs to the same line break. */
    private void skipNewlineAfter(int c) throws IOException {
      if (c == '\r') {
        int n = next();
        if (n != '\n' && n != -1) {
          position--;
        }
      }
    }
  }

  /** What ended a cell. */
  private enum Ending {
    DELIMITER,
    END_OF_LINE,
    END_OF_TEXT,
    /** A line break where a record would start: no cell. */
    EMPTY_LINE,
    /** A quote never closed, or text after a closing quote: the rest cannot be split. */
    BROKEN
  }
}
