package org.beamlink.transforms.tuning;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Partition;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.models.pipeline.TransformerScorer;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.linear.LinearFits;
import org.beamlink.transforms.pipeline.MapRows;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.pipeline.PipelineStage;

/**
 * A search whose every fit runs in one loop of the iteration shim ({@link LinearFits}): the
 * pipeline is plain transforms ({@link MapRows}, which learn nothing) around one {@link LinearFit},
 * and the candidates vary only parameters of that fit that leave its packed data alone ({@link
 * LinearFit#sharesLoopWith}). The rows of each split are packed once, through the transforms before
 * the fit, and one loop trains {@code candidates x (splits + 1)} models: every candidate on the
 * rows outside each split and on all the rows. Each split's validation rows are read once and
 * scored by every candidate's model of that split (one pass, the split's models as side inputs),
 * then by the transforms after the fit, as the fitted pipeline would score them.
 */
final class OneLoop {
  private final List<PipelineStage> stages;
  private final List<Candidate> candidates;
  private final int linear;
  private final int splits;

  /** How the search turns a split's scored validation rows into its metric. */
  interface Scorer {
    PCollection<KV<Integer, KV<Integer, Double>>> score(
        PCollection<Row> scored, String step, int candidate, int split);
  }

  OneLoop(MlPipeline pipeline, List<Candidate> candidates, int linear, int splits) {
    this.stages = pipeline.stages();
    this.candidates = candidates;
    this.linear = linear;
    this.splits = splits;
  }

  /**
   * The index of the {@link LinearFit} stage when the candidates can train in one loop: every other
   * stage is a {@link MapRows} the candidates share (the same object), and the candidates' fits
   * share their packed data; -1 otherwise.
   */
  static int linearStage(MlPipeline pipeline, List<Candidate> candidates) {
    List<PipelineStage> base = pipeline.stages();
    int linear = -1;
    for (int j = 0; j < base.size(); j++) {
      if (base.get(j) instanceof LinearFit) {
        if (linear >= 0) {
          return -1;
        }
        linear = j;
      } else if (!(base.get(j) instanceof MapRows)) {
        return -1;
      }
    }
    if (linear < 0) {
      return -1;
    }
    LinearFit first = (LinearFit) candidates.get(0).pipeline().stages().get(linear);
    for (Candidate c : candidates) {
      List<PipelineStage> own = c.pipeline().stages();
      if (own.size() != base.size()) {
        return -1;
      }
      for (int j = 0; j < own.size(); j++) {
        if (j != linear && own.get(j) != base.get(j)) {
          return -1;
        }
      }
      if (!(own.get(linear) instanceof LinearFit fit) || !first.sharesLoopWith(fit)) {
        return -1;
      }
    }
    return linear;
  }

  /**
   * Trains every model in one loop over {@code rows} (keyed by split, -1 for rows only trained on),
   * adds each candidate x split metric to {@code values}, and returns every candidate's pipeline
   * fitted on all the rows.
   */
  List<PCollection<PipelineModel>> fit(
      PCollection<KV<Integer, Row>> rows,
      Schema schema,
      List<PCollection<KV<Integer, KV<Integer, Double>>>> values,
      Scorer scorer) {
    int last = splits;
    PCollectionList<KV<Integer, Row>> byPart =
        rows.apply(
            "Parts",
            Partition.<KV<Integer, Row>>of(
                splits + 1, (kv, n) -> kv.getKey() < 0 ? last : kv.getKey()));
    List<PCollection<Row>> parts = new ArrayList<>();
    for (int p = 0; p <= splits; p++) {
      String name = "Part " + p;
      PCollection<Row> part =
          byPart.get(p).apply(name + " values", Values.create()).setRowSchema(schema);
      for (int j = 0; j < linear; j++) {
        part = part.apply(name + " stage " + (j + 1), (MapRows) stages.get(j));
      }
      parts.add(part);
    }
    int perCandidate = splits + 1;
    List<LinearFit> fits = new ArrayList<>();
    int[] heldOut = new int[candidates.size() * perCandidate];
    for (Candidate c : candidates) {
      LinearFit fit = (LinearFit) c.pipeline().stages().get(linear);
      for (int s = 0; s <= splits; s++) {
        heldOut[fits.size()] = s < splits ? s : -1;
        fits.add(fit);
      }
    }
    PCollectionList<Transformer> models =
        PCollectionList.of(parts).apply("One loop", LinearFits.of(fits, heldOut));
    for (int s = 0; s < splits; s++) {
      List<PCollection<Transformer>> splitModels = new ArrayList<>();
      for (Candidate c : candidates) {
        splitModels.add(models.get(c.index() * perCandidate + s));
      }
      List<PCollection<Row>> scored = scoreAll(parts.get(s), splitModels, "Split " + s);
      for (Candidate c : candidates) {
        String step = "Candidate " + c.index() + " split " + s;
        PCollection<Row> out = scored.get(c.index());
        for (int j = linear + 1; j < stages.size(); j++) {
          out = out.apply(step + " stage " + (j + 1), (MapRows) stages.get(j));
        }
        values.add(scorer.score(out, step, c.index(), s));
      }
    }
    List<PCollection<PipelineModel>> refits = new ArrayList<>();
    for (Candidate c : candidates) {
      refits.add(pipelineModel(c, models.get(c.index() * perCandidate + splits), schema));
    }
    return refits;
  }

