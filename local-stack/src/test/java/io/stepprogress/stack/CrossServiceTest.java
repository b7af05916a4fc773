package io.stepprogress.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepprogress.client.PlannedStep;
import io.stepprogress.client.ProgressClient;
import io.stepprogress.client.ForbiddenException;
import io.stepprogress.client.ProgressClientException;
import io.stepprogress.client.SubscriberToken;
import io.stepprogress.event.InitializationView;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import io.stepprogress.testkit.Chromium;
import io.stepprogress.testkit.PrometheusMetrics;
import io.stepprogress.testkit.SseClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;

/**
 * The real stack, started by the same launcher as the Quick start (PostgreSQL, Kafka, the four services
 * as processes), driven through the worker client. "Nothing is lost" is checked across services, under
 * faults: Kafka stopped, progress-service and audit-consumer killed with SIGKILL, notifier restarted under
 * an open browser. Each fault prints what it counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrossServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final List<PlannedStep> PLAN = List.of(new PlannedStep("clone", "Clone repository", 2),
            new PlannedStep("build", "Build", 3), new PlannedStep("deploy", "Deploy preview", 1));

    private LocalStack stack;
    private ProgressClient client;
    private String workerToken;
    private String subscriberToken;
    private String operatorToken;

    @BeforeAll
    void startTheStack() {
        Path root = Path.of(System.getProperty("stack.root", "..")).toAbsolutePath().normalize();
        LocalStack.Options options = LocalStack.Options.defaults(root)
                .withDataDir(root.resolve("local-stack/target/e2e-stack")).withReset(true).withDemo(false)
                .withInfraPorts(freePort(), freePort())
                .withPort(Service.PROGRESS, freePort()).withPort(Service.NOTIFIER, freePort())
                .withPort(Service.AUDIT, freePort()).withPort(Service.ALERT, freePort());
        for (Service service : Service.values()) {
            options = options.withManagementPort(service, freePort());
        }
        long started = System.nanoTime();
        stack = LocalStack.start(options, Duration.ofMinutes(3));
        System.out.printf("E2E stack ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        workerToken = stack.issue("e2e-worker", Scopes.WRITE, ProjectPatterns.any(), Duration.ofHours(1));
        subscriberToken = stack.issue("e2e-watcher", Scopes.SUBSCRIBE, ProjectPatterns.any(), Duration.ofHours(1));
        operatorToken = stack.issue("e2e-operator", Scopes.OPERATOR, ProjectPatterns.any(), Duration.ofHours(1));
        client = ProgressClient.builder(stack.service(Service.PROGRESS).url("")).bearerToken(workerToken)
                .retries(8, Duration.ofMillis(100), Duration.ofSeconds(2)).build();
    }

    @AfterAll
    void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void happyPathEveryServiceAgrees() throws Exception {
        List<String> completed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String project = id("happy");
            runToCompletion(project);
            completed.add(project);
        }
        String failed = id("failing");
        client.start(failed, PLAN);
        client.reportProgress(failed, "clone", 40, "cloning");
        client.fail(failed, "clone", "repository not found");

        for (String project : completed) {
            assertAuditHasEachSequenceOnce(project, client.progress(project).sequence());
            await().atMost(WAIT).until(() -> "completed".equals(json(Service.NOTIFIER,
                    "/api/projects/" + project + "/progress").path("status").asText()));
        }
        assertAuditHasEachSequenceOnce(failed, 3);
        assertProgressServiceLogsInAsItsWritePathAndRelayUsers();
        await().atMost(WAIT).until(() -> metric(Service.ALERT, "progress_initializations_finished_total",
                "outcome", "failed") >= 1);
        await().atMost(WAIT).until(() -> json(Service.ALERT, "/api/alerts").toString().contains(failed));

        try (Chromium browser = Chromium.start()) {
            signIn(browser);
            browser.driver().get(stack.service(Service.NOTIFIER).url("/#/projects/" + completed.get(0)).toString());
            browser.await(WAIT, driver -> "100".equals(driver.findElement(By.id("overall-progress"))
                    .getAttribute("aria-valuenow")), () -> "the overall bar did not reach 100");
            Path shot = browser.screenshot(Path.of("target/screenshots/e2e-completed.png"));
            assertThat(Files.size(shot)).isPositive();
        }
    }

    @Test
    @Order(2)
    void kafkaStoppedForThirtySecondsUnderLoadLosesNothing() throws Exception {
        List<String> projects = List.of(id("outage-a"), id("outage-b"), id("outage-c"));
        projects.forEach(p -> client.start(p, PLAN));
        try (SseClient watcher = SseClient.connect(stack.service(Service.NOTIFIER).url(
                "/api/projects/" + projects.get(0) + "/events"), Map.of("Authorization", "Bearer " + subscriberToken))) {
            Load load = new Load(projects, 20);
            load.start();
            await().atMost(WAIT).until(() -> load.acknowledged.get() >= 40);
            stack.kafka().stop();
            long stoppedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).until(() -> System.nanoTime() - stoppedAt >= 30_000_000_000L);
            long duringOutage = load.acknowledged.get();
            stack.kafka().start();
            load.finish();

            report("kafka stopped 30 s", projects, load);
            assertThat(load.failures.get()).as("writes that failed").isZero();
            assertThat(duringOutage).isGreaterThan(40);
            long last = client.progress(projects.get(0)).sequence();
            await().atMost(WAIT).until(() -> watcher.frames().stream().anyMatch(f -> String.valueOf(last).equals(f.id())));
            assertStrictlyIncreasingWithoutGaps(watcher);
        }
    }

    @Test
    @Order(3)
    void killingProgressServiceLosesNoAcknowledgedUpdate() throws Exception {
        List<String> projects = List.of(id("crash-a"), id("crash-b"));
        projects.forEach(p -> client.start(p, PLAN));
        Load load = new Load(projects, 20);
        load.start();
        await().atMost(WAIT).until(() -> load.acknowledged.get() >= 30);
        ServiceProcess progress = stack.service(Service.PROGRESS);
        progress.kill();
        progress.start();
        progress.awaitReady(Duration.ofMinutes(2));
        long afterRestart = load.acknowledged.get();
        await().atMost(WAIT).until(() -> load.acknowledged.get() >= afterRestart + 30);
        load.finish();

        report("progress-service SIGKILL", projects, load);
    }

    @Test
    @Order(4)
    void killingAuditConsumerKeepsExactlyOneRowPerEvent() throws Exception {
        List<String> projects = List.of(id("audit-a"), id("audit-b"));
        projects.forEach(p -> client.start(p, PLAN));
        Load load = new Load(projects, 20);
        load.start();
        await().atMost(WAIT).until(() -> load.acknowledged.get() >= 30);
        ServiceProcess audit = stack.service(Service.AUDIT);
        audit.kill();
        audit.start();
        audit.awaitReady(Duration.ofMinutes(2));
        long afterRestart = load.acknowledged.get();
        await().atMost(WAIT).until(() -> load.acknowledged.get() >= afterRestart + 30);
        load.finish();

        report("audit-consumer SIGKILL", projects, load);
        System.out.printf("E2E audit-consumer SIGKILL: redelivered events skipped by the restarted consumer=%.0f%n",
                metric(Service.AUDIT, "audit_events_duplicate_total"));
    }

    @Test
    @Order(5)
    void anOpenBrowserReconnectsAfterANotifierRestart() throws Exception {
        String project = id("browser");
        client.start(project, PLAN);
        client.reportProgress(project, "clone", 50, "halfway");
        try (Chromium browser = Chromium.start()) {
            signIn(browser);
            browser.driver().get(stack.service(Service.NOTIFIER).url("/#/projects/" + project).toString());
            browser.await(WAIT, driver -> "50".equals(driver.findElement(By.cssSelector("[data-step='clone']"))
                    .getAttribute("aria-valuenow")), () -> "the page did not show 50% for clone");

            ServiceProcess notifier = stack.service(Service.NOTIFIER);
            notifier.stop();
            client.complete(project, "clone");
            client.reportProgress(project, "build", 70, "compiling");
            notifier.start();
            notifier.awaitReady(Duration.ofMinutes(2));
            client.complete(project, "build");
            client.complete(project, "deploy");

            browser.await(WAIT, driver -> "100".equals(driver.findElement(By.id("overall-progress"))
                    .getAttribute("aria-valuenow")), () -> "the page did not reach 100% after the restart");
            browser.await(WAIT, driver -> "finished".equals(driver.findElement(By.id("connection-state"))
                    .getAttribute("data-state")), () -> "the page did not close its stream at the end");
            browser.screenshot(Path.of("target/screenshots/e2e-after-notifier-restart.png"));
        }
    }

    /** Writers that keep updating the projects' steps, counting what progress-service acknowledged. */
    private final class Load {
        final List<String> projects;
        final int updatesPerSecond;
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final Map<String, Long> lastAcknowledgedSequence = new ConcurrentHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final ExecutorService threads;
        final List<Future<?>> running = new ArrayList<>();

        Load(List<String> projects, int updatesPerSecond) {
            this.projects = projects;
            this.updatesPerSecond = updatesPerSecond;
            this.threads = Executors.newFixedThreadPool(projects.size());
        }

        void start() {
            long pauseMillis = 1000L * projects.size() / updatesPerSecond;
            for (String project : projects) {
                running.add(threads.submit(() -> {
                    outer:
                    for (PlannedStep step : PLAN) {
                        for (int p = 1; p <= 100; p++) {
                            if (stop.get()) {
                                break outer;
                            }
                            try {
                                InitializationView view = client.reportProgress(project, step.name(), p);
                                acknowledged.incrementAndGet();
                                lastAcknowledgedSequence.put(project, view.sequence());
                            } catch (ProgressClientException e) {
                                failures.incrementAndGet();
                            }
                            Thread.sleep(pauseMillis); // pacing the load, not synchronising
                        }
                    }
                    return null;
                }));
            }
        }

        void finish() throws Exception {
            stop.set(true);
            for (Future<?> future : running) {
                future.get();
            }
            threads.shutdown();
        }
    }

    /** Every acknowledged sequence reached the audit log exactly once, in order; prints the counts. */
    private void report(String fault, List<String> projects, Load load) {
        long received = 0;
        for (String project : projects) {
            long last = load.lastAcknowledgedSequence.getOrDefault(project, 1L);
            assertAuditHasEachSequenceOnce(project, last);
            received += last;
        }
        System.out.printf("E2E %s: acknowledged updates=%d failed writes=%d audit rows=%d duplicates in audit=0 lost=0%n",
                fault, load.acknowledged.get(), load.failures.get(), received);
    }

    /** The launcher hands progress-service the two least-privilege logins, not the superuser. */
    private void assertProgressServiceLogsInAsItsWritePathAndRelayUsers() throws SQLException {
        var postgres = stack.postgres();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("progress"), postgres.username(),
                postgres.password()); Statement sql = connection.createStatement()) {
            try (ResultSet rows = sql.executeQuery("SELECT DISTINCT a.usename, r.rolreplication FROM pg_stat_activity a "
                    + "JOIN pg_roles r ON r.rolname = a.usename WHERE a.datname = 'progress' AND a.pid <> pg_backend_pid()")) {
                Map<String, Boolean> users = new java.util.HashMap<>();
                while (rows.next()) {
                    users.put(rows.getString(1), rows.getBoolean(2));
                }
                assertThat(users).containsExactlyInAnyOrderEntriesOf(Map.of(LocalStack.PROGRESS_APP_ROLE, false,
                        LocalStack.PROGRESS_RELAY_ROLE, true));
            }
        }
    }

    private void assertAuditHasEachSequenceOnce(String project, long lastSequence) {
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode page = json(Service.AUDIT, "/api/audit/projects/" + project + "/events?limit=1000");
            List<Long> sequences = new ArrayList<>();
            page.path("events").forEach(e -> sequences.add(e.path("sequence").asLong()));
            assertThat(sequences).as(project).startsWith(LongStream.rangeClosed(1, lastSequence).boxed()
                    .toArray(Long[]::new));
            assertThat(new HashSet<>(sequences)).hasSameSizeAs(sequences);
        });
    }

    private static void assertStrictlyIncreasingWithoutGaps(SseClient watcher) {
        List<Long> ids = watcher.frames().stream().filter(f -> f.id() != null).map(f -> Long.parseLong(f.id())).toList();
        Set<Long> seen = new HashSet<>();
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).as("SSE ids after %s", ids.subList(0, i)).isGreaterThan(ids.get(i - 1));
        }
        assertThat(ids.stream().allMatch(seen::add)).isTrue();
        // After the snapshot, one frame per sequence: the first id plus the count covers the last id.
        assertThat(ids.get(ids.size() - 1) - ids.get(0)).isEqualTo(ids.size() - 1L);
    }

    private JsonNode json(Service service, String path) throws IOException, InterruptedException {
        String token = switch (service) {
            case NOTIFIER -> subscriberToken;
            case PROGRESS -> workerToken;
            case AUDIT, ALERT -> operatorToken;
        };
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(stack.service(service).url(path))
                        .header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    }

    private double metric(Service service, String name, String... labels) throws IOException, InterruptedException {
        String body = HTTP.send(HttpRequest.newBuilder(stack.service(service).managementUrl("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return PrometheusMetrics.parse(body).value(name, labels);
    }

    @Test
    @Order(6)
    void aHostApplicationIssuesASubscriberTokenThatOpensOnlyItsProject() throws Exception {
        String mine = id("host-mine");
        String theirs = id("host-theirs");
        client.start(mine, PLAN);
        client.start(theirs, PLAN);
        await().atMost(WAIT).until(() -> json(Service.NOTIFIER, "/api/projects/" + theirs + "/progress").has("status"));

        SubscriberToken issued = client.issueSubscriberToken(mine, "user-42", Duration.ofMinutes(5));
        HttpResponse<String> session = HTTP.send(HttpRequest.newBuilder(stack.service(Service.NOTIFIER)
                        .url("/api/session")).header("Authorization", "Bearer " + issued.token())
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(session.statusCode()).isEqualTo(200);
        String setCookie = session.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("Path=/api/projects/" + mine + "/");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        await().atMost(WAIT).until(() -> withCookie("/api/projects/" + mine + "/progress", cookie) == 200);
        assertThat(withCookie("/api/projects/" + theirs + "/progress", cookie)).isEqualTo(403);
        assertThat(withCookie("/api/projects/" + theirs + "/events", cookie)).isEqualTo(403);

        ProgressClient otherTenant = ProgressClient.builder(stack.service(Service.PROGRESS).url(""))
                .bearerToken(stack.issue("other-tenant", Scopes.WRITE, ProjectPatterns.of("other-*"), Duration.ofMinutes(5)))
                .build();
        long before = client.progress(mine).sequence();
        assertThatThrownBy(() -> otherTenant.issueSubscriberToken(mine, null, null)).isInstanceOf(ForbiddenException.class);
        assertThatThrownBy(() -> otherTenant.reportProgress(mine, "clone", 10)).isInstanceOf(ForbiddenException.class);
        assertThat(client.progress(mine).sequence()).isEqualTo(before);
    }

    @Test
    @Order(7)
    void aRestartedNotifierLoadsItsReadModelFromProgressServiceNotFromTheTopic() throws Exception {
        String project = id("reload");
        client.start(project, PLAN);
        client.reportProgress(project, "clone", 40, "copying");
        ServiceProcess notifier = stack.service(Service.NOTIFIER);
        notifier.stop();
        client.complete(project, "clone");
        notifier.start();
        notifier.awaitReady(Duration.ofMinutes(2));

        // The real GET /api/projects with the token the launcher minted: the view is there at once, and none of
        // the topic's events (this test class has published thousands) was replayed to build it.
        InitializationView truth = client.progress(project);
        JsonNode served = json(Service.NOTIFIER, "/api/projects/" + project + "/progress");
        assertThat(served.path("sequence").asLong()).isEqualTo(truth.sequence());
        assertThat(served.path("steps").get(0).path("status").asText()).isEqualTo("completed");
        assertThat(metric(Service.NOTIFIER, "notifier_events_applied_total")).isZero();

        client.reportProgress(project, "build", 10, "tailing");
        await().atMost(WAIT).until(() -> json(Service.NOTIFIER, "/api/projects/" + project + "/progress")
                .path("sequence").asLong() == truth.sequence() + 1);
    }

    private int withCookie(String path, String cookie) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(stack.service(Service.NOTIFIER).url(path))
                .header("Cookie", cookie).timeout(Duration.ofSeconds(5));
        // A stream answers 200 and stays open: only its status matters here.
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** What the stack's printed login link does: the token in the fragment, exchanged for a cookie. */
    private void signIn(Chromium browser) {
        browser.driver().get(stack.service(Service.NOTIFIER).url("/#token=" + subscriberToken).toString());
        browser.await(WAIT, driver -> !driver.getCurrentUrl().contains("token="),
                () -> "the page did not take the token from the link");
        // The page drops the token from the address before it exchanges it: the overview going live means
        // the session cookie is set.
        browser.await(WAIT, driver -> "live".equals(driver.findElement(By.id("connection-state")).getDomAttribute("data-state")),
                () -> "the overview did not go live after signing in");
    }

    private void runToCompletion(String project) {
        client.start(project, PLAN);
        for (PlannedStep step : PLAN) {
            for (int p = 25; p < 100; p += 25) {
                client.reportProgress(project, step.name(), p);
            }
            client.complete(project, step.name());
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
