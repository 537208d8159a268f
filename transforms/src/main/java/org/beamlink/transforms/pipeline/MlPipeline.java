package org.beamlink.transforms.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;

/**
 * A pipeline of stages, Spark ML's and Alink's {@code Pipeline}: estimators (any {@link
 * PipelineStage}, such as {@code StandardScaler.fit()}, {@code LogisticRegression.fit()}, {@code
 * KMeans.fit()}) and plain transforms ({@link MapRows}, such as {@code VectorAssembler}). {@link
 * #fit()} fits the stages in order, each estimator on the rows as the stages before it left them,
 * into one {@link PipelineModel}; {@link #transform} applies a fitted pipeline to bounded or
 * unbounded rows. (It is not called {@code Pipeline} so that it does not clash with Beam's {@code
 * Pipeline}, which every program that uses it imports.)
 *
 * <p>Every stage checks its columns when the pipeline is built: a misspelt column fails at {@code
 * apply}, not when the job runs, and the output schema of {@link #transform} is known then too. The
 * stages after the last estimator are not applied during fitting, as in Spark. Fitting needs
 * bounded rows; the fitted model scores bounded and unbounded rows, and a {@link PipelineModel} is
 * itself a stage, so pipelines nest.
 *
 * <p>Each estimator after the first sees its input through the fitted stages before it, which Beam
 * applies with the model as a side input; on Flink's batch mode a side input makes the runner sort
 * that input, so long pipelines of estimators over large data pay for a sort per estimator.
 *
 * <pre>{@code
 * MlPipeline pipeline =
 *     MlPipeline.of(
 *         VectorAssembler.of("age", "income").withOutputCol("raw"),
 *         StandardScaler.fit().withInputCol("raw").withOutputCol("features"),
 *         LogisticRegression.fit().withVectorCol("features").withLabelCol("churned"));
 * PCollection<PipelineModel> model = training.apply(pipeline.fit());
 * PCollection<Row> scored = live.apply(MlPipeline.transform(model));
 * model.apply(WriteModel.to("/models/churn.blm"));
 * }</pre>
 */
public final class MlPipeline implements PipelineStage {
  private final List<PipelineStage> stages;

  private MlPipeline(List<PipelineStage> stages) {
    this.stages = stages;
  }

  /** A pipeline of {@code stages}, applied in this order. */
  public static MlPipeline of(PipelineStage... stages) {
    return of(List.of(stages));
  }

