package org.beamlink.models.online;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.beamlink.models.Provenance;
import org.beamlink.models.clustering.DistanceMeasure;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.clustering.KMeansModelCoder;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;

/**
 * The state of a streaming k-means between batches, and Spark MLlib's update of it ({@code
 * StreamingKMeansModel.update}): the current centroids (as a {@link KMeansModel}), one weight per
 * cluster (its decayed number of points), and the batches and points seen. Immutable; {@link
 * #update} returns the next state.
 *
 * <p>The update of one batch, exactly as Spark's: every point is assigned to the nearest current
 * centroid ({@link KMeansModel#nearest}, Euclidean, the lowest index among ties) and summed per
 * cluster; the discount is {@code a} for {@link DecayTimeUnit#BATCHES} or {@code a^m} for {@link
 * DecayTimeUnit#POINTS} ({@code m} points in the batch) and multiplies every weight; then for each
 * cluster {@code j} that received {@code m_j > 0} points with sum {@code s_j}: {@code n_j' = n_j *
 * discount + m_j}, {@code lambda = m_j / max(n_j', 1e-16)}, {@code c_j' = (1 - lambda) c_j +
 * (lambda / m_j) s_j}, which is {@code (c_j n_j a + s_j) / (n_j a + m_j)}. A cluster that received
 * no point keeps its centroid; its weight decays.
 *
 * <p>The dying-cluster rule, as Spark's: if after the update the smallest weight is below {@code
 * 1e-8} times the largest, the largest cluster (the first with that weight) is split in two. Both
 * get weight {@code (max + min) / 2}; the largest keeps its centroid moved by {@code +p} and the
 * smallest (the first with that weight) takes it moved by {@code -p}, coordinate by coordinate,
 * with {@code p = 1e-14 * max(|x|, 1)} for coordinate value {@code x}. With weights all 0 (no
 * points yet) nothing is split.
 *
 * <pre>{@code
 * StreamingKMeansState s = StreamingKMeansState.start(batchModel, new double[] {0, 0, 0}, features);
 * s = s.update(List.of(Vector.dense(1, 2), Vector.dense(3, 4)), 0.5, DecayTimeUnit.BATCHES);
 * KMeansModel current = s.model();
 * double[] weights = s.weights();
 * }</pre>
 */
