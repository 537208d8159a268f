package org.beamlink.transforms.tuning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.SeededHash;
import org.beamlink.transforms.evaluation.RowContentHash;

/**
 * Assigns every row a fold {@code 0..folds-1} so that each class of a label column is spread over
 * the folds as evenly as it can be, as scikit-learn's {@code StratifiedKFold(shuffle=True)}: the
 * rows of a class with {@code n} rows fall {@code floor(n / folds)} or {@code ceil(n / folds)} in
 * every fold. Appends the fold as an INT32 column (default {@code "fold"}), which {@link
 * CrossValidation#withFoldCol} reads; {@link CrossValidation#withStratifyCol} does the same inside
 * the search.
 *
 * <p>How: the rows of each class are put in the order of a hash of their values mixed with the seed
 * ({@link RowContentHash}, SplitMix64's finalizer, as {@link
 * org.beamlink.transforms.evaluation.RandomSplit}); the row of rank {@code r} in its class goes to
 * fold {@code r mod folds}. The ranks are computed without gathering a class in one place: a
 * class's rows are cut into {@value #BUCKETS} buckets by the top bits of their hash, the buckets'
 * sizes are counted (a side input), and each bucket is sorted on its own and starts at the sizes of
 * the class's earlier buckets. A bucket holds about {@code n / 256} rows of its class in memory.
 * Rows with equal hashes are ordered by their encoding, so the folds are the same on every run,
 * runner and parallelism. Unlike hashed folds, identical rows can land in different folds (as in
 * scikit-learn); the classes are the distinct values of the label column as text, a null label
 * being a class of its own.
 *
 * <p>Parameters: {@code folds} (at least 2) and the label column (in the factory), {@code seed}
 * (default 0), {@code foldCol} (default {@code "fold"}, a column the input must not have).
 *
 * <pre>{@code
 * PCollection<Row> withFolds = rows.apply(StratifiedFolds.of(5, "label").withSeed(7));
 * TuningResult result = withFolds.apply(CrossValidation.of(grid, metric).withFolds(5).withFoldCol("fold"));
 * }</pre>
 */
public final class StratifiedFolds extends PTransform<PCollection<Row>, PCollection<Row>> {
  /**
   * The average rows a bucket is cut to: large enough that a small class is one group (a runner
   * that makes a bundle per group, as the DirectRunner, then makes few), small enough to sort in
   * memory.
   */
  static final long BUCKET_ROWS = 10_000;

  private final int folds;
  private final String labelCol;
  private final long seed;
  private final String foldCol;

  private StratifiedFolds(int folds, String labelCol, long seed, String foldCol) {
    this.folds = folds;
    this.labelCol = labelCol;
    this.seed = seed;
    this.foldCol = foldCol;
  }

  /** {@code folds} folds stratified by {@code labelCol}, seed 0, into column "fold". */
  public static StratifiedFolds of(int folds, String labelCol) {
    if (folds < 2) {
      throw new IllegalArgumentException("Expected folds >= 2, got " + folds);
    }
    if (labelCol == null || labelCol.isEmpty()) {
      throw new IllegalArgumentException("Expected a label column name, got " + labelCol);
    }
    return new StratifiedFolds(folds, labelCol, 0L, "fold");
  }

  /** The seed of the order within each class; default 0. */
  public StratifiedFolds withSeed(long seed) {
    return new StratifiedFolds(folds, labelCol, seed, foldCol);
  }

  /** The name of the appended fold column; default "fold". */
  public StratifiedFolds withFoldCol(String foldCol) {
    if (foldCol == null || foldCol.isEmpty()) {
      throw new IllegalArgumentException("Expected a fold column name, got " + foldCol);
    }
    return new StratifiedFolds(folds, labelCol, seed, foldCol);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    Schema schema = input.getSchema();
    if (schema.hasField(foldCol)) {
      throw new IllegalArgumentException(
          "The input already has a column '" + foldCol + "'; choose another with withFoldCol");
    }
    Schema output = Schema.builder().addFields(schema.getFields()).addInt32Field(foldCol).build();
    return input
        .apply("Stratify", keyed())
        .apply("Append " + foldCol, ParDo.of(new AppendFoldFn(output)))
        .setRowSchema(output);
  }

