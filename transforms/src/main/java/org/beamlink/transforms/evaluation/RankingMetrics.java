package org.beamlink.transforms.evaluation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Ranking metrics with Spark's {@code RankingMetrics} definitions, for queries (users) that each
 * have a ranked list of predicted items {@code pred} (best first) and a set of relevant items
 * {@code rel}; every metric is the mean over the queries of:
 *
 * <ul>
 *   <li>{@code precisionAtK}: relevant items among the first {@code min(k, |pred|)}, divided by
 *       {@code k}.
 *   <li>{@code recallAtK}: the same count divided by {@code |rel|}.
 *   <li>{@code ndcgAtK}: binary-relevance NDCG, {@code DCG / ideal DCG} over the first {@code n =
 *       min(max(|pred|, |rel|), k)} positions with gain {@code 1 / log(i + 2)} at position {@code
 *       i} (from 0): DCG counts the relevant predictions, the ideal the first {@code |rel|}
 *       positions.
 *   <li>{@code meanAveragePrecisionAtK}: the sum of the precisions at the positions of the relevant
 *       items among the first {@code min(k, |pred|)}, divided by {@code min(|rel|, k)}; {@code
 *       meanAveragePrecision} the same with {@code k = max(|pred|, |rel|)} for each query.
 *   <li>{@code hitRateAtK} (not in Spark): 1 when a relevant item is among the first {@code k}
 *       predictions, else 0.
 * </ul>
 *
 * <p>A query with no relevant items scores 0 in every metric, as in Spark (which logs a warning);
 * {@code emptyQueries} counts them. The value holds the count and the sums, computed in one
 * mergeable pass by {@link RankingEvaluation}; the means are computed on request.
 *
 * <pre>{@code
 * RankingMetrics m = ...;
 * double ndcg = m.ndcgAtK();
 * System.out.print(m.report());
 * }</pre>
 */
@DefaultCoder(RankingMetrics.Coder.class)
public final class RankingMetrics implements EvaluationMetrics {
  private static final long serialVersionUID = 1L;

  /** The per-query values summed, in the order {@link #queryValues} returns them. */
  static final int VALUES = 6;

  private static final Schema SCHEMA =
      Schema.builder()
          .addInt32Field("k")
          .addInt64Field("count")
          .addInt64Field("emptyQueries")
          .addDoubleField("precisionAtK")
          .addDoubleField("recallAtK")
          .addDoubleField("ndcgAtK")
          .addDoubleField("meanAveragePrecisionAtK")
          .addDoubleField("meanAveragePrecision")
          .addDoubleField("hitRateAtK")
          .build();

  private final int k;
  private final long count;
  private final long emptyQueries;
  private final double[] sums;

  private RankingMetrics(int k, long count, long emptyQueries, double[] sums) {
    this.k = k;
    this.count = count;
    this.emptyQueries = emptyQueries;
    this.sums = sums;
  }

  /**
   * Metrics from the sums of {@link #queryValues} over {@code count} queries, {@code emptyQueries}
   * of which had no relevant items.
   *
   * @throws IllegalArgumentException for k or count below 1, or sums of the wrong size
   */
  static RankingMetrics of(int k, long count, long emptyQueries, double[] sums) {
    if (k < 1 || count < 1 || sums.length != VALUES) {
      throw new IllegalArgumentException(
          "Expected k >= 1, count >= 1 and "
              + VALUES
              + " sums, got k="
              + k
              + ", count="
              + count
              + ", "
              + sums.length
              + " sums");
    }
    return new RankingMetrics(k, count, emptyQueries, sums.clone());
  }

  /**
   * The metrics of one query, in the order precision@k, recall@k, NDCG@k, average precision@k,
   * average precision, hit@k; all 0 when {@code relevant} is empty.
   */
  static double[] queryValues(List<?> predicted, List<?> relevant, int k) {
    Set<Object> rel = new HashSet<>(relevant);
    double[] v = new double[VALUES];
    if (rel.isEmpty()) {
      return v;
    }
    int hits = relevantAmong(predicted, rel, k);
    v[0] = (double) hits / k;
    v[1] = (double) hits / rel.size();
    v[2] = ndcg(predicted, rel, k);
    v[3] = averagePrecision(predicted, rel, k);
    v[4] = averagePrecision(predicted, rel, Math.max(predicted.size(), rel.size()));
    v[5] = hits > 0 ? 1.0 : 0.0;
    return v;
  }

