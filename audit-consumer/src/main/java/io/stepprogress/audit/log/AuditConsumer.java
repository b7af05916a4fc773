package io.stepprogress.audit.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.event.consume.Deduplication;
import io.stepprogress.event.consume.EventIntake;
import io.stepprogress.event.consume.IntakeBatch;
import io.stepprogress.event.consume.IntakeListener;
import io.stepprogress.event.trace.EventTracing;
import io.stepprogress.event.trace.TracedWork;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Records every event of {@link ProgressTopics#PROJECT_PROGRESS} once, a batch (what one poll returned) at a
 * time: one multi-row insert, one transaction. The batch is acknowledged, and its offsets committed, only
 * after its transaction committed: a crash in between redelivers it, and the primary key on the event id
 * turns the redelivery into a no-op. Records are taken in through the shared {@link EventIntake}. Poison
 * (unreadable, rejected by the table, or a second event for a recorded project sequence) goes to the
 * dead-letter topic with its reason and the partition moves on; a database outage, however long, and an
 * unreachable dead-letter topic are retried.
 */
@ApplicationScoped
@Startup // its meters exist from the start, so dashboards and rate() alerts see zeros, not gaps
public class AuditConsumer {

    public static final String CHANNEL = ProgressTopics.PROJECT_PROGRESS;
    public static final String DEAD_LETTER_CHANNEL = "audit-dead-letter";
    public static final String REASON_HEADER = "dead-letter-reason";

    private static final Logger LOG = Logger.getLogger(AuditConsumer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final AuditRecorder recorder;
    private final EventIntake<ConsumerRecord<String, byte[]>> intake;
    private final Emitter<byte[]> deadLetters;
    private final Counter written;
    private final Counter duplicates;
    private final Counter deadLettered;
    private final Counter unreadable;
    private final Counter gaps;
    private final Counter sequenceConflicts;
    private final Counter writeRetries;
    private final Counter deadLetterRetries;
    private final EventTracing tracing;

    AuditConsumer(AuditRecorder recorder, @Channel(DEAD_LETTER_CHANNEL) Emitter<byte[]> deadLetters,
                  MeterRegistry registry, OpenTelemetry openTelemetry) {
        this.recorder = recorder;
        this.tracing = new EventTracing(openTelemetry, AuditConsumer.class.getName());
        this.deadLetters = deadLetters;
        this.written = Counter.builder("audit.events.written").description("Events recorded").register(registry);
        this.duplicates = Counter.builder("audit.events.duplicate")
                .description("Redelivered events already recorded, skipped").register(registry);
        this.deadLettered = Counter.builder("audit.dead.letter")
                .description("Unusable records sent to the dead-letter topic").register(registry);
        this.unreadable = Counter.builder("audit.events.unreadable")
                .description("Records that are not a StepProgressUpdated, dead-lettered").register(registry);
        this.gaps = Counter.builder("audit.sequence.gaps")
                .description("Events recorded while an earlier sequence of their project is missing").register(registry);
        this.sequenceConflicts = Counter.builder("audit.sequence.conflicts")
                .description("Events whose project and sequence are recorded for another event id, dead-lettered")
                .register(registry);
        this.writeRetries = Counter.builder("audit.write.retries")
                .description("Failed attempts to record an event (database unreachable), retried").register(registry);
        this.deadLetterRetries = Counter.builder("audit.dead.letter.retries")
                .description("Failed sends to the dead-letter topic, retried").register(registry);
        // The table, keyed by event id, is what knows a recorded event: the intake only drops a repeat within
        // the batch, and an older sequence goes on to the table (a second event for it is a conflict).
        this.intake = EventIntake.kafka(Deduplication.byStoreWithUniqueEventId(), IntakeListener.of(
                (position, reason) -> unreadable.increment(), // dead-lettered with its reason below
                duplicates::increment));
    }

    /**
     * A batch, as one poll returned it. Unreadable records are dead-lettered first (what follows them waits
     * for their dead letter, as it always did); the rest is recorded in one transaction; then the records the
     * table refused (a sequence conflict) are dead-lettered. The batch is acknowledged, and its offsets
     * committed, only when this returns: a crash anywhere before redelivers it, and the table skips what it
     * holds.
     */
    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> poll) throws InterruptedException {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(poll.count());
        poll.forEach(records::add); // partition by partition, each in offset order
        recordBatch(records);
    }

    /** The batch's records, in the order they were read. */
    public void recordBatch(List<ConsumerRecord<String, byte[]>> records) throws InterruptedException {
        IntakeBatch<ConsumerRecord<String, byte[]>> batch = intake.take(records);
        for (IntakeBatch.Unreadable<ConsumerRecord<String, byte[]>> poison : batch.unreadable()) {
            deadLetter(poison.record(), poison.reason());
        }
        if (batch.events().isEmpty()) {
            return;
        }
        List<AuditLog.Row> rows = new ArrayList<>(batch.events().size());
        Map<AuditLog.Row, ConsumerRecord<String, byte[]>> sources = new IdentityHashMap<>();
        for (IntakeBatch.Accepted<ConsumerRecord<String, byte[]>> accepted : batch.events()) {
            ConsumerRecord<String, byte[]> record = accepted.record();
            AuditLog.Row row = new AuditLog.Row(accepted.event(), new String(record.value(), StandardCharsets.UTF_8),
                    record.partition(), record.offset());
            rows.add(row);
            sources.put(row, record);
        }
        List<Refused> refused = new ArrayList<>();
        Map<ConsumerRecord<String, byte[]>, TracedWork> spans = startInsertSpans(batch.events());
        try {
            try {
                count(recordRetryingOutages(rows), sources, refused);
            } catch (BadData e) {
                // One row the table can never take fails the whole statement: find it by recording one at a time.
                for (AuditLog.Row row : rows) {
                    try {
                        count(recordRetryingOutages(List.of(row)), sources, refused);
                    } catch (BadData bad) {
                        refused.add(new Refused(sources.get(row), "rejected by the audit table: " + bad.getMessage()));
                    }
                }
            }
            for (Refused refusal : refused) {
                spans.getOrDefault(refusal.record(), TracedWork.NONE).attribute("audit.refused", refusal.reason());
            }
        } finally {
            endInsertSpans(spans);
        }
        for (Refused refusal : refused) {
            deadLetter(refusal.record(), refusal.reason());
        }
    }

    /**
     * The events' traces (docs/operations.md, "Tracing"): the batch is one insert, so each traced record gets its
     * own span, continuing its trace, from before the batch's insert to after its commit (retries included); all
     * of a batch's spans cover the same insert, and say how many events it wrote together.
     */
    private Map<ConsumerRecord<String, byte[]>, TracedWork> startInsertSpans(
            List<IntakeBatch.Accepted<ConsumerRecord<String, byte[]>>> events) {
        // In start order (a ConsumerRecord is equal only to itself), so they can be ended in reverse.
        Map<ConsumerRecord<String, byte[]>, TracedWork> spans = new LinkedHashMap<>();
        for (IntakeBatch.Accepted<ConsumerRecord<String, byte[]>> accepted : events) {
            TracedWork span = tracing.continueFrom(accepted.record(), "audit insert");
            if (span != TracedWork.NONE) {
                span.attribute("messaging.message.id", accepted.event().eventId().toString())
                        .attribute("messaging.batch.message_count", events.size());
                spans.put(accepted.record(), span);
            }
        }
        return spans;
    }

    /** In the reverse order they started: each span was made current on this thread, over the previous one. */
    private static void endInsertSpans(Map<ConsumerRecord<String, byte[]>, TracedWork> spans) {
        List<TracedWork> started = new ArrayList<>(spans.values());
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    /** A record the table would not take, and why. */
    private record Refused(ConsumerRecord<String, byte[]> record, String reason) {
    }

    /** Data the table can never take in the batch: retrying the same statement would block the partition. */
    private static final class BadData extends Exception {
        BadData(String message) {
            super(message);
        }
    }

    /**
     * Waits as long as the database is down: the connector's unprocessed-record check is off for this channel
     * (application.properties), so an outage of any length only delays the batch.
     */
    private AuditRecorder.Outcome recordRetryingOutages(List<AuditLog.Row> rows)
            throws InterruptedException, BadData {
        Backoff backoff = new Backoff();
        while (true) {
            try {
                return recorder.record(rows);
            } catch (RuntimeException e) {
                if (isBadData(e)) {
                    throw new BadData(rootMessage(e));
                }
                writeRetries.increment();
                LOG.warnf("cannot record %d events (first %s), retrying in %d ms: %s", rows.size(),
                        rows.get(0).event().eventId(), backoff.millis(), rootMessage(e));
                backoff.sleep();
            }
        }
    }

    private void count(AuditRecorder.Outcome outcome, Map<AuditLog.Row, ConsumerRecord<String, byte[]>> sources,
                       List<Refused> refused) {
        written.increment(outcome.written().size());
        duplicates.increment(outcome.duplicates().size());
        for (AuditLog.Row conflict : outcome.conflicts()) {
            sequenceConflicts.increment();
            StepProgressUpdated event = conflict.event();
            refused.add(new Refused(sources.get(conflict), "sequence conflict: event " + event.eventId()
                    + " claims project " + event.projectId() + " sequence " + event.sequence()
                    + ", recorded for another event id"));
        }
        for (AuditRecorder.Gap gap : outcome.gaps()) {
            gaps.increment();
            LOG.warnf("project %s: sequence %d recorded while the last before it is %d", gap.event().projectId(),
                    gap.event().sequence(), gap.previous());
        }
    }

    /**
     * Sends the record as it came, with the reason, and waits for Kafka's ack before moving on. A failed send
     * (the dead-letter topic unreachable beyond the producer's own retries) is tried again, never given up:
     * acknowledging the record without its dead letter would lose it.
     */
    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) throws InterruptedException {
        LOG.warnf("dead-lettering %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), reason);
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key()).withHeaders(headers).build();
        byte[] value = record.value() == null ? new byte[0] : record.value();
        Backoff backoff = new Backoff();
        while (true) {
            CompletableFuture<Void> acked = new CompletableFuture<>();
            try {
                deadLetters.send(Message.of(value, Metadata.of(metadata), () -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                }, failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
                acked.join();
                deadLettered.increment();
                return;
            } catch (RuntimeException e) {
                deadLetterRetries.increment();
                LOG.warnf("cannot dead-letter %s-%d@%d, retrying in %d ms: %s", record.topic(), record.partition(),
                        record.offset(), backoff.millis(), rootMessage(e));
                backoff.sleep();
            }
        }
    }

    /** Data the table can never take (too long, out of range): retrying would block the partition forever. */
    private static boolean isBadData(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    /** Exponential, from 200 ms up to {@link #MAX_BACKOFF}: a long outage costs one attempt every few seconds. */
    private static final class Backoff {
        private Duration next = Duration.ofMillis(200);

        long millis() {
            return next.toMillis();
        }

        void sleep() throws InterruptedException {
            TimeUnit.MILLISECONDS.sleep(next.toMillis());
            next = next.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next.multipliedBy(2);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
