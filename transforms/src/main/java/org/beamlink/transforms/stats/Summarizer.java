package org.beamlink.transforms.stats;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Summary statistics of the numeric and vector columns of rows, in one pass: count, missing (nulls
 * and NaNs), mean, sample variance and standard deviation, min, max, sum, L1 and L2 norm and number
 * of non-zeros, per numeric column and per coordinate of each vector column (see {@link
 * ColumnSummary} for the exact definitions, which follow Spark MLlib's {@code Summarizer} except
 * that the variance of a single value is NaN).
 *
 * <p>One {@code Combine.globally} with {@link SummarizeFn}: each worker keeps {@link Moments} per
 * column and the partials are merged with Chan et al.'s parallel formula, so the result does not
 * depend on how the runner splits the data. On empty input the output is still one {@link Summary}:
 * every count 0, mean, variance, min and max NaN, sums and norms 0, and no coordinates for a vector
 * column (its size is unknown).
 *
 * <p>Parameters: {@code columns} (default: every numeric and vector column of the schema, in schema
 * order).
 *
 * <pre>{@code
 * PCollection<Summary> summary = rows.apply(Summarizer.globally());
 * PCollection<Summary> some = rows.apply(Summarizer.globally().withColumns("x", "features"));
 * }</pre>
 */
public final class Summarizer {
  private Summarizer() {}

  /** Summarizes every numeric and vector column of the whole input into one {@link Summary}. */
  public static Globally globally() {
    return new AutoValue_Summarizer_Globally.Builder().build();
  }

  /**
   * The transform {@link #globally()} returns.
   *
   * <pre>{@code
   * PCollection<Summary> summary = rows.apply(Summarizer.globally().withColumns("x"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Globally extends PTransform<PCollection<Row>, PCollection<Summary>> {
    abstract @Nullable List<String> columns();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setColumns(@Nullable List<String> columns);

      abstract Globally build();
    }

    /**
     * The numeric or vector columns to summarize, at least one, in this order; default: all of
     * them.
     */
    public Globally withColumns(String... columns) {
      if (columns.length == 0) {
        throw new IllegalArgumentException("Expected at least one column, got none");
      }
      return toBuilder().setColumns(List.of(columns)).build();
    }

    @Override
    public PCollection<Summary> expand(PCollection<Row> input) {
      return input
          .apply("Summarize", Combine.globally(SummarizeFn.of(input.getSchema(), columns())))
          .setCoder(SummaryCoder.of());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.addIfNotNull(
          DisplayData.item("columns", columns() == null ? null : String.join(",", columns())));
    }
  }

  /**
   * The combine behind {@link Summarizer}: {@link Moments} per column as the accumulator, coded by
   * {@link MomentsCoder}.
   *
   * <pre>{@code
   * PCollection<Summary> s = rows.apply(Combine.globally(SummarizeFn.of(rows.getSchema(), null)));
   * }</pre>
   */
  public static final class SummarizeFn extends CombineFn<Row, List<Moments>, Summary> {
    private final List<String> names;
    private final int[] indices;
    private final boolean[] vectors;

    private SummarizeFn(List<String> names, int[] indices, boolean[] vectors) {
      this.names = names;
      this.indices = indices;
      this.vectors = vectors;
    }

    /**
     * Summarizes {@code columns} of rows of {@code schema}, or every numeric and vector column when
     * {@code columns} is null.
     *
     * @throws IllegalArgumentException for a missing column, a column that is neither numeric nor a
     *     vector, or a schema without any such column
     */
    public static SummarizeFn of(Schema schema, @Nullable List<String> columns) {
      List<String> names = new ArrayList<>();
      if (columns == null) {
        for (Schema.Field field : schema.getFields()) {
          if (isSummarizable(field.getType())) {
            names.add(field.getName());
          }
        }
        if (names.isEmpty()) {
          throw new IllegalArgumentException(
              "The input has no numeric or vector column to summarize; its schema is " + schema);
        }
      } else {
        names.addAll(columns);
      }
      int[] indices = new int[names.size()];
      boolean[] vectors = new boolean[names.size()];
      for (int i = 0; i < indices.length; i++) {
        String name = names.get(i);
        if (!schema.hasField(name)) {
          throw new IllegalArgumentException(
              "Column '" + name + "' not found; the input has columns " + schema.getFieldNames());
        }
        FieldType type = schema.getField(name).getType();
        if (!isSummarizable(type)) {
          throw new IllegalArgumentException(
              "Column '" + name + "' has type " + type + "; expected a numeric or vector column");
        }
        indices[i] = schema.indexOf(name);
        vectors[i] = VectorLogicalType.isVector(type);
      }
      return new SummarizeFn(List.copyOf(names), indices, vectors);
    }

    private static boolean isSummarizable(FieldType type) {
      return FeatureColumns.isNumeric(type) || VectorLogicalType.isVector(type);
    }

    @Override
    public List<Moments> createAccumulator() {
      List<Moments> moments = new ArrayList<>(indices.length);
      for (boolean vector : vectors) {
        moments.add(vector ? Moments.ofVector() : Moments.ofNumber());
      }
      return moments;
    }

    @Override
    public List<Moments> addInput(List<Moments> accumulator, Row row) {
      for (int i = 0; i < indices.length; i++) {
        Moments column = accumulator.get(i);
        Object value = row.getValue(indices[i]);
        if (value == null) {
          column.addNull();
        } else if (vectors[i]) {
          try {
            column.add(row.getLogicalTypeValue(indices[i], Vector.class));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "Vector column '"
                    + names.get(i)
                    + "': "
                    + e.getMessage()
                    + ", in row "
                    + RowText.of(row),
                e);
          }
        } else {
          column.add(((Number) value).doubleValue());
        }
      }
      return accumulator;
    }

    @Override
    public List<Moments> mergeAccumulators(Iterable<List<Moments>> accumulators) {
      Iterator<List<Moments>> it = accumulators.iterator();
      List<Moments> merged = it.hasNext() ? it.next() : createAccumulator();
      while (it.hasNext()) {
        List<Moments> next = it.next();
        for (int i = 0; i < indices.length; i++) {
          try {
            merged.get(i).merge(next.get(i));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "Vector column '" + names.get(i) + "': " + e.getMessage(), e);
          }
        }
      }
      return merged;
    }

    @Override
    public Summary extractOutput(List<Moments> accumulator) {
      List<ColumnSummary> columns = new ArrayList<>();
      for (int i = 0; i < indices.length; i++) {
        Moments m = accumulator.get(i);
        if (!vectors[i]) {
          columns.add(m.summary(0, names.get(i)));
        } else {
          for (int j = 0; j < m.size(); j++) {
            columns.add(m.summary(j, names.get(i) + "[" + j + "]"));
          }
        }
      }
      return new Summary(accumulator.get(0).rows(), columns);
    }

    @Override
    public Coder<List<Moments>> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return ListCoder.of(MomentsCoder.of());
    }

    @Override
    public Coder<Summary> getDefaultOutputCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return SummaryCoder.of();
    }
  }
}
