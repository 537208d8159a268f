package org.beamlink.transforms.recommendation;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.SeededHash;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.recommendation.NeighbourhoodModel;
import org.beamlink.models.recommendation.NeighbourhoodModel.Side;
import org.beamlink.models.recommendation.NeighbourhoodModelCoder;
import org.beamlink.models.recommendation.Recommendation;
import org.beamlink.transforms.pipeline.LargeSingleton;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.beamlink.transforms.recommendation.AlsBlocks.Rating;
import org.beamlink.transforms.recommendation.AlsBlocks.RatingBlock;

/**
 * What ItemCF, UserCF and Swing share: the hashed sample of a user's items, each subject's
 * neighbours cut to the best {@code maxNeighbours}, and the assembly of the model from the
 * interactions and the neighbour lists.
 */
final class NeighbourTables {
  private NeighbourTables() {}

  /**
   * How a model is described: its side, similarity, whether implicit, trainer ("ItemCf"), family
   * ("ItemCF", naming the input in errors), seed and parameters.
   */
  record Description(
      Side side,
      String similarity,
      boolean implicit,
      String trainer,
      String family,
      long seed,
      Map<String, String> parameters)
      implements Serializable {}

  /** The hash that orders a context's entries for the sample: of the seed, context and entry. */
  static long sampleHash(long seed, long context, long entry) {
    return SeededHash.mix(SeededHash.mix(seed ^ SeededHash.mix(context)) + entry);
  }

