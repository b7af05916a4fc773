package io.stepprogress.testkit.tracing;

import static org.awaitility.Awaitility.await;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** A made-up upstream span (as a relay's publish span would be) and waiting for the spans that continue it. */
public final class Traces {

    private Traces() {
    }

    /** A random valid W3C traceparent, sampled: {@code 00-<32 hex>-<16 hex>-01}. */
    public static String newTraceparent() {
        return "00-" + randomHex(16) + "-" + randomHex(8) + "-01";
    }

    public static String traceId(String traceparent) {
        return traceparent.split("-")[1];
    }

    public static String spanId(String traceparent) {
        return traceparent.split("-")[2];
    }

    /** Waits for the finished span named {@code name} in trace {@code traceId}. */
    public static SpanData awaitSpan(InMemorySpanExporter spans, String traceId, String name) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId) && s.getName().equals(name)).findFirst(),
                Optional::isPresent).orElseThrow();
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1; // an all-zero id is invalid
        return HexFormat.of().formatHex(random);
    }
}
