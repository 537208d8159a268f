package org.beamlink.transforms.pipeline;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.ProducerRecordCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.transforms.io.KafkaTopics;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Model versions through a Kafka topic, so that a training job and any number of scoring jobs hand
 * over models without sharing a file system: {@link #write} puts each version of a model stream in
 * the topic, {@link #read} makes a model stream of the topic for {@link
 * ApplyModel#ofVersions(PCollection)}.
 *
 * <p>A record is one version: its value an envelope of the version's metadata and model ({@code
 * BLMV}, a format byte, the version number, the examples, the first and last event times in epoch
 * milliseconds, the source, then the bytes of a model file: {@link ModelFile}, what a {@code .blm}
 * file holds), its key the version number, its timestamp the version's event time (0 when earlier,
 * as for an initial model at the start of time). The metadata is in the value, not in headers,
 * because KafkaIO's exactly-once sink writes no headers. Versions are written at least once: a
 * training job restored from a checkpoint writes the versions after it again, with the same numbers
 * and models, and a scorer keeps the newest version it has seen, so a repeated version changes
 * nothing; {@link Write#withExactlyOnce} writes each once on Flink with checkpoints. {@link #read}
 * reads committed records only. Kafka's time retention counts from the record timestamps, so a
 * models topic must keep its records ({@code retention.ms=-1}, as {@code
 * runners-config/kafka/kafka-broker.sh} sets for its broker): with the default 7 days, versions of
 * older event times are deleted within minutes.
 *
 * <p>Reading needs the newest version already in the topic when the pipeline is built (it reads it
 * to know the scoring output's columns, as {@link ReadModel#watch} does with files); it then
 * streams every version from the earliest on.
 *
 * <pre>{@code
 * versions.apply(KafkaModelVersions.write("localhost:9092", "ctr-models"));
 * PCollection<ModelVersion<Transformer>> models =
 *     p.apply(KafkaModelVersions.read("localhost:9092", "ctr-models"));
 * PCollection<Row> scored = events.apply(ApplyModel.ofVersions(models));
 * }</pre>
 */
public final class KafkaModelVersions {
  /** The first bytes of every version record's value. */
  static final byte[] MAGIC = {'B', 'L', 'M', 'V'};

  /** The layout of the envelope after {@link #MAGIC}. */
  static final byte FORMAT = 1;

  private static final long POLL_MILLIS = 15_000;

  private KafkaModelVersions() {}

  /** Writes a model stream to topic {@code topic} of the brokers {@code bootstrap}. */
  public static <M> Write<M> write(String bootstrap, String topic) {
    KafkaTopics.checkAddress(bootstrap, topic);
    return new Write<>(bootstrap, topic);
  }

  /**
   * A model stream of the versions in topic {@code topic} (read committed), from the earliest.
   *
   * @throws IllegalArgumentException when the broker does not answer, the topic is missing or holds
   *     no version yet, or its newest version is not a fitted stage
   */
  public static Read read(String bootstrap, String topic) {
    KafkaTopics.checkAddress(bootstrap, topic);
    KafkaTopics.requireTopic(bootstrap, topic);
    return new Read(bootstrap, topic, newest(bootstrap, topic));
  }

  /** Writes model versions to a topic; made by {@link KafkaModelVersions#write}. */
  public static final class Write<M> extends PTransform<PCollection<ModelVersion<M>>, PDone> {
    private static final long serialVersionUID = 1L;
    private final String bootstrap;
    private final String topic;
    private final int eosShards;
    private final @Nullable String eosGroup;

    private Write(String bootstrap, String topic) {
      this(bootstrap, topic, 0, null);
    }

    private Write(String bootstrap, String topic, int eosShards, @Nullable String eosGroup) {
      this.bootstrap = bootstrap;
      this.topic = topic;
      this.eosShards = eosShards;
      this.eosGroup = eosGroup;
    }

    /**
     * Writes each version exactly once, through KafkaIO's exactly-once sink: Kafka transactions
     * committed as the runner's checkpoints complete, in {@code shards} transactional writers (at
     * most the topic's partitions) named after {@code sinkGroupId}, which must be unique per job
     * writing the topic and the same when a job resumes. Readers see a version once with
     * read_committed isolation ({@link #read} reads so). It needs a runner that supports it, such
     * as Flink with checkpointing.
     */
    public Write<M> withExactlyOnce(int shards, String sinkGroupId) {
      if (shards < 1) {
        throw new IllegalArgumentException("Expected shards >= 1, got " + shards);
      }
      if (sinkGroupId == null || sinkGroupId.isEmpty()) {
        throw new IllegalArgumentException("Expected a sink group id, got '" + sinkGroupId + "'");
      }
      return new Write<>(bootstrap, topic, shards, sinkGroupId);
    }

    @Override
    public PDone expand(PCollection<ModelVersion<M>> versions) {
      KafkaTopics.requireTopic(bootstrap, topic);
      KafkaIO.WriteRecords<String, byte[]> write =
          KafkaIO.<String, byte[]>writeRecords()
              .withBootstrapServers(bootstrap)
              .withTopic(topic)
              .withKeySerializer(StringSerializer.class)
              .withValueSerializer(ByteArraySerializer.class);
      if (eosGroup != null) {
        // The exactly-once sink takes a record's timestamp from this function only.
        write =
            write
                .withEOS(eosShards, eosGroup)
                .withProducerConfigUpdates(KafkaTopics.exactlyOnceProducer())
                .withPublishTimestampFunction((record, time) -> new Instant(record.timestamp()));
      }
      return versions
          .apply("To records", ParDo.of(new ToRecordFn<M>(topic)))
          .setCoder(ProducerRecordCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()))
          .apply("Write " + topic, write);
    }
  }

  /** Reads model versions from a topic; made by {@link KafkaModelVersions#read}. */
  public static final class Read
      extends PTransform<PBegin, PCollection<ModelVersion<Transformer>>> {
    private static final long serialVersionUID = 1L;
    private final String bootstrap;
    private final String topic;
    private final Transformer newest;
    private final @Nullable Long maxVersions;

    private Read(String bootstrap, String topic, Transformer newest) {
      this(bootstrap, topic, newest, null);
    }

    private Read(String bootstrap, String topic, Transformer newest, @Nullable Long maxVersions) {
      this.bootstrap = bootstrap;
      this.topic = topic;
      this.newest = newest;
      this.maxVersions = maxVersions;
    }

    /**
     * Ends the stream after {@code n} versions (a bounded read, for tests and replays). The count
     * is shared among the readers of the topic's partitions, as {@code
     * ReadKafkaRows.withMaxRecords} says: meant for a one-partition model topic, which keeps
     * versions in order.
     */
    public Read withMaxVersions(long n) {
      if (n < 1) {
        throw new IllegalArgumentException("Expected maxVersions >= 1, got " + n);
      }
      return new Read(bootstrap, topic, newest, n);
    }

    /** The newest version in the topic when the pipeline was built. */
    public Transformer newest() {
      return newest;
    }

    @Override
    public PCollection<ModelVersion<Transformer>> expand(PBegin input) {
      KafkaIO.Read<String, byte[]> read =
          KafkaIO.<String, byte[]>read()
              .withBootstrapServers(bootstrap)
              .withTopic(topic)
              .withKeyDeserializer(StringDeserializer.class)
              .withValueDeserializer(ByteArrayDeserializer.class)
              .withCreateTime(Duration.ZERO)
              .withReadCommitted()
              .withConsumerConfigUpdates(KafkaTopics.fromEarliest());
      if (maxVersions != null) {
        read = read.withMaxNumRecords(maxVersions);
      }
      return input
          .apply("Read " + topic, read)
          .apply("Read models", ParDo.of(new FromRecordFn()))
          .setCoder(ModelVersion.Coder.of(TransformerCoder.of(Transformer.class, newest)));
    }
  }

  private static final class ToRecordFn<M>
      extends DoFn<ModelVersion<M>, ProducerRecord<String, byte[]>> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    ToRecordFn(String topic) {
      this.topic = topic;
    }

    @ProcessElement
    public void process(
        @Element ModelVersion<M> version,
        @Timestamp Instant timestamp,
        OutputReceiver<ProducerRecord<String, byte[]>> out) {
      out.output(
          new ProducerRecord<>(
              topic,
              null,
              // Kafka takes no negative timestamps; the initial model's is the start of time.
              Math.max(0, timestamp.getMillis()),
              String.valueOf(version.version()),
              encode(version)));
    }
  }

  private static final class FromRecordFn
      extends DoFn<KafkaRecord<String, byte[]>, ModelVersion<Transformer>> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(
        @Element KafkaRecord<String, byte[]> record,
        OutputReceiver<ModelVersion<Transformer>> out) {
      String where =
          "Kafka topic "
              + record.getTopic()
              + ", partition "
              + record.getPartition()
              + ", offset "
              + record.getOffset();
      out.output(decode(record.getKV().getValue(), where));
    }
  }

  /**
   * The value of the record of {@code version}: its metadata, then its model file.
   *
   * <pre>{@code
   * byte[] value = KafkaModelVersions.encode(version);
   * }</pre>
   */
  public static byte[] encode(ModelVersion<?> version) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeByte(FORMAT);
      out.writeLong(version.version());
      out.writeLong(version.examples());
      out.writeLong(version.firstEventTime().getMillis());
      out.writeLong(version.lastEventTime().getMillis());
      out.writeUTF(version.source());
      out.write(ModelFile.toBytes(version.model()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The version a record's value holds ({@link #encode}); {@code where} names the record in errors.
   *
   * <pre>{@code
   * ModelVersion<Transformer> v = KafkaModelVersions.decode(record.value(), "offset " + offset);
   * }</pre>
   *
   * @throws IllegalArgumentException when the value is not a version this class wrote
   */
  public static ModelVersion<Transformer> decode(byte @Nullable [] value, String where) {
    if (value == null) {
      throw new IllegalArgumentException("No model in " + where + ": the record has no value");
    }
    if (value.length < MAGIC.length + 1
        || !Arrays.equals(Arrays.copyOf(value, MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException(
          where
              + " is not a model version written by KafkaModelVersions: it does not start with"
              + " BLMV");
    }
    if (value[MAGIC.length] != FORMAT) {
      throw new IllegalArgumentException(
          where
              + " is a model version of envelope format "
              + value[MAGIC.length]
              + "; this Beamlink reads format "
              + FORMAT);
    }
    DataInputStream in =
        new DataInputStream(
            new ByteArrayInputStream(value, MAGIC.length + 1, value.length - MAGIC.length - 1));
    long number;
    long examples;
    Instant first;
    Instant last;
    String source;
    byte[] file;
    try {
      number = in.readLong();
      examples = in.readLong();
      first = new Instant(in.readLong());
      last = new Instant(in.readLong());
      source = in.readUTF();
      file = in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read the version metadata in " + where + ": the record is cut short", e);
    }
    Object model;
    try {
      model = ModelFile.fromBytes(file, where);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read the model in " + where + ": " + e.getMessage(), e);
    }
    if (!(model instanceof Transformer stage)) {
      throw new IllegalArgumentException(
          where + " holds a " + model.getClass().getSimpleName() + ", which is not a fitted stage");
    }
    return ModelVersion.of(number, stage, examples, first, last, source);
  }

  /** The model of the highest version among the last record of each partition. */
  private static Transformer newest(String bootstrap, String topic) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) POLL_MILLIS);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<TopicPartition> pending = new ArrayList<>();
      for (TopicPartition p : partitions) {
        // The end offset of a transactional topic may be a commit marker: look a few records back.
        long from = Math.max(begin.get(p), end.get(p) - 16);
        if (from < end.get(p)) {
          consumer.seek(p, from);
          pending.add(p);
        }
      }
      ModelVersion<Transformer> best = null;
      long deadline = System.currentTimeMillis() + POLL_MILLIS;
      while (!pending.isEmpty() && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(java.time.Duration.ofMillis(500))) {
          ModelVersion<Transformer> v =
              decode(
                  r.value(),
                  "Kafka topic "
                      + topic
                      + ", partition "
                      + r.partition()
                      + ", offset "
                      + r.offset());
          if (best == null || v.version() > best.version()) {
            best = v;
          }
        }
        pending.removeIf(p -> consumer.position(p) >= end.get(p));
      }
      if (best == null) {
        throw new IllegalArgumentException(
            "No model version in Kafka topic "
                + topic
                + " at "
                + bootstrap
                + " yet; reading needs one to know the scoring output's columns");
      }
      return best.model();
    }
  }
}
