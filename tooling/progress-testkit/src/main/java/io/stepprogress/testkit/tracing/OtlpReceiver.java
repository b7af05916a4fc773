package io.stepprogress.testkit.tracing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * A tiny OTLP/HTTP trace collector on loopback, for tests whose services run as processes of their own (an
 * in-memory exporter sees one JVM only): each service exports to it with {@link #exportSettings()}, and the
 * test reads the spans of a trace, whichever process made them. Takes {@code POST /v1/traces} with
 * {@code application/x-protobuf} bodies (what {@code http/protobuf} sends), answers 200 with an empty
 * {@code ExportTraceServiceResponse}.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** Beyond this many spans kept, further ones are counted and dropped: a long test must not fill the heap. */
    private static final int MAX_SPANS = 200_000;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "otlp-receiver");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, List<ExportedSpan>> byTrace = new ConcurrentHashMap<>();
    private final AtomicLong kept = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    /** Listening on a free loopback port. */
    public static OtlpReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            OtlpReceiver receiver = new OtlpReceiver(server);
            server.createContext("/v1/traces", receiver::export);
            server.setExecutor(receiver.threads);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL; exporters append {@code /v1/traces}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The environment that turns a packaged service's tracing on and points it here (Quarkus' OTLP exporter over
     * HTTP), with a short batch delay so spans arrive within a fraction of a second of ending.
     */
    public Map<String, String> exportSettings() {
        return Map.of("QUARKUS_OTEL_SDK_DISABLED", "false",
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint(),
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf",
                "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "100ms");
    }

    /** The spans received so far for this trace (lowercase hex id), in arrival order. */
    public List<ExportedSpan> spans(String traceId) {
        List<ExportedSpan> spans = byTrace.get(traceId);
        if (spans == null) {
            return List.of();
        }
        synchronized (spans) {
            return List.copyOf(spans);
        }
    }

    /** Spans received in all, of every trace (those kept). */
    public long received() {
        return kept.get();
    }

    /** Spans not kept because {@link #MAX_SPANS} were held already. */
    public long dropped() {
        return dropped.get();
    }

    /** Requests it could not read (answered 400): a wrong protocol or body would show here. */
    public long refused() {
        return refused.get();
    }

    private void export(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            List<ExportedSpan> spans;
            try {
                spans = OtlpTraceDecoder.decode(body(exchange));
            } catch (RuntimeException e) {
                refused.incrementAndGet();
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            for (ExportedSpan span : spans) {
                if (kept.incrementAndGet() > MAX_SPANS) {
                    kept.decrementAndGet();
                    dropped.incrementAndGet();
                    continue;
                }
                List<ExportedSpan> trace = byTrace.computeIfAbsent(span.traceId(), id -> new ArrayList<>());
                synchronized (trace) {
                    trace.add(span);
                }
            }
            // An empty ExportTraceServiceResponse: no partial success to report.
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        try (InputStream in = "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(exchange.getRequestBody())
                : exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
