package org.beamlink.transforms.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.RowJson;
import org.apache.beam.sdk.util.RowJsonUtils;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/**
 * Reads a Kafka topic of JSON objects into rows of a schema, through Beam's {@link KafkaIO}: one
 * record value is one row ({@code {"time": 1767225600000, "price": 2.5, "site": "s3", ...}}), the
 * object's fields named as the schema's (extra fields are an error, as in Beam's {@code
 * JsonToRow}). {@link WriteKafkaRows} writes this format.
 *
 * <p>Event time is the record's timestamp (its create time, which {@link WriteKafkaRows} sets to
 * the row's event time), and the watermark follows the timestamps of each partition, held back by
 * {@link #withMaxDelay} (default 2 s) for records produced out of order. The stream is unbounded
 * unless {@link #withMaxRecords} or {@link #withMaxReadTime} bounds it. Without committed offsets
 * of its consumer group ({@link #withConsumerGroup}, whose offsets are committed as Beam finalizes
 * checkpoints) it reads from the earliest record. {@link #withReadCommitted()} reads only records
 * of committed transactions, which an exactly-once writer needs from its readers.
 *
 * <p>When the pipeline is built, the broker must answer and the topic must exist, or building fails
 * saying which ({@link KafkaTopics}). A record that is not a JSON object of the schema fails the
 * job with a message naming the topic, partition, offset and what is wrong; {@link
 * #withFailuresOutput()} keeps it instead as a row of {@link ReadResult#FAILURE_SCHEMA} whose
 * {@code file} is {@code kafka:TOPIC/PARTITION} and whose {@code line} is the record's offset.
 *
 * <pre>{@code
 * PCollection<Row> events =
 *     p.apply(ReadKafkaRows.from("localhost:9092", "events", ClickEvents.SCHEMA));
 * ReadResult checked =
 *     p.apply(ReadKafkaRows.from("localhost:9092", "events", schema).withFailuresOutput());
 * }</pre>
 */
public final class ReadKafkaRows extends PTransform<PBegin, PCollection<Row>> {
  private static final long serialVersionUID = 1L;

  private final String bootstrap;
  private final String topic;
  private final Schema schema;
  private final @Nullable Long maxRecords;
  private final @Nullable Duration maxReadTime;
  private final Duration maxDelay;
  private final boolean readCommitted;
  private final @Nullable String group;

