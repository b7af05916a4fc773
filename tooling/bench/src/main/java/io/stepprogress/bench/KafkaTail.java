package io.stepprogress.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code project-progress} from its end, without a consumer group, while a scenario runs: the relay
 * lag of each of our events is the record's timestamp (set by the relay's producer) minus the event's
 * {@code occurredAt} (set by progress-service in the write transaction), both wall clocks of this machine,
 * millisecond resolution. Also tells, per project, the highest sequence that reached Kafka.
 */
public final class KafkaTail implements AutoCloseable {

    public static final String TOPIC = "project-progress";
    private static final JsonFactory JSON = new JsonFactory();

    private final KafkaConsumer<String, byte[]> consumer;
    private final BenchProjects projects;
    private final java.util.Map<String, Integer> indexOf = new java.util.HashMap<>();
    private final long[] lastSequence;
    private final Thread thread;
    private final LongAdder records = new LongAdder();
    private final AtomicLong lastRecordNanos = new AtomicLong();
    private volatile Latency relayLag;
    private volatile long measureFromEpochMillis;
    private volatile boolean stopped;
    private volatile String error;

    private KafkaTail(String bootstrap, BenchProjects projects) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-tail");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The lag comes from record timestamps, not from when the tail reads them: fetch in bulk (at most
        // 100 ms late), so the tail costs this machine little CPU (and the broker few fetches).
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 256 * 1024);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        this.consumer = new KafkaConsumer<>(props);
        this.projects = projects;
        for (BenchProjects.Project p : projects.all()) {
            indexOf.put(p.id(), p.index());
        }
        this.lastSequence = new long[projects.size()];
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(TOPIC, Duration.ofSeconds(10))) {
            partitions.add(new TopicPartition(TOPIC, info.partition()));
        }
        if (partitions.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("topic " + TOPIC + " has no partitions yet");
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, not at the first poll
        this.thread = new Thread(this::run, "bench-kafka-tail");
        this.thread.setDaemon(true);
    }

    /** Starts tailing from the topic's current end. */
    public static KafkaTail start(String bootstrap, BenchProjects projects, Latency relayLag) {
        KafkaTail tail = new KafkaTail(bootstrap, projects);
        tail.measure(relayLag, Long.MAX_VALUE);
        tail.thread.start();
        return tail;
    }

    /** Where relay lags of events that occurred at or after {@code fromEpochMillis} go from now on. */
    public void measure(Latency relayLag, long fromEpochMillis) {
        this.measureFromEpochMillis = fromEpochMillis;
        this.relayLag = relayLag;
    }

    private void run() {
        try {
            while (!stopped) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    accept(record);
                }
            }
        } catch (RuntimeException e) {
            if (!stopped) {
                error = e.toString();
            }
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private void accept(ConsumerRecord<String, byte[]> record) {
        Integer index = record.key() == null ? null : indexOf.get(record.key());
        if (index == null) {
            return;
        }
        records.increment();
        lastRecordNanos.set(System.nanoTime());
        long sequence = -1;
        String occurredAt = null;
        try (JsonParser parser = JSON.createParser(record.value())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            // Top-level fields only: "sequence" and "occurredAt" also appear inside the nested view.
            while (parser.nextToken() == JsonToken.FIELD_NAME && (sequence < 0 || occurredAt == null)) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("sequence".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    sequence = parser.getLongValue();
                } else if ("occurredAt".equals(field) && value == JsonToken.VALUE_STRING) {
                    occurredAt = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            return;
        }
        if (sequence > 0) {
            synchronized (lastSequence) {
                lastSequence[index] = Math.max(lastSequence[index], sequence);
            }
        }
        if (occurredAt != null) {
            long occurred = Instant.parse(occurredAt).toEpochMilli();
            if (occurred >= measureFromEpochMillis) {
                Latency lag = relayLag;
                long millis = Math.max(0, record.timestamp() - occurred);
                lag.record(millis * 1_000_000L, System.nanoTime());
            }
        }
    }

    /** The highest sequence of this project that reached Kafka. */
    public long lastSequence(int project) {
        synchronized (lastSequence) {
            return lastSequence[project];
        }
    }

    public long records() {
        return records.sum();
    }

    public String error() {
        return error;
    }

    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
