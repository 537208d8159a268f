package org.beamlink.transforms.io;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.beamlink.iteration.PartitionThreads;
import org.beamlink.models.linalg.Block;

/**
 * Reads a group of splits of files (a file's name and a range in it: bytes of a CSV file, row
 * groups of a Parquet file) into blocks on every core of the worker: Flink's batch scheduler runs a
 * step of a few small records, such as these groups, on one subtask, so the splits of one group are
 * dealt to one thread per core ({@link PartitionThreads}). {@link ReadCsvBlocks} and {@link
 * ReadParquetBlocks} read their splits with it.
 */
abstract class ReadSplitsFn extends DoFn<KV<Integer, Iterable<KV<String, OffsetRange>>>, Block> {
  private final Counter rowsRead;

  /** Counting the rows read in {@code rowsRead}. */
  ReadSplitsFn(MetricName rowsRead) {
    this.rowsRead = Metrics.counter(rowsRead.getNamespace(), rowsRead.getName());
  }

  /** Reads {@code split} into blocks, in order. */
  abstract void read(KV<String, OffsetRange> split, Consumer<Block> out) throws Exception;

  @ProcessElement
  public void process(
      @Element KV<Integer, Iterable<KV<String, OffsetRange>>> group, OutputReceiver<Block> out)
      throws Exception {
    List<KV<String, OffsetRange>> splits = new ArrayList<>();
    group.getValue().forEach(splits::add);
    int threads = Math.min(splits.size(), Runtime.getRuntime().availableProcessors());
    List<Callable<List<Block>>> work = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      work.add(
          () -> {
            List<Block> blocks = new ArrayList<>();
            for (int s = first; s < splits.size(); s += threads) {
              read(splits.get(s), blocks::add);
            }
            return blocks;
          });
    }
    for (List<Block> blocks : PartitionThreads.runAll(work)) {
      for (Block block : blocks) {
        out.output(block);
        rowsRead.inc(block.numRows());
      }
    }
  }
}
