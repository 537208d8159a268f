package org.beamlink.examples.bench;

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
 * Seeded Gaussian-mixture data: row {@code i} is centre {@code i % k} plus standard normal noise,
 * the centres uniform in [-0.25, 0.25]^d: the components overlap, so Lloyd's centroids keep moving
 * and every iteration runs, as in Flink ML's KMeans benchmark (which has no tolerance). Every value
 * is a function of the seed and the row index, so the pipeline ({@link #rows}) and a plain array
 * ({@link #fill}) hold the same data.
 *
 * <pre>{@code
 * GaussianMixture data = new GaussianMixture(1_000_000, 20, 10, 42);
 * PCollection<Row> rows = pipeline.apply(data.rows());
 * }</pre>
 */
public final class GaussianMixture implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The schema of generated rows: one vector column. */
  public static final Schema SCHEMA =
      Schema.builder().addField("features", VectorLogicalType.FIELD_TYPE).build();

  final long rows;
  final int dims;
  final int k;
  final long seed;
  private final double[] centres;

  /** A mixture of {@code k} Gaussians in {@code dims} dimensions, {@code rows} points. */
  public GaussianMixture(long rows, int dims, int k, long seed) {
    this.rows = rows;
    this.dims = dims;
    this.k = k;
    this.seed = seed;
    SplittableRandom random = new SplittableRandom(seed);
    this.centres = new double[k * dims];
    for (int i = 0; i < centres.length; i++) {
      centres[i] = random.nextDouble(-0.25, 0.25);
    }
  }

  /** Writes point {@code i} into {@code out} from {@code offset}. */
  void point(long i, double[] out, int offset) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    int c = (int) (i % k);
    // Box-Muller, both normals of each pair: SplittableRandom has no nextGaussian on Java 17.
    for (int j = 0; j < dims; j += 2) {
      double radius = Math.sqrt(-2.0 * Math.log(1.0 - random.nextDouble()));
      double angle = 2 * Math.PI * random.nextDouble();
      out[offset + j] = centres[c * dims + j] + radius * Math.cos(angle);
      if (j + 1 < dims) {
        out[offset + j + 1] = centres[c * dims + j + 1] + radius * Math.sin(angle);
      }
    }
  }

  /** All points, row-major, in one array (for the single-threaded floor). */
  double[] fill() {
    double[] values = new double[Math.toIntExact(rows * dims)];
    for (long i = 0; i < rows; i++) {
      point(i, values, (int) (i * dims));
    }
    return values;
  }

  /** The first {@code k} points, row-major: the initial centroids every run uses. */
  double[] firstPoints() {
    double[] values = new double[k * dims];
    for (int i = 0; i < k; i++) {
      point(i, values, i * dims);
    }
    return values;
  }

  /** The points as rows, generated inside the pipeline. */
  PTransform<PBegin, PCollection<Row>> rows() {
    GaussianMixture data = this;
    return new PTransform<>() {
      @Override
      public PCollection<Row> expand(PBegin input) {
        return input
            .apply("Indices", GenerateSequence.from(0).to(data.rows))
            .apply("Points", ParDo.of(new PointFn(data)))
            .setRowSchema(SCHEMA);
      }
    };
  }

  private static final class PointFn extends DoFn<Long, Row> {
    private final GaussianMixture data;

    PointFn(GaussianMixture data) {
      this.data = data;
    }

    @ProcessElement
    public void process(@Element Long i, OutputReceiver<Row> out) {
      double[] p = new double[data.dims];
      data.point(i, p, 0);
      // attachValues: the value is a valid vector by construction, so skip build()'s check, which
      // encodes and decodes every vector.
      out.output(Row.withSchema(SCHEMA).attachValues(List.of(Vector.dense(p))));
    }
  }
}
