package io.stepprogress.progress.relay;

import java.time.Instant;

/**
 * One outbox row as the Outbox Event Router hands it to the relay, ready for Kafka.
 *
 * @param traceparent the W3C trace context of the request that wrote it; null when tracing is off
 */
record OutboxEvent(String projectId, byte[] payload, String eventId, String eventType, Instant occurredAt,
                   String traceparent) {
}