  /**
   * {@code rows} scored by each of {@code models} (one model each), in one pass: every row is read
   * once and scored by every model, each model's rows going to its own output, in order.
   */
  private static List<PCollection<Row>> scoreAll(
      PCollection<Row> rows, List<PCollection<Transformer>> models, String name) {
    List<PCollectionView<Transformer>> views = new ArrayList<>();
    List<TransformerScorer<Transformer>> scorers = new ArrayList<>();
    List<TupleTag<Row>> tags = new ArrayList<>();
    for (int m = 0; m < models.size(); m++) {
      PCollection<Transformer> model = models.get(m);
      views.add(model.apply(name + " model " + m, View.asSingleton()));
      scorers.add(TransformerScorer.of(TransformerCoder.mappingOf(model), rows.getSchema()));
      tags.add(new TupleTag<>(name + " scored " + m));
    }
    TupleTagList others = TupleTagList.empty();
    for (TupleTag<Row> tag : tags.subList(1, tags.size())) {
      others = others.and(tag);
    }
    PCollectionTuple out =
        rows.apply(
            name + " score",
            ParDo.of(new ScoreAllFn(scorers, views, tags))
                .withSideInputs(views)
                .withOutputTags(tags.get(0), others));
    List<PCollection<Row>> scored = new ArrayList<>();
    for (int m = 0; m < models.size(); m++) {
      scored.add(out.get(tags.get(m)).setRowSchema(scorers.get(m).outputSchema()));
    }
    return scored;
  }

  /** Scores each row by every model (a side input each), to that model's output. */
  private static final class ScoreAllFn extends DoFn<Row, Row> {
    private final List<TransformerScorer<Transformer>> scorers;
    private final List<PCollectionView<Transformer>> views;
    private final List<TupleTag<Row>> tags;

    ScoreAllFn(
        List<TransformerScorer<Transformer>> scorers,
        List<PCollectionView<Transformer>> views,
        List<TupleTag<Row>> tags) {
      this.scorers = scorers;
      this.views = views;
      this.tags = tags;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Row row = c.element();
      for (int m = 0; m < scorers.size(); m++) {
        c.output(tags.get(m), scorers.get(m).score(c.sideInput(views.get(m)), row));
      }
    }
  }

  /** Candidate {@code c}'s pipeline model: the plain transforms around its fitted linear stage. */
  private PCollection<PipelineModel> pipelineModel(
      Candidate c, PCollection<Transformer> fitted, Schema inputSchema) {
    List<Transformer> before = new ArrayList<>();
    List<Transformer> after = new ArrayList<>();
    for (int j = 0; j < stages.size(); j++) {
      if (j != linear) {
        (j < linear ? before : after).add(((MapRows) stages.get(j)).transformer());
      }
    }
    List<SchemaMapping> mappings = new ArrayList<>(before);
    mappings.add(TransformerCoder.mappingOf(fitted));
    mappings.addAll(after);
    List<SchemaMapping> all = List.copyOf(mappings);
    SchemaMapping pipelineMapping =
        in -> {
          Schema s = in;
          for (SchemaMapping m : all) {
            s = m.outputSchema(s);
          }
          return s;
        };
    return fitted
        .apply(
            "Candidate " + c.index() + " pipeline",
            ParDo.of(new AssembleFn(inputSchema, List.copyOf(before), List.copyOf(after))))
        .setCoder(TransformerCoder.of(PipelineModel.class, pipelineMapping));
  }

  /** The pipeline model of the transforms before, the fitted stage, and the transforms after. */
  private static final class AssembleFn extends DoFn<Transformer, PipelineModel> {
    private final Schema inputSchema;
    private final List<Transformer> before;
    private final List<Transformer> after;

    AssembleFn(Schema inputSchema, List<Transformer> before, List<Transformer> after) {
      this.inputSchema = inputSchema;
      this.before = before;
      this.after = after;
    }

    @ProcessElement
    public void process(@Element Transformer fitted, OutputReceiver<PipelineModel> out) {
      List<Transformer> all = new ArrayList<>(before);
      all.add(fitted);
      all.addAll(after);
      out.output(PipelineModel.of(inputSchema, all));
    }
  }
}
