package org.beamlink.transforms.recommendation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.beamlink.models.SeededHash;
import org.beamlink.models.linalg.ArrayEncoding;

/**
 * The values ALS training moves between its steps, with their coders: single ratings, the ratings
 * of one block of users (or items) in CSR form, a block of factors, and a route (which factors of a
 * block another block needs). Also where an id's block and initial factors come from.
 */
final class AlsBlocks {
  private AlsBlocks() {}

  /** The block of {@code id} among {@code numBlocks}: a seedless hash, so ids spread evenly. */
  static int blockOf(long id, int numBlocks) {
    return (int) Math.floorMod(SeededHash.mix(id), (long) numBlocks);
  }

  /**
   * The initial factors of {@code id}: {@code rank} standard normal numbers (Box-Muller on the
   * SplitMix64 hashes {@code mix(h + 0), mix(h + 1), ...} of {@code h = mix(seed ^ mix(id))}),
   * scaled to unit norm, as Spark's are (Spark draws its normals from a stream seeded per block).
   * StrictMath, so that the numbers are the same on every JVM; the reference script computes the
   * same ones.
   */
  static double[] initialFactors(long seed, long id, int rank) {
    long h = SeededHash.mix(seed ^ SeededHash.mix(id));
    double[] f = new double[rank];
    double norm = 0;
    for (int j = 0; j < rank; j++) {
      double u1 = 1.0 - SeededHash.uniform(SeededHash.mix(h + 2L * j));
      double u2 = SeededHash.uniform(SeededHash.mix(h + 2L * j + 1));
      f[j] = StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
      norm += f[j] * f[j];
    }
    norm = StrictMath.sqrt(norm);
    for (int j = 0; j < rank; j++) {
      f[j] /= norm;
    }
    return f;
  }

  /** One rating of {@code item} by {@code user}. */
  record Rating(long user, long item, double rating) {}

  /**
   * The ratings of the entities (users or items) of one block, sorted by entity and then by the
   * other side's id: entity {@code ids[e]} rated {@code others[starts[e] .. starts[e + 1])} with
   * {@code ratings} at the same positions.
   */
  record RatingBlock(long[] ids, int[] starts, long[] others, double[] ratings) {
    /** The other side's ids in this block, ascending and distinct. */
    long[] distinctOthers() {
      return Arrays.stream(others).sorted().distinct().toArray();
    }
  }

  /** Factors of a set of ids, ascending: {@code ids[i]}'s at {@code [i * rank, (i + 1) * rank)}. */
  record FactorBlock(long[] ids, double[] factors) {
    /** The factors of the ascending {@code wanted} ids, all of which are in this block. */
    FactorBlock subset(long[] wanted, int rank) {
      double[] out = new double[wanted.length * rank];
      for (int i = 0; i < wanted.length; i++) {
        int at = Arrays.binarySearch(ids, wanted[i]);
        System.arraycopy(factors, at * rank, out, i * rank, rank);
      }
      return new FactorBlock(wanted, out);
    }
  }

  /** The ids of one source block that the entities of block {@code to} rated. */
  record Route(int to, long[] ids) {}

  /** The coder of {@link Rating}. */
  static final class RatingCoder extends AtomicCoder<Rating> {
    static final RatingCoder INSTANCE = new RatingCoder();

    @Override
    public void encode(Rating value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeLong(value.user());
      data.writeLong(value.item());
      data.writeDouble(value.rating());
      data.flush();
    }

    @Override
    public Rating decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      return new Rating(data.readLong(), data.readLong(), data.readDouble());
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** The coder of {@link RatingBlock}. */
  static final class RatingBlockCoder extends AtomicCoder<RatingBlock> {
    static final RatingBlockCoder INSTANCE = new RatingBlockCoder();

    @Override
    public void encode(RatingBlock value, OutputStream out) throws IOException {
      ArrayEncoding.writeLongs(value.ids(), out);
      ArrayEncoding.writeInts(value.starts(), out);
      ArrayEncoding.writeLongs(value.others(), out);
      ArrayEncoding.writeDoubles(value.ratings(), out);
    }

    @Override
    public RatingBlock decode(InputStream in) throws IOException {
      return new RatingBlock(
          ArrayEncoding.readLongs(in),
          ArrayEncoding.readInts(in),
          ArrayEncoding.readLongs(in),
          ArrayEncoding.readDoubles(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** The coder of {@link FactorBlock}. */
  static final class FactorBlockCoder extends AtomicCoder<FactorBlock> {
    static final FactorBlockCoder INSTANCE = new FactorBlockCoder();

    @Override
    public void encode(FactorBlock value, OutputStream out) throws IOException {
      ArrayEncoding.writeLongs(value.ids(), out);
      ArrayEncoding.writeDoubles(value.factors(), out);
    }

    @Override
    public FactorBlock decode(InputStream in) throws IOException {
      return new FactorBlock(ArrayEncoding.readLongs(in), ArrayEncoding.readDoubles(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** The coder of {@link Route}. */
  static final class RouteCoder extends AtomicCoder<Route> {
    static final RouteCoder INSTANCE = new RouteCoder();

    @Override
    public void encode(Route value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.to(), out);
      ArrayEncoding.writeLongs(value.ids(), out);
    }

    @Override
    public Route decode(InputStream in) throws IOException {
      return new Route(VarIntCoder.of().decode(in), ArrayEncoding.readLongs(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** {@code KV<block, value>} with {@code valueCoder}. */
  static <T> KvCoder<Integer, T> keyed(Coder<T> valueCoder) {
    return KvCoder.of(VarIntCoder.of(), valueCoder);
  }
}
