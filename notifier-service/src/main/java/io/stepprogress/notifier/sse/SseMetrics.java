package io.stepprogress.notifier.sse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

@ApplicationScoped
@Startup // its meters exist from the start, so dashboards and rate() alerts see zeros, not gaps
public class SseMetrics {

    private final AtomicInteger connected = new AtomicInteger();
    private final Counter delivered;
    private final Counter slowDropped;
    private final Counter merged;
    private final Timer deliveryLag;
    private final Counter refusedUnauthenticated;
    private final Counter refusedForbidden;
    private final Counter refusedOverLimit;
    private final Counter expired;

    SseMetrics(MeterRegistry registry) {
        Gauge.builder("notifier.sse.clients", connected, AtomicInteger::get)
                .description("Open Server-Sent Events connections").register(registry);
        delivered = Counter.builder("notifier.sse.events.delivered")
                .description("Event frames written to SSE clients").register(registry);
        merged = Counter.builder("notifier.sse.events.merged")
                .description("Progress events not written to a client that was behind (or received late): a newer "
                        + "event of the same project, sent in their place, carries the latest view").register(registry);
        slowDropped = Counter.builder("notifier.sse.slow.clients.dropped")
                .description("Connections closed because the client did not keep up").register(registry);
        deliveryLag = Timer.builder("notifier.sse.delivery.lag")
                .description("From the event's occurredAt to its frame written to a client")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1)).register(registry);
        refusedUnauthenticated = refused(registry, "unauthenticated");
        refusedForbidden = refused(registry, "forbidden");
        refusedOverLimit = refused(registry, "too-many-connections");
        expired = Counter.builder("notifier.sse.expired")
                .description("Streams ended because their subscriber token expired").register(registry);
    }

    private static Counter refused(MeterRegistry registry, String reason) {
        return Counter.builder("notifier.sse.refused").tag("reason", reason)
                .description("Stream requests refused before subscribing: 401, 403, or 429 over the per-token limit")
                .register(registry);
    }

    void opened() {
        connected.incrementAndGet();
    }

    void closed() {
        connected.decrementAndGet();
    }

    /** @param now read once per write by the caller: one clock read per batch, not per frame */
    void delivered(Instant occurredAt, Instant now) {
        delivered.increment();
        if (occurredAt != null) {
            deliveryLag.record(Duration.between(occurredAt, now));
        }
    }

    void merged(int events) {
        merged.increment(events);
    }

    void droppedSlowClient() {
        slowDropped.increment();
    }

    /** A refused stream request, counted by why: 401, 403 or 429 (a malformed request is not a refusal). */
    void refused(int status) {
        switch (status) {
            case 401 -> refusedUnauthenticated.increment();
            case 403 -> refusedForbidden.increment();
            case 429 -> refusedOverLimit.increment();
            default -> {
            }
        }
    }

    void expired() {
        expired.increment();
    }

    public int connected() {
        return connected.get();
    }
}
