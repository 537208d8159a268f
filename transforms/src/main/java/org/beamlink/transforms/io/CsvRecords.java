package org.beamlink.transforms.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The records of one CSV file, read in order with commons-csv, each with the line it starts on:
 * quoted fields may hold the delimiter, quotes ({@code ""}) and line breaks; empty lines are
 * skipped. The first record is the header.
 *
 * <pre>{@code
 * try (CsvRecords records = new CsvRecords(reader, ',', "data.csv")) {
 *   List<String> header = records.header();
 *   for (CsvRecords.Record r = records.next(); r != null; r = records.next()) { ... }
 * }
 * }</pre>
 */
final class CsvRecords implements Closeable {
  private final CSVFormat format;
  private final CSVParser parser;
  private final Iterator<CSVRecord> iterator;
  private final String file;

  /** One record: the line it starts on (1-based), its cells, and its text as CSV. */
  record Record(long line, List<String> cells, String text) {}

  /** Thrown when the text cannot be split into records; the rest of the file cannot be read. */
  static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long line;

    SyntaxException(long line, String message) {
      super(message);
      this.line = line;
    }

    /** The line the broken record starts on, or the line after the last good record. */
    long line() {
      return line;
    }
  }

  CsvRecords(Reader reader, char delimiter, String file) throws IOException {
    this.format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).build();
    this.parser = new CSVParser(reader, format);
    this.iterator = parser.iterator();
    this.file = file;
  }

  /**
   * The header: the first record, with a byte order mark dropped.
   *
   * @return null for a file without any record
   * @throws IllegalArgumentException for an empty or repeated column name, naming the file
   */
  List<String> header() throws SyntaxException, IOException {
    Record first = next();
    if (first == null) {
      return null;
    }
    return headerNames(first.cells(), file);
  }

  /**
   * The column names of a header record of {@code file}: stripped, with a byte order mark dropped.
   *
   * @throws IllegalArgumentException for an empty or repeated column name, naming the file
   */
  static List<String> headerNames(List<String> cells, String file) {
    List<String> names = new ArrayList<>(cells);
    if (!names.isEmpty() && names.get(0).startsWith("\uFEFF")) {
      names.set(0, names.get(0).substring(1));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).strip();
      if (name.isEmpty()) {
        throw new IllegalArgumentException(
            "The header of " + file + " has an empty name for column " + (i + 1));
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException(
            "The header of " + file + " names column '" + name + "' twice");
      }
      names.set(i, name);
    }
    return names;
  }

  /**
   * The next record, or null at the end of the file.
   *
   * @throws SyntaxException when the text cannot be split into records, such as for a quote that is
   *     never closed
   * @throws IOException when the file cannot be read further, such as a truncated compressed file
   */
  Record next() throws SyntaxException, IOException {
    long linesBefore = parser.getCurrentLineNumber();
    CSVRecord record;
    try {
      if (!iterator.hasNext()) {
        return null;
      }
      record = iterator.next();
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof CSVException syntax) {
        throw new SyntaxException(linesBefore + 1, syntax.getMessage());
      }
      throw e.getCause();
    }
    List<String> cells = record.toList();
    long line = parser.getCurrentLineNumber() - embeddedLineBreaks(cells);
    return new Record(line, cells, format.format(cells.toArray()));
  }

  private static long embeddedLineBreaks(List<String> cells) {
    long breaks = 0;
    for (String cell : cells) {
      for (int i = 0; i < cell.length(); i++) {
        char c = cell.charAt(i);
        if (c == '\n' || (c == '\r' && (i + 1 == cell.length() || cell.charAt(i + 1) != '\n'))) {
          breaks++;
        }
      }
    }
    return breaks;
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
