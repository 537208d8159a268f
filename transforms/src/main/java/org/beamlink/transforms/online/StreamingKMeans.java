package org.beamlink.transforms.online;

import com.google.auto.value.AutoValue;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.clustering.KMeansModelCoder;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorCoder;
import org.beamlink.models.online.DecayTimeUnit;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.online.StreamingKMeansState;
import org.beamlink.models.rows.FeatureColumns;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Streaming k-means with Spark MLlib's semantics ({@code StreamingKMeans}): starting from a batch
 * {@link KMeansModel}, every batch of points moves each centroid towards the mean of the points
 * assigned to it, weighing the past by a decay factor, and the trainer emits a {@link ModelVersion}
 * of the model after each batch.
 *
 * <p>The update of one batch is Spark's {@code StreamingKMeansModel.update}, implemented in {@link
 * StreamingKMeansState}: points go to the nearest current centroid; with {@code a} the decay factor
 * and {@code m_j} points of sum {@code s_j} in cluster {@code j} of weight {@code n_j}, {@code c_j'
 * = (c_j n_j d + s_j) / (n_j d + m_j)} and {@code n_j' = n_j d + m_j}, where the discount {@code d}
 * is {@code a} per batch ({@link DecayTimeUnit#BATCHES}) or {@code a^m} for a batch of {@code m}
 * points ({@link DecayTimeUnit#POINTS}); a half-life {@code h} means {@code a = exp(ln(0.5) / h)}.
 * When the smallest weight falls below {@code 1e-8} times the largest, the largest cluster is split
 * in two (its centroid plus and minus {@code 1e-14 * max(|x|, 1)} per coordinate, each half the
 * summed weight), as Spark does. With decay 1 and initial weights {@code w_j}, a batch is one Lloyd
 * step on it with each initial centroid counted as a point of weight {@code w_j}.
 *
 * <p><b>What a batch is.</b> Spark's batches are the micro-batches of its stream; here they are the
 * panes of the input's windows: window the rows first (e.g. {@code FixedWindows}), and each window
 * is one batch (each pane, when a trigger fires several). Windows are applied in event-time order,
 * each when the watermark passes its end. A window with no rows makes no pane, so it is no batch
 * and does not decay the weights; Spark decays on every micro-batch interval, empty or not. Windows
 * that overlap ({@code SlidingWindows}), accumulating panes, and an unbounded input left in the
 * global window are rejected at construction.
 *
 * <p><b>Consistency and cost.</b> The assignment of a batch's points needs the model after the
 * previous batch, and Beam graphs have no loops, so the assignment cannot run in parallel against
 * the newest model. This transform keeps Spark's exact semantics instead: reading and checking the
 * rows is parallel, but every batch's points are grouped to one key and assigned, summed and
 * applied there, in a stateful {@code DoFn} that holds the model (and so is checkpointed with it on
 * Flink). The cost: the update runs on one worker at one core's speed (about {@code k * d}
 * operations a point), and a window's points are held in state until the watermark passes the
 * window's end. The model emitted after batch {@code t} is exactly Spark's after its batch {@code
 * t}, up to the order of floating-point sums.
 *
 * <p><b>Late data.</b> Rows later than their window's allowed lateness are dropped by Beam's
 * grouping, as everywhere in Beam (the default allowed lateness is 0, so by default every late row
 * is dropped; Beam counts them in its {@code droppedDueToLateness} metric). Rows within the allowed
 * lateness arrive as a late pane of their window, which is one more batch, applied after the
 * windows already applied (counted in the {@code StreamingKMeans/latePanesApplied} metric).
 *
 * <p>NaN and null: a null, NaN or infinite feature, or a vector whose size is not the model's,
 * fails the pipeline with the column, value and row named. The model must use Euclidean distance
 * (Spark's streaming k-means has no cosine variant).
 *
 * <p>Parameters ({@code train(..)} sets every default):
 *
 * <ul>
 *   <li>{@code featureCols} or {@code vectorCol}: default, the initial model's.
 *   <li>{@code decayFactor} in [0, 1], default 1.0 (no forgetting); or {@code halfLife} > 0 with a
 *       {@code timeUnit}, default {@link DecayTimeUnit#BATCHES}. The last of {@code
 *       withDecayFactor} and {@code withHalfLife} wins.
 *   <li>{@code initialWeights}: one weight >= 0 per initial centroid, default 0 for each (the
 *       initial model counts as no points, so the first batch replaces the centroids it reaches).
 *       Pass the batch model's cluster sizes to carry its data forward.
 * </ul>
 *
 * <p>Output: one {@code ModelVersion<KMeansModel>} per batch, in the global window, numbered 1, 2,
 * ... (the batches applied), with the points seen in total and their event-time range. The model's
 * provenance records the decay, the time unit, the cluster weights after the batch
 * ("clusterWeights"), the batches as iterations and the batch's cost (sum of squared distances to
 * the assigned centroids before the update) as the final loss.
 *
 * <pre>{@code
 * KMeansModel initial = ...; // from KMeans.fit() on a batch prefix
 * PCollection<ModelVersion<KMeansModel>> versions =
 *     stream
 *         .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
 *         .apply(StreamingKMeans.train(initial).withHalfLife(5, DecayTimeUnit.BATCHES));
 * }</pre>
 *
 * <p>Reference: Spark MLlib, {@code org.apache.spark.mllib.clustering.StreamingKMeans}.
 */
public final class StreamingKMeans {
  private static final String NAME = StreamingKMeansState.TRAINER;

  private StreamingKMeans() {}

  /**
   * Trains from {@code initialModel}, a fitted {@link KMeansModel} (Euclidean).
   *
   * <pre>{@code
   * windowedRows.apply(StreamingKMeans.train(initial).withDecayFactor(0.9));
   * }</pre>
   */
  public static Train train(KMeansModel initialModel) {
    if (initialModel == null) {
      throw new IllegalArgumentException("Expected an initial KMeansModel, got null");
    }
    return defaults().setInitialModel(initialModel).build();
  }

  /**
   * Trains from the one model in {@code initialModel}, a bounded {@code PCollection} such as the
   * output of {@code KMeans.fit()} in the same pipeline. Its features, distance and size are
   * checked when it arrives, as the model is not known at construction; no batch is applied before
   * it has arrived.
   *
   * <pre>{@code
   * PCollection<KMeansModel> initial = prefix.apply(KMeans.fit().withFeatureCols("x", "y").withK(3));
   * windowedRows.apply(StreamingKMeans.train(initial));
   * }</pre>
   */
  public static Train train(PCollection<KMeansModel> initialModel) {
    if (initialModel == null) {
      throw new IllegalArgumentException("Expected a PCollection of the initial model, got null");
    }
    return defaults().setInitialModels(initialModel).build();
  }

  private static Train.Builder defaults() {
    return new AutoValue_StreamingKMeans_Train.Builder()
        .setDecayFactor(1.0)
        .setTimeUnit(DecayTimeUnit.BATCHES);
  }

  /**
   * The transform {@link #train} returns: windowed rows in, one model version per batch out.
   *
   * <pre>{@code
   * windowedRows.apply(StreamingKMeans.train(initial).withVectorCol("features"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Train
      extends PTransform<PCollection<Row>, PCollection<ModelVersion<KMeansModel>>> {
    abstract @Nullable KMeansModel initialModel();

    abstract @Nullable PCollection<KMeansModel> initialModels();

    abstract @Nullable List<String> featureCols();

    abstract @Nullable String vectorCol();

    abstract double decayFactor();

    abstract @Nullable Double halfLife();

    abstract DecayTimeUnit timeUnit();

    abstract @Nullable List<Double> initialWeights();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setInitialModel(@Nullable KMeansModel model);

      abstract Builder setInitialModels(@Nullable PCollection<KMeansModel> model);

      abstract Builder setFeatureCols(@Nullable List<String> cols);

      abstract Builder setVectorCol(@Nullable String col);

      abstract Builder setDecayFactor(double decayFactor);

      abstract Builder setHalfLife(@Nullable Double halfLife);

      abstract Builder setTimeUnit(DecayTimeUnit unit);

      abstract Builder setInitialWeights(@Nullable List<Double> weights);

      abstract Train build();
    }

    /** Features from these numeric columns; default the initial model's features. */
    public Train withFeatureCols(String... cols) {
      if (cols == null || cols.length == 0) {
        throw new IllegalArgumentException("Expected at least one feature column, got none");
      }
      return toBuilder().setFeatureCols(List.of(cols)).setVectorCol(null).build();
    }

    /** Features from this vector column; default the initial model's features. */
    public Train withVectorCol(String col) {
      if (col == null || col.isEmpty()) {
        throw new IllegalArgumentException("Expected a vector column name, got " + col);
      }
      return toBuilder().setVectorCol(col).setFeatureCols(null).build();
    }

    /**
     * The decay factor {@code a} in [0, 1]: 1 weighs every batch equally, 0 keeps only the newest
     * batch; default 1.0. Applied per {@code timeUnit} (default per batch).
     */
    public Train withDecayFactor(double decayFactor) {
      if (!(decayFactor >= 0 && decayFactor <= 1)) {
        throw new IllegalArgumentException("Expected decayFactor in [0, 1], got " + decayFactor);
      }
      return toBuilder().setDecayFactor(decayFactor).setHalfLife(null).build();
    }

    /**
     * The decay as a half-life: data {@code halfLife} time units old weighs half, so {@code a =
     * exp(ln(0.5) / halfLife)}; {@code halfLife} > 0, {@code timeUnit} BATCHES or POINTS.
     */
    public Train withHalfLife(double halfLife, DecayTimeUnit timeUnit) {
      double a = StreamingKMeansState.decayFactorOfHalfLife(halfLife);
      if (timeUnit == null) {
        throw new IllegalArgumentException("Expected a time unit (BATCHES or POINTS), got null");
      }
      return toBuilder().setDecayFactor(a).setHalfLife(halfLife).setTimeUnit(timeUnit).build();
    }

    /** What one step of decay is: a batch or a point; default BATCHES. */
    public Train withTimeUnit(DecayTimeUnit timeUnit) {
      if (timeUnit == null) {
        throw new IllegalArgumentException("Expected a time unit (BATCHES or POINTS), got null");
      }
      return toBuilder().setTimeUnit(timeUnit).build();
    }

    /**
     * The initial clusters' weights, one per centroid, each finite and >= 0; default 0 for each.
     */
    public Train withInitialWeights(double... weights) {
      if (weights == null || weights.length == 0) {
        throw new IllegalArgumentException("Expected initial weights, got none");
      }
      List<Double> list = new ArrayList<>(weights.length);
      for (double w : weights) {
        StreamingKMeansState.checkWeight(w);
        list.add(w);
      }
      return toBuilder().setInitialWeights(List.copyOf(list)).build();
    }

    @Override
    public PCollection<ModelVersion<KMeansModel>> expand(PCollection<Row> input) {
      WindowOrderedFold.checkBatchWindowing(input, NAME);
      Schema schema = input.getSchema();
      FeatureColumns explicit =
          featureCols() != null || vectorCol() != null
              ? FeatureColumns.of(featureCols(), vectorCol(), NAME)
              : null;
      if (explicit != null) {
        explicit.bind(schema);
      }
      KMeansModel known = initialModel();
      PCollection<KMeansModel> initial;
      if (known != null) {
        FeatureColumns features = explicit != null ? explicit : known.features();
        StreamingKMeansState.start(known, weights(known.k()), features);
        int dimension = features.bind(schema).dimension();
        if (dimension >= 0 && dimension != known.dimension()) {
          throw new IllegalArgumentException(
              NAME
                  + ": the features "
                  + features
                  + " have "
                  + dimension
                  + " columns but the initial model's centroids have size "
                  + known.dimension());
        }
        initial =
            input
                .getPipeline()
                .apply("Initial model", Create.of(known).withCoder(KMeansModelCoder.of()));
      } else {
        initial = initialModels();
      }
      PCollectionView<KMeansModel> model = initial.apply("Initial model view", View.asSingleton());
      double[] weights = initialWeights() == null ? null : weights(initialWeights().size());
      return input
          .apply(
              "Read points",
              ParDo.of(new ReadPointsFn(schema, explicit, model)).withSideInputs(model))
          .setCoder(
              KvCoder.of(
                  VarIntCoder.of(), TimestampedValue.TimestampedValueCoder.of(VectorCoder.of())))
          .apply("Gather each batch", GroupByKey.create())
          .apply("Pack batch", ParDo.of(new PackBatchFn()))
          .setCoder(new PointBatchCoder())
          .apply(
              "Update in window order",
              WindowOrderedFold.of(
                  NAME,
                  new KMeansFold(explicit, weights, decayFactor(), timeUnit()),
                  initial,
                  StreamingKMeansState.Coder.of(),
                  KMeansModelCoder.of()));
    }

    /** The initial weights for {@code k} clusters: the given ones (checked), or zeros. */
    private double[] weights(int k) {
      List<Double> given = initialWeights();
      double[] w = new double[k];
      if (given != null) {
        if (given.size() != k) {
          throw new IllegalArgumentException(
              "Expected " + k + " initial weights (one per centroid), got " + given.size());
        }
        for (int j = 0; j < k; j++) {
          w[j] = given.get(j);
        }
      }
      return w;
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .addIfNotNull(
              DisplayData.item(
                  "featureCols", featureCols() == null ? null : String.join(",", featureCols())))
          .addIfNotNull(DisplayData.item("vectorCol", vectorCol()))
          .add(DisplayData.item("decayFactor", decayFactor()))
          .addIfNotNull(DisplayData.item("halfLife", halfLife()))
          .add(DisplayData.item("timeUnit", timeUnit().name()))
          .addIfNotNull(
              DisplayData.item(
                  "initialWeights", initialWeights() == null ? null : initialWeights().toString()));
    }
  }

  /**
   * Reads and checks each row's features against the initial model (a side input), in parallel;
   * every point goes to the one key of its window's batch.
   */
  private static final class ReadPointsFn extends DoFn<Row, KV<Integer, TimestampedValue<Vector>>> {
    private final Schema schema;
    private final @Nullable FeatureColumns explicit;
    private final PCollectionView<KMeansModel> model;
    private transient FeatureColumns.@Nullable Bound bound;

    ReadPointsFn(Schema schema, @Nullable FeatureColumns explicit, PCollectionView<KMeansModel> m) {
      this.schema = schema;
      this.explicit = explicit;
      this.model = m;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      KMeansModel initial = c.sideInput(model);
      Row row = c.element();
      Vector x;
      try {
        if (bound == null) {
          bound = (explicit != null ? explicit : initial.features()).bind(schema);
        }
        x = bound.extract(row);
        bound.checkSize(x, initial.dimension(), row);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(NAME + ": " + e.getMessage(), e);
      }
      c.output(KV.of(0, TimestampedValue.of(x, c.timestamp())));
    }
  }

  /** One batch: the points of one pane and the range of their event times. */
  static final class PointBatch implements WindowOrderedFold.Batch {
    private final List<Vector> points;
    private final @Nullable Instant first;
    private final @Nullable Instant last;

    PointBatch(List<Vector> points, @Nullable Instant first, @Nullable Instant last) {
      this.points = points;
      this.first = first;
      this.last = last;
    }

    List<Vector> points() {
      return points;
    }

    @Override
    public long examples() {
      return points.size();
    }

    @Override
    public @Nullable Instant firstEventTime() {
      return first;
    }

    @Override
    public @Nullable Instant lastEventTime() {
      return last;
    }
  }

  /** The coder of {@link PointBatch}. */
  static final class PointBatchCoder extends CustomCoder<PointBatch> {
    private static final long serialVersionUID = 1L;
    private static final ListCoder<Vector> POINTS = ListCoder.of(VectorCoder.of());

    @Override
    public void encode(PointBatch value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      boolean empty = value.first == null;
      data.writeBoolean(empty);
      if (!empty) {
        data.writeLong(value.first.getMillis());
        data.writeLong(value.last.getMillis());
      }
      data.flush();
      POINTS.encode(value.points, out);
    }

    @Override
    public PointBatch decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      boolean empty = data.readBoolean();
      Instant first = empty ? null : Instant.ofEpochMilli(data.readLong());
      Instant last = empty ? null : Instant.ofEpochMilli(data.readLong());
      return new PointBatch(POINTS.decode(in), first, last);
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** Turns a grouped pane into a batch. */
  private static final class PackBatchFn
      extends DoFn<KV<Integer, Iterable<TimestampedValue<Vector>>>, PointBatch> {
    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<TimestampedValue<Vector>>> pane,
        OutputReceiver<PointBatch> out) {
      List<Vector> points = new ArrayList<>();
      Instant first = null;
      Instant last = null;
      for (TimestampedValue<Vector> p : pane.getValue()) {
        points.add(p.getValue());
        Instant t = p.getTimestamp();
        first = first == null || t.isBefore(first) ? t : first;
        last = last == null || t.isAfter(last) ? t : last;
      }
      out.output(new PointBatch(points, first, last));
    }
  }

  /** Spark's update, batch after batch, from the initial model. */
  private static final class KMeansFold
      implements WindowOrderedFold.Fold<
          KMeansModel, PointBatch, StreamingKMeansState, KMeansModel> {
    private static final long serialVersionUID = 1L;

    private final @Nullable FeatureColumns explicit;
    private final double @Nullable [] weights;
    private final double decayFactor;
    private final DecayTimeUnit timeUnit;

    KMeansFold(
        @Nullable FeatureColumns explicit,
        double @Nullable [] weights,
        double decayFactor,
        DecayTimeUnit timeUnit) {
      this.explicit = explicit;
      this.weights = weights;
      this.decayFactor = decayFactor;
      this.timeUnit = timeUnit;
    }

    @Override
    public StreamingKMeansState start(@Nullable KMeansModel initial) {
      if (initial == null) {
        throw new IllegalArgumentException(
            NAME + ": a batch is due but the initial model PCollection holds no model");
      }
      double[] w = weights != null ? weights : new double[initial.k()];
      return StreamingKMeansState.start(
          initial, w, explicit != null ? explicit : initial.features());
    }

    @Override
    public StreamingKMeansState apply(StreamingKMeansState state, PointBatch batch) {
      return state.update(batch.points(), decayFactor, timeUnit);
    }

    @Override
    public KMeansModel model(StreamingKMeansState state) {
      return state.model();
    }
  }
}