  /**
   * The positions (ascending) in row {@code row} of {@code block} that count: all of them, or the
   * {@code max} entries with the smallest {@link #sampleHash} (ties by entry id) when there are
   * more.
   */
  static int[] sample(RatingBlock block, int row, int max, long seed) {
    int start = block.starts()[row];
    int end = block.starts()[row + 1];
    int n = end - start;
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = start + i;
    }
    if (n <= max) {
      return all;
    }
    long context = block.ids()[row];
    long[] others = block.others();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = all[i];
    }
    Arrays.sort(
        order,
        Comparator.<Integer>comparingLong(e -> sampleHash(seed, context, others[e]))
            .thenComparingLong(e -> others[e]));
    int[] kept = new int[max];
    for (int i = 0; i < max; i++) {
      kept[i] = order[i];
    }
    Arrays.sort(kept);
    return kept;
  }

  /**
   * The model of {@code ratings} (every interaction, user-major) and the similarity pairs {@code
   * similar} (subject to (neighbour, similarity)), each subject's best {@code maxNeighbours} kept.
   */
  static PCollection<NeighbourhoodModel> model(
      PCollection<Rating> ratings,
      PCollection<KV<Long, KV<Long, Double>>> similar,
      int maxNeighbours,
      Description description) {
    LargeSingleton<RatingBlock> interactions =
        LargeSingleton.of(
            ratings
                .apply("Interactions", AlsTraining.blocks(description.family(), true, 1))
                .apply("Interaction table", Values.create())
                .setCoder(AlsBlocks.RatingBlockCoder.INSTANCE),
            "Interactions as side input");
    PCollectionView<Iterable<KV<Long, RatingBlock>>> neighbours =
        similar
            .apply("Group neighbours", GroupByKey.create())
            .apply("Best neighbours", ParDo.of(new BestFn(maxNeighbours)))
            .setCoder(KvCoder.of(VarLongCoder.of(), AlsBlocks.RatingBlockCoder.INSTANCE))
            .apply("Neighbours as side input", View.asIterable());
    return ratings
        .apply("Count interactions", Count.globally())
        .apply(
            "Model",
            ParDo.of(new AssembleFn(description, interactions, neighbours))
                .withSideInputs(interactions.view(), neighbours))
        .setCoder(NeighbourhoodModelCoder.of());
  }

  /**
   * A subject's neighbours, best first (equal similarities by ascending id), at most the best n.
   */
  private static final class BestFn
      extends DoFn<KV<Long, Iterable<KV<Long, Double>>>, KV<Long, RatingBlock>> {
    private final int max;

    BestFn(int max) {
      this.max = max;
    }

    @ProcessElement
    public void process(
        @Element KV<Long, Iterable<KV<Long, Double>>> e,
        OutputReceiver<KV<Long, RatingBlock>> out) {
      List<Recommendation> all = new ArrayList<>();
      e.getValue().forEach(kv -> all.add(new Recommendation(kv.getKey(), kv.getValue())));
      all.sort(NeighbourhoodModel.BEST_FIRST);
      int n = Math.min(max, all.size());
      long[] ids = new long[n];
      double[] sims = new double[n];
      for (int i = 0; i < n; i++) {
        ids[i] = all.get(i).id();
        sims[i] = all.get(i).rating();
      }
      out.output(
          KV.of(e.getKey(), new RatingBlock(new long[] {e.getKey()}, new int[] {0, n}, ids, sims)));
    }
  }

  /** The interactions and neighbour lists as one model; fails on an empty input. */
  private static final class AssembleFn extends DoFn<Long, NeighbourhoodModel> {
    private final Description description;
    private final LargeSingleton<RatingBlock> interactions;
    private final PCollectionView<Iterable<KV<Long, RatingBlock>>> neighbours;

    AssembleFn(
        Description description,
        LargeSingleton<RatingBlock> interactions,
        PCollectionView<Iterable<KV<Long, RatingBlock>>> neighbours) {
      this.description = description;
      this.interactions = interactions;
      this.neighbours = neighbours;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      long count = c.element();
      if (count == 0) {
        throw new IllegalArgumentException(
            description.family() + " input is empty: expected at least one interaction");
      }
      RatingBlock users = interactions.get(c);
      List<RatingBlock> rows = new ArrayList<>();
      c.sideInput(neighbours).forEach(kv -> rows.add(kv.getValue()));
      rows.sort(Comparator.comparingLong(r -> r.ids()[0]));
      long[] subjects = new long[rows.size()];
      int[] starts = new int[rows.size() + 1];
      for (int r = 0; r < rows.size(); r++) {
        subjects[r] = rows.get(r).ids()[0];
        starts[r + 1] = starts[r] + rows.get(r).others().length;
      }
      long[] ids = new long[starts[rows.size()]];
      double[] sims = new double[ids.length];
      for (int r = 0; r < rows.size(); r++) {
        RatingBlock row = rows.get(r);
        System.arraycopy(row.others(), 0, ids, starts[r], row.others().length);
        System.arraycopy(row.ratings(), 0, sims, starts[r], row.ratings().length);
      }
      c.output(
          NeighbourhoodModel.of(
              description.side(),
              description.similarity(),
              description.implicit(),
              users.ids(),
              users.starts(),
              users.others(),
              users.ratings(),
              subjects,
              starts,
              ids,
              sims,
              Provenance.of(
                  description.trainer(),
                  description.parameters(),
                  description.seed(),
                  1,
                  Double.NaN,
                  count)));
    }
  }

  /**
   * {@code fit} fitted on {@code input} as a pipeline stage that appends the rate of each row's
   * (user, item) to {@code predictionCol}; bad columns fail here, when the pipeline is built.
   */
  static PCollection<Transformer> fitStage(
      PCollection<Row> input,
      PTransform<PCollection<Row>, PCollection<NeighbourhoodModel>> fit,
      String userCol,
      String itemCol,
      String predictionCol) {
    SchemaMapping mapping =
        in -> NeighbourhoodModel.outputSchema(in, userCol, itemCol, predictionCol);
    mapping.outputSchema(input.getSchema());
    return PipelineStage.fitted(input.apply(fit), mapping);
  }

  /** Gives the model the estimator's columns. */
  static final class ColumnsFn extends DoFn<NeighbourhoodModel, NeighbourhoodModel> {
    private final String userCol;
    private final String itemCol;
    private final String predictionCol;

    ColumnsFn(String userCol, String itemCol, String predictionCol) {
      this.userCol = userCol;
      this.itemCol = itemCol;
      this.predictionCol = predictionCol;
    }

    @ProcessElement
    public void process(@Element NeighbourhoodModel m, OutputReceiver<NeighbourhoodModel> out) {
      out.output(m.withUserCol(userCol).withItemCol(itemCol).withPredictionCol(predictionCol));
    }
  }
}
