package org.beamlink.transforms.online;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.online.FtrlExample;
import org.beamlink.models.online.FtrlLearner;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Turns labelled rows into {@link FtrlExample}s for the single training key, in parallel ahead of
 * the stateful step, and sends them in chunks: up to {@link #CHUNK} examples of one bundle, in the
 * bundle's order, sent when full or when the bundle ends (on Flink a bundle lasts at most 1,000
 * elements or 1 s by default). The keyed step then pays its per-element costs (key, state,
 * decoding) once per chunk instead of once per example. A chunk's timestamp is its last example's.
 * The rules come from the initial model: given as a value ({@link #of(Rules, FeatureColumns,
 * String, Schema, Schema)}), they travel with the function, so the runner can chain it to the step
 * before (on Flink, a step with a side input is a separate task, and every row would be serialized
 * to reach it); given as a PCollection, they are read from its side input once per instance. The
 * label must be one of the initial model's two labels (compared as numbers when the column and the
 * model's labels are numeric, else as text, as {@code LinearFit} does); the features must be finite
 * and have the model's size. A row that breaks a rule fails the job with the column, value and row
 * named, or goes to {@link #FAILED} with the reason when a failure schema is given.
 */
final class FtrlParseFn extends DoFn<Row, KV<Integer, List<FtrlExample>>> {
  /** Examples per chunk, at most. */
  static final int CHUNK = 256;

  /** The chunks of examples, all under key 0. */
  static final TupleTag<KV<Integer, List<FtrlExample>>> EXAMPLES =
      new TupleTag<KV<Integer, List<FtrlExample>>>() {};

  /** Rejected rows: the row and the reason. */
  static final TupleTag<Row> FAILED = new TupleTag<Row>() {};

  private final @Nullable PCollectionView<LinearModel> initialModel;
  private final @Nullable Rules fixedRules;
  private final @Nullable FeatureColumns features;
  private final String labelCol;
  private final Schema schema;
  private final @Nullable Schema failureSchema;
  private final Counter rejected = Metrics.counter(Ftrl.class, "rowsRejected");
  private transient @Nullable Parser parser;
  private transient List<FtrlExample> chunk;
  private transient Instant chunkTimestamp;

  private FtrlParseFn(
      @Nullable PCollectionView<LinearModel> initialModel,
      @Nullable Rules fixedRules,
      @Nullable FeatureColumns features,
      String labelCol,
      Schema schema,
      @Nullable Schema failureSchema) {
    this.initialModel = initialModel;
    this.fixedRules = fixedRules;
    this.features = features;
    this.labelCol = labelCol;
    this.schema = schema;
    this.failureSchema = failureSchema;
  }

  /** Parses with the rules of the initial model in {@code initialModel}, a side input. */
  static FtrlParseFn of(
      PCollectionView<LinearModel> initialModel,
      @Nullable FeatureColumns features,
      String labelCol,
      Schema schema,
      @Nullable Schema failureSchema) {
    return new FtrlParseFn(initialModel, null, features, labelCol, schema, failureSchema);
  }

  /** Parses with {@code rules}, known when the pipeline is built: no side input. */
  static FtrlParseFn of(
      Rules rules,
      @Nullable FeatureColumns features,
      String labelCol,
      Schema schema,
      @Nullable Schema failureSchema) {
    return new FtrlParseFn(null, rules, features, labelCol, schema, failureSchema);
  }

  @StartBundle
  public void startBundle() {
    chunk = new ArrayList<>(CHUNK);
  }

  @ProcessElement
  public void process(ProcessContext c) {
    Parser p = parser;
    if (p == null) {
      // The initial model is one bounded element: read once per instance.
      Rules rules = fixedRules != null ? fixedRules : Rules.of(c.sideInput(initialModel));
      p = new Parser(rules, features, labelCol, schema);
      parser = p;
    }
    Row row = c.element();
    FtrlExample example;
    try {
      example = p.parse(row, c.timestamp().getMillis());
    } catch (IllegalArgumentException e) {
      if (failureSchema == null) {
        throw e;
      }
      rejected.inc();
      c.output(FAILED, Row.withSchema(failureSchema).addValues(row, e.getMessage()).build());
      return;
    }
    chunk.add(example);
    chunkTimestamp = c.timestamp();
    if (chunk.size() == CHUNK) {
      c.output(KV.of(0, chunk));
      chunk = new ArrayList<>(CHUNK);
    }
  }

  /** Sends the bundle's last, partial chunk (rows arrive in the global window). */
  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    if (!chunk.isEmpty()) {
      c.output(EXAMPLES, KV.of(0, chunk), chunkTimestamp, GlobalWindow.INSTANCE);
      chunk = new ArrayList<>(CHUNK);
    }
  }

  /** What parsing needs of the initial model: its size, labels, label type and feature columns. */
  record Rules(int numFeatures, List<String> labels, TypeName labelType, FeatureColumns features)
      implements java.io.Serializable {
    /**
     * The rules of {@code model}.
     *
     * @throws IllegalArgumentException when FTRL cannot start from it
     */
    static Rules of(LinearModel model) {
      FtrlLearner.checkInitialModel(model);
      return new Rules(
          model.numFeatures(),
          List.copyOf(model.labelValues()),
          model.labelType(),
          model.features());
    }
  }

  /** The rules of one initial model on one schema. */
  private static final class Parser {
    private final FeatureColumns.Bound features;
    private final int numFeatures;
    private final String labelCol;
    private final int labelIndex;
    private final boolean numeric;
    private final double[] numericLabels;
    private final List<String> labels;

    Parser(Rules rules, @Nullable FeatureColumns columns, String labelCol, Schema schema) {
      this.features = (columns != null ? columns : rules.features()).bind(schema);
      this.numFeatures = rules.numFeatures();
      if (features.dimension() >= 0 && features.dimension() != numFeatures) {
        throw new IllegalArgumentException(
            "Features from "
                + features
                + " have "
                + features.dimension()
                + " columns but the initial model has "
                + numFeatures
                + " features");
      }
      this.labelCol = labelCol;
      this.labelIndex = schema.indexOf(labelCol);
      this.labels = rules.labels();
      TypeName modelType = rules.labelType();
      this.numeric =
          modelType.isNumericType()
              && FeatureColumns.isNumeric(schema.getField(labelIndex).getType());
      this.numericLabels = new double[2];
      if (numeric) {
        for (int i = 0; i < 2; i++) {
          numericLabels[i] = ((Number) LabelValues.parse(labels.get(i), modelType)).doubleValue();
        }
      }
    }

    FtrlExample parse(Row row, long eventMillis) {
      double y;
      if (numeric) {
        double v = FeatureColumns.numericValue(row, labelIndex, labelCol);
        y = v == numericLabels[1] ? 1.0 : v == numericLabels[0] ? 0.0 : unknown(v, row);
      } else {
        String v = LabelValues.text(row, labelCol);
        y = v.equals(labels.get(1)) ? 1.0 : v.equals(labels.get(0)) ? 0.0 : unknown(v, row);
      }
      Vector x = features.extract(row);
      features.checkSize(x, numFeatures, row);
      return FtrlExample.of(x, y, eventMillis);
    }

    private double unknown(Object value, Row row) {
      throw new IllegalArgumentException(
          "Label column '"
              + labelCol
              + "' has value "
              + value
              + " in row "
              + RowText.of(row)
              + ", which is not one of the initial model's labels "
              + labels);
    }
  }
}