public final class StreamingKMeansState implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The trainer's name in the models' provenance. */
  public static final String TRAINER = "StreamingKMeans";

  private static final double DYING = 1e-8;
  private static final double SPLIT_PERTURBATION = 1e-14;

  private final KMeansModel model;
  private final double[] weights;
  private final long batches;
  private final long points;

  private StreamingKMeansState(KMeansModel model, double[] weights, long batches, long points) {
    this.model = model;
    this.weights = weights;
    this.batches = batches;
    this.points = points;
  }

  /**
   * The state before any batch: the centroids of {@code initial} with {@code weights} (one per
   * cluster, each finite and >= 0; Spark's {@code setInitialCenters(centers, weights)}), reading
   * {@code features}.
   *
   * @throws IllegalArgumentException for a model with cosine distance (Spark's streaming k-means is
   *     Euclidean only), or weights of the wrong number or value
   */
  public static StreamingKMeansState start(
      KMeansModel initial, double[] weights, FeatureColumns features) {
    if (initial.distanceMeasure() != DistanceMeasure.EUCLIDEAN) {
      throw new IllegalArgumentException(
          TRAINER
              + " updates Euclidean centroids only (as Spark's); the initial model uses "
              + initial.distanceMeasure()
              + " distance");
    }
    if (weights.length != initial.k()) {
      throw new IllegalArgumentException(
          "Expected "
              + initial.k()
              + " initial cluster weights (one per centroid), got "
              + weights.length);
    }
    for (double w : weights) {
      checkWeight(w);
    }
    KMeansModel model =
        KMeansModel.of(
            initial.centroidValues(),
            initial.k(),
            DistanceMeasure.EUCLIDEAN,
            features,
            initial.provenance());
    return new StreamingKMeansState(model, weights.clone(), 0, 0);
  }

  /** Fails unless {@code w} is a valid cluster weight: finite and >= 0. */
  public static void checkWeight(double w) {
    if (!(w >= 0) || Double.isInfinite(w)) {
      throw new IllegalArgumentException("Expected cluster weights >= 0 and finite, got " + w);
    }
  }

  /**
   * Spark's decay factor for a half-life of {@code halfLife} time units: {@code exp(ln(0.5) /
   * halfLife)}, so data {@code halfLife} units old weighs half.
   *
   * @throws IllegalArgumentException unless {@code halfLife} is positive and finite
   */
  public static double decayFactorOfHalfLife(double halfLife) {
    if (!(halfLife > 0) || Double.isInfinite(halfLife)) {
      throw new IllegalArgumentException("Expected halfLife > 0 and finite, got " + halfLife);
    }
    return Math.exp(Math.log(0.5) / halfLife);
  }

  /**
   * The state after one batch of points (Spark's update; see the class documentation). The model's
   * provenance records the decay, the cluster weights, the batches as iterations, the batch's cost
   * (sum of squared distances of its points to the centroids they were assigned to, before the
   * update) as the final loss, and the points seen as rows.
   *
   * @throws IllegalArgumentException for a point of another size than the centroids or with NaN or
   *     infinite values, or a decay factor outside [0, 1]
   */
  public StreamingKMeansState update(
      Iterable<Vector> batch, double decayFactor, DecayTimeUnit timeUnit) {
    if (!(decayFactor >= 0 && decayFactor <= 1)) {
      throw new IllegalArgumentException("Expected decayFactor in [0, 1], got " + decayFactor);
    }
    int k = model.k();
    int d = model.dimension();
    double[] centroids = model.centroidValues();
    double[] sums = new double[k * d];
    long[] counts = new long[k];
    long m = 0;
    double cost = 0;
    for (Vector x : batch) {
      if (x.size() != d) {
        throw new IllegalArgumentException(
            TRAINER + ": a point has size " + x.size() + " but the centroids have size " + d);
      }
      if (x.hasNonFinite()) {
        throw new IllegalArgumentException(TRAINER + ": a point has NaN or infinite values: " + x);
      }
      int j = model.nearest(x);
      cost += x.squaredDistance(centroids, j * d);
      counts[j]++;
      m++;
      int offset = j * d;
      x.forEachNonzero((i, v) -> sums[offset + i] += v);
    }
    double discount = timeUnit == DecayTimeUnit.BATCHES ? decayFactor : Math.pow(decayFactor, m);
    double[] w = weights.clone();
    for (int j = 0; j < k; j++) {
      w[j] *= discount;
    }
    for (int j = 0; j < k; j++) {
      if (counts[j] == 0) {
        continue;
      }
      double updated = w[j] + counts[j];
      double lambda = counts[j] / Math.max(updated, 1e-16);
      double step = lambda / counts[j];
      w[j] = updated;
      for (int i = j * d; i < (j + 1) * d; i++) {
        centroids[i] = (1.0 - lambda) * centroids[i] + step * sums[i];
      }
    }
    splitDyingCluster(centroids, w, d);
    long seen = points + m;
    Provenance provenance =
        Provenance.of(
            TRAINER,
            parameters(decayFactor, timeUnit, w),
            0L,
            (int) Math.min(Integer.MAX_VALUE, batches + 1),
            cost,
            seen);
    KMeansModel next =
        KMeansModel.of(centroids, k, DistanceMeasure.EUCLIDEAN, model.features(), provenance);
    return new StreamingKMeansState(next, w, batches + 1, seen);
  }

  /** Spark's rule: when the smallest cluster is dying, split the largest in two. */
  private static void splitDyingCluster(double[] centroids, double[] w, int d) {
    int largest = 0;
    int smallest = 0;
    for (int j = 1; j < w.length; j++) {
      if (w[j] > w[largest]) {
        largest = j;
      }
      if (w[j] < w[smallest]) {
        smallest = j;
      }
    }
    if (!(w[smallest] < DYING * w[largest])) {
      return;
    }
    double weight = (w[largest] + w[smallest]) / 2.0;
    w[largest] = weight;
    w[smallest] = weight;
    for (int i = 0; i < d; i++) {
      double x = centroids[largest * d + i];
      double p = SPLIT_PERTURBATION * Math.max(Math.abs(x), 1.0);
      centroids[largest * d + i] = x + p;
      centroids[smallest * d + i] = x - p;
    }
  }

  private static Map<String, String> parameters(
      double decayFactor, DecayTimeUnit timeUnit, double[] weights) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("decayFactor", Double.toString(decayFactor));
    p.put("timeUnit", timeUnit.name());
    p.put("clusterWeights", Arrays.toString(weights));
    return p;
  }

  /** The current centroids, with the features they read and their provenance. */
  public KMeansModel model() {
    return model;
  }

  /** The current cluster weights, one per centroid (a copy). */
  public double[] weights() {
    return weights.clone();
  }

  /** Batches applied. */
  public long batches() {
    return batches;
  }

  /** Points seen in all batches (not counting the initial weights). */
  public long points() {
    return points;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamingKMeansState s
        && batches == s.batches
        && points == s.points
        && Arrays.equals(weights, s.weights)
        && model.equals(s.model);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, Arrays.hashCode(weights), batches, points);
  }

  @Override
  public String toString() {
    return "StreamingKMeansState("
        + batches
        + " batches, "
        + points
        + " points, weights "
        + Arrays.toString(weights)
        + ", "
        + model
        + ")";
  }

  /**
   * Deterministic, versioned coder for {@link StreamingKMeansState} (how it lives in Beam state).
   *
   * <pre>{@code
   * StateSpecs.value(StreamingKMeansState.Coder.of());
   * }</pre>
   */
  public static final class Coder extends CustomCoder<StreamingKMeansState> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(StreamingKMeansState value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeLong(value.batches);
      data.writeLong(value.points);
      data.flush();
      ArrayEncoding.writeDoubles(value.weights, out);
      KMeansModelCoder.of().encode(value.model, out);
    }

    @Override
    public StreamingKMeansState decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "streaming k-means state");
      DataInputStream data = new DataInputStream(in);
      long batches = data.readLong();
      long points = data.readLong();
      double[] weights = ArrayEncoding.readDoubles(in);
      KMeansModel model = KMeansModelCoder.of().decode(in);
      if (weights.length != model.k()) {
        throw new IOException(
            "Corrupt streaming k-means state: " + weights.length + " weights for k=" + model.k());
      }
      return new StreamingKMeansState(model, weights, batches, points);
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Coder;
    }

    @Override
    public int hashCode() {
      return Coder.class.hashCode();
    }
  }
}
