package org.beamlink.transforms.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.RowJson;
import org.apache.beam.sdk.util.RowJsonUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.Row;
import org.apache.kafka.common.serialization.StringSerializer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes rows to a Kafka topic as JSON objects, one record per row, through Beam's {@link KafkaIO}:
 * the format {@link ReadKafkaRows} reads. A record's timestamp is its row's event time; its key is
 * the text of column {@link #withKeyCol} (records of one key stay in one partition, in order) or
 * none. It counts the rows it hands to the producer in the counter {@code
 * WriteKafkaRows/rowsWritten}.
 *
 * <p>{@link #withExactlyOnce} writes in Kafka transactions committed as the runner's checkpoints
 * complete (KafkaIO's exactly-once sink), so a job restored from a checkpoint after a failure
 * leaves each row in the topic once for readers with {@code read_committed} isolation; it needs a
 * runner that supports it, such as Flink with checkpointing. On Flink that sink holds the rows
 * until the checkpoint that covers them completes, then commits one transaction per row (Beam
 * 2.70): about 150 rows a second on the test broker with {@link KafkaTopics#exactlyOnceProducer}
 * (which it uses), 60-65 on a loaded 2-core cluster; a stream faster than that needs the
 * at-least-once writer. The topic must exist when the pipeline is built.
 *
 * <pre>{@code
 * scored.apply(WriteKafkaRows.to("localhost:9092", "predictions").withKeyCol("ad"));
 * scored.apply(WriteKafkaRows.to(bootstrap, "predictions").withExactlyOnce(2, "ctr-scoring"));
 * }</pre>
 */
public final class WriteKafkaRows extends PTransform<PCollection<Row>, PDone> {
  private static final long serialVersionUID = 1L;

  private final String bootstrap;
  private final String topic;
  private final @Nullable String keyCol;
  private final int eosShards;
  private final @Nullable String eosGroup;

  private WriteKafkaRows(
      String bootstrap,
      String topic,
      @Nullable String keyCol,
      int eosShards,
      @Nullable String eosGroup) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.keyCol = keyCol;
    this.eosShards = eosShards;
    this.eosGroup = eosGroup;
  }

  /** Writes to topic {@code topic} of the brokers {@code bootstrap} (host:port,...). */
  public static WriteKafkaRows to(String bootstrap, String topic) {
    KafkaTopics.checkAddress(bootstrap, topic);
    return new WriteKafkaRows(bootstrap, topic, null, 0, null);
  }

  /** Keys each record by the text of column {@code col}; default no key. */
  public WriteKafkaRows withKeyCol(String col) {
    if (col == null || col.isEmpty()) {
      throw new IllegalArgumentException("Expected a key column name, got '" + col + "'");
    }
    return new WriteKafkaRows(bootstrap, topic, col, eosShards, eosGroup);
  }

  /**
   * Writes exactly once, in {@code shards} transactional writers named after {@code sinkGroupId}
   * (unique per job writing the topic; a restored job must use the same one).
   */
  public WriteKafkaRows withExactlyOnce(int shards, String sinkGroupId) {
    if (shards < 1) {
      throw new IllegalArgumentException("Expected shards >= 1, got " + shards);
    }
    if (sinkGroupId == null || sinkGroupId.isEmpty()) {
      throw new IllegalArgumentException("Expected a sink group id, got '" + sinkGroupId + "'");
    }
    return new WriteKafkaRows(bootstrap, topic, keyCol, shards, sinkGroupId);
  }

  @Override
  public PDone expand(PCollection<Row> rows) {
    if (!rows.hasSchema()) {
      throw new IllegalArgumentException(
          "Expected rows with a schema to write to Kafka topic " + topic + ", got " + rows);
    }
    Schema schema = rows.getSchema();
    if (keyCol != null && !schema.hasField(keyCol)) {
      throw new IllegalArgumentException(
          "No key column '"
              + keyCol
              + "' in the rows written to Kafka topic "
              + topic
              + "; they have "
              + schema.getFieldNames());
    }
    KafkaTopics.requireTopic(bootstrap, topic);
    KafkaIO.Write<String, String> write =
        KafkaIO.<String, String>write()
            .withBootstrapServers(bootstrap)
            .withTopic(topic)
            .withKeySerializer(StringSerializer.class)
            .withValueSerializer(StringSerializer.class)
            .withInputTimestamp();
    if (eosGroup != null) {
      write =
          write
              .withEOS(eosShards, eosGroup)
              .withProducerConfigUpdates(KafkaTopics.exactlyOnceProducer());
    }
    return rows.apply("To JSON", ParDo.of(new ToJsonFn(schema, keyCol)))
        .setCoder(KvCoder.of(NullableCoder.of(StringUtf8Coder.of()), StringUtf8Coder.of()))
        .apply("Write " + topic, write);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("bootstrap", bootstrap)).add(DisplayData.item("topic", topic));
  }

  private static final class ToJsonFn extends DoFn<Row, KV<String, String>> {
    private static final long serialVersionUID = 1L;
    private final Schema schema;
    private final @Nullable String keyCol;
    private final Counter rowsWritten = Metrics.counter(WriteKafkaRows.class, "rowsWritten");
    private transient @Nullable ObjectMapper mapper;

    ToJsonFn(Schema schema, @Nullable String keyCol) {
      this.schema = schema;
      this.keyCol = keyCol;
    }

    @Setup
    public void setup() {
      mapper = RowJsonUtils.newObjectMapperWith(RowJson.RowJsonSerializer.forSchema(schema));
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<String, String>> out) {
      Object key = keyCol == null ? null : row.getValue(keyCol);
      out.output(
          KV.of(key == null ? null : String.valueOf(key), RowJsonUtils.rowToJson(mapper, row)));
      rowsWritten.inc();
    }
  }
}
