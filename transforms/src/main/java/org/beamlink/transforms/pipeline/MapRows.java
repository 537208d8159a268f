package org.beamlink.transforms.pipeline;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;

/**
 * Applies a {@link Transformer} that needs no fitting (a {@code VectorAssembler}, a {@code
 * Binarizer}, a loaded pipeline model) to bounded or unbounded rows, one row at a time, with no
 * side input. The plain transforms of the {@code feature} package extend it, which makes them
 * pipeline stages too; {@link #using} wraps any transformer value.
 *
 * <p>A row the transformer cannot map fails the job with the transformer's message (column, value,
 * row); with {@link #withFailures()} it goes to a failure output instead, beside the error ({@link
 * ApplyModel#failureSchema}).
 *
 * <pre>{@code
 * PCollection<Row> scored = rows.apply(MapRows.using(ModelFile.read(path, PipelineModel.class)));
 * WithFailures.Result<PCollection<Row>, Row> result = rows.apply(MapRows.using(model).withFailures());
 * }</pre>
 */
public abstract class MapRows extends PTransform<PCollection<Row>, PCollection<Row>>
    implements PipelineStage {

  /** The transformer this transform applies. */
  public abstract Transformer transformer();

  /**
   * Applies {@code transformer}. (Not named {@code of}: the feature transforms extend this class,
   * and their own {@code of(inputCol)} factories would sit beside an inherited {@code of}.)
   */
  public static MapRows using(Transformer transformer) {
    return new Fixed(transformer);
  }

  /** The same mapping, with rows that cannot be mapped kept in a failure output. */
  public PTransform<PCollection<Row>, WithFailures.Result<PCollection<Row>, Row>> withFailures() {
    Transformer t = transformer();
    return new PTransform<>() {
      @Override
      public WithFailures.Result<PCollection<Row>, Row> expand(PCollection<Row> input) {
        Schema output = t.outputSchema(input.getSchema());
        Schema failureSchema = ApplyModel.failureSchema(input.getSchema());
        PCollectionTuple out =
            input.apply(
                "Map",
                ParDo.of(new MapOrKeepFn(t, input.getSchema(), failureSchema))
                    .withOutputTags(MapOrKeepFn.MAPPED, TupleTagList.of(MapOrKeepFn.FAILED)));
        out.get(MapOrKeepFn.MAPPED).setRowSchema(output);
        out.get(MapOrKeepFn.FAILED).setRowSchema(failureSchema);
        return WithFailures.Result.of(out, MapOrKeepFn.MAPPED, MapOrKeepFn.FAILED);
      }
    };
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    Transformer t = transformer();
    Schema output = t.outputSchema(input.getSchema());
    return input.apply("Map", ParDo.of(new MapFn(t, input.getSchema()))).setRowSchema(output);
  }

  /** The transformer itself, as one element: a plain transform learns nothing from the rows. */
  @Override
  public PCollection<Transformer> fitStage(PCollection<Row> input) {
    Transformer t = transformer();
    t.outputSchema(input.getSchema());
    return input
        .getPipeline()
        .apply(
            "Stage " + getName(),
            Create.of(t).withCoder(TransformerCoder.of(Transformer.class, t)));
  }

  private static final class Fixed extends MapRows {
    private final Transformer transformer;

    Fixed(Transformer transformer) {
      this.transformer = transformer;
    }

    @Override
    public Transformer transformer() {
      return transformer;
    }
  }

  private static final class MapFn extends DoFn<Row, Row> {
    private final Transformer transformer;
    private final Schema input;
    private transient Transformer.Bound bound;

    MapFn(Transformer transformer, Schema input) {
      this.transformer = transformer;
      this.input = input;
    }

    @Setup
    public void setup() {
      bound = transformer.bind(input);
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      out.output(bound.apply(row));
    }
  }

  private static final class MapOrKeepFn extends DoFn<Row, Row> {
    static final TupleTag<Row> MAPPED = new TupleTag<Row>() {};
    static final TupleTag<Row> FAILED = new TupleTag<Row>() {};

    private final Transformer transformer;
    private final Schema input;
    private final Schema failureSchema;
    private final Counter failures = Metrics.counter(MapRows.class, "rowsFailed");
    private transient Transformer.Bound bound;

    MapOrKeepFn(Transformer transformer, Schema input, Schema failureSchema) {
      this.transformer = transformer;
      this.input = input;
      this.failureSchema = failureSchema;
    }

    @Setup
    public void setup() {
      bound = transformer.bind(input);
    }

    @ProcessElement
    public void process(@Element Row row, MultiOutputReceiver out) {
      Row mapped;
      try {
        mapped = bound.apply(row);
      } catch (IllegalArgumentException e) {
        failures.inc();
        out.get(FAILED)
            .output(Row.withSchema(failureSchema).addValues(row, e.getMessage()).build());
        return;
      }
      out.get(MAPPED).output(mapped);
    }
  }
}
