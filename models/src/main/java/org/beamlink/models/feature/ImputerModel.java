package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.OutputColumns;

/**
 * A fitted imputer, as scikit-learn's {@code SimpleImputer} and Spark ML's {@code ImputerModel}:
 * each numeric input column is copied to a DOUBLE output column, with missing values replaced by
 * the column's fitted surrogate (its mean, median, most frequent value, or a constant).
 *
 * <p>Missing means null, NaN, or equal to {@code missingValue} when one is set (Spark's rule: nulls
 * are always missing; here NaN is too, whatever {@code missingValue} is). Infinite values are kept
 * as they are.
 *
 * <pre>{@code
 * ImputerModel m = ImputerModel.of(List.of("x"), List.of("x_imputed"), Strategy.MEAN, Double.NaN, new double[] {2.5});
 * Row filled = m.bind(schema).apply(row);
 * }</pre>
 */
public final class ImputerModel implements Transformer {
  private static final long serialVersionUID = 1L;

  /** How the surrogate of a column is computed. */
  public enum Strategy {
    /** The mean of the non-missing values. */
    MEAN,
    /** The median of the non-missing values (approximate; see {@code Imputer}). */
    MEDIAN,
    /** The most frequent non-missing value; the smallest one on ties, as scikit-learn. */
    MOST_FREQUENT,
    /** A given constant. */
    CONSTANT
  }

  private final List<String> inputCols;
  private final List<String> outputCols;
  private final Strategy strategy;
  private final double missingValue;
  private final double[] surrogates;

  private ImputerModel(
      List<String> inputCols,
      List<String> outputCols,
      Strategy strategy,
      double missingValue,
      double[] surrogates) {
    StageColumns.checkColumnLists(inputCols, outputCols, "Imputer");
    if (surrogates.length != inputCols.size()) {
      throw new IllegalArgumentException(
          "Expected one surrogate per input column "
              + inputCols
              + ", got "
              + Arrays.toString(surrogates));
    }
    this.inputCols = List.copyOf(inputCols);
    this.outputCols = List.copyOf(outputCols);
    this.strategy = Objects.requireNonNull(strategy);
    this.missingValue = missingValue;
    this.surrogates = surrogates.clone();
  }

  /**
   * A model replacing missing values of {@code inputCols.get(i)} by {@code surrogates[i]} in {@code
   * outputCols.get(i)}; {@code missingValue} NaN means only null and NaN are missing.
   *
   * @throws IllegalArgumentException for lists of different lengths or no columns
   */
  public static ImputerModel of(
      List<String> inputCols,
      List<String> outputCols,
      Strategy strategy,
      double missingValue,
      double[] surrogates) {
    return new ImputerModel(inputCols, outputCols, strategy, missingValue, surrogates);
  }

  /** The numeric columns read. */
  public List<String> inputCols() {
    return inputCols;
  }

  /** The DOUBLE columns appended. */
  public List<String> outputCols() {
    return outputCols;
  }

  /** How the surrogates were computed. */
  public Strategy strategy() {
    return strategy;
  }

  /** The value that counts as missing besides null and NaN; NaN when there is none. */
  public double missingValue() {
    return missingValue;
  }

  /** The surrogate of each input column (a copy). */
  public double[] surrogates() {
    return surrogates.clone();
  }

  /** True when {@code value} (null allowed) counts as missing under {@code missingValue}. */
  public static boolean isMissing(Object value, double missingValue) {
    if (value == null) {
      return true;
    }
    double d = ((Number) value).doubleValue();
    return Double.isNaN(d) || d == missingValue;
  }

  @Override
  public Schema outputSchema(Schema input) {
    Schema.Field[] fields = new Schema.Field[outputCols.size()];
    for (int i = 0; i < fields.length; i++) {
      StageColumns.numericColumn(input, inputCols.get(i), "Imputer");
      fields[i] = Schema.Field.of(outputCols.get(i), Schema.FieldType.DOUBLE);
    }
    return OutputColumns.append(input, fields);
  }

  @Override
  public Bound bind(Schema input) {
    Schema output = outputSchema(input);
    int[] indices = new int[inputCols.size()];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = input.indexOf(inputCols.get(i));
    }
    return new Bound() {
      @Override
      public Schema outputSchema() {
        return output;
      }

      @Override
      public Row apply(Row row) {
        Object[] values = new Object[indices.length];
        for (int i = 0; i < indices.length; i++) {
          Object value = row.getValue(indices[i]);
          values[i] =
              isMissing(value, missingValue) ? surrogates[i] : ((Number) value).doubleValue();
        }
        return OutputColumns.row(output, row, values);
      }
    };
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("inputCols", inputCols.toString());
    p.put("outputCols", outputCols.toString());
    p.put("strategy", strategy.name());
    p.put("missingValue", Double.toString(missingValue));
    p.put("surrogates", StageColumns.preview(surrogates));
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImputerModel m
        && inputCols.equals(m.inputCols)
        && outputCols.equals(m.outputCols)
        && strategy == m.strategy
        && Double.compare(missingValue, m.missingValue) == 0
        && Arrays.equals(surrogates, m.surrogates);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCols, outputCols, strategy, missingValue, Arrays.hashCode(surrogates));
  }

  @Override
  public String toString() {
    return "ImputerModel" + parameters();
  }

  /**
   * Deterministic, versioned coder for {@link ImputerModel}.
   *
   * <pre>{@code
   * ImputerModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<ImputerModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(ImputerModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      StageColumns.writeStrings(value.inputCols, data);
      StageColumns.writeStrings(value.outputCols, data);
      data.writeUTF(value.strategy.name());
      data.writeDouble(value.missingValue);
      data.flush();
      ArrayEncoding.writeDoubles(value.surrogates, out);
    }

    @Override
    public ImputerModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "imputer model");
      DataInputStream data = new DataInputStream(in);
      List<String> inputCols = StageColumns.readStrings(data);
      List<String> outputCols = StageColumns.readStrings(data);
      Strategy strategy = Strategy.valueOf(data.readUTF());
      double missingValue = data.readDouble();
      double[] surrogates = ArrayEncoding.readDoubles(in);
      return new ImputerModel(inputCols, outputCols, strategy, missingValue, surrogates);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