  /** The rows keyed by their fold, unchanged: what {@link CrossValidation} searches over. */
  PTransform<PCollection<Row>, PCollection<KV<Integer, Row>>> keyed() {
    return new PTransform<>() {
      @Override
      public PCollection<KV<Integer, Row>> expand(PCollection<Row> input) {
        Schema schema = input.getSchema();
        if (!schema.hasField(labelCol)) {
          throw new IllegalArgumentException(
              "Stratify column '"
                  + labelCol
                  + "' not found; the input has columns "
                  + schema.getFieldNames());
        }
        Coder<Row> rowCoder = input.getCoder();
        KvCoder<String, Integer> bucketCoder = KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of());
        PCollectionView<Map<String, Long>> classSizes =
            input
                .apply("Labels", ParDo.of(new LabelFn(labelCol)))
                .setCoder(StringUtf8Coder.of())
                .apply("Count classes", Count.perElement())
                .apply("Class sizes", View.asMap());
        PCollection<KV<KV<String, Integer>, KV<Long, Row>>> hashed =
            input
                .apply(
                    "Hash rows",
                    ParDo.of(new HashFn(labelCol, seed, classSizes)).withSideInputs(classSizes))
                .setCoder(KvCoder.of(bucketCoder, KvCoder.of(VarLongCoder.of(), rowCoder)));
        PCollectionView<Map<KV<String, Integer>, Long>> sizes =
            hashed
                .apply("Buckets", Keys.create())
                .setCoder(bucketCoder)
                .apply("Count buckets", Count.perElement())
                .apply("Bucket sizes", View.asMap());
        return hashed
            .apply("Group buckets", GroupByKey.create())
            .apply(
                "Rank in class", ParDo.of(new RankFn(folds, rowCoder, sizes)).withSideInputs(sizes))
            .setCoder(KvCoder.of(VarIntCoder.of(), rowCoder));
      }
    };
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("folds", folds))
        .add(DisplayData.item("labelCol", labelCol))
        .add(DisplayData.item("seed", seed))
        .add(DisplayData.item("foldCol", foldCol));
  }

  /** The label of a row as text, its class. */
  private static final class LabelFn extends DoFn<Row, String> {
    private final String labelCol;

    LabelFn(String labelCol) {
      this.labelCol = labelCol;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<String> out) {
      out.output(label(row, labelCol));
    }
  }

  private static String label(Row row, String labelCol) {
    return String.valueOf((Object) row.getValue(labelCol));
  }

  /** The bits of hash that cut a class of {@code n} rows into buckets of about BUCKET_ROWS. */
  static int bucketBits(long n) {
    int bits = 0;
    while (bits < 16 && (n >> bits) > BUCKET_ROWS) {
      bits++;
    }
    return bits;
  }

  /** (class, bucket) -> (mixed hash, row). */
  private static final class HashFn extends DoFn<Row, KV<KV<String, Integer>, KV<Long, Row>>> {
    private final String labelCol;
    private final long seed;
    private final PCollectionView<Map<String, Long>> classSizes;

    HashFn(String labelCol, long seed, PCollectionView<Map<String, Long>> classSizes) {
      this.labelCol = labelCol;
      this.seed = seed;
      this.classSizes = classSizes;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Row row = c.element();
      long h = SeededHash.mix(RowContentHash.of(row) ^ seed);
      String label = label(row, labelCol);
      int bits = bucketBits(c.sideInput(classSizes).get(label));
      int bucket = bits == 0 ? 0 : (int) (h >>> (64 - bits));
      c.output(KV.of(KV.of(label, bucket), KV.of(h, row)));
    }
  }

  /** Sorts a bucket by hash and gives its rows the folds of their ranks in their class. */
  private static final class RankFn
      extends DoFn<KV<KV<String, Integer>, Iterable<KV<Long, Row>>>, KV<Integer, Row>> {
    private final int folds;
    private final Coder<Row> rowCoder;
    private final PCollectionView<Map<KV<String, Integer>, Long>> sizesView;
    private transient Map<KV<String, Integer>, Long> sizesSeen;
    private transient Map<KV<String, Integer>, Long> starts;

    RankFn(int folds, Coder<Row> rowCoder, PCollectionView<Map<KV<String, Integer>, Long>> sizes) {
      this.folds = folds;
      this.rowCoder = rowCoder;
      this.sizesView = sizes;
    }

    @ProcessElement
    public void process(ProcessContext c) throws CoderException {
      Map<KV<String, Integer>, Long> sizes = c.sideInput(sizesView);
      if (sizes != sizesSeen) {
        starts = starts(sizes);
        sizesSeen = sizes;
      }
      List<KV<Long, Row>> bucket = new ArrayList<>();
      c.element().getValue().forEach(bucket::add);
      bucket.sort((a, b) -> Long.compareUnsigned(a.getKey(), b.getKey()));
      long rank = starts.get(c.element().getKey());
      for (int i = 0; i < bucket.size(); ) {
        int j = i + 1;
        while (j < bucket.size() && bucket.get(j).getKey().equals(bucket.get(i).getKey())) {
          j++;
        }
        List<Row> equalHashes = new ArrayList<>();
        for (int e = i; e < j; e++) {
          equalHashes.add(bucket.get(e).getValue());
        }
        if (equalHashes.size() > 1) {
          sortByEncoding(equalHashes);
        }
        for (Row row : equalHashes) {
          c.output(KV.of((int) (rank % folds), row));
          rank++;
        }
        i = j;
      }
    }

    private void sortByEncoding(List<Row> rows) throws CoderException {
      Map<Row, byte[]> encoded = new HashMap<>();
      for (Row row : rows) {
        encoded.put(row, CoderUtils.encodeToByteArray(rowCoder, row));
      }
      rows.sort((a, b) -> Arrays.compareUnsigned(encoded.get(a), encoded.get(b)));
    }

    /** Each bucket's first rank in its class: the sizes of the class's lower buckets. */
    private static Map<KV<String, Integer>, Long> starts(Map<KV<String, Integer>, Long> sizes) {
      Map<String, TreeMap<Integer, Long>> byClass = new HashMap<>();
      sizes.forEach(
          (k, n) -> byClass.computeIfAbsent(k.getKey(), x -> new TreeMap<>()).put(k.getValue(), n));
      Map<KV<String, Integer>, Long> starts = new HashMap<>();
      byClass.forEach(
          (label, buckets) -> {
            long start = 0;
            for (Map.Entry<Integer, Long> b : buckets.entrySet()) {
              starts.put(KV.of(label, b.getKey()), start);
              start += b.getValue();
            }
          });
      return starts;
    }
  }

  /** The row with its fold appended. */
  private static final class AppendFoldFn extends DoFn<KV<Integer, Row>, Row> {
    private final Schema output;

    AppendFoldFn(Schema output) {
      this.output = output;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Row> kv, OutputReceiver<Row> out) {
      out.output(
          Row.withSchema(output)
              .addValues(kv.getValue().getValues())
              .addValue(kv.getKey())
              .build());
    }
  }
}
