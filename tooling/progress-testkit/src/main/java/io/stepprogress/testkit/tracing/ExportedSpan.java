package io.stepprogress.testkit.tracing;

/**
 * One span as a service exported it over OTLP: ids in lowercase hex, {@code parentSpanId} empty for a root,
 * times in epoch nanoseconds, {@code service} the resource's {@code service.name}.
 *
 * @param kind OTLP's SpanKind number: 1 internal, 2 server, 3 client, 4 producer, 5 consumer (0 unspecified)
 */
public record ExportedSpan(String service, String traceId, String spanId, String parentSpanId, String name, int kind,
                           long startNanos, long endNanos) {

    public static final int INTERNAL = 1;
    public static final int SERVER = 2;
    public static final int CLIENT = 3;
    public static final int PRODUCER = 4;
    public static final int CONSUMER = 5;

    public boolean isRoot() {
        return parentSpanId.isEmpty();
    }

    public long durationNanos() {
        return endNanos - startNanos;
    }

    public String kindName() {
        return switch (kind) {
            case INTERNAL -> "INTERNAL";
            case SERVER -> "SERVER";
            case CLIENT -> "CLIENT";
            case PRODUCER -> "PRODUCER";
            case CONSUMER -> "CONSUMER";
            default -> "UNSPECIFIED";
        };
    }
}
