package org.beamlink.transforms.io;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What a reader with a failure output produces: the rows it could parse, and one failure row per
 * record it could not, with the file, the line the record starts on, the record's text and what is
 * wrong with it ({@link #FAILURE_SCHEMA}).
 *
 * <pre>{@code
 * ReadResult result = p.apply(ReadCsv.from("data/*.csv").withFailuresOutput());
 * PCollection<Row> rows = result.getRows();
 * PCollection<Row> failures = result.getFailures(); // file, line, text, error
 * }</pre>
 */
public final class ReadResult implements POutput {
  /** The schema of a failure row: {@code file}, {@code line}, {@code text}, {@code error}. */
  public static final Schema FAILURE_SCHEMA =
      Schema.builder()
          .addStringField("file")
          .addInt64Field("line")
          .addStringField("text")
          .addStringField("error")
          .build();

  static final TupleTag<Row> ROWS = new TupleTag<Row>("rows") {};
  static final TupleTag<Row> FAILURES = new TupleTag<Row>("failures") {};

  private final Pipeline pipeline;
  private final PCollection<Row> rows;
  private final PCollection<Row> failures;

  private ReadResult(Pipeline pipeline, PCollection<Row> rows, PCollection<Row> failures) {
    this.pipeline = pipeline;
    this.rows = rows;
    this.failures = failures;
  }

  static ReadResult of(PCollectionTuple tuple) {
    return of(tuple.getPipeline(), tuple.get(ROWS), tuple.get(FAILURES));
  }

  static ReadResult of(Pipeline pipeline, PCollection<Row> rows, PCollection<Row> failures) {
    return new ReadResult(pipeline, rows, failures);
  }

  /** The records that parsed. */
  public PCollection<Row> getRows() {
    return rows;
  }

  /** One row of {@link #FAILURE_SCHEMA} for every record that did not parse. */
  public PCollection<Row> getFailures() {
    return failures;
  }

  /** The tag of {@link #getRows()} in {@link #expand()}. */
  public TupleTag<Row> getRowsTag() {
    return ROWS;
  }

  /** The tag of {@link #getFailures()} in {@link #expand()}. */
  public TupleTag<Row> getFailuresTag() {
    return FAILURES;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(ROWS, rows, FAILURES, failures);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}

  /** A failure row. */
  static Row failure(String file, long line, String text, String error) {
    return Row.withSchema(FAILURE_SCHEMA).addValues(file, line, text, error).build();
  }

  /** The message a reader without a failure output fails the pipeline with. */
  static String describe(String file, long line, String error) {
    return "Malformed record in " + file + ", line " + line + ": " + error;
  }
}