  private static int relevantAmong(List<?> predicted, Set<Object> rel, int k) {
    int n = Math.min(k, predicted.size());
    int hits = 0;
    for (int i = 0; i < n; i++) {
      if (rel.contains(predicted.get(i))) {
        hits++;
      }
    }
    return hits;
  }

  private static double averagePrecision(List<?> predicted, Set<Object> rel, int k) {
    int n = Math.min(k, predicted.size());
    int hits = 0;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      if (rel.contains(predicted.get(i))) {
        hits++;
        sum += (double) hits / (i + 1);
      }
    }
    return sum / Math.min(rel.size(), k);
  }

  private static double ndcg(List<?> predicted, Set<Object> rel, int k) {
    int n = Math.min(Math.max(predicted.size(), rel.size()), k);
    double dcg = 0;
    double ideal = 0;
    for (int i = 0; i < n; i++) {
      double gain = 1.0 / Math.log(i + 2);
      if (i < predicted.size() && rel.contains(predicted.get(i))) {
        dcg += gain;
      }
      if (i < rel.size()) {
        ideal += gain;
      }
    }
    return dcg / ideal;
  }

  /** The schema of {@link #toRow()}. */
  public static Schema schema() {
    return SCHEMA;
  }

  /** The cut-off the @k metrics use. */
  public int k() {
    return k;
  }

  /** Queries evaluated. */
  public long count() {
    return count;
  }

  /** Queries with no relevant items (each scores 0 in every metric, as in Spark). */
  public long emptyQueries() {
    return emptyQueries;
  }

  /** Mean precision at k. */
  public double precisionAtK() {
    return sums[0] / count;
  }

  /** Mean recall at k. */
  public double recallAtK() {
    return sums[1] / count;
  }

  /** Mean NDCG at k (binary relevance). */
  public double ndcgAtK() {
    return sums[2] / count;
  }

  /** Mean average precision at k. */
  public double meanAveragePrecisionAtK() {
    return sums[3] / count;
  }

  /** Mean average precision over each query's whole list (MAP). */
  public double meanAveragePrecision() {
    return sums[4] / count;
  }

  /** The share of queries with a relevant item among their first k predictions. */
  public double hitRateAtK() {
    return sums[5] / count;
  }

  @Override
  public Row toRow() {
    return Row.withSchema(SCHEMA)
        .addValues(
            k,
            count,
            emptyQueries,
            precisionAtK(),
            recallAtK(),
            ndcgAtK(),
            meanAveragePrecisionAtK(),
            meanAveragePrecision(),
            hitRateAtK())
        .build();
  }

  @Override
  public String report() {
    ReportTable table = new ReportTable("metric", "value");
    table.add("precisionAtK", precisionAtK());
    table.add("recallAtK", recallAtK());
    table.add("ndcgAtK", ndcgAtK());
    table.add("meanAveragePrecisionAtK", meanAveragePrecisionAtK());
    table.add("meanAveragePrecision", meanAveragePrecision());
    table.add("hitRateAtK", hitRateAtK());
    return "Ranking: "
        + count
        + " queries ("
        + emptyQueries
        + " without relevant items), k="
        + k
        + "\n\n"
        + table;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RankingMetrics m
        && k == m.k
        && count == m.count
        && emptyQueries == m.emptyQueries
        && Arrays.equals(sums, m.sums);
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(count) * 31 + k) * 31 + Arrays.hashCode(sums);
  }

  @Override
  public String toString() {
    return "RankingMetrics k="
        + k
        + " count="
        + count
        + " precision="
        + precisionAtK()
        + " recall="
        + recallAtK()
        + " ndcg="
        + ndcgAtK()
        + " map="
        + meanAveragePrecision();
  }

  /** A deterministic coder: a version byte, k, the two counts, then the six sums. */
  public static final class Coder extends CustomCoder<RankingMetrics> {
    private static final int VERSION = 1;
    private static final Coder INSTANCE = new Coder();

    /** The coder. */
    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(RankingMetrics value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeInt(value.k);
      data.writeLong(value.count);
      data.writeLong(value.emptyQueries);
      for (double s : value.sums) {
        data.writeDouble(s);
      }
      data.flush();
    }

    @Override
    public RankingMetrics decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      int version = data.readByte();
      if (version != VERSION) {
        throw new CoderException(
            "Cannot decode RankingMetrics of version "
                + version
                + "; this coder reads version "
                + VERSION);
      }
      int k = data.readInt();
      long count = data.readLong();
      long empty = data.readLong();
      double[] sums = new double[VALUES];
      for (int i = 0; i < VALUES; i++) {
        sums[i] = data.readDouble();
      }
      return new RankingMetrics(k, count, empty, sums);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