  private ReadKafkaRows(
      String bootstrap,
      String topic,
      Schema schema,
      @Nullable Long maxRecords,
      @Nullable Duration maxReadTime,
      Duration maxDelay,
      boolean readCommitted,
      @Nullable String group) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.schema = schema;
    this.maxRecords = maxRecords;
    this.maxReadTime = maxReadTime;
    this.maxDelay = maxDelay;
    this.readCommitted = readCommitted;
    this.group = group;
  }

  /**
   * Reads topic {@code topic} of the brokers {@code bootstrap} (host:port,...) as {@code schema}.
   */
  public static ReadKafkaRows from(String bootstrap, String topic, Schema schema) {
    KafkaTopics.checkAddress(bootstrap, topic);
    if (schema == null || schema.getFieldCount() == 0) {
      throw new IllegalArgumentException("Expected a schema with fields, got " + schema);
    }
    RowJson.RowJsonDeserializer.forSchema(schema);
    return new ReadKafkaRows(
        bootstrap, topic, schema, null, null, Duration.standardSeconds(2), false, null);
  }

  /**
   * Ends after {@code n} records (a bounded read). KafkaIO shares the count evenly among the
   * readers a runner splits the topic into (each reads one or more partitions), and a reader ends
   * only when it has read its share: on a topic of several partitions, use it as a bound for a
   * topic that keeps filling, or bound by {@link #withMaxReadTime} instead.
   */
  public ReadKafkaRows withMaxRecords(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("Expected maxRecords >= 1, got " + n);
    }
    return new ReadKafkaRows(
        bootstrap, topic, schema, n, maxReadTime, maxDelay, readCommitted, group);
  }

  /** Ends after reading for {@code time} (a bounded read). */
  public ReadKafkaRows withMaxReadTime(Duration time) {
    if (time.getMillis() <= 0) {
      throw new IllegalArgumentException("Expected a positive read time, got " + time);
    }
    return new ReadKafkaRows(
        bootstrap, topic, schema, maxRecords, time, maxDelay, readCommitted, group);
  }

  /** How far behind the newest record timestamp the watermark stays; default 2 s. */
  public ReadKafkaRows withMaxDelay(Duration delay) {
    if (delay.getMillis() < 0) {
      throw new IllegalArgumentException("Expected a delay >= 0, got " + delay);
    }
    return new ReadKafkaRows(
        bootstrap, topic, schema, maxRecords, maxReadTime, delay, readCommitted, group);
  }

  /** Reads only records of committed transactions (isolation level read_committed). */
  public ReadKafkaRows withReadCommitted() {
    return new ReadKafkaRows(
        bootstrap, topic, schema, maxRecords, maxReadTime, maxDelay, true, group);
  }

  /**
   * Reads as consumer group {@code groupId}, committing its offsets as checkpoints are finalized,
   * so that a new job of the same group goes on where the last one stopped.
   */
  public ReadKafkaRows withConsumerGroup(String groupId) {
    if (groupId == null || groupId.isEmpty()) {
      throw new IllegalArgumentException("Expected a consumer group id, got '" + groupId + "'");
    }
    return new ReadKafkaRows(
        bootstrap, topic, schema, maxRecords, maxReadTime, maxDelay, readCommitted, groupId);
  }

  /** Keeps records that are not rows of the schema in a failure output. */
  public WithFailures withFailuresOutput() {
    return new WithFailures(this);
  }

  @Override
  public PCollection<Row> expand(PBegin input) {
    return read(input, false).getRows();
  }

  private ReadResult read(PBegin input, boolean keepFailures) {
    KafkaTopics.requireTopic(bootstrap, topic);
    Map<String, Object> consumer = new HashMap<>(KafkaTopics.fromEarliest());
    if (group != null) {
      consumer.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    KafkaIO.Read<byte[], String> read =
        KafkaIO.<byte[], String>read()
            .withBootstrapServers(bootstrap)
            .withTopic(topic)
            .withKeyDeserializer(ByteArrayDeserializer.class)
            .withValueDeserializer(StringDeserializer.class)
            .withCreateTime(maxDelay)
            .withConsumerConfigUpdates(consumer);
    if (readCommitted) {
      read = read.withReadCommitted();
    }
    if (group != null) {
      read = read.commitOffsetsInFinalize();
    }
    if (maxRecords != null) {
      read = read.withMaxNumRecords(maxRecords);
    }
    if (maxReadTime != null) {
      read = read.withMaxReadTime(maxReadTime);
    }
    PCollectionTuple parsed =
        input
            .apply("Read " + topic, read)
            .apply(
                "Parse JSON",
                ParDo.of(new ParseFn(schema, keepFailures))
                    .withOutputTags(ReadResult.ROWS, TupleTagList.of(ReadResult.FAILURES)));
    parsed.get(ReadResult.ROWS).setRowSchema(schema);
    parsed.get(ReadResult.FAILURES).setRowSchema(ReadResult.FAILURE_SCHEMA);
    return ReadResult.of(parsed);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("bootstrap", bootstrap)).add(DisplayData.item("topic", topic));
  }

  /** {@link ReadKafkaRows} with a failure output; see {@link #withFailuresOutput()}. */
  public static final class WithFailures extends PTransform<PBegin, ReadResult> {
    private static final long serialVersionUID = 1L;
    private final ReadKafkaRows read;

    private WithFailures(ReadKafkaRows read) {
      this.read = read;
    }

    @Override
    public ReadResult expand(PBegin input) {
      return read.read(input, true);
    }
  }

  private static final class ParseFn extends DoFn<KafkaRecord<byte[], String>, Row> {
    private static final long serialVersionUID = 1L;
    private final Schema schema;
    private final boolean keepFailures;
    private final Counter rowsRead = Metrics.counter(ReadKafkaRows.class, "rowsRead");
    private final Counter recordsFailed = Metrics.counter(ReadKafkaRows.class, "recordsFailed");
    private transient @Nullable ObjectMapper mapper;
    private transient @Nullable FlatJsonRows flat;

    ParseFn(Schema schema, boolean keepFailures) {
      this.schema = schema;
      this.keepFailures = keepFailures;
    }

    @Setup
    public void setup() {
      mapper = RowJsonUtils.newObjectMapperWith(RowJson.RowJsonDeserializer.forSchema(schema));
      flat = FlatJsonRows.of(schema);
    }

    @ProcessElement
    public void process(@Element KafkaRecord<byte[], String> record, MultiOutputReceiver out) {
      String text = record.getKV().getValue();
      Row row;
      String error;
      try {
        row = text == null ? null : parse(text);
        error = row == null ? "the record has no value" : null;
      } catch (RuntimeException e) {
        row = null;
        error = "not a JSON object of " + schema.getFieldNames() + ": " + message(e);
      }
      if (row != null) {
        out.get(ReadResult.ROWS).output(row);
        rowsRead.inc();
        return;
      }
      String where = "kafka:" + record.getTopic() + "/" + record.getPartition();
      if (!keepFailures) {
        throw new IllegalArgumentException(
            "Malformed record in Kafka topic "
                + record.getTopic()
                + ", partition "
                + record.getPartition()
                + ", offset "
                + record.getOffset()
                + ": "
                + error
                + "; the record: "
                + text);
      }
      out.get(ReadResult.FAILURES)
          .output(ReadResult.failure(where, record.getOffset(), text == null ? "" : text, error));
      recordsFailed.inc();
    }

    /** The record's row: straight from the text when the schema is flat, else through RowJson. */
    private Row parse(String text) {
      Row row = flat == null ? null : flat.parse(text);
      return row != null ? row : RowJsonUtils.jsonToRow(mapper, text);
    }

    private static String message(Throwable e) {
      Throwable t = e;
      while (t.getCause() != null && t.getCause() != t) {
        t = t.getCause();
      }
      return t.getMessage() == null ? t.toString() : t.getMessage();
    }
  }
}
