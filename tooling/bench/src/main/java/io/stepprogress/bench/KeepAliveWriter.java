package io.stepprogress.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepprogress.client.ForwardingProgressClient;
import io.stepprogress.client.ProblemDetails;
import io.stepprogress.client.ProgressClient;
import io.stepprogress.client.ProgressClientException;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The load's two writes (progress, complete) over one kept-alive HTTP/1.1 socket per writer thread; everything
 * else goes through the worker client. Profiled at 500 updates/s, the JDK HttpClient behind the worker client
 * was half of this tool's CPU (its async machinery, ~0.3 ms per update), on the two cores the stack needs: the
 * scenarios measured the tool as much as the stack. Same requests, same answers parsed into the same views, same
 * problems turned into the same exceptions (no retry, as the bench's client is configured); the latency is the
 * server's and the loopback's, as in {@code get}.
 */
final class KeepAliveWriter extends ForwardingProgressClient implements AutoCloseable {

    private final InetSocketAddress address;
    private final String host;
    private final Supplier<String> token;
    private final ObjectMapper json = EventJson.configure(new ObjectMapper());
    /** One socket per writer thread; a finished thread's is closed when a new thread asks for one. */
    private final Map<Thread, KeepAliveHttp> connections = new ConcurrentHashMap<>();

    KeepAliveWriter(ProgressClient client, URI progressUrl, Supplier<String> token) {
        super(client);
        int port = progressUrl.getPort() > 0 ? progressUrl.getPort() : 80;
        this.address = new InetSocketAddress(progressUrl.getHost(), port);
        this.host = progressUrl.getHost() + ":" + port;
        this.token = token;
    }

    private KeepAliveHttp connection() {
        Thread writer = Thread.currentThread();
        KeepAliveHttp http = connections.get(writer);
        if (http == null) {
            connections.entrySet().removeIf(e -> {
                if (e.getKey().isAlive()) {
                    return false;
                }
                e.getValue().close();
                return true;
            });
            http = new KeepAliveHttp(address);
            connections.put(writer, http);
        }
        return http;
    }

    @Override
    public InitializationView reportProgress(String projectId, String step, int progress, String message) {
        ObjectNode body = json.createObjectNode().put("progress", progress);
        if (message != null) {
            body.put("message", message);
        }
        return written(post("/api/projects/" + projectId + "/steps/" + step + "/progress", body));
    }

    @Override
    public InitializationView complete(String projectId, String step, String message) {
        ObjectNode body = json.createObjectNode();
        if (message != null) {
            body.put("message", message);
        }
        return written(post("/api/projects/" + projectId + "/steps/" + step + "/complete", body));
    }

    private InitializationView post(String path, ObjectNode body) {
        KeepAliveHttp http = connection();
        try {
            byte[] payload = json.writeValueAsBytes(body);
            int status = http.exchange(request(path, payload));
            if (status == 200) {
                return http.readBody(json, InitializationView.class);
            }
            throw ProgressClientException.forProblem(problem(status, http), "POST " + path);
        } catch (IOException e) {
            http.disconnect();
            throw new UncheckedIOException("POST " + path + ": " + e.getMessage(), e);
        }
    }

    private byte[] request(String path, byte[] payload) {
        StringBuilder head = new StringBuilder(256).append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("User-Agent: step-progress-bench\r\n")
                .append("Accept: application/json\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(payload.length).append("\r\n");
        String bearer = token.get();
        if (bearer != null) {
            head.append("Authorization: Bearer ").append(bearer).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] whole = new byte[headBytes.length + payload.length];
        System.arraycopy(headBytes, 0, whole, 0, headBytes.length);
        System.arraycopy(payload, 0, whole, headBytes.length, payload.length);
        return whole;
    }

    /** The answer's problem+json, or one made up as the worker client does for a body that is not one. */
    private ProblemDetails problem(int status, KeepAliveHttp http) {
        try {
            ProblemDetails problem = http.readBody(json, ProblemDetails.class);
            if (problem != null && problem.title() != null && problem.status() == status) {
                return problem;
            }
        } catch (IOException | RuntimeException e) {
            // not a problem: made up below
        }
        String text = http.bodyText();
        return ProblemDetails.of(status, "HTTP " + status, text.substring(0, Math.min(200, text.length())));
    }

    @Override
    public void close() {
        connections.values().forEach(KeepAliveHttp::close);
        connections.clear();
    }
}
