package io.stepprogress.client;

import static io.stepprogress.client.ScriptedPeer.Response.json;
import static io.stepprogress.client.ScriptedPeer.Response.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepprogress.client.ScriptedPeer.Request;
import io.stepprogress.client.ScriptedPeer.Response;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProgressClientTest {

    static final String VIEW = """
            {"projectId":"demo-1","status":"running","progress":26.7,"message":"fetching","currentStep":"clone",
             "sequence":3,"startedAt":"2026-11-28T10:15:30.123456Z","updatedAt":"2026-11-28T10:15:31Z",
             "finishedAt":null,"reason":null,"addedLater":{"x":1},
             "steps":[{"name":"clone","label":"Clone repository","weight":2,"status":"running","progress":40,
                       "message":"fetching","startedAt":"2026-11-28T10:15:30.123456Z","updatedAt":"2026-11-28T10:15:31Z"},
                      {"name":"deploy-preview","label":"Deploy preview","weight":1,"status":"pending","progress":0,
                       "message":null,"startedAt":null,"updatedAt":null}]}
            """;

    private final ObjectMapper mapper = new ObjectMapper();
    private ScriptedPeer peer;
    private ProgressClient client;

    @BeforeEach
    void startPeer() throws IOException {
        peer = new ScriptedPeer();
        client = fastRetries(ProgressClient.builder(peer.baseUrl())).build();
    }

    @AfterEach
    void stopPeer() {
        peer.close();
    }

    static ProgressClient.Builder fastRetries(ProgressClient.Builder builder) {
        return builder.retries(3, Duration.ofMillis(1), Duration.ofMillis(5)).requestTimeout(Duration.ofSeconds(5));
    }

    @Test
    void subscriberTokensArePostedWithSubjectAndTtlAndTheBearerToken() throws Exception {
        peer.then(json(201, """
                {"token":"eyJ.a.b","tokenType":"Bearer","projectId":"demo-1","scope":"progress:subscribe",
                 "expiresAt":"2026-11-28T10:20:00Z","expiresIn":300}
                """));
        ProgressClient authenticated = fastRetries(ProgressClient.builder(peer.baseUrl()).bearerToken("w-token")).build();

        SubscriberToken token = authenticated.issueSubscriberToken("demo-1", "user-42", Duration.ofMinutes(5));

        Request request = peer.onlyRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo("/api/projects/demo-1/subscriber-tokens");
        assertThat(request.header("Authorization")).isEqualTo("Bearer w-token");
        JsonNode body = mapper.readTree(request.body());
        assertThat(body.get("subject").asText()).isEqualTo("user-42");
        assertThat(body.get("ttlSeconds").asLong()).isEqualTo(300);
        assertThat(token.token()).isEqualTo("eyJ.a.b");
        assertThat(token.expiresAt()).isEqualTo(Instant.parse("2026-11-28T10:20:00Z"));
        assertThat(token.toString()).doesNotContain("eyJ");
    }

    @Test
    void aRefusedTokenIsThrownAsForbiddenWithoutRetry() {
        peer.then(problem(403, "Forbidden", "the token is not valid for project 'demo-1'"));

        assertThatThrownBy(() -> client.issueSubscriberToken("demo-1", null, null))
                .isInstanceOf(ForbiddenException.class).hasMessageContaining("not valid for project");
        assertThat(peer.requests()).hasSize(1);
    }

    // --- request shapes --------------------------------------------------------------------------------

    @Test
    void startWithTheDefaultPlanIsAPutWithoutBody() {
        peer.then(json(201, VIEW).withHeader("Location", "/api/projects/demo-1/progress"));

        client.start("demo-1");

        Request request = peer.onlyRequest();
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.rawPath()).isEqualTo("/api/projects/demo-1/initialization");
        assertThat(request.body()).isEmpty();
        assertThat(request.header("Content-Type")).isNull();
        assertThat(request.header("Accept")).contains("application/json").contains("application/problem+json");
        assertThat(request.header("Authorization")).isNull();
    }

    @Test
    void startWithAPlanSendsItsSteps() throws IOException {
        peer.then(json(201, VIEW));

        client.start("demo-1", List.of(new PlannedStep("clone", "Clone repository", 2), PlannedStep.of("deploy", "Deploy")));

        Request request = peer.onlyRequest();
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.rawPath()).isEqualTo("/api/projects/demo-1/initialization");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(mapper.readTree(request.body())).isEqualTo(mapper.readTree("""
                {"steps":[{"name":"clone","label":"Clone repository","weight":2},
                          {"name":"deploy","label":"Deploy","weight":1}]}"""));
    }

    @Test
    void startRunNamesTheRunInTheQuery() throws IOException {
        peer.then(json(201, VIEW), json(200, VIEW));

        client.startRun("demo-1", 2, List.of(PlannedStep.of("deploy", "Deploy")));
        client.startRun("demo-1", 3);

        assertThat(peer.requests()).extracting(Request::rawPath).containsExactly(
                "/api/projects/demo-1/initialization?run=2", "/api/projects/demo-1/initialization?run=3");
        assertThat(mapper.readTree(peer.requests().get(0).body())).isEqualTo(mapper.readTree("""
                {"steps":[{"name":"deploy","label":"Deploy","weight":1}]}"""));
        assertThat(peer.requests().get(1).body()).isEmpty();
        assertThatThrownBy(() -> client.startRun("demo-1", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reportProgressPostsProgressAndMessage() throws IOException {
        peer.then(json(200, VIEW), json(200, VIEW));

        client.reportProgress("demo-1", "clone", 40, "fetching");
        client.reportProgress("demo-1", "clone", 45);

        List<Request> requests = peer.requests();
        assertThat(requests).extracting(Request::method).containsOnly("POST");
        assertThat(requests).extracting(Request::rawPath).containsOnly("/api/projects/demo-1/steps/clone/progress");
        assertThat(requests.get(0).header("Content-Type")).isEqualTo("application/json");
        assertThat(body(requests.get(0))).isEqualTo(mapper.readTree("{\"progress\":40,\"message\":\"fetching\"}"));
        assertThat(body(requests.get(1))).isEqualTo(mapper.readTree("{\"progress\":45}"));
    }

    @Test
    void completeFailCancelAndProgressHitTheirEndpoints() throws IOException {
        peer.otherwise(request -> json(200, VIEW));

        client.complete("demo-1", "clone", "cloned");
        client.complete("demo-1", "clone");
        client.fail("demo-1", "deploy-preview", "npm ERR! network timeout");
        client.cancel("demo-1", "user asked");
        client.cancel("demo-1", null);
        client.progress("demo-1");

        List<Request> r = peer.requests();
        assertThat(r).extracting(req -> req.method() + " " + req.rawPath()).containsExactly(
                "POST /api/projects/demo-1/steps/clone/complete",
                "POST /api/projects/demo-1/steps/clone/complete",
                "POST /api/projects/demo-1/steps/deploy-preview/fail",
                "POST /api/projects/demo-1/initialization/cancel",
                "POST /api/projects/demo-1/initialization/cancel",
                "GET /api/projects/demo-1/progress");
        assertThat(body(r.get(0))).isEqualTo(mapper.readTree("{\"message\":\"cloned\"}"));
        assertThat(body(r.get(1))).isEqualTo(mapper.readTree("{}"));
        assertThat(body(r.get(2))).isEqualTo(mapper.readTree("{\"reason\":\"npm ERR! network timeout\"}"));
        assertThat(body(r.get(3))).isEqualTo(mapper.readTree("{\"reason\":\"user asked\"}"));
        assertThat(body(r.get(4))).isEqualTo(mapper.readTree("{}"));
        assertThat(r.get(5).body()).isEmpty();
        assertThat(r.get(5).header("Content-Type")).isNull();
    }

    @Test
    void pathSegmentsAreEncoded() {
        peer.otherwise(request -> json(200, VIEW));

        client.reportProgress("a b/c?d#e%f+ü", "..", 1, null);
        client.progress("x*y");

        assertThat(peer.requests()).extracting(Request::rawPath).containsExactly(
                "/api/projects/a%20b%2Fc%3Fd%23e%25f%2B%C3%BC/steps/%2E%2E/progress",
                "/api/projects/x%2Ay/progress");
    }

    @Test
    void aBaseUrlWithAPathPrefixAndTrailingSlashIsKept() {
        peer.then(json(200, VIEW));
        ProgressClient prefixed = ProgressClient.builder(URI.create(peer.baseUrl() + "/progress/")).build();

        prefixed.progress("demo-1");

        assertThat(peer.onlyRequest().rawPath()).isEqualTo("/progress/api/projects/demo-1/progress");
    }

    @Test
    void theBearerTokenIsSentWithEveryRequest() {
        peer.otherwise(request -> json(200, VIEW));
        ProgressClient authorized = ProgressClient.builder(peer.baseUrl()).bearerToken("s3cret").build();

        authorized.start("demo-1");
        authorized.reportProgress("demo-1", "clone", 5, null);

        assertThat(peer.requests()).extracting(r -> r.header("Authorization")).containsOnly("Bearer s3cret");
        assertThat(authorized.toString()).doesNotContain("s3cret");
    }

    @Test
    void badArgumentsFailBeforeAnyRequest() {
        assertThatThrownBy(() -> client.progress(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> client.progress("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.fail("p", "s", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ProgressClient.builder(URI.create("ftp://x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProgressClient.builder(URI.create("/relative"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProgressClient.builder(peer.baseUrl()).retries(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(peer.requests()).isEmpty();
    }

    // --- views -------------------------------------------------------------------------------------------

    @Test
    void parsesTheViewWithIsoInstantsAndLowerCaseEnums() {
        peer.then(json(200, VIEW));

        InitializationView view = client.progress("demo-1");

        assertThat(view.projectId()).isEqualTo("demo-1");
        assertThat(view.status()).isEqualTo(InitializationStatus.RUNNING);
        assertThat(view.progress()).isEqualTo(26.7);
        assertThat(view.currentStep()).isEqualTo("clone");
        assertThat(view.sequence()).isEqualTo(3);
        assertThat(view.startedAt()).isEqualTo(Instant.parse("2026-11-28T10:15:30.123456Z"));
        assertThat(view.finishedAt()).isNull();
        assertThat(view.steps()).extracting(StepView::name, StepView::status, StepView::progress, StepView::weight)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("clone", StepStatus.RUNNING, 40, 2),
                        org.assertj.core.groups.Tuple.tuple("deploy-preview", StepStatus.PENDING, 0, 1));
    }

    @Test
    void anAnswerThatIsNoViewIsAClientErrorNotARetry() {
        peer.then(json(200, "<html>hello</html>"));

        ProgressClientException e = catchThrowableOfType(() -> client.progress("demo-1"), ProgressClientException.class);

        assertThat(e.title()).isEqualTo("Unreadable response");
        assertThat(peer.requests()).hasSize(1);
    }

    // --- typed errors, no retry -----------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
            "400, Invalid request, io.stepprogress.client.InvalidRequestException",
            "400, Malformed JSON, io.stepprogress.client.InvalidRequestException",
            "415, Unsupported Media Type, io.stepprogress.client.InvalidRequestException",
            "401, Unauthorized, io.stepprogress.client.UnauthorizedException",
            "403, Forbidden, io.stepprogress.client.ForbiddenException",
            "404, Unknown project, io.stepprogress.client.NotFoundException",
            "409, Conflicting plan, io.stepprogress.client.ConflictException",
            "409, Progress regression, io.stepprogress.client.ProgressRegressionException",
            "405, Method Not Allowed, io.stepprogress.client.ProgressClientException",
    })
    void fourHundredsAreTypedAndNotRetried(int status, String title, Class<? extends ProgressClientException> type) {
        peer.then(problem(status, title, "what went wrong"));

        ProgressClientException e = catchThrowableOfType(
                () -> client.reportProgress("demo-1", "clone", 40, null), ProgressClientException.class);

        assertThat(e).isExactlyInstanceOf(type);
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.title()).isEqualTo(title);
        assertThat(e.detail()).isEqualTo("what went wrong");
        assertThat(e.request()).isEqualTo("POST /api/projects/demo-1/steps/clone/progress");
        assertThat(e).hasMessageContaining(status + " " + title).hasMessageContaining("what went wrong");
        assertThat(peer.requests()).hasSize(1);
    }

    @Test
    void validationErrorsNameTheFields() {
        peer.then(new Response(400, Map.of("Content-Type", "application/problem+json"), """
                {"type":"urn:step-progress:problem:invalid-request","title":"Invalid request","status":400,
                 "detail":"progress must be between 0 and 100","instance":"/api/projects/p/steps/s/progress",
                 "errors":[{"field":"progress","message":"must be between 0 and 100"}]}""", Duration.ZERO));

        InvalidRequestException e = catchThrowableOfType(() -> client.reportProgress("p", "s", 101, null),
                InvalidRequestException.class);

        assertThat(e.type()).isEqualTo("urn:step-progress:problem:invalid-request");
        assertThat(e.problem().instance()).isEqualTo("/api/projects/p/steps/s/progress");
        assertThat(e.errors()).containsExactly(new ProblemDetails.FieldError("progress", "must be between 0 and 100"));
    }

    @ParameterizedTest
    @CsvSource({
            "Progress regression, PROGRESS_REGRESSION",
            "Step finished, STEP_FINISHED",
            "Initialization finished, INITIALIZATION_FINISHED",
            "Conflicting plan, CONFLICTING_PLAN",
            "Run in progress, RUN_IN_PROGRESS",
            "Unknown run, UNKNOWN_RUN",
            "Something new, OTHER",
    })
    void conflictsTellTheirKind(String title, ConflictException.Kind kind) {
        peer.then(problem(409, title, "no"));

        ConflictException e = catchThrowableOfType(() -> client.complete("p", "s"), ConflictException.class);

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e instanceof ProgressRegressionException).isEqualTo(kind == ConflictException.Kind.PROGRESS_REGRESSION);
    }

    @Test
    void notFoundTellsAnUnknownStepFromAWrongUrl() {
        peer.then(problem(404, "Unknown step", "no step 'x'"),
                problem(404, "Unknown project", "no project"),
                new Response(404, Map.of("Content-Type", "text/html"), "<h1>Not Found</h1>", Duration.ZERO));

        NotFoundException step = catchThrowableOfType(() -> client.complete("p", "x"), NotFoundException.class);
        NotFoundException project = catchThrowableOfType(() -> client.progress("p"), NotFoundException.class);
        NotFoundException elsewhere = catchThrowableOfType(() -> client.progress("p"), NotFoundException.class);

        assertThat(step.kind()).isEqualTo(NotFoundException.Kind.UNKNOWN_STEP);
        assertThat(project.kind()).isEqualTo(NotFoundException.Kind.UNKNOWN_PROJECT);
        assertThat(elsewhere.kind()).isEqualTo(NotFoundException.Kind.OTHER);
        assertThat(elsewhere.title()).isEqualTo("HTTP 404");
        assertThat(elsewhere.detail()).isEqualTo("<h1>Not Found</h1>");
        assertThat(peer.requests()).hasSize(3);
    }

    // --- retries ------------------------------------------------------------------------------------------

    @Test
    void retriesA503ThenSucceedsWithTheSameRequest() throws IOException {
        peer.then(problem(503, "Service Unavailable", "starting"), new Response(502, Map.of(), "bad gateway", Duration.ZERO),
                json(200, VIEW));

        InitializationView view = client.reportProgress("demo-1", "clone", 40, "fetching");

        assertThat(view.projectId()).isEqualTo("demo-1");
        List<Request> requests = peer.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests).extracting(Request::rawPath).containsOnly("/api/projects/demo-1/steps/clone/progress");
        for (Request request : requests) {
            assertThat(body(request)).isEqualTo(mapper.readTree("{\"progress\":40,\"message\":\"fetching\"}"));
        }
    }

    @Test
    void persistentServerErrorsEndInProgressUnavailableWithTheLastAnswer() {
        peer.otherwise(request -> problem(500, "Internal error", "quote error id 42"));

        ProgressUnavailableException e = catchThrowableOfType(() -> client.start("demo-1"),
                ProgressUnavailableException.class);

        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.getCause()).isInstanceOf(ServerErrorException.class);
        assertThat(((ServerErrorException) e.getCause()).detail()).isEqualTo("quote error id 42");
        assertThat(e).hasMessageContaining("after 3 attempts").hasMessageContaining("PUT /api/projects/demo-1/initialization");
        assertThat(peer.requests()).hasSize(3);
    }

    @Test
    void connectionRefusedIsRetriedThenProgressUnavailable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProgressClient nobody = ProgressClient.builder(URI.create("http://127.0.0.1:" + port))
                .retries(4, Duration.ofMillis(1), Duration.ofMillis(5)).build();

        long started = System.nanoTime();
        ProgressUnavailableException e = catchThrowableOfType(() -> nobody.reportProgress("demo-1", "clone", 1, null),
                ProgressUnavailableException.class);

        assertThat(e.attempts()).isEqualTo(4);
        assertThat(e.status()).isZero();
        assertThat(e.getCause()).isInstanceOf(ConnectException.class);
        assertThat(e).hasMessageContaining("after 4 attempts");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aTimedOutAttemptIsRetried() {
        peer.then(json(200, VIEW).after(Duration.ofMillis(1500)), json(200, VIEW));
        ProgressClient impatient = fastRetries(ProgressClient.builder(peer.baseUrl()))
                .requestTimeout(Duration.ofMillis(300)).build();

        InitializationView view = impatient.reportProgress("demo-1", "clone", 40, null);

        assertThat(view.projectId()).isEqualTo("demo-1");
        assertThat(peer.requests()).hasSize(2);
    }

    @Test
    void timeoutsOnEveryAttemptEndInProgressUnavailable() {
        peer.otherwise(request -> json(200, VIEW).after(Duration.ofMillis(1000)));
        ProgressClient impatient = ProgressClient.builder(peer.baseUrl())
                .retries(2, Duration.ofMillis(1), Duration.ofMillis(1)).requestTimeout(Duration.ofMillis(150)).build();

        ProgressUnavailableException e = catchThrowableOfType(() -> impatient.progress("demo-1"),
                ProgressUnavailableException.class);

        assertThat(e.attempts()).isEqualTo(2);
        assertThat(e.getCause()).isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void tooManyRequestsWaitsForRetryAfter() {
        peer.then(problem(429, "Too Many Requests", "slow down").withHeader("Retry-After", "1"), json(200, VIEW));

        long started = System.nanoTime();
        client.reportProgress("demo-1", "clone", 40, null);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(peer.requests()).hasSize(2);
    }

    @Test
    void retryAfterIsHandedToTheSleeperAndWinsOverAShorterBackoff() {
        List<Duration> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProgressClient recording = fastRetries(ProgressClient.builder(peer.baseUrl())).sleeper(waits::add).build();
        peer.then(problem(503, "Service Unavailable", "busy").withHeader("Retry-After", "7"),
                problem(429, "Too Many Requests", "later").withHeader("Retry-After", "3"),
                json(200, VIEW));

        recording.progress("demo-1");

        assertThat(waits).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(3));
    }

    @Test
    void aRetryAfterLongerThanAllowedIsThrownAtOnce() {
        peer.then(problem(429, "Too Many Requests", "later").withHeader("Retry-After", "120"));

        RateLimitedException e = catchThrowableOfType(() -> client.progress("demo-1"), RateLimitedException.class);

        assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.status()).isEqualTo(429);
        assertThat(peer.requests()).hasSize(1);
    }

    @Test
    void persistentRateLimitingEndsInRateLimited() {
        peer.otherwise(request -> problem(429, "Too Many Requests", "later"));

        RateLimitedException e = catchThrowableOfType(() -> client.progress("demo-1"), RateLimitedException.class);

        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.retryAfter()).isEmpty();
        assertThat(peer.requests()).hasSize(3);
    }

    @Test
    void retryAfterAsAnHttpDate() {
        String inTenSeconds = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(10));

        assertThat(HttpProgressClient.parseRetryAfter(inTenSeconds)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        assertThat(HttpProgressClient.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isZero();
        assertThat(HttpProgressClient.parseRetryAfter(" 5 ")).isEqualTo(Duration.ofSeconds(5));
        assertThat(HttpProgressClient.parseRetryAfter("soon")).isNull();
    }

    @Test
    void anInterruptedCallerStopsRetryingAndKeepsItsFlag() throws Exception {
        peer.otherwise(request -> problem(503, "Service Unavailable", "busy"));
        ProgressClient slow = ProgressClient.builder(peer.baseUrl())
                .retries(5, Duration.ofSeconds(10), Duration.ofSeconds(10)).build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Throwable> outcome = executor.submit(() -> {
                try {
                    slow.progress("demo-1");
                    return null;
                } catch (ProgressClientException e) {
                    return Thread.currentThread().isInterrupted() ? e : new AssertionError("flag lost", e);
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> peer.requests().size() == 1);
            executor.shutdownNow();

            assertThat(outcome.get(3, TimeUnit.SECONDS)).isInstanceOf(ProgressInterruptedException.class);
            assertThat(peer.requests()).hasSize(1);
        } finally {
            executor.shutdownNow();
        }
    }

    // --- sharing -----------------------------------------------------------------------------------------

    @Test
    void oneClientServesManyThreads() throws Exception {
        peer.otherwise(request -> json(200, VIEW.replace("\"demo-1\"", "\"" + request.rawPath().split("/")[3] + "\"")));
        ExecutorService executor = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> answers = IntStream.range(0, 200)
                    .mapToObj(i -> executor.submit(() -> client.reportProgress("p-" + i, "clone", i % 101, null).projectId()))
                    .toList();
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("p-" + i);
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(peer.requests()).hasSize(200);
    }

    @Test
    void backoffGrowsExponentiallyWithJitterUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.delay(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(backoff.delay(3)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
            assertThat(backoff.delay(10)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(backoff.delay(1000)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        }
        assertThat(new Backoff(Duration.ZERO, Duration.ZERO).delay(5)).isZero();
    }

    private JsonNode body(Request request) throws IOException {
        return mapper.readTree(request.body());
    }
}
