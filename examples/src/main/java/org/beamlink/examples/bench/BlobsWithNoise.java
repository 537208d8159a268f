package org.beamlink.examples.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * Seeded 2-D data for DBSCAN: nine rows in ten are drawn from five round Gaussian blobs of standard
 * deviation 1 with centres on a circle of radius 6, the tenth is uniform noise over {@code [-10,
 * 10]^2}. Every value is a function of the seed and the row index, so the pipeline ({@link #rows})
 * and the file for scikit-learn ({@link #write}) hold the same points.
 *
 * <pre>{@code
 * BlobsWithNoise data = new BlobsWithNoise(1_000_000, 7);
 * PCollection<Row> rows = pipeline.apply(data.rows()); // columns x, y
 * }</pre>
 */
public final class BlobsWithNoise implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The schema of generated rows: two double columns. */
  public static final Schema SCHEMA =
      Schema.builder().addDoubleField("x").addDoubleField("y").build();

  private static final int BLOBS = 5;

  final long rows;
  final long seed;

  /** {@code rows} points from {@code seed}. */
  public BlobsWithNoise(long rows, long seed) {
    this.rows = rows;
    this.seed = seed;
  }

  /** Writes point {@code i} into {@code out} from {@code offset}. */
  void point(long i, double[] out, int offset) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    if (i % 10 == 9) {
      out[offset] = random.nextDouble(-10, 10);
      out[offset + 1] = random.nextDouble(-10, 10);
      return;
    }
    double angle = 2 * Math.PI * (i % BLOBS) / BLOBS;
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    double radius = Math.sqrt(-2.0 * Math.log(1.0 - random.nextDouble()));
    double theta = 2 * Math.PI * random.nextDouble();
    out[offset] = 6 * Math.cos(angle) + radius * Math.cos(theta);
    out[offset + 1] = 6 * Math.sin(angle) + radius * Math.sin(theta);
  }

  /** Writes every point to {@code file}: x, y as little-endian doubles, row after row. */
  public void write(Path file) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      ByteBuffer buffer = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      double[] p = new double[2];
      for (long i = 0; i < rows; i++) {
        point(i, p, 0);
        buffer.clear();
        buffer.putDouble(p[0]).putDouble(p[1]);
        out.write(buffer.array());
      }
    }
  }

  /** The points as rows, generated inside the pipeline. */
  PTransform<PBegin, PCollection<Row>> rows() {
    BlobsWithNoise data = this;
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
    private final BlobsWithNoise data;

    PointFn(BlobsWithNoise data) {
      this.data = data;
    }

    @ProcessElement
    public void process(@Element Long i, OutputReceiver<Row> out) {
      double[] p = new double[2];
      data.point(i, p, 0);
      out.output(Row.withSchema(SCHEMA).attachValues(List.of(p[0], p[1])));
    }
  }
}
