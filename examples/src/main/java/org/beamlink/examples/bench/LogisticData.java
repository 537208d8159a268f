package org.beamlink.examples.bench;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;

/**
 * Seeded logistic data with known weights. Dense: {@code dims} features uniform in [-1, 1), weights
 * {@code ((j % 7) - 3) / 4}, intercept 0.5. Sparse (when {@code nonZeros > 0}): {@code nonZeros}
 * distinct hashed features of value 1 out of {@code dims}, weight of feature {@code j} uniform in
 * [-1, 1) from {@code j}, intercept -0.5, like hashed CTR features. The label is 1 with probability
 * {@code sigmoid(x . w + b)}. Every row is a function of the seed and its index, so the pipeline
 * ({@link #rows}) and plain Java ({@link #row}) agree; row {@code i} is held out for testing when
 * {@code i % 10 == 9}.
 *
 * <pre>{@code
 * LogisticData data = new LogisticData(1_000_000, 50, 0, 7);
 * PCollection<Row> train = pipeline.apply(data.rows(false));
 * }</pre>
 */
public final class LogisticData implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The schema of generated rows: a vector column and a DOUBLE label. */
  public static final Schema SCHEMA =
      Schema.builder()
          .addField("features", VectorLogicalType.FIELD_TYPE)
          .addDoubleField("label")
          .build();

  final long rows;
  final int dims;
  final int nonZeros;
  final long seed;

  /** {@code rows} rows of {@code dims} features, dense when {@code nonZeros == 0}. */
  public LogisticData(long rows, int dims, int nonZeros, long seed) {
    this.rows = rows;
    this.dims = dims;
    this.nonZeros = nonZeros;
    this.seed = seed;
  }

  /** True when row {@code i} belongs to the held-out tenth. */
  static boolean heldOut(long i) {
    return i % 10 == 9;
  }

  /** Row {@code i}: its features and its label. */
  Row row(long i) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    Vector x;
    double m;
    if (nonZeros == 0) {
      double[] v = new double[dims];
      m = 0.5;
      for (int j = 0; j < dims; j++) {
        v[j] = 2 * r.nextDouble() - 1;
        m += v[j] * ((j % 7) - 3) * 0.25;
      }
      x = Vector.dense(v);
    } else {
      // Draws until nonZeros distinct features, kept sorted as they come (insertion by binary
      // search): the same features in the same order as drawing them all and sorting after.
      int[] idx = new int[nonZeros];
      int found = 0;
      while (found < nonZeros) {
        int j = r.nextInt(dims);
        int at = Arrays.binarySearch(idx, 0, found, j);
        if (at < 0) {
          at = -at - 1;
          System.arraycopy(idx, at, idx, at + 1, found - at);
          idx[at] = j;
          found++;
        }
      }
      double[] ones = new double[nonZeros];
      Arrays.fill(ones, 1.0);
      m = -0.5;
      for (int j : idx) {
        m += new SplittableRandom(seed + j).nextDouble(-1, 1);
      }
      x = Vector.sparse(dims, idx, ones);
    }
    double label = r.nextDouble() < 1.0 / (1.0 + Math.exp(-m)) ? 1.0 : 0.0;
    // attachValues: the vector is valid by construction; build() would encode and decode it.
    return Row.withSchema(SCHEMA).attachValues(List.of(x, label));
  }

  /** The training rows ({@code held = false}) or the held-out rows, generated in the pipeline. */
  PTransform<PBegin, PCollection<Row>> rows(boolean held) {
    LogisticData data = this;
    return new PTransform<>() {
      @Override
      public PCollection<Row> expand(PBegin input) {
        return input
            .apply("Indices", GenerateSequence.from(0).to(data.rows))
            .apply("Rows", ParDo.of(new RowFn(data, held)))
            .setRowSchema(SCHEMA);
      }
    };
  }

  private static final class RowFn extends DoFn<Long, Row> {
    private final LogisticData data;
    private final boolean held;

    RowFn(LogisticData data, boolean held) {
      this.data = data;
      this.held = held;
    }

    @ProcessElement
    public void process(@Element Long i, OutputReceiver<Row> out) {
      if (heldOut(i) == held) {
        out.output(data.row(i));
      }
    }
  }
}
