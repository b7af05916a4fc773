package io.stepprogress.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stepprogress.client.ProgressClientException;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationView;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** {@link FakeProgressService} behind progress-service's HTTP API, on the JDK's server at 127.0.0.1. */
final class HttpFakeProgressService implements AutoCloseable {

    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final FakeProgressService service = new FakeProgressService();
    private final ObjectMapper mapper = EventJson.configure(new ObjectMapper());
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    HttpFakeProgressService() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/projects/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    FakeProgressService service() {
        return service;
    }

    List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "" : auth);
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode body = raw.length == 0 ? mapper.createObjectNode() : mapper.readTree(raw);
            // /api/projects/{p}/...
            String[] path = exchange.getRequestURI().getRawPath().split("/");
            String project = decode(path[3]);
            String route = exchange.getRequestMethod() + " " + String.join("/", List.of(path).subList(4, path.length));
            String step = path.length > 5 ? decode(path[5]) : null;
            InitializationView view;
            int status = 200;
            try {
                if (route.equals("PUT initialization")) {
                    view = service.start(project);
                    status = 201;
                } else if (route.equals("POST initialization/cancel")) {
                    view = service.cancel(project, text(body, "reason"));
                } else if (route.equals("GET progress")) {
                    view = service.progress(project);
                } else if (route.startsWith("POST steps/") && route.endsWith("/progress")) {
                    view = service.reportProgress(project, step, body.get("progress").asInt(), text(body, "message"));
                } else if (route.startsWith("POST steps/") && route.endsWith("/complete")) {
                    view = service.complete(project, step, text(body, "message"));
                } else if (route.startsWith("POST steps/") && route.endsWith("/fail")) {
                    view = service.fail(project, step, text(body, "reason"));
                } else {
                    respond(exchange, 404, "application/problem+json",
                            mapper.writeValueAsBytes(Map.of("title", "Not Found", "status", 404)));
                    return;
                }
            } catch (ProgressClientException e) {
                respond(exchange, e.status(), "application/problem+json", mapper.writeValueAsBytes(
                        Map.of("title", e.title(), "status", e.status(), "detail", String.valueOf(e.detail()))));
                return;
            }
            respond(exchange, status, "application/json", mapper.writeValueAsBytes(view));
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
