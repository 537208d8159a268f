package org.beamlink.transforms.tuning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Min;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.transforms.evaluation.EvaluationMetrics;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Fits every candidate of a search on every split's training rows, evaluates it on the split's
 * validation rows, ranks the candidates and refits them all on every row, keeping the best: what
 * {@link CrossValidation} and {@link TrainValidationSplit} share. A linear model whose candidates
 * share their data trains every fit in one loop ({@link OneLoop}); otherwise every fit is a branch
 * of the one pipeline (candidates x splits + candidates fits). The best candidate is known only
 * when the job runs, so every candidate is refitted and the best one's model is picked by a side
 * input.
 */
final class CandidateSearch<T extends EvaluationMetrics>
    extends PTransform<PCollection<Row>, TuningResult> {
  private final ParamSearch search;
  private final TuningMetric<T> metric;
  private final int splits;
  private final PTransform<PCollection<Row>, PCollection<KV<Integer, Row>>> assign;
  private final String splitName;
  private final boolean oneLoop;

  CandidateSearch(
      ParamSearch search,
      TuningMetric<T> metric,
      int splits,
      PTransform<PCollection<Row>, PCollection<KV<Integer, Row>>> assign,
      String splitName,
      boolean oneLoop) {
    this.search = search;
    this.metric = metric;
    this.splits = splits;
    this.assign = assign;
    this.splitName = splitName;
    this.oneLoop = oneLoop;
  }

  @Override
  public TuningResult expand(PCollection<Row> input) {
    List<Candidate> candidates = search.candidates();
    Schema schema = input.getSchema();
    String labelCol = metric.bothClassesCol();
    if (labelCol != null && !schema.hasField(labelCol)) {
      throw new IllegalArgumentException(
          "Metric "
              + metric.name()
              + " needs the label column '"
              + labelCol
              + "', which the input does not have; its columns are "
              + schema.getFieldNames());
    }
    Coder<KV<Integer, Row>> keyedCoder = KvCoder.of(VarIntCoder.of(), input.getCoder());
    PCollection<KV<Integer, Row>> keyed = input.apply("Assign splits", assign).setCoder(keyedCoder);
    PCollectionView<Long> checked =
        keyed
            .apply("Split labels", ParDo.of(new SplitLabelFn(labelCol)))
            .setCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()))
            .apply("Count split labels", Count.perElement())
            .apply("Gather split counts", WithKeys.of(0))
            .setCoder(
                KvCoder.of(
                    VarIntCoder.of(),
                    KvCoder.of(
                        KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()), VarLongCoder.of())))
            .apply("Group split counts", GroupByKey.create())
            .apply(
                "Check splits",
                ParDo.of(new CheckSplitsFn(splits, splitName, labelCol, metric.name())))
            .setCoder(VarLongCoder.of())
            .apply("Checked", View.asSingleton());
    PCollection<KV<Integer, Row>> rows =
        keyed
            .apply("After check", ParDo.of(new AfterCheckFn(checked)).withSideInputs(checked))
            .setCoder(keyedCoder);
    PCollection<Row> all = rows.apply("All rows", Values.create()).setRowSchema(schema);
    int linear = oneLoop ? OneLoop.linearStage(search.pipeline(), candidates) : -1;
    List<PCollection<KV<Integer, KV<Integer, Double>>>> values = new ArrayList<>();
    List<PCollection<PipelineModel>> refits;
    if (linear >= 0) {
      refits =
          new OneLoop(search.pipeline(), candidates, linear, splits)
              .fit(rows, schema, values, this::score);
    } else {
      refits = branches(rows, all, candidates, values);
    }
    Schema tableSchema = tableSchema(candidates);
    PCollection<Row> table =
        PCollectionList.of(values)
            .apply("Flatten metrics", Flatten.pCollections())
            .apply("Gather metrics", WithKeys.of(0))
            .setCoder(
                KvCoder.of(
                    VarIntCoder.of(),
                    KvCoder.of(VarIntCoder.of(), KvCoder.of(VarIntCoder.of(), DoubleCoder.of()))))
            .apply("Group metrics", GroupByKey.create())
            .apply(
                "Table",
                ParDo.of(
                    new TableFn(
                        tableSchema,
                        tableValues(candidates),
                        splits,
                        metric.name(),
                        metric.greaterIsBetter())))
            .setRowSchema(tableSchema);
    PCollectionView<Integer> best =
        table
            .apply("Rank 1", ParDo.of(new RankOneFn()))
            .setCoder(VarIntCoder.of())
            .apply("Best candidate", Combine.globally(Min.ofIntegers()).withoutDefaults())
            .apply("Best view", View.asSingleton());
    return new TuningResult(
        input.getPipeline(), pickBest(refits, schema, candidates, best), table, linear >= 0);
  }

  /**
   * Every candidate x split fit as a branch of the pipeline, its metric added to {@code values};
   * returns every candidate's pipeline fitted on all the rows.
   */
  private List<PCollection<PipelineModel>> branches(
      PCollection<KV<Integer, Row>> rows,
      PCollection<Row> all,
      List<Candidate> candidates,
      List<PCollection<KV<Integer, KV<Integer, Double>>>> values) {
    Schema schema = all.getSchema();
    for (int s = 0; s < splits; s++) {
      int split = s;
      String name = splitName + " " + s;
      PCollection<Row> train =
          rows.apply(name + " training rows", Filter.by(kv -> kv.getKey() != split))
              .apply(name + " training values", Values.create())
              .setRowSchema(schema);
      PCollection<Row> validation =
          rows.apply(name + " validation rows", Filter.by(kv -> kv.getKey() == split))
              .apply(name + " validation values", Values.create())
              .setRowSchema(schema);
      for (Candidate c : candidates) {
        String step = "Candidate " + c.index() + " " + name;
        PCollection<PipelineModel> model = train.apply(step + " fit", c.pipeline().fit());
        values.add(
            score(
                validation.apply(step + " score", MlPipeline.transform(model)),
                step,
                c.index(),
                split));
      }
    }
    List<PCollection<PipelineModel>> refits = new ArrayList<>();
    for (Candidate c : candidates) {
      refits.add(all.apply("Candidate " + c.index() + " refit", c.pipeline().fit()));
    }
    return refits;
  }

  /** The metric of {@code scored} (a split's validation rows scored by a candidate's model). */
  private PCollection<KV<Integer, KV<Integer, Double>>> score(
      PCollection<Row> scored, String step, int candidate, int split) {
    return scored
        .apply(step + " evaluate", metric.evaluation())
        .apply(step + " metric", ParDo.of(new MetricValueFn<>(metric, candidate, split)))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarIntCoder.of(), DoubleCoder.of())));
  }

  /** The model of the best candidate among {@code refits} (one per candidate, in order). */
  private PCollection<PipelineModel> pickBest(
      List<PCollection<PipelineModel>> refitModels,
      Schema inputSchema,
      List<Candidate> candidates,
      PCollectionView<Integer> best) {
    List<PCollection<KV<Integer, PipelineModel>>> refits = new ArrayList<>();
    Coder<PipelineModel> modelCoder = null;
    Schema outputSchema = null;
    for (Candidate c : candidates) {
      PCollection<PipelineModel> model = refitModels.get(c.index());
      SchemaMapping mapping = TransformerCoder.mappingOf(model);
      Schema out = mapping.outputSchema(inputSchema);
      if (modelCoder == null) {
        modelCoder = model.getCoder();
        outputSchema = out;
      } else if (!out.equals(outputSchema)) {
        throw new IllegalArgumentException(
            "Candidate "
                + c.index()
                + " ("
                + c.describe()
                + ") gives output columns "
                + out.getFieldNames()
                + " where candidate 0 gives "
                + outputSchema.getFieldNames()
                + "; a search varies parameters, not the output's columns");
      }
      refits.add(
          model
              .apply("Candidate " + c.index() + " key", WithKeys.of(c.index()))
              // One coder for every candidate (their output schemas are equal, checked above):
              // Flink flattens only collections of equal coders.
              .setCoder(KvCoder.of(VarIntCoder.of(), modelCoder)));
    }
    return PCollectionList.of(refits)
        .apply("Flatten refits", Flatten.pCollections())
        .apply("Best model", ParDo.of(new PickFn(best)).withSideInputs(best))
        .setCoder(modelCoder);
  }

  /** The table's schema: candidate, the parameters, metric, mean, std, rank, fold0... */
  private Schema tableSchema(List<Candidate> candidates) {
    Schema.Builder b = Schema.builder().addInt32Field("candidate");
    for (String name : search.paramNames()) {
      b.addField(name, paramType(candidates, name));
    }
    b.addStringField("metric").addDoubleField("mean").addDoubleField("std").addInt32Field("rank");
    for (int s = 0; s < splits; s++) {
      b.addDoubleField("fold" + s);
    }
    return b.build();
  }

  private static Schema.FieldType paramType(List<Candidate> candidates, String name) {
    boolean numbers = true;
    boolean booleans = true;
    for (Candidate c : candidates) {
      Object v = c.params().get(name);
      numbers &= v instanceof Number;
      booleans &= v instanceof Boolean;
    }
    return numbers
        ? Schema.FieldType.DOUBLE
        : booleans ? Schema.FieldType.BOOLEAN : Schema.FieldType.STRING;
  }

  /** Each candidate's parameter values as the table holds them. */
  private ArrayList<ArrayList<Object>> tableValues(List<Candidate> candidates) {
    ArrayList<ArrayList<Object>> all = new ArrayList<>();
    for (Candidate c : candidates) {
      ArrayList<Object> row = new ArrayList<>();
      for (String name : search.paramNames()) {
        Schema.FieldType type = paramType(candidates, name);
        Object v = c.params().get(name);
        row.add(
            type.equals(Schema.FieldType.DOUBLE)
                ? (Object) ((Number) v).doubleValue()
                : type.equals(Schema.FieldType.BOOLEAN) ? v : String.valueOf(v));
      }
      all.add(row);
    }
    return all;
  }

  /**
   * Keys every row by its split, {@code splitOf} of the row, which must be in {@code -1..splits-1}.
   */
  static PTransform<PCollection<Row>, PCollection<KV<Integer, Row>>> perRow(
      SplitOf splitOf, int splits, String splitName) {
    return new PTransform<>() {
      @Override
      public PCollection<KV<Integer, Row>> expand(PCollection<Row> rows) {
        return rows.apply(ParDo.of(new AssignFn(splitOf, splits, splitName)));
      }
    };
  }

  private static final class AssignFn extends DoFn<Row, KV<Integer, Row>> {
    private final SplitOf splitOf;
    private final int splits;
    private final String splitName;

    AssignFn(SplitOf splitOf, int splits, String splitName) {
      this.splitOf = splitOf;
      this.splits = splits;
      this.splitName = splitName;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<Integer, Row>> out) {
      int s = splitOf.of(row);
      if (s < -1 || s >= splits) {
        throw new IllegalStateException(
            "Row " + row + " was assigned to " + splitName + " " + s + " of " + splits);
      }
      out.output(KV.of(s, row));
    }
  }

  /** (split, label text) per row; the label is "" when the metric needs no classes. */
  private static final class SplitLabelFn extends DoFn<KV<Integer, Row>, KV<Integer, String>> {
    private final @Nullable String labelCol;

    SplitLabelFn(@Nullable String labelCol) {
      this.labelCol = labelCol;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Row> kv, OutputReceiver<KV<Integer, String>> out) {
      String label =
          labelCol == null ? "" : String.valueOf((Object) kv.getValue().getValue(labelCol));
      out.output(KV.of(kv.getKey(), label));
    }
  }

  /**
   * Fails the job when a split has no validation rows, or, for a binary metric, one class; else
   * outputs the number of rows.
   */
  private static final class CheckSplitsFn
      extends DoFn<KV<Integer, Iterable<KV<KV<Integer, String>, Long>>>, Long> {
    private final int splits;
    private final String splitName;
    private final @Nullable String labelCol;
    private final String metricName;

    CheckSplitsFn(int splits, String splitName, @Nullable String labelCol, String metricName) {
      this.splits = splits;
      this.splitName = splitName;
      this.labelCol = labelCol;
      this.metricName = metricName;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<KV<KV<Integer, String>, Long>>> group,
        OutputReceiver<Long> out) {
      long[] counts = new long[splits + 1];
      List<TreeSet<String>> labels = new ArrayList<>();
      for (int s = 0; s <= splits; s++) {
        labels.add(new TreeSet<>());
      }
      for (KV<KV<Integer, String>, Long> kv : group.getValue()) {
        int s = kv.getKey().getKey() + 1;
        counts[s] += kv.getValue();
        labels.get(s).add(kv.getKey().getValue());
      }
      long total = Arrays.stream(counts).sum();
      for (int s = 0; s < splits; s++) {
        if (counts[s + 1] == 0) {
          throw new IllegalArgumentException(
              splitName
                  + " "
                  + s
                  + " of "
                  + splits
                  + " has no validation rows (of "
                  + total
                  + " rows); every "
                  + splitName
                  + " needs some");
        }
        if (counts[s + 1] == total) {
          throw new IllegalArgumentException(
              splitName
                  + " "
                  + s
                  + " of "
                  + splits
                  + " holds every row: nothing is left to train on");
        }
        if (labelCol != null && labels.get(s + 1).size() < 2) {
          throw new IllegalArgumentException(
              splitName
                  + " "
                  + s
                  + " of "
                  + splits
                  + " has only the label "
                  + labels.get(s + 1).first()
                  + " in column '"
                  + labelCol
                  + "' ("
                  + counts[s + 1]
                  + " rows); the binary metric "
                  + metricName
                  + " needs both classes in every validation "
                  + splitName);
        }
      }
      out.output(total);
    }
  }

  /** Passes the rows on once the splits have been checked. */
  private static final class AfterCheckFn extends DoFn<KV<Integer, Row>, KV<Integer, Row>> {
    private final PCollectionView<Long> checked;

    AfterCheckFn(PCollectionView<Long> checked) {
      this.checked = checked;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Row> kv,
        ProcessContext context,
        OutputReceiver<KV<Integer, Row>> out) {
      context.sideInput(checked);
      out.output(kv);
    }
  }

  private static final class MetricValueFn<T extends EvaluationMetrics>
      extends DoFn<T, KV<Integer, KV<Integer, Double>>> {
    private final TuningMetric<T> metric;
    private final int candidate;
    private final int split;

    MetricValueFn(TuningMetric<T> metric, int candidate, int split) {
      this.metric = metric;
      this.candidate = candidate;
      this.split = split;
    }

    @ProcessElement
    public void process(@Element T metrics, OutputReceiver<KV<Integer, KV<Integer, Double>>> out) {
      out.output(KV.of(candidate, KV.of(split, metric.valueOf(metrics))));
    }
  }

  /** Builds the table from every candidate's per-split values. */
  private static final class TableFn
      extends DoFn<KV<Integer, Iterable<KV<Integer, KV<Integer, Double>>>>, Row> {
    private final Schema schema;
    private final ArrayList<ArrayList<Object>> params;
    private final int splits;
    private final String metricName;
    private final boolean greaterIsBetter;

    TableFn(
        Schema schema,
        ArrayList<ArrayList<Object>> params,
        int splits,
        String metricName,
        boolean greaterIsBetter) {
      this.schema = schema;
      this.params = params;
      this.splits = splits;
      this.metricName = metricName;
      this.greaterIsBetter = greaterIsBetter;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<KV<Integer, KV<Integer, Double>>>> group,
        OutputReceiver<Row> out) {
      int n = params.size();
      double[][] values = new double[n][splits];
      boolean[][] seen = new boolean[n][splits];
      for (KV<Integer, KV<Integer, Double>> kv : group.getValue()) {
        values[kv.getKey()][kv.getValue().getKey()] = kv.getValue().getValue();
        seen[kv.getKey()][kv.getValue().getKey()] = true;
      }
      double[] mean = new double[n];
      double[] std = new double[n];
      for (int c = 0; c < n; c++) {
        double sum = 0;
        for (int s = 0; s < splits; s++) {
          if (!seen[c][s]) {
            throw new IllegalStateException("Candidate " + c + " has no metric for split " + s);
          }
          sum += values[c][s];
        }
        mean[c] = sum / splits;
        double squares = 0;
        for (int s = 0; s < splits; s++) {
          squares += (values[c][s] - mean[c]) * (values[c][s] - mean[c]);
        }
        std[c] = Math.sqrt(squares / splits);
      }
      Map<Integer, Row> rows = new TreeMap<>();
      for (int c = 0; c < n; c++) {
        Row.Builder row = Row.withSchema(schema).addValue(c).addValues(params.get(c));
        row.addValues(metricName, mean[c], std[c], rank(mean, c));
        for (int s = 0; s < splits; s++) {
          row.addValue(values[c][s]);
        }
        rows.put(c, row.build());
      }
      rows.values().forEach(out::output);
    }

    /** 1 + the number of candidates with a better mean; NaN after every number. */
    private int rank(double[] mean, int c) {
      int better = 0;
      for (double m : mean) {
        if (Double.isNaN(m)) {
          continue;
        }
        if (Double.isNaN(mean[c]) || (greaterIsBetter ? m > mean[c] : m < mean[c])) {
          better++;
        }
      }
      return better + 1;
    }
  }

  private static final class RankOneFn extends DoFn<Row, Integer> {
    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Integer> out) {
      if (row.getInt32("rank") == 1) {
        out.output(row.getInt32("candidate"));
      }
    }
  }

  private static final class PickFn extends DoFn<KV<Integer, PipelineModel>, PipelineModel> {
    private final PCollectionView<Integer> best;

    PickFn(PCollectionView<Integer> best) {
      this.best = best;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, PipelineModel> kv,
        ProcessContext context,
        OutputReceiver<PipelineModel> out) {
      if (kv.getKey().equals(context.sideInput(best))) {
        out.output(kv.getValue());
      }
    }
  }
}
