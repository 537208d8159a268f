package org.beamlink.models;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How a model was made: trainer, parameters, seed, iterations run, final loss, rows seen and the
 * library version, as Tribuo records it; for iterative trainers that say so, also why training
 * stopped and how far from stationary it was ({@link #stopReason()}, {@link #gradientNorm()},
 * {@link #convergenceWarning()}). Models carry it so that it can be printed and saved.
 *
 * <p>The stop reason and gradient norm are written among the parameters, under the keys {@value
 * #STOP_REASON_KEY} and {@value #GRADIENT_NORM_KEY}, so that the layout stays the one every model
 * file was written in: files written before them read and encode back to the same bytes, and an
 * older reader sees two more parameters.
 *
 * <pre>{@code
 * Provenance p = Provenance.of("KMeans", Map.of("k", "3"), 42L, 7, 78.85, 150);
 * System.out.println(p); // KMeans{k=3} seed=42 iterations=7 loss=78.85 rows=150 beamlink=0.1.0
 * p.withStop(StopReason.GRADIENT, 3e-9).convergenceWarning(); // empty: converged
 * }</pre>
 */
public final class Provenance implements Serializable {
  private static final long serialVersionUID = 1L;

  /** This library's version, as built. */
  public static final String LIBRARY_VERSION = readVersion();

  /** The key under which {@link #writeTo} stores the stop reason among the parameters. */
  public static final String STOP_REASON_KEY = "provenance.stopReason";

  /** The key under which {@link #writeTo} stores the gradient norm among the parameters. */
  public static final String GRADIENT_NORM_KEY = "provenance.gradientNorm";

  /**
   * The relative gradient norm ({@link #gradientNorm()}) above which a model counts as far from a
   * stationary point: a hundred times the default tolerance of the linear trainers. L-BFGS stopped
   * by a small loss change on the collinear data of issue 18 with 4e-4 and a loss 3e-5 above the
   * optimum; converged fits end below 1e-6.
   */
  public static final double FAR_FROM_STATIONARY = 1e-4;

  private final String trainer;
  private final TreeMap<String, String> parameters;
  private final long seed;
  private final int iterations;
  private final double finalLoss;
  private final long rows;
  private final String libraryVersion;
  private final double[] lossCurve;
  private final StopReason stopReason;
  private final double gradientNorm;

  private Provenance(
      String trainer,
      Map<String, String> parameters,
      long seed,
      int iterations,
      double finalLoss,
      long rows,
      String libraryVersion,
      double[] lossCurve,
      StopReason stopReason,
      double gradientNorm) {
    this.trainer = Objects.requireNonNull(trainer);
    this.parameters = new TreeMap<>(parameters);
    if (this.parameters.containsKey(STOP_REASON_KEY)
        || this.parameters.containsKey(GRADIENT_NORM_KEY)) {
      throw new IllegalArgumentException(
          "Parameter names "
              + STOP_REASON_KEY
              + " and "
              + GRADIENT_NORM_KEY
              + " are reserved; use withStop(..)");
    }
    this.seed = seed;
    this.iterations = iterations;
    this.finalLoss = finalLoss;
    this.rows = rows;
    this.libraryVersion = libraryVersion;
    this.lossCurve = lossCurve.clone();
    this.stopReason = stopReason;
    this.gradientNorm = gradientNorm;
  }

  /** A record made by this library version. */
  public static Provenance of(
      String trainer,
      Map<String, String> parameters,
      long seed,
      int iterations,
      double finalLoss,
      long rows) {
    return new Provenance(
        trainer,
        parameters,
        seed,
        iterations,
        finalLoss,
        rows,
        LIBRARY_VERSION,
        new double[0],
        null,
        Double.NaN);
  }

  /** The same record with the loss after each iteration (the first value at the start). */
  public Provenance withLossCurve(double[] curve) {
    return with(curve, stopReason, gradientNorm);
  }

  /**
   * The same record saying why training stopped and the norm of the objective's gradient there,
   * relative to the loss ({@code |grad| / |loss|}, in the coordinates the trainer minimized in).
   */
  public Provenance withStop(StopReason reason, double relativeGradientNorm) {
    return with(lossCurve, Objects.requireNonNull(reason), relativeGradientNorm);
  }

  private Provenance with(double[] curve, StopReason reason, double relativeGradientNorm) {
    return new Provenance(
        trainer,
        parameters,
        seed,
        iterations,
        finalLoss,
        rows,
        libraryVersion,
        curve,
        reason,
        relativeGradientNorm);
  }

  /** Why training stopped; null when the trainer did not say (models made before it did). */
  public StopReason stopReason() {
    return stopReason;
  }

  /**
   * The norm of the objective's gradient where training stopped, relative to the loss: about 0 at
   * an optimum. NaN when not recorded.
   */
  public double gradientNorm() {
    return gradientNorm;
  }

  /**
   * A warning when the model may be far from its optimum: training ran out of iterations (or
   * evaluations), or stopped with a relative gradient norm above {@value #FAR_FROM_STATIONARY}.
   * Empty when it converged, or when the trainer did not record why it stopped.
   */
  public Optional<String> convergenceWarning() {
    if (stopReason == null) {
      return Optional.empty();
    }
    String gradient = String.format(Locale.ROOT, "relative gradient norm %.3g", gradientNorm);
    if (stopReason.ranOut()) {
      return Optional.of(
          trainer
              + " "
              + stopReason.description()
              + " after "
              + iterations
              + " iterations, "
              + gradient
              + ": the model may be far from the optimum; raise maxIter, or pick a solver that"
              + " converges faster on these data");
    }
    if (gradientNorm > FAR_FROM_STATIONARY) {
      return Optional.of(
          trainer
              + " stopped ("
              + stopReason.description()
              + ") far from a stationary point, "
              + gradient
              + " (above "
              + FAR_FROM_STATIONARY
              + "): the loss may still fall; lower tol or raise maxIter");
    }
    return Optional.empty();
  }

  /** The loss at the start and after each iteration; empty when the trainer does not record it. */
  public double[] lossCurve() {
    return lossCurve.clone();
  }

  /** The trainer's name. */
  public String trainer() {
    return trainer;
  }

  /** The trainer's parameters, as text, sorted by name. */
  public Map<String, String> parameters() {
    return Collections.unmodifiableMap(parameters);
  }

  /** The random seed. */
  public long seed() {
    return seed;
  }

  /** Iterations run. */
  public int iterations() {
    return iterations;
  }

  /** The loss (cost) at the end of training. */
  public double finalLoss() {
    return finalLoss;
  }

  /** Training rows seen. */
  public long rows() {
    return rows;
  }

  /** The version of Beamlink that trained the model. */
  public String libraryVersion() {
    return libraryVersion;
  }

  /** Writes the record (for model coders). */
  public void writeTo(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeUTF(trainer);
    Map<String, String> written = new TreeMap<>(parameters);
    if (stopReason != null) {
      written.put(STOP_REASON_KEY, stopReason.name());
      written.put(GRADIENT_NORM_KEY, Double.toString(gradientNorm));
    }
    data.writeInt(written.size());
    for (Map.Entry<String, String> e : written.entrySet()) {
      data.writeUTF(e.getKey());
      data.writeUTF(e.getValue());
    }
    data.writeLong(seed);
    data.writeInt(iterations);
    data.writeDouble(finalLoss);
    data.writeLong(rows);
    data.writeUTF(libraryVersion);
    data.writeInt(lossCurve.length);
    for (double v : lossCurve) {
      data.writeDouble(v);
    }
    data.flush();
  }

  /** Reads what {@link #writeTo} wrote. */
  public static Provenance readFrom(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    String trainer = data.readUTF();
    int n = data.readInt();
    Map<String, String> parameters = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      parameters.put(data.readUTF(), data.readUTF());
    }
    long seed = data.readLong();
    int iterations = data.readInt();
    double finalLoss = data.readDouble();
    long rows = data.readLong();
    String version = data.readUTF();
    int curveLength = data.readInt();
    if (curveLength < 0) {
      throw new IOException("Corrupt provenance: loss curve of length " + curveLength);
    }
    double[] curve = new double[curveLength];
    for (int i = 0; i < curveLength; i++) {
      curve[i] = data.readDouble();
    }
    String reason = parameters.remove(STOP_REASON_KEY);
    String norm = parameters.remove(GRADIENT_NORM_KEY);
    StopReason stop;
    double gradient;
    try {
      stop = reason == null ? null : StopReason.valueOf(reason);
      gradient = norm == null ? Double.NaN : Double.parseDouble(norm);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          "Corrupt provenance: stop reason '" + reason + "', gradient norm '" + norm + "'", e);
    }
    return new Provenance(
        trainer, parameters, seed, iterations, finalLoss, rows, version, curve, stop, gradient);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Provenance p
        && trainer.equals(p.trainer)
        && parameters.equals(p.parameters)
        && seed == p.seed
        && iterations == p.iterations
        && Double.compare(finalLoss, p.finalLoss) == 0
        && rows == p.rows
        && libraryVersion.equals(p.libraryVersion)
        && Arrays.equals(lossCurve, p.lossCurve)
        && stopReason == p.stopReason
        && Double.compare(gradientNorm, p.gradientNorm) == 0;
  }

  @Override
  public int hashCode() {
    return 31
            * Objects.hash(
                trainer, parameters, seed, iterations, finalLoss, rows, libraryVersion, stopReason)
        + Arrays.hashCode(lossCurve);
  }

  @Override
  public String toString() {
    return trainer
        + parameters
        + " seed="
        + seed
        + " iterations="
        + iterations
        + " loss="
        + finalLoss
        + " rows="
        + rows
        + " beamlink="
        + libraryVersion
        + (stopReason == null ? "" : " stopped=" + stopReason + " gradientNorm=" + gradientNorm);
  }

  private static String readVersion() {
    Properties props = new Properties();
    try (InputStream in = Provenance.class.getResourceAsStream("beamlink.properties")) {
      if (in == null) {
        return "unknown";
      }
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return props.getProperty("version", "unknown");
  }
}
