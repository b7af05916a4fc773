package io.stepprogress.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * A scripted progress-service: the JDK's HTTP server on 127.0.0.1 answering queued responses in order
 * (or a fallback), recording every request it received.
 */
final class ScriptedPeer implements AutoCloseable {

    record Request(String method, String rawPath, Map<String, List<String>> headers, String body) {

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase());
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    record Response(int status, Map<String, String> headers, String body, Duration delay) {

        static Response json(int status, String body) {
            return new Response(status, Map.of("Content-Type", "application/json"), body, Duration.ZERO);
        }

        static Response problem(int status, String title, String detail) {
            String slug = title.toLowerCase().replaceAll("[^a-z0-9]+", "-");
            return new Response(status, Map.of("Content-Type", "application/problem+json"),
                    "{\"type\":\"urn:step-progress:problem:" + slug + "\",\"title\":\"" + title + "\",\"status\":"
                            + status + ",\"detail\":\"" + detail + "\",\"instance\":\"/api/x\"}", Duration.ZERO);
        }

        Response withHeader(String name, String value) {
            Map<String, String> all = new HashMap<>(headers);
            all.put(name, value);
            return new Response(status, all, body, delay);
        }

        Response after(Duration wait) {
            return new Response(status, headers, body, wait);
        }
    }

    static {
        // The JDK server writes headers and body separately: without this, Nagle and delayed ACKs add ~40 ms
        // to every keep-alive exchange. Read once, when the server classes load.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final BlockingQueue<Response> script = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<Request> received = new ConcurrentLinkedQueue<>();
    private volatile Function<Request, Response> fallback =
            request -> Response.problem(500, "Unscripted", "no response scripted for " + request.rawPath());

    ScriptedPeer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    ScriptedPeer then(Response... responses) {
        script.addAll(List.of(responses));
        return this;
    }

    ScriptedPeer otherwise(Function<Request, Response> answer) {
        this.fallback = answer;
        return this;
    }

    List<Request> requests() {
        return new ArrayList<>(received);
    }

    Request onlyRequest() {
        List<Request> all = requests();
        if (all.size() != 1) {
            throw new AssertionError("expected exactly one request, got " + all.size() + ": " + all);
        }
        return all.get(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), List.copyOf(values)));
            String query = exchange.getRequestURI().getRawQuery();
            Request request = new Request(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query),
                    headers, body);
            received.add(request);
            Response response = script.poll();
            if (response == null) {
                response = fallback.apply(request);
            }
            if (!response.delay().isZero()) {
                try {
                    Thread.sleep(response.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = response.body() == null ? new byte[0] : response.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
