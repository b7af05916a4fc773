package io.stepprogress.stack;

import static io.stepprogress.stack.TestStacks.freePort;
import static io.stepprogress.stack.TestStacks.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stepprogress.client.PlannedStep;
import io.stepprogress.client.ProgressClient;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import io.stepprogress.testkit.Chromium;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code <step-progress>} on a host application's page, as a host would use it: the page is served from
 * another site ({@code http://localhost:<port>}, while the notifier is {@code http://127.0.0.1:<port>}), under
 * its own strict Content-Security-Policy; its backend asks progress-service for a subscriber token, the page
 * posts it to the notifier's {@code POST /api/session} with credentials, then imports the element from the
 * notifier and drops it in. The events are the real pipeline's: worker calls to progress-service, the outbox
 * relay, Kafka, the notifier's read model and SSE. The notifier allows the host's origin with credentials
 * ({@code NOTIFIER_CORS_ORIGINS}) and, the host being another site, sends its cookie with
 * {@code SameSite=None} (hence Secure, which browsers accept from loopback over plain HTTP) and
 * {@code Partitioned}: Chromium refuses the same cookie unpartitioned there, as a third-party cookie.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostPageElementTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final List<PlannedStep> PLAN = List.of(new PlannedStep("clone", "Clone repository", 2),
            new PlannedStep("build", "Build", 3), new PlannedStep("deploy", "Deploy preview", 1));
    /** The host page themes the element with this running colour (host.css). */
    private static final String HOST_RUNNING_COLOUR = "rgb(124, 58, 237)";

    private LocalStack stack;
    private ProgressClient client;
    private HttpServer host;
    private String hostOrigin;
    private Chromium browser;

    @BeforeAll
    void startTheStackAndTheHost() throws IOException {
        int hostPort = freePort();
        hostOrigin = "http://localhost:" + hostPort;
        LocalStack.Options options = TestStacks.onFreePorts("host-page-stack")
                .withEnvironment("NOTIFIER_CORS_ORIGINS", hostOrigin)
                .withEnvironment("NOTIFIER_SESSION_SAME_SITE", "none")
                // Four services start at once on a shared 2-core machine: a first connection may take its time.
                .withEnvironment("QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "60S");
        stack = LocalStack.start(options, Duration.ofMinutes(5));
        String workerToken = stack.issue("host-app-backend", Scopes.WRITE, ProjectPatterns.any(), Duration.ofHours(1));
        client = ProgressClient.builder(stack.service(Service.PROGRESS).url("")).bearerToken(workerToken)
                .retries(8, Duration.ofMillis(100), Duration.ofSeconds(2)).build();
        host = hostApplication(hostPort);
        browser = Chromium.start();
    }

    @AfterAll
    void stopEverything() {
        if (browser != null) {
            browser.close();
        }
        if (host != null) {
            host.stop(0);
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void theElementFollowsARunToTheEndAcrossANotifierRestart() throws Exception {
        String project = id("host");
        client.start(project, PLAN);
        client.reportProgress(project, "clone", 50, "halfway");
        browser.driver().get(hostOrigin + "/?project=" + project);

        awaitElement(e -> e.path("steps").path("clone").asDouble() == 50
                && "running".equals(e.path("status").asText()), "clone at 50%, running");
        assertOverallIsProgressServices(project);
        JsonNode shown = element();
        assertThat(shown.path("message").asText()).isEqualTo("Clone repository — halfway");
        assertThat(shown.path("etaShown").asBoolean()).as("the ETA is shown exactly when the view has one")
                .isEqualTo(shown.path("viewHasEta").asBoolean());
        assertThat(shown.path("runningColour").asText()).as("themed by the host's custom property")
                .isEqualTo(HOST_RUNNING_COLOUR);
        assertThat(shown.path("overallHeight").asDouble()).as("the element's own styles apply").isPositive();
        for (JsonNode bar : shown.path("bars")) {
            assertThat(bar.path("min").asText()).isEqualTo("0");
            assertThat(bar.path("max").asText()).isEqualTo("100");
            assertThat(bar.path("now").asText()).isNotBlank();
            assertThat(bar.path("label").asText()).isNotBlank();
        }
        assertThat(shown.path("bars")).hasSize(4);
        assertThat(shown.path("bars").get(1).path("label").asText()).isEqualTo("Clone repository");

        ServiceProcess notifier = stack.service(Service.NOTIFIER);
        notifier.stop();
        client.complete(project, "clone");
        client.reportProgress(project, "build", 70, "compiling");
        notifier.start();
        notifier.awaitReady(Duration.ofMinutes(2));

        awaitElement(e -> e.path("steps").path("clone").asDouble() == 100
                && e.path("steps").path("build").asDouble() == 70, "clone done and build at 70% after the restart");
        assertOverallIsProgressServices(project);
        browser.screenshot(Path.of("target/screenshots/host-page-element-running.png"));

        client.complete(project, "build");
        client.complete(project, "deploy");
        awaitElement(e -> e.path("overall").asDouble() == 100 && "completed".equals(e.path("status").asText())
                && "finished".equals(e.path("state").asText()), "100%, completed and finished");
        assertThat(element().path("message").asText()).isEqualTo("All 3 steps completed");
        Path shot = browser.screenshot(Path.of("target/screenshots/host-page-element.png"));
        assertThat(Files.size(shot)).isPositive();
        assertThat(browser.pageErrors()).as("script errors, CORS or policy refusals on the host page").isEmpty();
    }

    @Test
    @Order(2)
    void theElementSaysSessionExpiredAtTheTokensExpiry() throws IOException {
        String project = id("expiring");
        client.start(project, PLAN);
        client.reportProgress(project, "clone", 20, "started");
        browser.driver().get(hostOrigin + "/?project=" + project + "&ttl=6");
        awaitElement(e -> e.path("steps").path("clone").asDouble() == 20, "clone at 20%");

        awaitElement(e -> "expired".equals(e.path("state").asText()), "the state expired");
        JsonNode shown = element();
        assertThat(shown.path("notice").asText()).isEqualTo("Session expired.");
        assertThat(shown.path("noticeShown").asBoolean()).isTrue();
        assertThat(shown.path("steps").path("clone").asDouble()).as("the last progress stays shown").isEqualTo(20);
        browser.screenshot(Path.of("target/screenshots/host-page-element-expired.png"));
        assertThat(browser.pageErrors()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------

    /**
     * The host application: its page and script (under its own policy, which lets in the notifier for scripts
     * and connections only), and its backend's one endpoint, which asks progress-service for a subscriber token
     * for the user's project as a real host backend would (ProgressClient, with the host's worker token).
     */
    private HttpServer hostApplication(int port) throws IOException {
        String notifier = stack.service(Service.NOTIFIER).url("").toString();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/" -> send(exchange, "text/html", page(notifier));
                case "/host.js" -> send(exchange, "text/javascript", script(notifier));
                case "/host.css" -> send(exchange, "text/css", """
                        body { font-family: system-ui, sans-serif; margin: 32px; background: #fafafa; color: #222; }
                        main { max-width: 560px; }
                        step-progress { --step-progress-running: #7c3aed; --step-progress-background: #fff;
                          --step-progress-radius: 14px; margin-top: 16px; }
                        """);
                case "/api/progress-token" -> {
                    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
                    Duration ttl = Duration.ofSeconds(Long.parseLong(query.getOrDefault("ttl", "600")));
                    var token = client.issueSubscriberToken(query.get("project"), "user-42", ttl);
                    send(exchange, "application/json", JSON.writeValueAsString(Map.of("token", token.token())));
                }
                default -> {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                }
            }
        });
        server.start();
        return server;
    }

    private static String page(String notifier) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' %1$s; \
                connect-src 'self' %1$s; style-src 'self'">
                  <title>Host application</title>
                  <link rel="stylesheet" href="/host.css">
                  <script type="module" src="/host.js"></script>
                </head>
                <body>
                  <main>
                    <h1>Your preview environment</h1>
                    <p>We are setting it up; this page follows along.</p>
                  </main>
                </body>
                </html>
                """.formatted(notifier);
    }

    /** What docs/security.md's complete host page shows: token from the backend, session, then the element. */
    private static String script(String notifier) {
        return """
                const notifier = '%s';
                const params = new URLSearchParams(location.search);
                const project = params.get('project');
                const answer = await fetch('/api/progress-token?project=' + encodeURIComponent(project)
                    + '&ttl=' + (params.get('ttl') || '600'));
                const { token } = await answer.json();
                await fetch(notifier + '/api/session', {
                  method: 'POST', credentials: 'include', headers: { Authorization: 'Bearer ' + token },
                });
                await import(notifier + '/step-progress.js');
                const element = document.createElement('step-progress');
                element.setAttribute('project', project);
                document.querySelector('main').append(element);
                """.formatted(notifier.replaceAll("/$", ""));
    }

    private static void send(HttpExchange exchange, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    /** What the element shows, read from its shadow root; empty until it is on the page. */
    private JsonNode element() {
        Object state = browser.script("""
                const e = document.querySelector('step-progress');
                const r = e && e.shadowRoot;
                if (!r || !r.querySelector('.overall')) return '{}';
                const steps = {};
                for (const bar of r.querySelectorAll('.bar[data-step]')) steps[bar.dataset.step] = Number(bar.getAttribute('aria-valuenow'));
                const bars = [...r.querySelectorAll('[role=progressbar]')].map(b => ({
                  min: b.getAttribute('aria-valuemin'), max: b.getAttribute('aria-valuemax'),
                  now: b.getAttribute('aria-valuenow'), label: b.getAttribute('aria-label') }));
                const running = r.querySelector('.bar[data-status=running] .bar-fill');
                const eta = r.querySelector('.eta');
                const notice = r.querySelector('.notice');
                return JSON.stringify({
                  state: e.state, status: r.querySelector('.status').textContent,
                  overall: Number(r.querySelector('.overall').getAttribute('aria-valuenow')),
                  message: r.querySelector('.message').textContent, steps, bars,
                  etaShown: !eta.hidden, viewHasEta: Boolean(e.view && e.view.eta),
                  notice: notice.textContent, noticeShown: !notice.hidden,
                  runningColour: running ? getComputedStyle(running).backgroundColor : '',
                  overallHeight: r.querySelector('.overall').getBoundingClientRect().height });
                """);
        try {
            return JSON.readTree((String) state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitElement(java.util.function.Predicate<JsonNode> condition, String what) {
        browser.await(WAIT, driver -> condition.test(element()),
                () -> "the element does not show " + what + ": " + element() + " console: " + browser.console());
    }

    private void assertOverallIsProgressServices(String project) {
        double truth = client.progress(project).progress();
        awaitElement(e -> Math.abs(e.path("overall").asDouble() - truth) < 0.05, "overall at " + truth);
    }
}
