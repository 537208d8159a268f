package org.beamlink.transforms.io;

import com.google.auto.value.AutoValue;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Replays one CSV file of events as a live, unbounded stream that ends: the rows in file order,
 * each stamped with its time column, at most {@link #withRate} rows per second.
 *
 * <p>For streaming jobs over a recorded event log (a click log, sensor readings): event-time
 * windows close as the replay runs, because the watermark follows the time column, and the job
 * finishes after the last row. The file is read by one reader in order (no splitting); its
 * checkpoint is the number of rows read, so a job restored from a Flink checkpoint or savepoint
 * resumes at the next row (the file is reopened and the rows before it skipped).
 *
 * <p>Parsing is {@link ReadCsv}'s (header, quoting, compression, cell types). The schema is given
 * or inferred from every record of the file, as {@link ReadCsv} infers it. The time column is
 * {@code INT64} milliseconds since the epoch, and must not decrease from one row to the next. A
 * malformed record, a null or decreasing time or a missing file fails the job with the file and
 * line named: a replay is an ordered log, and skipping a row would change what follows.
 *
 * <pre>{@code
 * PCollection<Row> events = p.apply(ReplayCsv.from("clicks.csv").withSchema(schema)
 *     .withTimeCol("time").withRate(20_000));
 * }</pre>
 */
@AutoValue
public abstract class ReplayCsv extends PTransform<PBegin, PCollection<Row>> {
  private static final long serialVersionUID = 1L;

  abstract String file();

  abstract @Nullable Schema schema();

  abstract @Nullable String timeCol();

  abstract double rate();

  abstract long skipRows();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setFile(String file);

    abstract Builder setSchema(@Nullable Schema schema);

    abstract Builder setTimeCol(@Nullable String col);

    abstract Builder setRate(double rate);

    abstract Builder setSkipRows(long rows);

    abstract ReplayCsv build();
  }

  /**
   * Replays {@code file} (a path Beam's {@code FileSystems} know); {@link #withTimeCol} is needed.
   */
  public static ReplayCsv from(String file) {
    if (file == null || file.isEmpty()) {
      throw new IllegalArgumentException("Expected a file, got " + file);
    }
    return new AutoValue_ReplayCsv.Builder().setFile(file).setRate(0).setSkipRows(0).build();
  }

  /** The rows' schema, with a supported type for every field; default inferred. */
  public ReplayCsv withSchema(Schema schema) {
    ReadCsv.from(file()).withSchema(schema);
    return toBuilder().setSchema(schema).build();
  }

  /** The event time column: {@code INT64} milliseconds since the epoch, never decreasing. */
  public ReplayCsv withTimeCol(String col) {
    if (col == null || col.isEmpty()) {
      throw new IllegalArgumentException("Expected a time column name, got " + col);
    }
    return toBuilder().setTimeCol(col).build();
  }

  /** At most {@code perSecond} rows per second (above 0); default as fast as read. */
  public ReplayCsv withRate(double perSecond) {
    return toBuilder().setRate(PacedSource.checkRate(perSecond)).build();
  }

  /**
   * Starts after the first {@code rows} rows (at least 0; default 0), which are parsed but neither
   * emitted nor paced, e.g. the prefix a batch model was fitted on.
   */
  public ReplayCsv withSkipRows(long rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("Expected skipRows >= 0, got " + rows);
    }
    return toBuilder().setSkipRows(rows).build();
  }

  @Override
  public PCollection<Row> expand(PBegin input) {
    String timeCol = timeCol();
    if (timeCol == null) {
      throw new IllegalArgumentException("ReplayCsv needs the event time column: withTimeCol");
    }
    Schema schema = schema();
    if (schema == null) {
      schema = ReadCsv.inferSchema(file(), ',', Map.of());
    }
    if (!schema.hasField(timeCol)) {
      throw new IllegalArgumentException(
          "Time column '" + timeCol + "' is not in the schema " + schema.getFieldNames());
    }
    if (schema.getField(timeCol).getType().getTypeName() != TypeName.INT64) {
      throw new IllegalArgumentException(
          "Time column '"
              + timeCol
              + "' has type "
              + schema.getField(timeCol).getType()
              + "; expected INT64 milliseconds since the epoch");
    }
    return input
        .apply(
            Read.from(new PacedSource<>(new CsvFeed(file(), schema, timeCol, skipRows()), rate())))
        .setRowSchema(schema);
  }

  /** The file's rows in order. */
  private static final class CsvFeed implements PacedSource.Feed<Row> {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final Schema schema;
    private final String timeCol;
    private final long skipRows;

    CsvFeed(String file, Schema schema, String timeCol, long skipRows) {
      this.file = file;
      this.schema = schema;
      this.timeCol = timeCol;
      this.skipRows = skipRows;
    }

    @Override
    public PacedSource.Cursor<Row> open(long skip) throws IOException {
      MatchResult.Metadata metadata = FileSystems.matchSingleFileSpec(file);
      String name = metadata.resourceId().toString();
      CsvRecords records = new CsvRecords(ReadCsv.open(metadata), ',', name);
      try {
        List<String> header = records.header();
        if (header == null) {
          throw new IllegalArgumentException(name + " is empty: it has no header");
        }
        int[] cellOfField = ReadCsv.cellsOfFields(schema, header);
        for (int f = 0; f < cellOfField.length; f++) {
          if (cellOfField[f] < 0) {
            throw new IllegalArgumentException(
                ReadResult.describe(name, 1, ReadCsv.noColumn(schema, header, f)));
          }
        }
        RowCursor cursor = new RowCursor(records, name, header.size(), cellOfField);
        for (long i = 0; i < skipRows + skip; i++) {
          if (!cursor.next()) {
            if (i < skipRows) {
              break;
            }
            throw new IllegalStateException(
                name
                    + " has "
                    + i
                    + " rows, fewer than the "
                    + (skipRows + skip)
                    + " skipped and read before the checkpoint");
          }
        }
        return cursor;
      } catch (CsvRecords.SyntaxException e) {
        records.close();
        throw new IllegalArgumentException(ReadResult.describe(name, e.line(), e.getMessage()), e);
      } catch (RuntimeException | IOException e) {
        records.close();
        throw e;
      }
    }

    @Override
    public Coder<Row> coder() {
      return SchemaCoder.of(schema);
    }

    private final class RowCursor implements PacedSource.Cursor<Row> {
      private final CsvRecords records;
      private final String name;
      private final int cells;
      private final int[] cellOfField;
      private final int timeIndex;
      private @Nullable Row current;
      private Instant timestamp = new Instant(Long.MIN_VALUE);

      RowCursor(CsvRecords records, String name, int cells, int[] cellOfField) {
        this.records = records;
        this.name = name;
        this.cells = cells;
        this.cellOfField = cellOfField;
        this.timeIndex = schema.indexOf(timeCol);
      }

      @Override
      public boolean next() throws IOException {
        CsvRecords.Record record;
        try {
          record = records.next();
        } catch (CsvRecords.SyntaxException e) {
          throw new IllegalArgumentException(
              ReadResult.describe(name, e.line(), e.getMessage()), e);
        } catch (IOException e) {
          throw new IOException("Cannot read " + name + ": " + ReadCsv.describe(e), e);
        }
        if (record == null) {
          return false;
        }
        if (record.cells().size() != cells) {
          throw new IllegalArgumentException(
              ReadResult.describe(
                  name,
                  record.line(),
                  "expected " + cells + " cells as in the header, got " + record.cells().size()));
        }
        Object[] values = new Object[cellOfField.length];
        try {
          for (int f = 0; f < values.length; f++) {
            values[f] = ReadCsv.value(record.cells().get(cellOfField[f]), schema.getField(f));
          }
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              ReadResult.describe(name, record.line(), e.getMessage()), e);
        }
        Object time = values[timeIndex];
        if (time == null) {
          throw new IllegalArgumentException(
              ReadResult.describe(name, record.line(), "time column '" + timeCol + "' is empty"));
        }
        Instant t = new Instant((long) (Long) time);
        if (t.isBefore(timestamp)) {
          throw new IllegalArgumentException(
              ReadResult.describe(
                  name,
                  record.line(),
                  "time column '"
                      + timeCol
                      + "' has "
                      + t.getMillis()
                      + ", before the previous row's "
                      + timestamp.getMillis()
                      + "; a replay needs rows in time order"));
        }
        timestamp = t;
        current = Row.withSchema(schema).attachValues(values);
        return true;
      }

      @Override
      public Row current() {
        Row r = current;
        if (r == null) {
          throw new IllegalStateException("No current row");
        }
        return r;
      }

      @Override
      public Instant timestamp() {
        return timestamp;
      }

      @Override
      public void close() throws IOException {
        records.close();
      }
    }
  }
}
