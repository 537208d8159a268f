package org.beamlink.transforms.linear;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;

/**
 * The ill-conditioned data of issue 18, made exactly as {@code collinear_reference.py} (under
 * {@code src/test/resources/linear}) makes them, whose docstring gives the formulas: row {@code i}
 * draws ten uniforms from {@code SplittableRandom(18 * 0x9E3779B97F4A7C15 + i)}; {@code x1..x3} are
 * {@code x0} times constants plus noise of 1/200 of their spread, {@code x7..x9} a one-hot
 * category; the correlation matrix has condition number 1.6e6.
 */
public final class CollinearData {
  /** Features {@code f0..f9}, {@code label} and {@code weight}, all DOUBLE. */
  public static final Schema SCHEMA = schema(10);

  /** The same rows with the features as one vector column {@code features}. */
  public static final Schema VECTOR_SCHEMA =
      Schema.builder()
          .addField("features", VectorLogicalType.FIELD_TYPE)
          .addDoubleField("label")
          .addDoubleField("weight")
          .build();

  private CollinearData() {}

  private static Schema schema(int d) {
    Schema.Builder b = Schema.builder();
    for (int j = 0; j < d; j++) {
      b.addDoubleField("f" + j);
    }
    return b.addDoubleField("label").addDoubleField("weight").build();
  }

  /** Row {@code i}: ten features, the label, the weight. */
  public static double[] row(long i) {
    SplittableRandom r = new SplittableRandom(18L * 0x9E3779B97F4A7C15L + i);
    double[] u = new double[11];
    for (int k = 1; k <= 10; k++) {
      u[k] = r.nextDouble();
    }
    double z = 4.0 * u[1] + 1.0;
    double x1 = 2.0 * z + 0.01 * (2.0 * u[2] - 1.0);
    double x2 = -1.5 * z + 0.01 * (2.0 * u[3] - 1.0);
    double x3 = 0.5 * z + 0.01 * (2.0 * u[4] - 1.0);
    double x4 = 20.0 * u[5] + 40.0;
    double x5 = 2.0 * u[6] - 1.0;
    double x6 = 0.5 * x5 + 0.5 * (2.0 * u[7] - 1.0);
    double c = Math.floor(4.0 * u[8]);
    double x7 = c == 1 ? 1.0 : 0.0;
    double x8 = c == 2 ? 1.0 : 0.0;
    double x9 = c == 3 ? 1.0 : 0.0;
    double y = 1.0 + z + 0.5 * x1 - 0.2 * x2 + 0.3 * x3 + 0.05 * x4 + 2.0 * x5 - x6;
    y = y + 1.5 * x7 - 0.5 * x8 + 0.8 * x9 + (2.0 * u[9] - 1.0);
    return new double[] {z, x1, x2, x3, x4, x5, x6, x7, x8, x9, y, 0.5 + u[10]};
  }

  /** The first {@code n} rows. */
  public static List<Row> rows(int n) {
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Row.Builder b = Row.withSchema(SCHEMA);
      for (double v : row(i)) {
        b.addValue(v);
      }
      rows.add(b.build());
    }
    return rows;
  }

  /**
   * The first {@code n} rows with extra columns: {@code extra[i]} holds row {@code i}'s values of
   * columns {@code f10, f11, ...}.
   */
  public static List<Row> rowsWith(int n, double[][] extra) {
    Schema schema = schema(10 + extra[0].length);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] r = row(i);
      Row.Builder b = Row.withSchema(schema);
      for (int j = 0; j < 10; j++) {
        b.addValue(r[j]);
      }
      for (double v : extra[i]) {
        b.addValue(v);
      }
      rows.add(b.addValues(r[10], r[11]).build());
    }
    return rows;
  }

  /** The first {@code n} rows with the features as a sparse vector (the one-hot zeros left out). */
  public static List<Row> sparseRows(int n) {
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] r = row(i);
      int stored = 0;
      for (int j = 0; j < 10; j++) {
        stored += r[j] != 0.0 ? 1 : 0;
      }
      int[] indices = new int[stored];
      double[] values = new double[stored];
      for (int j = 0, k = 0; j < 10; j++) {
        if (r[j] != 0.0) {
          indices[k] = j;
          values[k++] = r[j];
        }
      }
      rows.add(
          Row.withSchema(VECTOR_SCHEMA)
              .addValues(Vector.sparse(10, indices, values), r[10], r[11])
              .build());
    }
    return rows;
  }

  /** The names {@code f0 .. f(d-1)}. */
  public static String[] features(int d) {
    return LinearTestSupport.featureNames(d);
  }
}
