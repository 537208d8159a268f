package org.beamlink.transforms.linear;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Partition;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.beamlink.iteration.ComContext;
import org.beamlink.iteration.CompleteResultFunction;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelCoder;
import org.beamlink.models.pipeline.Transformer;

/**
 * Many {@link LinearFit}s trained in one loop of the iteration shim over data packed once, each on
 * the rows outside one part of the data: what a cross-validated search of a linear model needs
 * (every candidate on the rows outside each fold, and on all the rows), at the cost of one loop
 * rather than one per model. The input is the parts (a {@link PCollectionList} of rows of one
 * schema); model {@code m} is {@code fits[m]} trained on every part but {@code heldOut[m]} ({@code
 * -1}: every part). The output is each model as a fitted pipeline stage, in the order of the fits,
 * as {@link LinearFit#fitStage} gives it.
 *
 * <p>Every superstep's all-reduce carries the partial sums of every unfinished model (its column
 * statistics, moments or loss and gradient, summed over the blocks of the parts it trains on); each
 * model keeps its own phase, coordinates and minimizer, and a finished model costs nothing in later
 * supersteps. The loop ends when every model is finished. A model is trained as {@link LinearFit}
 * alone would train it on its rows: the same sums, added in another order (the blocks are packed
 * per part), so the same model to rounding. A single {@link LinearFit} is this loop with one model
 * holding out nothing.
 *
 * <p>The fits must share their packed data ({@link LinearFit#sharesLoopWith}): they may differ in
 * {@code l1}, {@code l2}, {@code regParam}, {@code elasticNetParam}, {@code maxIter}, {@code tol},
 * {@code optimMethod}, {@code loss}, {@code withIntercept}, {@code standardization}, SGD's settings
 * and the output columns, not in their columns, block size or execution.
 *
 * <pre>{@code
 * LinearFit weak = LogisticRegression.fit().withLabelCol("y").withFeatureCols("a", "b").withL2(1e-3);
 * LinearFit strong = weak.withL2(1e-1);
 * PCollectionList<Transformer> stages =
 *     PCollectionList.of(fold0).and(fold1)
 *         .apply(LinearFits.of(List.of(weak, weak, strong, strong), new int[] {0, 1, 0, 1}));
 * }</pre>
 */
public final class LinearFits
    extends PTransform<PCollectionList<Row>, PCollectionList<Transformer>> {
  private final List<LinearFit> fits;
  private final int[] heldOut;

  private LinearFits(List<LinearFit> fits, int[] heldOut) {
    this.fits = fits;
    this.heldOut = heldOut;
  }

  /**
   * Trains {@code fits.get(m)} on every part but {@code heldOut[m]} (-1: every part).
   *
   * @throws IllegalArgumentException for no fits, a held-out part per fit missing, or fits that do
   *     not share their data
   */
  public static LinearFits of(List<LinearFit> fits, int[] heldOut) {
    if (fits == null || fits.isEmpty()) {
      throw new IllegalArgumentException("Expected at least one LinearFit, got none");
    }
    if (heldOut == null || heldOut.length != fits.size()) {
      throw new IllegalArgumentException(
          "Expected one held-out part per fit ("
              + fits.size()
              + "), got "
              + (heldOut == null ? "none" : heldOut.length));
    }
    for (int m = 1; m < fits.size(); m++) {
      if (!fits.get(0).sharesLoopWith(fits.get(m))) {
        throw new IllegalArgumentException(
            "Fit "
                + m
                + " ("
                + fits.get(m).trainer()
                + ") does not share its packed data with fit 0: columns, model type, block size,"
                + " execution and tasks must be equal, and neither may have an initial model");
      }
    }
    for (int m = 0; m < heldOut.length; m++) {
      if (heldOut[m] < -1) {
        throw new IllegalArgumentException(
            "Fit " + m + " holds out part " + heldOut[m] + "; expected a part or -1");
      }
    }
    return new LinearFits(List.copyOf(fits), heldOut.clone());
  }

  @Override
  public PCollectionList<Transformer> expand(PCollectionList<Row> parts) {
    if (parts.size() == 0) {
      throw new IllegalArgumentException("Expected at least one part of the data, got none");
    }
    Schema schema = parts.get(0).getSchema();
    for (int i = 1; i < parts.size(); i++) {
      if (!parts.get(i).getSchema().equals(schema)) {
        throw new IllegalArgumentException(
            "Part "
                + i
                + " has columns "
                + parts.get(i).getSchema().getFieldNames()
                + " where part 0 has "
                + schema.getFieldNames()
                + "; every part needs one schema");
      }
    }
    for (int m = 0; m < heldOut.length; m++) {
      if (heldOut[m] >= parts.size()) {
        throw new IllegalArgumentException(
            "Fit " + m + " holds out part " + heldOut[m] + " of " + parts.size());
      }
    }
    LinearFit first = fits.get(0);
    PCollection<KV<Integer, LinearModel>> models = first.fitMany(fits, heldOut, parts);
    TypeName labelType = first.checkLabel(schema);
    int n = fits.size();
    PCollectionList<KV<Integer, LinearModel>> byModel =
        models.apply("By model", Partition.of(n, (kv, count) -> kv.getKey()));
    List<PCollection<Transformer>> stages = new ArrayList<>();
    for (int m = 0; m < n; m++) {
      stages.add(byModel.get(m).apply("Model " + m, new AsStage(fits.get(m), schema, labelType)));
    }
    return PCollectionList.of(stages);
  }

  /** One model of the loop as its fit's pipeline stage. */
  private static final class AsStage
      extends PTransform<PCollection<KV<Integer, LinearModel>>, PCollection<Transformer>> {
    private final LinearFit fit;
    private final Schema schema;
    private final TypeName labelType;

    AsStage(LinearFit fit, Schema schema, TypeName labelType) {
      this.fit = fit;
      this.schema = schema;
      this.labelType = labelType;
    }

    @Override
    public PCollection<Transformer> expand(PCollection<KV<Integer, LinearModel>> keyed) {
      PCollection<LinearModel> model =
          keyed.apply("Model", Values.create()).setCoder(LinearModelCoder.of(labelType));
      return fit.asStage(model, schema);
    }
  }

  /** Task 0 emits every model of the loop, keyed by its index. */
  static final class OutputAll implements CompleteResultFunction<KV<Integer, LinearModel>> {
    private static final long serialVersionUID = 1L;
    private final LinearTraining.Fits fits;

    OutputAll(LinearTraining.Fits fits) {
      this.fits = fits;
    }

    @Override
    public List<KV<Integer, LinearModel>> calc(ComContext context) {
      if (context.getTaskId() != 0) {
        return List.of();
      }
      List<LinearTraining.State> states = context.getObj(LinearTraining.STATE);
      List<KV<Integer, LinearModel>> out = new ArrayList<>();
      for (int m = 0; m < fits.size(); m++) {
        out.add(KV.of(m, LinearTraining.model(fits.params(m), states.get(m))));
      }
      return out;
    }
  }
}
