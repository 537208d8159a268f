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
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How a model was made: trainer, parameters, seed, iterations run, final loss, rows seen and the
 * library version, as Tribuo records it. Models carry it so that it can be printed and saved.
 *
 * <pre>{@code
 * Provenance p = Provenance.of("KMeans", Map.of("k", "3"), 42L, 7, 78.85, 150);
 * System.out.println(p); // KMeans{k=3} seed=42 iterations=7 loss=78.85 rows=150 beamlink=0.1.0
 * }</pre>
 */
public final class Provenance implements Serializable {
  private static final long serialVersionUID = 1L;

  /** This library's version, as built. */
  public static final String LIBRARY_VERSION = readVersion();

  private final String trainer;
  private final TreeMap<String, String> parameters;
  private final long seed;
  private final int iterations;
  private final double finalLoss;
  private final long rows;
  private final String libraryVersion;
  private final double[] lossCurve;

  private Provenance(
      String trainer,
      Map<String, String> parameters,
      long seed,
      int iterations,
      double finalLoss,
      long rows,
      String libraryVersion,
      double[] lossCurve) {
    this.trainer = Objects.requireNonNull(trainer);
    this.parameters = new TreeMap<>(parameters);
    this.seed = seed;
    this.iterations = iterations;
    this.finalLoss = finalLoss;
    this.rows = rows;
    this.libraryVersion = libraryVersion;
    this.lossCurve = lossCurve.clone();
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
        trainer, parameters, seed, iterations, finalLoss, rows, LIBRARY_VERSION, new double[0]);
  }

  /** The same record with the loss after each iteration (the first value at the start). */
  public Provenance withLossCurve(double[] curve) {
    return new Provenance(
        trainer, parameters, seed, iterations, finalLoss, rows, libraryVersion, curve);
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
    data.writeInt(parameters.size());
    for (Map.Entry<String, String> e : parameters.entrySet()) {
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
    return new Provenance(trainer, parameters, seed, iterations, finalLoss, rows, version, curve);
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
        && Arrays.equals(lossCurve, p.lossCurve);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(trainer, parameters, seed, iterations, finalLoss, rows, libraryVersion)
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
        + libraryVersion;
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
