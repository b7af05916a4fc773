package io.stepprogress.progress.relay;

import java.time.Instant;

/** One outbox row as the Outbox Event Router hands it to the relay, ready for Kafka. */
record OutboxEvent(String projectId, byte[] payload, String eventId, String eventType, Instant occurredAt) {
}
