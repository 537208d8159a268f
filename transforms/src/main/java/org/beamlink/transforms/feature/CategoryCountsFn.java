package org.beamlink.transforms.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;

/**
 * The fit of the categorical stages (StringIndexer, OneHotEncoder): how often each value occurs in
 * each input column, keyed by the value's string form ({@code String.valueOf}), merged across
 * workers as partial counts (no worker sees all rows), then turned into a model by {@code build}.
 * Null and NaN values are not counted (they are invalid values, never labels or categories).
 *
 * @param <M> the fitted stage
 */
final class CategoryCountsFn<M extends Transformer>
    extends ModelCombineFn<Row, CategoryCountsFn.Counts, M> {
  private final int[] columns;
  private final SerializableFunction<List<Map<String, Long>>, M> build;

  CategoryCountsFn(
      int[] columns,
      Class<M> type,
      SchemaMapping mapping,
      SerializableFunction<List<Map<String, Long>>, M> build) {
    super(type, mapping);
    this.columns = columns.clone();
    this.build = build;
  }

  @Override
  public Counts createAccumulator() {
    return new Counts(columns.length);
  }

  @Override
  public Counts addInput(Counts counts, Row row) {
    counts.rows++;
    for (int c = 0; c < columns.length; c++) {
      String key = keyOf(row.getValue(columns[c]));
      if (key != null) {
        counts.perColumn.get(c).merge(key, 1L, Long::sum);
      }
    }
    return counts;
  }

  /** The string form of a value, as the models look it up; null for null and NaN. */
  private static String keyOf(Object value) {
    if (value == null
        || value instanceof Double d && d.isNaN()
        || value instanceof Float f && f.isNaN()) {
      return null;
    }
    return value.toString();
  }

  @Override
  public Counts mergeAccumulators(Iterable<Counts> accumulators) {
    Counts merged = null;
    for (Counts a : accumulators) {
      if (merged == null) {
        merged = a;
        continue;
      }
      merged.rows += a.rows;
      for (int c = 0; c < columns.length; c++) {
        Map<String, Long> into = merged.perColumn.get(c);
        a.perColumn.get(c).forEach((k, v) -> into.merge(k, v, Long::sum));
      }
    }
    return merged == null ? createAccumulator() : merged;
  }

  /** The model, or null for no rows (see {@link ModelCombineFn}). */
  @Override
  public M extractOutput(Counts counts) {
    if (counts.rows == 0) {
      return null;
    }
    List<Map<String, Long>> perColumn = new ArrayList<>(counts.perColumn);
    return build.apply(perColumn);
  }

  @Override
  public Coder<Counts> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return new CountsCoder();
  }

  /** Rows seen, and per column a count per value. */
  static final class Counts {
    long rows;
    final List<Map<String, Long>> perColumn;

    Counts(int columns) {
      perColumn = new ArrayList<>(columns);
      for (int c = 0; c < columns; c++) {
        perColumn.add(new HashMap<>());
      }
    }
  }

  /** Coder of the partial counts between workers. */
  static final class CountsCoder extends CustomCoder<Counts> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(Counts value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeLong(value.rows);
      data.writeInt(value.perColumn.size());
      for (Map<String, Long> m : value.perColumn) {
        data.writeInt(m.size());
        for (Map.Entry<String, Long> e : m.entrySet()) {
          writeString(e.getKey(), data);
          data.writeLong(e.getValue());
        }
      }
      data.flush();
    }

    @Override
    public Counts decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      long rows = data.readLong();
      int columns = data.readInt();
      Counts counts = new Counts(columns);
      counts.rows = rows;
      for (int c = 0; c < columns; c++) {
        int n = data.readInt();
        Map<String, Long> m = counts.perColumn.get(c);
        for (int i = 0; i < n; i++) {
          m.put(readString(data), data.readLong());
        }
      }
      return counts;
    }

    private static void writeString(String s, DataOutputStream out) throws IOException {
      byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.writeInt(bytes.length);
      out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
