package io.stepprogress.progress.relay;

import io.opentelemetry.api.trace.SpanKind;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.event.trace.EventTracing;
import io.stepprogress.event.trace.TracedWork;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends events to Kafka (acks=all, idempotent producer): one at a time without waiting ({@link #send}), or a batch
 * that returns only when Kafka acknowledged every record ({@link #publish}).
 * <p>
 * Per-project order on the topic rests on one rule: <b>no event of a project may land after a later one</b>. An
 * idempotent producer keeps its records in order only while none of them fails: one that expires (Kafka away longer
 * than {@code delivery.timeout.ms}) is dropped and the records queued behind it are still sent, so the relay's resend
 * of the expired one would land after them. So the producer never expires a record (unbounded delivery timeout,
 * unbounded retries): while Kafka is away its records wait in order, and the relay reports the wait itself
 * ({@code progress.relay.acknowledgement-timeout}). A send that fails anyway (no metadata within {@code max.block.ms},
 * a full buffer, a record Kafka refuses for good) marks its producer failed: it takes no further event, and the relay
 * sends everything unacknowledged again, in order, on a new producer.
 */
final class KafkaPublisher implements AutoCloseable {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final String bootstrapServers;
    private final RelayConfig config;
    private final EventTracing tracing;
    private KafkaProducer<String, byte[]> producer;
    /** The producer one of whose sends failed, set by its I/O thread; never given a new event again. */
    private volatile KafkaProducer<String, byte[]> failedProducer;
    private boolean topicReady;

    KafkaPublisher(String bootstrapServers, RelayConfig config, EventTracing tracing) {
        this.bootstrapServers = bootstrapServers;
        this.config = config;
        this.tracing = tracing;
    }

    /**
     * Sends {@code events} in order on a producer of its own and waits for Kafka's acknowledgements. Stops sending at
     * the first failure, so nothing after a failed event reaches Kafka from here; the caller sends them all again.
     *
     * @param acked called once per event after Kafka acknowledged it, in batch order
     */
    void publish(List<OutboxEvent> events, Consumer<OutboxEvent> acked) throws PublishException {
        if (events.isEmpty()) {
            return;
        }
        // One span per event, from send to Kafka's ack, continuing its request's trace (none when untraced).
        List<TracedWork> spans = new ArrayList<>(events.size());
        try {
            ensureTopic();
            KafkaProducer<String, byte[]> kafka = producer();
            List<Future<RecordMetadata>> sends = new ArrayList<>(events.size());
            for (OutboxEvent event : events) {
                TracedWork span = publishSpan(event);
                spans.add(span);
                sends.add(sendOn(kafka, event, span.traceparent(), (metadata, error) -> { }));
                if (failedProducer == kafka) {
                    // This send or an earlier one failed, so a later event must not overtake it; waiting below
                    // reaches the failed send, whose get throws.
                    break;
                }
            }
            for (int i = 0; i < sends.size(); i++) {
                RecordMetadata metadata = sends.get(i).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                spans.get(i).attribute("messaging.destination.partition.id", Integer.toString(metadata.partition()))
                        .attribute("messaging.kafka.offset", metadata.offset()).close();
                acked.accept(events.get(i));
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            discardProducer();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            endFailed(spans, cause);
            throw new PublishException("Kafka did not acknowledge a batch of " + events.size() + " events: "
                    + cause, cause);
        } catch (InterruptedException e) {
            discardProducer();
            endFailed(spans, e);
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while waiting for Kafka", e);
        }
    }

    /**
     * Hands one event to the producer and returns at once; {@code answer} runs on the producer's I/O thread when Kafka
     * answered. The future fails (and nothing is sent) once this producer has failed: call {@link #reset()} first.
     * The event's publish span starts here and ends when Kafka answered (marked failed when it refused).
     */
    Future<RecordMetadata> send(OutboxEvent event, Callback answer) {
        TracedWork span = publishSpan(event);
        try {
            ensureTopic();
            KafkaProducer<String, byte[]> kafka = producer();
            if (failedProducer == kafka) {
                throw new IllegalStateException("an earlier send failed; the events in flight must be sent again first");
            }
            return sendOn(kafka, event, span.traceparent(), (metadata, error) -> {
                endSpan(span, metadata, error);
                answer.onCompletion(metadata, error);
            });
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Exception cause = e instanceof ExecutionException && e.getCause() instanceof Exception c ? c : e;
            endSpan(span, null, cause);
            answer.onCompletion(null, cause);
            return CompletableFuture.failedFuture(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endSpan(span, null, e);
            answer.onCompletion(null, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Marks {@code kafka} failed before {@code answer} runs when Kafka refuses the event, also when the producer
     * refuses it at once (it then calls back on this thread, before returning).
     */
    private Future<RecordMetadata> sendOn(KafkaProducer<String, byte[]> kafka, OutboxEvent event, String traceparent,
                                          Callback answer) {
        return kafka.send(record(event, traceparent), (metadata, error) -> {
            if (error != null) {
                failedProducer = kafka;
            }
            answer.onCompletion(metadata, error);
        });
    }

    /** Abandons the producer and whatever it still holds; the next send or publish starts a new one. */
    void reset() {
        discardProducer();
    }

    private TracedWork publishSpan(OutboxEvent event) {
        return tracing.start(event.traceparent(), config.topic() + " publish", SpanKind.PRODUCER)
                .attribute("messaging.system", "kafka")
                .attribute("messaging.operation.type", "send")
                .attribute("messaging.destination.name", config.topic())
                .attribute("messaging.message.id", event.eventId())
                .attribute("messaging.kafka.message.key", event.projectId());
    }

    /** Ends a publish span with Kafka's answer: where the event landed, or why it did not. */
    private static void endSpan(TracedWork span, RecordMetadata metadata, Exception error) {
        if (error != null) {
            span.failed(error);
        } else if (metadata != null) {
            span.attribute("messaging.destination.partition.id", Integer.toString(metadata.partition()))
                    .attribute("messaging.kafka.offset", metadata.offset());
        }
        span.close();
    }

    /** Ends the spans of a batch that failed (closing an ended one again does nothing); the retry starts new ones. */
    private static void endFailed(List<TracedWork> spans, Throwable cause) {
        for (TracedWork span : spans) {
            span.failed(cause);
            span.close();
        }
    }

    /** @param traceparent the event's publish span, sent on so consumers continue the trace; null when untraced */
    private ProducerRecord<String, byte[]> record(OutboxEvent event, String traceparent) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(config.topic(), event.projectId(),
                event.payload());
        record.headers().add(new RecordHeader(ProgressTopics.EVENT_ID_HEADER,
                event.eventId().getBytes(StandardCharsets.UTF_8)));
        record.headers().add(new RecordHeader(ProgressTopics.EVENT_TYPE_HEADER,
                event.eventType().getBytes(StandardCharsets.UTF_8)));
        if (traceparent != null) {
            record.headers().add(new RecordHeader(ProgressTopics.TRACEPARENT_HEADER,
                    traceparent.getBytes(StandardCharsets.UTF_8)));
        }
        return record;
    }

    private void ensureTopic() throws ExecutionException, InterruptedException, TimeoutException {
        if (topicReady) {
            return;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
            admin.createTopics(List.of(new NewTopic(config.topic(), config.partitions(), config.replicationFactor())))
                    .all().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        topicReady = true;
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "progress-outbox-relay");
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.LINGER_MS_CONFIG, config.lingerMs());
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
            // Never expire a record: see the class comment. Retries (unbounded by default) keep each record's place.
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    private void discardProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
