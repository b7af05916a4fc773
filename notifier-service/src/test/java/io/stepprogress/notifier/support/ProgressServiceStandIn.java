package io.stepprogress.notifier.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * progress-service's operator read API as the notifier uses it ({@code GET /api/projects} in keyset pages,
 * {@code GET /api/projects/{id}/progress}), serving views the test built with the testkit's Events. Our own
 * API, not PostgreSQL or Kafka: the real endpoint is tested in progress-service (ProjectListingTest).
 */
public final class ProgressServiceStandIn implements AutoCloseable {

    public static final String TOKEN = "stand-in-operator-token";
    private static final ObjectMapper JSON = EventJson.configure(new ObjectMapper());

    private final HttpServer server;
    /** Newest first, as progress-service lists them. */
    private final List<InitializationView> listed = new CopyOnWriteArrayList<>();
    private final Map<String, InitializationView> known = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> answered = new CopyOnWriteArrayList<>();
    private final Map<String, CountDownLatch> held = new ConcurrentHashMap<>();
    private final ExecutorService handlers = Executors.newCachedThreadPool();

    public ProgressServiceStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/projects", this::handle);
        server.setExecutor(handlers); // a held answer waits on its own thread, not in front of every other one
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Listed (newest first) and known. */
    public ProgressServiceStandIn list(InitializationView... views) {
        for (InitializationView view : views) {
            listed.add(view);
            known.put(view.projectId(), view);
        }
        return this;
    }

    /** Known to GET .../progress, beyond what the listing returns (older projects). */
    public ProgressServiceStandIn know(InitializationView view) {
        known.put(view.projectId(), view);
        return this;
    }

    public void forget(String projectId) {
        known.remove(projectId);
    }

    /** GET .../progress of this project answers 500. */
    public void fail(String projectId) {
        failing.add(projectId);
    }

    /** GET .../progress of this project waits, once asked, until {@link #release}: a slow answer. */
    public void hold(String projectId) {
        held.put(projectId, new CountDownLatch(1));
    }

    public void release(String projectId) {
        CountDownLatch latch = held.remove(projectId);
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Method, path and query of every request, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** Method, path and query of every request answered (its response sent and closed), in order. */
    public List<String> answered() {
        return List.copyOf(answered);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        String request = exchange.getRequestMethod() + " " + path + (query == null ? "" : "?" + query);
        requests.add(request);
        try (exchange) {
            answer(exchange, path, query);
        }
        answered.add(request);
    }

    private void answer(HttpExchange exchange, String path, String query) throws IOException {
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            send(exchange, 401, Map.of("status", 401, "title", "Unauthorized"));
            return;
        }
        if (path.equals("/api/projects")) {
            Map<String, String> params = params(query);
            int limit = Integer.parseInt(params.getOrDefault("limit", "100"));
            int from = params.containsKey("after") ? Integer.parseInt(params.get("after")) : 0;
            List<InitializationView> page = new ArrayList<>(
                    listed.subList(Math.min(from, listed.size()), Math.min(from + limit, listed.size())));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("projects", page);
            body.put("next", from + limit < listed.size() ? String.valueOf(from + limit) : null);
            send(exchange, 200, body);
            return;
        }
        String projectId = path.substring("/api/projects/".length(), path.length() - "/progress".length());
        awaitRelease(projectId);
        if (failing.contains(projectId)) {
            send(exchange, 500, Map.of("status", 500, "title", "Internal Server Error"));
        } else if (known.containsKey(projectId)) {
            send(exchange, 200, known.get(projectId));
        } else {
            send(exchange, 404, Map.of("status", 404, "title", "Not Found"));
        }
    }

    private void awaitRelease(String projectId) {
        CountDownLatch latch = held.get(projectId);
        if (latch == null) {
            return;
        }
        try {
            if (!latch.await(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the answer for " + projectId + " was never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                params.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    @Override
    public void close() {
        held.values().forEach(CountDownLatch::countDown);
        server.stop(0);
        handlers.shutdownNow();
    }
}
