package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stepprogress.client.ProgressClient;
import io.stepprogress.client.ProgressClientException;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The load's writer against a real HTTP server on loopback: what it sends, and what it makes of each answer. */
class KeepAliveWriterTest {

    private final ObjectMapper json = EventJson.configure(new ObjectMapper());
    private final Queue<String> requests = new ConcurrentLinkedQueue<>();
    private final Queue<Integer> clientPorts = new ConcurrentLinkedQueue<>();
    private volatile int status = 200;
    private volatile String contentType = "application/json";
    private volatile String body;
    private HttpServer server;
    private KeepAliveWriter writer;

    @BeforeEach
    void start() throws IOException {
        Instant t = Instant.parse("2026-11-30T03:00:00Z");
        body = json.writeValueAsString(new InitializationView("bench-0", InitializationStatus.RUNNING, 40.0, "x", "a",
                7, t, t, null, null, List.of(new StepView("a", "A", 1, StepStatus.RUNNING, 40, "m", t, t)), 1));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        ProgressClient client = ProgressClient.builder(url).retries(1, Duration.ZERO, Duration.ZERO).build();
        writer = new KeepAliveWriter(client, url, () -> "the-token");
    }

    @AfterEach
    void stop() {
        writer.close();
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String sent = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                + exchange.getRequestHeaders().getFirst("Authorization") + " "
                + exchange.getRequestHeaders().getFirst("Content-Type") + " " + sent);
        clientPorts.add(exchange.getRemoteAddress().getPort());
        byte[] answer = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @Test
    void progressAndCompleteArePostedWithTheTokenOnOneKeptAliveConnectionAndTheViewIsRead() {
        InitializationView view = writer.reportProgress("bench-0", "a", 40, "m");
        writer.complete("bench-0", "a", null);

        assertThat(view.sequence()).isEqualTo(7);
        assertThat(view.steps().get(0).progress()).isEqualTo(40);
        assertThat(requests).containsExactly(
                "POST /api/projects/bench-0/steps/a/progress Bearer the-token application/json {\"progress\":40,\"message\":\"m\"}",
                "POST /api/projects/bench-0/steps/a/complete Bearer the-token application/json {}");
        assertThat(clientPorts.stream().distinct()).hasSize(1);
    }

    @Test
    void aShed503IsTheWorkerClientsExceptionWithItsStatusAndDetail() {
        status = 503;
        contentType = "application/problem+json";
        body = "{\"title\":\"Service unavailable\",\"status\":503,\"detail\":\"overloaded\"}";

        assertThatThrownBy(() -> writer.reportProgress("bench-0", "a", 40, null))
                .isInstanceOfSatisfying(ProgressClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.detail()).isEqualTo("overloaded");
                });
    }

    @Test
    void anAnswerThatIsNoProblemGetsOneMadeUpWithItsStatus() {
        status = 502;
        contentType = "text/html";
        body = "<html>bad gateway</html>";

        assertThatThrownBy(() -> writer.complete("bench-0", "a", null))
                .isInstanceOfSatisfying(ProgressClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.title()).isEqualTo("HTTP 502");
                    assertThat(e.detail()).isEqualTo("<html>bad gateway</html>");
                });
    }
}
