package org.beamlink.models.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.io.ModelFormats;
import org.beamlink.models.io.SchemaCoding;

/**
 * A fitted pipeline: its stages in order, each applied to the output of the one before, and the
 * schema of the rows it was fitted on. It is itself a {@link Transformer}, so pipelines nest, and
 * it is what {@code MlPipeline.fit()} produces, {@link org.beamlink.models.io.ModelFile} saves and
 * {@link LocalPredictor} serves.
 *
 * <pre>{@code
 * PipelineModel model = PipelineModel.of(trainSchema, List.of(scalerModel, logisticStage));
 * Row scored = model.bind(rowSchema).apply(row);
 * }</pre>
 */
public final class PipelineModel implements Transformer {
  private static final long serialVersionUID = 1L;

  private final Schema inputSchema;
  private final List<Transformer> stages;

  private PipelineModel(Schema inputSchema, List<Transformer> stages) {
    this.inputSchema = inputSchema;
    this.stages = stages;
  }

  /** A pipeline model of {@code stages}, fitted on rows of {@code inputSchema}. */
  public static PipelineModel of(Schema inputSchema, List<? extends Transformer> stages) {
    return new PipelineModel(inputSchema, List.copyOf(stages));
  }

  /** The schema of the rows the pipeline was fitted on. */
  public Schema inputSchema() {
    return inputSchema;
  }

  /** The fitted stages, in order. */
  public List<Transformer> stages() {
    return stages;
  }

  @Override
  public Schema outputSchema(Schema input) {
    Schema schema = input;
    for (int i = 0; i < stages.size(); i++) {
      Schema in = schema;
      Transformer stage = stages.get(i);
      schema = inStage(i, () -> stage.outputSchema(in));
    }
    return schema;
  }

  @Override
  public Bound bind(Schema input) {
    Transformer.Bound[] bound = new Transformer.Bound[stages.size()];
    Schema schema = input;
    for (int i = 0; i < bound.length; i++) {
      Schema in = schema;
      Transformer stage = stages.get(i);
      bound[i] = inStage(i, () -> stage.bind(in));
      schema = bound[i].outputSchema();
    }
    return new BoundPipeline(bound, schema);
  }

  private <R> R inStage(int i, java.util.function.Supplier<R> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Pipeline stage "
              + (i + 1)
              + " ("
              + ModelFormats.forModel(stages.get(i)).type()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("inputSchema", SchemaCoding.describe(inputSchema));
    for (int i = 0; i < stages.size(); i++) {
      Transformer stage = stages.get(i);
      p.put("stage" + (i + 1), ModelFormats.forModel(stage).type() + " " + stage.parameters());
    }
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PipelineModel m
        && inputSchema.equals(m.inputSchema)
        && stages.equals(m.stages);
  }

  @Override
  public int hashCode() {
    return 31 * inputSchema.hashCode() + stages.hashCode();
  }

  @Override
  public String toString() {
    List<String> types = new ArrayList<>();
    for (Transformer s : stages) {
      types.add(ModelFormats.forModel(s).type());
    }
    return "PipelineModel" + types;
  }

  private static final class BoundPipeline implements Transformer.Bound {
    private final Transformer.Bound[] stages;
    private final Schema output;

    BoundPipeline(Transformer.Bound[] stages, Schema output) {
      this.stages = stages;
      this.output = output;
    }

    @Override
    public Schema outputSchema() {
      return output;
    }

    @Override
    public Row apply(Row row) {
      Row r = row;
      for (int i = 0; i < stages.length; i++) {
        try {
          r = stages[i].apply(r);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "Pipeline stage " + (i + 1) + ": " + e.getMessage(), e);
        }
      }
      return r;
    }
  }
}