  /** A pipeline of {@code stages}, applied in this order. */
  public static MlPipeline of(List<? extends PipelineStage> stages) {
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("Expected at least one pipeline stage, got none");
    }
    return new MlPipeline(List.copyOf(stages));
  }

  /** The stages, in order. */
  public List<PipelineStage> stages() {
    return stages;
  }

  /** Fits the pipeline on bounded rows into one {@link PipelineModel}. */
  public Fit fit() {
    return new Fit(stages);
  }

  /**
   * Applies the fitted pipeline in {@code model} (one element, the output of {@link #fit()}) to
   * bounded or unbounded rows; see {@link ApplyModel} for failures.
   */
  public static ApplyModel<PipelineModel> transform(PCollection<PipelineModel> model) {
    return ApplyModel.of(model);
  }

  @Override
  public PCollection<Transformer> fitStage(PCollection<Row> input) {
    PCollection<PipelineModel> model = input.apply("Fit pipeline", fit());
    return PipelineStage.fitted(model, TransformerCoder.mappingOf(model));
  }

  /**
   * The transform {@link MlPipeline#fit()} returns.
   *
   * <pre>{@code
   * PCollection<PipelineModel> model = rows.apply(pipeline.fit());
   * }</pre>
   */
  public static final class Fit extends PTransform<PCollection<Row>, PCollection<PipelineModel>> {
    private final List<PipelineStage> stages;

    private Fit(List<PipelineStage> stages) {
      this.stages = stages;
    }

    @Override
    public PCollection<PipelineModel> expand(PCollection<Row> input) {
      int lastEstimator = -1;
      for (int i = 0; i < stages.size(); i++) {
        if (!(stages.get(i) instanceof MapRows)) {
          lastEstimator = i;
        }
      }
      PCollection<Row> data = input;
      List<SchemaMapping> mappings = new ArrayList<>();
      List<PCollection<KV<Integer, LargeSingleton.Ref>>> fitted = new ArrayList<>();
      String directory = LargeSingleton.directory(input.getPipeline().getOptions());
      for (int i = 0; i < stages.size(); i++) {
        PipelineStage stage = stages.get(i);
        String name = "Stage " + (i + 1);
        PCollection<Transformer> model;
        try {
          model = data.apply(name + " fit", new FitStage(stage));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "Pipeline stage " + (i + 1) + " (" + describe(stage) + "): " + e.getMessage(), e);
        }
        SchemaMapping mapping = TransformerCoder.mappingOf(model);
        mappings.add(mapping);
        int index = i;
        fitted.add(
            model
                .apply(
                    name + " shipped",
                    ParDo.of(new LargeSingleton.ShipFn<>(TransformerCoder.of(), directory)))
                .setCoder(LargeSingleton.RefCoder.of())
                .apply(name + " index", WithKeys.of(index))
                .setCoder(KvCoder.of(VarIntCoder.of(), LargeSingleton.RefCoder.of())));
        if (i < lastEstimator) {
          data =
              stage instanceof MapRows rows
                  ? data.apply(name + " apply", rows)
                  : data.apply(name + " apply", ApplyModel.of(model));
        }
      }
      Schema inputSchema = input.getSchema();
      List<SchemaMapping> all = List.copyOf(mappings);
      SchemaMapping pipelineMapping =
          in -> {
            Schema s = in;
            for (SchemaMapping m : all) {
              s = m.outputSchema(s);
            }
            return s;
          };
      return PCollectionList.of(fitted)
          .apply("Flatten stages", Flatten.pCollections())
          .apply(
              "One key",
              WithKeys.<Integer, KV<Integer, LargeSingleton.Ref>>of(0)
                  .withKeyType(TypeDescriptors.integers()))
          .apply("Gather stages", GroupByKey.create())
          .apply("Pipeline model", ParDo.of(new AssembleFn(inputSchema, stages.size())))
          .setCoder(TransformerCoder.of(PipelineModel.class, pipelineMapping));
    }
  }

  private static String describe(PipelineStage stage) {
    return stage instanceof PTransform<?, ?> t ? t.getName() : stage.getClass().getSimpleName();
  }

  /** Fits one stage under its own name, so that stages of the same kind do not clash. */
  private static final class FitStage
      extends PTransform<PCollection<Row>, PCollection<Transformer>> {
    private final PipelineStage stage;

    FitStage(PipelineStage stage) {
      this.stage = stage;
    }

    @Override
    public PCollection<Transformer> expand(PCollection<Row> input) {
      return stage.fitStage(input);
    }
  }

  /**
   * The stages' models, gathered as references ({@link LargeSingleton.Ref}): a large model is never
   * one record of Flink's sorter, which a batch {@code GroupByKey} would make of it.
   */
  private static final class AssembleFn
      extends DoFn<KV<Integer, Iterable<KV<Integer, LargeSingleton.Ref>>>, PipelineModel> {
    private final Schema inputSchema;
    private final int numStages;

    AssembleFn(Schema inputSchema, int numStages) {
      this.inputSchema = inputSchema;
      this.numStages = numStages;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<KV<Integer, LargeSingleton.Ref>>> group,
        OutputReceiver<PipelineModel> out) {
      Transformer[] stages = new Transformer[numStages];
      for (KV<Integer, LargeSingleton.Ref> kv : group.getValue()) {
        if (stages[kv.getKey()] != null) {
          throw new IllegalStateException(
              "Pipeline stage " + (kv.getKey() + 1) + " was fitted more than once");
        }
        stages[kv.getKey()] =
            kv.getValue()
                .resolve(TransformerCoder.of(), "the model of pipeline stage " + (kv.getKey() + 1));
      }
      for (int i = 0; i < numStages; i++) {
        if (stages[i] == null) {
          throw new IllegalStateException("Pipeline stage " + (i + 1) + " produced no model");
        }
      }
      out.output(PipelineModel.of(inputSchema, List.of(stages)));
    }
  }
}
